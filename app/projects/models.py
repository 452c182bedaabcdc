"""Projects, their partners, documents, stages, activities and feedback."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, GeometryMixin, TimestampMixin, enum_column, utcnow

if TYPE_CHECKING:
    from app.organizations.models import Organization
    from app.surveys.models import Survey


class ProjectKind(enum.StrEnum):
    DETAILPLAN = "detaljplan"
    COMPREHENSIVE = "oversiktsplan"
    PROGRAM = "program"
    PARK = "park"
    TRAFFIC = "traffic"
    OTHER = "other"


class DocumentKind(enum.StrEnum):
    """What a stage's document is, as PBL names the sets a municipality publishes."""

    CONSULTATION = "samradshandling"
    REVIEW = "granskningshandling"
    OTHER = "other"


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETED = "completed"
    ARCHIVED = "archived"


def status_order() -> Any:
    """Sort key for project lists: active and draft work first, then completed, archived last."""
    return sa.case(
        (Project.status == ProjectStatus.ARCHIVED, 2),
        (Project.status == ProjectStatus.COMPLETED, 1),
        else_=0,
    )


class StageKind(enum.StrEnum):
    START = "start"
    EARLY_DIALOGUE = "tidig_dialog"
    ANNOUNCEMENT = "kungorelse"
    CONSULTATION = "samrad"
    NOTIFICATION = "underrattelse"
    REVIEW = "granskning"
    ADOPTION = "antagande"
    IN_FORCE = "laga_kraft"
    IMPLEMENTATION = "genomforande"
    FOLLOW_UP = "uppfoljning"
    CUSTOM = "custom"


class ParticipationLevel(enum.StrEnum):
    INFORMATION = "information"
    CONSULTATION = "consultation"
    DIALOGUE = "dialogue"
    INFLUENCE = "influence"
    CODECISION = "codecision"


class StageAction(enum.StrEnum):
    """What residents may do in a stage (stored as data on the stage)."""

    RESPOND = "respond"
    COMMENT = "comment"
    PLACE_ON_MAP = "place_on_map"
    SUPPORT = "support"
    FLAG = "flag"
    VIEW_ANSWERS = "view_answers"


class ActivityKind(enum.StrEnum):
    SURVEY = "survey"
    DISCUSSION = "discussion"


class ParticipationPolicy(enum.StrEnum):
    ANONYMOUS = "anonymous"
    NICKNAME = "nickname"
    ACCOUNT = "account"


class ModerationMode(enum.StrEnum):
    POST = "post"
    PRE = "pre"


class Project(GeometryMixin, TimestampMixin, Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[ProjectKind] = enum_column(ProjectKind, "project_kind", default=ProjectKind.OTHER)
    #: The template the stages were created from (detaljplan_standard, ...).
    template: Mapped[str] = mapped_column(sa.String(40), default="free")
    status: Mapped[ProjectStatus] = enum_column(
        ProjectStatus, "project_status", default=ProjectStatus.DRAFT
    )
    title: Mapped[dict[str, str]] = mapped_column(default=dict)
    summary: Mapped[dict[str, str]] = mapped_column(default=dict)
    body: Mapped[dict[str, str]] = mapped_column(default=dict)
    cover_image_path: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    #: Alt text of the cover per language, written by the planner (required with a cover).
    cover_alt: Mapped[dict[str, str]] = mapped_column(default=dict, server_default="{}")
    #: Per content field and language: a hash of the source-language text the translation was
    #: made from ({"title": {"en": "3f2a..."}}); see ``app.core.translations``.
    translated_from: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    #: The municipality's case number (diarienummer), printed in the consultation report.
    case_number: Mapped[str | None] = mapped_column(sa.String(60), default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    organization: Mapped[Organization] = relationship()
    stages: Mapped[list[Stage]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="Stage.position",
    )
    partners: Mapped[list[ProjectPartner]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Document.position"
    )

    __table_args__ = (
        sa.UniqueConstraint("organization_id", "slug"),
        sa.Index("ix_projects_bbox", "min_lon", "min_lat", "max_lon", "max_lat"),
    )

    @property
    def is_published(self) -> bool:
        return self.status in (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED)

    @property
    def current_stage(self) -> Stage | None:
        return next((s for s in self.stages if s.is_current), None)


class ProjectPartner(Base):
    """A partner of a project: a whole organization, or one user, who reads aggregates."""

    __tablename__ = "project_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), default=None
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    #: What the partner contributes, shown on the project page.
    description: Mapped[dict[str, str]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="partners")
    organization: Mapped[Organization | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "organization_id IS NOT NULL OR user_id IS NOT NULL", name="partner_target"
        ),
        sa.UniqueConstraint("project_id", "organization_id", "user_id"),
    )


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    stage_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("stages.id", ondelete="SET NULL"), default=None
    )
    title: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: An external link, or empty when the document is an uploaded file.
    url: Mapped[str | None] = mapped_column(sa.String(1000), default=None)
    file_path: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    position: Mapped[int] = mapped_column(default=0)
    #: samradshandling, granskningshandling or other (``DocumentKind``).
    kind: Mapped[DocumentKind] = enum_column(
        DocumentKind, "document_kind", default=DocumentKind.OTHER, server_default="other"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="documents")
    stage: Mapped[Stage | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("url IS NOT NULL OR file_path IS NOT NULL", name="document_source"),
    )


class Stage(TimestampMixin, Base):
    __tablename__ = "stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[StageKind] = enum_column(StageKind, "stage_kind", default=StageKind.CUSTOM)
    title: Mapped[dict[str, str]] = mapped_column(default=dict)
    description: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: "What can still be influenced", in plain words, per language.
    influence: Mapped[dict[str, str]] = mapped_column(default=dict)
    participation_level: Mapped[ParticipationLevel] = enum_column(
        ParticipationLevel, "participation_level", default=ParticipationLevel.INFORMATION
    )
    opens_at: Mapped[datetime | None] = mapped_column(default=None)
    closes_at: Mapped[datetime | None] = mapped_column(default=None)
    is_current: Mapped[bool] = mapped_column(default=False)
    #: The resident actions this stage allows (values of ``StageAction``).
    allowed_actions: Mapped[list[str]] = mapped_column(default=list)
    #: Counts every change to the stage's comments (``app.comments.services.comments_changed``,
    #: in the same transaction): the stage map's ETag is made from it.
    comments_revision: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Hashes of the source texts the translations were made from (``app.core.translations``).
    translated_from: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")

    project: Mapped[Project] = relationship(back_populates="stages")
    activities: Mapped[list[Activity]] = relationship(
        back_populates="stage", cascade="all, delete-orphan", order_by="Activity.position"
    )
    feedback: Mapped[Feedback | None] = relationship(
        back_populates="stage", cascade="all, delete-orphan", uselist=False
    )

    __table_args__ = (
        sa.Index("ix_stages_project_position", "project_id", "position"),
        # At most one current stage per project.
        sa.Index(
            "uq_stages_one_current",
            "project_id",
            unique=True,
            sqlite_where=sa.text("is_current = 1"),
            postgresql_where=sa.text("is_current"),
        ),
        sa.CheckConstraint(
            "closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at", name="dates_order"
        ),
    )

    @hybrid_property
    def has_started(self) -> bool:
        return self.opens_at is None or self.opens_at <= utcnow()

    @hybrid_property
    def has_ended(self) -> bool:
        return self.closes_at is not None and self.closes_at <= utcnow()

    @property
    def is_open(self) -> bool:
        """Open for participation: started, not ended."""
        return bool(self.has_started and not self.has_ended)

    @property
    def status(self) -> str:
        if not self.has_started:
            return "upcoming"
        if self.has_ended:
            return "closed"
        return "open"

    def allows(self, action: StageAction | str) -> bool:
        return str(action) in (self.allowed_actions or [])


class Activity(Base):
    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stages.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ActivityKind] = enum_column(ActivityKind, "activity_kind")
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict[str, str]] = mapped_column(default=dict)
    policy: Mapped[ParticipationPolicy] = enum_column(
        ParticipationPolicy, "participation_policy", default=ParticipationPolicy.ANONYMOUS
    )
    moderation: Mapped[ModerationMode] = enum_column(
        ModerationMode, "moderation_mode", default=ModerationMode.POST
    )
    survey_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="SET NULL"), unique=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    stage: Mapped[Stage] = relationship(back_populates="activities")
    survey: Mapped[Survey | None] = relationship(back_populates="activity")

    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'survey' AND survey_id IS NOT NULL) OR kind = 'discussion'",
            name="survey_activity_has_survey",
        ),
    )


class Feedback(Base):
    """ "What we heard — what we did" for one stage, published after its round closes."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stages.id", ondelete="CASCADE"), unique=True
    )
    heard: Mapped[dict[str, str]] = mapped_column(default=dict)
    did: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: Codebook theme ids this feedback answers.
    theme_keys: Mapped[list[str]] = mapped_column(default=list)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    notified_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    stage: Mapped[Stage] = relationship(back_populates="feedback")
