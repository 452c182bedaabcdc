"""The documents the JSON API answers with, as pydantic models for the OpenAPI document.

The request bodies are the use cases' input schemas (``app/comments/schemas.py``,
``app/surveys/schemas.py``); these models describe the answers. They only document: the views
build their JSON directly, and a test validates real answers against the generated document
(tests/integration/api/test_api_openapi.py), so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.comments.models import CommentStatus
from app.comments.schemas import Point
from app.projects.models import (
    ActivityKind,
    ModerationMode,
    ParticipationLevel,
    ParticipationPolicy,
    ProjectStatus,
)
from app.surveys.models import Channel, QuestionType, SurveyStatus


class Document(BaseModel):
    """Base of the answer documents: further fields may be added (clients ignore them)."""

    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    code: Annotated[str, Field(examples=["invalid"], description="Stable, for programs.")]
    message: Annotated[str, Field(description="For people, in the request language.")]
    fields: Annotated[dict[str, str], Field(description="Problems per request field.")]


class Error(BaseModel):
    """Every 4xx and 5xx answer of the API."""

    error: ErrorDetail


class Geometry(BaseModel):
    """A GeoJSON geometry in WGS84 (lon, lat)."""

    type: Literal["Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"]
    coordinates: list[Any]


class OrganizationRef(BaseModel):
    id: int
    slug: str
    name: str


class ProjectSummary(Document):
    id: int
    slug: str
    title: str
    organization: OrganizationRef
    status: ProjectStatus
    area: Geometry | None
    current_stage_id: int | None
    url: Annotated[str, Field(json_schema_extra={"format": "uri"})]


class ProjectList(BaseModel):
    projects: list[ProjectSummary]


class Activity(Document):
    id: int
    kind: ActivityKind
    survey_id: int | None = None
    policy: ParticipationPolicy
    moderation: ModerationMode


class Stage(Document):
    id: int
    kind: str
    title: str
    position: int
    status: Literal["open", "closed", "upcoming"]
    is_current: bool | None = None
    opens_at: datetime | None
    closes_at: datetime | None
    participation_level: ParticipationLevel
    influence: str | None = None
    activities: list[Activity]


class ProjectDetail(ProjectSummary):
    summary: str | None = None
    body: str | None = None
    stages: list[Stage]


class Comment(Document):
    id: int
    stage_id: int
    parent_id: int | None
    body: str
    geometry: Point | None = None
    status: CommentStatus | None = None
    created_at: datetime
    edited_at: datetime | None = None
    supports: Annotated[int, Field(ge=0)]
    official: bool
    client_id: str | None = None
    photo: CommentPhoto | None = Field(
        default=None,
        description="The comment's photo when it is public; null when it has none",
    )


class CommentPhoto(BaseModel):
    """A comment's photo: thumbnail and full-size URLs and the resident's description
    (null when none was written)."""

    thumbnail: str
    url: str
    alt: str | None


class CommentPage(BaseModel):
    comments: list[Comment]
    page: int
    pages: int
    total: int


class MapPhoto(BaseModel):
    """A placed comment's photo on the stage map: thumbnail and full-size URLs, the
    resident's description (null when none was written) and the thumbnail's size."""

    thumbnail: str
    url: str
    alt: str | None
    w: Annotated[int, Field(ge=0, description="Thumbnail width in pixels")]
    h: Annotated[int, Field(ge=0, description="Thumbnail height in pixels")]


class CommentProperties(BaseModel):
    id: int
    body: str
    created_at: datetime
    supports: int
    official: bool
    parent_id: int | None
    photo: MapPhoto | None = Field(
        description="The comment's photo; null when it has none or a moderator removed it"
    )


class CommentFeature(BaseModel):
    type: Literal["Feature"]
    id: int
    geometry: Geometry
    properties: CommentProperties


class CommentFeatureCollection(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[CommentFeature]


class Option(Document):
    id: int
    label: str


class Condition(BaseModel):
    question_id: int
    option_id: int


class Question(Document):
    id: int
    type: QuestionType
    page: int | None = None
    prompt: str
    required: bool
    options: list[Option]
    categories: list[Option]
    places: list[Option]
    min: int | None = None
    max: int | None = None
    condition: Condition | None = None


class SurveyPage(BaseModel):
    number: int
    question_count: int


class Survey(Document):
    id: int
    title: str
    status: SurveyStatus
    languages: list[str]
    pages: list[SurveyPage]
    questions: list[Question]


class StoredFeature(BaseModel):
    type: Literal["Feature"]
    geometry: Geometry
    properties: dict[str, Any]


class StoredAnswer(Document):
    question_id: int
    value: Any = None
    text: str | None = None
    features: list[StoredFeature] = []


class StoredResponse(Document):
    id: int
    client_id: str
    survey_id: int | None = None
    reference: str | None = None
    submitted_at: datetime | None = None
    updated_at: datetime | None = None
    language: str | None = None
    channel: Channel | None = None
    answers: Annotated[list[StoredAnswer] | None, Field(description="Staff listings only.")] = None


class ResponsePage(Document):
    survey_id: int | None = None
    page: int
    per_page: int | None = None
    pages: int
    total: int
    personal_data: bool | None = None
    responses: list[StoredResponse]


class Indicators(Document):
    """Aggregated indicators of a stage; cells below the suppression threshold are reported
    as strings such as ``"<5"``."""

    stage_id: int
    computed_at: datetime | None = None
    indicators: dict[str, Any]


class AnyObject(Document):
    """A JSON object."""
