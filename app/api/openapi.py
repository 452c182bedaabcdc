"""JSON API v1: the OpenAPI 3.1 document, generated from the schemas (docs/validation.md).

Served at ``GET /api/v1/openapi.json``. The components are the JSON Schemas pydantic makes of
the request schemas (the same ones the views validate with) and of the answer documents
(``app/api/schemas.py``); :data:`OPERATIONS` is the declarative list of paths. A test validates
the document and checks that every route registered under ``/api/v1`` appears in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import jsonify
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from app.api import bp
from app.api import schemas as docs
from app.comments.schemas import NewComment
from app.surveys.schemas import NewResponse

JSON = "application/json"
GEOJSON = "application/geo+json"
REF = "#/components/schemas/{model}"

#: What each error status means, for every operation that can answer it.
ERRORS = {
    400: "Malformed request (not a JSON object, bad query parameter).",
    401: "Login or an API token is needed.",
    403: "Not allowed (closed stage, participation policy, role).",
    404: "Unknown or not visible.",
    409: "Conflicts with what is stored (closed, already answered, client_id reused).",
    413: "The request body is too large.",
    422: "Invalid input; `fields` names each problem.",
    429: "Too many requests; see Retry-After.",
}


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    where: str = "path"
    schema: Mapping[str, Any] | None = None


STAGE_ID = Param("stage_id", "The stage's id.")
SURVEY_ID = Param("survey_id", "The survey's id.")
PROJECT_ID = Param("project_id", "The project's id.")
LANG = Param(
    "lang",
    "Language of titles and labels (defaults to the interface language).",
    "query",
    {"type": "string", "example": "sv"},
)
PAGE = Param("page", "Page number, from 1.", "query", {"type": "integer", "minimum": 1})
BBOX = Param(
    "bbox",
    "minLon,minLat,maxLon,maxLat (WGS84).",
    "query",
    {"type": "string", "example": "17.9,59.2,18.0,59.3"},
)


@dataclass(frozen=True)
class Operation:
    """One documented endpoint. ``ok`` is the 200 answer's model (or one per media type);
    ``idempotent`` writes answer 201 when stored and 200 with the same body on a re-send."""

    method: str
    path: str
    operation_id: str
    summary: str
    tags: tuple[str, ...]
    ok: type[BaseModel] | Mapping[str, type[BaseModel]]
    params: tuple[Param, ...] = ()
    body: type[BaseModel] | None = None
    idempotent: bool = False
    errors: tuple[int, ...] = ()
    description: str | None = None
    staff: bool = False
    not_modified: bool = False


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "get",
        "/api/v1/projects",
        "listProjects",
        "Published projects of every organization",
        ("projects",),
        docs.ProjectList,
        params=(LANG,),
        errors=(429,),
    ),
    Operation(
        "get",
        "/api/v1/projects/{project_id}",
        "getProject",
        "A project with its stages and activities",
        ("projects",),
        docs.ProjectDetail,
        params=(PROJECT_ID, LANG),
        errors=(404,),
    ),
    Operation(
        "get",
        "/api/v1/stages/{stage_id}/comments",
        "listStageComments",
        "Published comments of a stage",
        ("comments",),
        {GEOJSON: docs.CommentFeatureCollection, JSON: docs.CommentPage},
        params=(STAGE_ID, BBOX, PAGE),
        errors=(400, 404),
        description=(
            "With `bbox`, a GeoJSON FeatureCollection of the comments placed in the box "
            "(with an ETag; 304 on a matching If-None-Match); each feature's `photo` is the "
            "comment's photo (thumbnail and full-size URL, description, thumbnail size) or "
            "null. Without it, a paginated list of all published comments."
        ),
        not_modified=True,
    ),
    Operation(
        "post",
        "/api/v1/stages/{stage_id}/comments",
        "createComment",
        "Post a comment or reply (idempotent by client_id)",
        ("comments",),
        docs.Comment,
        params=(STAGE_ID,),
        body=NewComment,
        idempotent=True,
        errors=(400, 403, 404, 409, 413, 422, 429),
        description=(
            "Browser calls send the session cookie and the CSRF token as X-CSRFToken. "
            "Replies deeper than two levels attach to the level-2 comment's parent."
        ),
    ),
    Operation(
        "get",
        "/api/v1/surveys/{survey_id}",
        "getSurvey",
        "A survey with its pages and questions",
        ("surveys",),
        docs.Survey,
        params=(SURVEY_ID, LANG),
        errors=(404,),
    ),
    Operation(
        "post",
        "/api/v1/surveys/{survey_id}/responses",
        "createResponse",
        "Submit a response (idempotent by client_id)",
        ("surveys",),
        docs.StoredResponse,
        params=(SURVEY_ID,),
        body=NewResponse,
        idempotent=True,
        errors=(400, 403, 404, 409, 413, 422, 429),
        description=(
            "A marking may name a photo in its properties (photo = a key of 8-64 letters, "
            "digits, - or _; photo_alt = its description). The photos then come with the "
            "response as multipart/form-data: the JSON in the part 'response', each photo "
            "(JPEG, PNG or WebP, at most 10 MB) in the part 'photo-<key>'."
        ),
    ),
    Operation(
        "get",
        "/api/v1/surveys/{survey_id}/responses",
        "listResponses",
        "Staff: a page of the survey's responses",
        ("surveys", "staff"),
        docs.ResponsePage,
        params=(SURVEY_ID, PAGE),
        errors=(400, 401, 403, 404),
        description="Personal data only for roles allowed to see it.",
        staff=True,
    ),
    Operation(
        "get",
        "/api/v1/stages/{stage_id}/indicators",
        "getStageIndicators",
        "Staff: the stage's indicators",
        ("staff",),
        docs.Indicators,
        params=(STAGE_ID,),
        errors=(401, 403, 404),
        staff=True,
    ),
    Operation(
        "get",
        "/api/v1/openapi.json",
        "getOpenApi",
        "This document",
        ("meta",),
        docs.AnyObject,
    ),
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _content(model: type[BaseModel] | Mapping[str, type[BaseModel]]) -> dict[str, Any]:
    by_type = model if isinstance(model, Mapping) else {JSON: model}
    return {media: {"schema": _ref(m)} for media, m in by_type.items()}


def _parameter(param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": param.where,
        "required": param.where == "path",
        "description": param.description,
        "schema": dict(param.schema or {"type": "integer", "minimum": 1}),
    }


def _operation(op: Operation) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if op.idempotent:
        responses["201"] = {"description": "Stored.", "content": _content(op.ok)}
        responses["200"] = {
            "description": "Already stored with this client_id.",
            "content": _content(op.ok),
        }
    else:
        responses["200"] = {"description": op.summary + ".", "content": _content(op.ok)}
    if op.not_modified:
        responses["304"] = {"description": "Not modified since the ETag sent in If-None-Match."}
    for status in op.errors:
        responses[str(status)] = {"description": ERRORS[status], "content": _content(docs.Error)}
    item: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": list(op.tags),
        "responses": responses,
    }
    if op.description:
        item["description"] = op.description
    if op.params:
        item["parameters"] = [_parameter(p) for p in op.params]
    if op.body is not None:
        item["requestBody"] = {"required": True, "content": _content(op.body)}
    if op.staff:
        item["security"] = [{"session": []}, {"apiToken": []}]
    return item


def components() -> dict[str, Any]:
    """The JSON Schemas of every request and answer model, by model name."""
    requests = {op.body for op in OPERATIONS if op.body is not None}
    answers: set[type[BaseModel]] = {docs.Error, docs.Geometry}
    for op in OPERATIONS:
        answers.update(op.ok.values() if isinstance(op.ok, Mapping) else [op.ok])
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (m, "validation") for m in sorted(requests, key=lambda m: m.__name__)
    ] + [(m, "serialization") for m in sorted(answers, key=lambda m: m.__name__)]
    _keys, top = models_json_schema(models, ref_template=REF)
    return dict(sorted(top.get("$defs", {}).items()))


@cache
def document() -> dict[str, Any]:
    """The OpenAPI document (built once per process: it depends only on the code)."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Platsdialog API",
            "version": "1",
            "description": (
                "For the PWA's offline sync, open data and integrations. Errors are "
                '`{"error": {"code", "message", "fields"}}`. Ids are integers; geometries '
                "are GeoJSON in WGS84 (lon, lat)."
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": n} for n in ("projects", "comments", "surveys", "staff", "meta")],
        "paths": paths,
        "components": {
            "schemas": components(),
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "apiToken": {"type": "http", "scheme": "bearer"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_document() -> Any:
    """The OpenAPI 3.1 document of the API."""
    return jsonify(document())
