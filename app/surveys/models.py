"""Surveys, their questions and options, and residents' responses with answers."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app.core.models import Base, GeometryMixin, PhotoMixin, enum_column, utcnow

if TYPE_CHECKING:
    from app.accounts.models import Participant
    from app.projects.models import Activity


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Resubmission(enum.StrEnum):
    """What happens when the same participant submits the same survey again."""

    UPDATE = "update"
    REFUSE = "refuse"


class QuestionType(enum.StrEnum):
    MAP_POINT = "map_point"
    MAP_LINE = "map_line"
    MAP_POLYGON = "map_polygon"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    LIKERT = "likert"
    SCALE = "scale"
    RANKING = "ranking"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    AGE_BAND = "age_band"
    GENDER = "gender"
    DISTRICT = "district"
    RELATION = "relation"


MAP_TYPES = {QuestionType.MAP_POINT, QuestionType.MAP_LINE, QuestionType.MAP_POLYGON}
DEMOGRAPHIC_TYPES = {
    QuestionType.AGE_BAND,
    QuestionType.GENDER,
    QuestionType.DISTRICT,
    QuestionType.RELATION,
}


class OptionKind(enum.StrEnum):
    OPTION = "option"
    CATEGORY = "category"  # a map category (label, icon, colour)
    PLACE = "place"  # a named place for the text alternative of a map question


class Channel(enum.StrEnum):
    WEB = "web"
    OFFLINE = "offline"
    KIOSK = "kiosk"
    PAPER = "paper"


class Survey(Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[dict[str, str]] = mapped_column(default=dict)
    intro: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: Per text field and language: a hash of the source-language text the translation was
    #: made from; see ``app.core.translations``.
    translated_from: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    status: Mapped[SurveyStatus] = enum_column(
        SurveyStatus, "survey_status", default=SurveyStatus.DRAFT
    )
    resubmission: Mapped[Resubmission] = enum_column(
        Resubmission, "resubmission", default=Resubmission.UPDATE
    )
    #: Languages residents may answer in.
    languages: Mapped[list[str]] = mapped_column(default=lambda: ["sv", "en"])
    #: Increased whenever questions change after the first response (answers keep theirs).
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    activity: Mapped[Activity | None] = relationship(back_populates="survey", uselist=False)
    questions: Mapped[list[Question]] = relationship(
        back_populates="survey",
        cascade="all, delete-orphan",
        order_by="(Question.page, Question.position)",
    )
    responses: WriteOnlyMapped[Response] = relationship(
        back_populates="survey", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def active_questions(self) -> list[Question]:
        return [q for q in self.questions if q.archived_at is None]


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[QuestionType] = enum_column(QuestionType, "question_type")
    page: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)
    prompt: Mapped[dict[str, str]] = mapped_column(default=dict)
    help_text: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: Per text field and language: a hash of the source-language text the translation was
    #: made from; see ``app.core.translations``.
    translated_from: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    required: Mapped[bool] = mapped_column(default=False)
    #: Optional codebook theme id this question is about.
    theme_hint: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    #: Min/max number of selections (multi-choice) or geometries (map questions).
    min_count: Mapped[int | None] = mapped_column(default=None)
    max_count: Mapped[int | None] = mapped_column(default=None)
    #: Type-specific settings: likert labels, number bounds, max length, restrict_to_area ...
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Display condition: show only when ``condition_question`` was answered with this option.
    condition_question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="SET NULL"), default=None
    )
    condition_option_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("question_options.id", ondelete="SET NULL", use_alter=True), default=None
    )
    #: Questions removed after responses arrived are archived, never deleted.
    archived_at: Mapped[datetime | None] = mapped_column(default=None)

    survey: Mapped[Survey] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        order_by="QuestionOption.position",
        foreign_keys="QuestionOption.question_id",
    )

    __table_args__ = (
        sa.CheckConstraint(
            "min_count IS NULL OR max_count IS NULL OR min_count <= max_count", name="count_order"
        ),
        sa.CheckConstraint("page >= 1", name="page_positive"),
    )

    def options_of(self, kind: OptionKind) -> list[QuestionOption]:
        return [o for o in self.options if o.kind == kind and o.archived_at is None]


class QuestionOption(Base):
    """A choice option, a map category or a named place of a question."""

    __tablename__ = "question_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[OptionKind] = enum_column(OptionKind, "option_kind", default=OptionKind.OPTION)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: Per text field and language: a hash of the source-language text the translation was
    #: made from; see ``app.core.translations``.
    translated_from: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    #: Stable code for exports and demographics (e.g. "18-29", "woman", "live").
    code: Mapped[str | None] = mapped_column(sa.String(60), default=None)
    #: For categories: icon name and colour; a valence hint ("negative" for "Känns otryggt").
    icon: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    color: Mapped[str | None] = mapped_column(sa.String(7), default=None)
    valence_hint: Mapped[str | None] = mapped_column(sa.String(10), default=None)
    #: "Other, please specify" option of a multi-choice question.
    is_other: Mapped[bool] = mapped_column(default=False)
    #: For places: a GeoJSON geometry of the named place (optional).
    geometry: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=None)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)

    question: Mapped[Question] = relationship(back_populates="options", foreign_keys=[question_id])


class Response(Base):
    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL"), index=True, default=None
    )
    #: Generated by the client; makes re-sending harmless (unique per survey).
    client_id: Mapped[str] = mapped_column(sa.String(36))
    language: Mapped[str] = mapped_column(sa.String(8), default="sv")
    channel: Mapped[Channel] = enum_column(Channel, "channel", default=Channel.WEB)
    survey_version: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)

    survey: Mapped[Survey] = relationship(back_populates="responses")
    participant: Mapped[Participant | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("survey_id", "client_id"),
        sa.Index("ix_responses_survey_submitted", "survey_id", "submitted_at"),
    )


class Answer(Base):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    #: The answer as the API receives it (option id(s), number, text, place ...).
    value: Mapped[Any] = mapped_column(sa.JSON, default=None)
    #: Free text carried by the answer, if any (for coding and search).
    text: Mapped[str | None] = mapped_column(sa.Text, default=None)
    #: Kinds of personal data found in the text ("phone"; app.core.pii).
    personal_data: Mapped[str | None] = mapped_column(sa.String(60), default=None)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    features: Mapped[list[AnswerFeature]] = relationship(
        back_populates="answer", cascade="all, delete-orphan", order_by="AnswerFeature.position"
    )

    __table_args__ = (sa.UniqueConstraint("response_id", "question_id"),)


class AnswerFeature(GeometryMixin, Base):
    """One geometry drawn in a map answer, with its category and comment."""

    __tablename__ = "answer_features"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("question_options.id", ondelete="SET NULL"), default=None
    )
    comment: Mapped[str | None] = mapped_column(sa.Text, default=None)

    answer: Mapped[Answer] = relationship(back_populates="features")
    category: Mapped[QuestionOption | None] = relationship()
    #: The resident's photo of the place (docs/photos.md); the database deletes it with the
    #: marking, ``app.surveys.photos`` deletes its files.
    photo: Mapped[MarkingPhoto | None] = relationship(
        back_populates="feature", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        sa.Index("ix_answer_features_bbox", "min_lon", "min_lat", "max_lon", "max_lat"),
    )


class MarkingPhoto(PhotoMixin, Base):
    """A resident's photo of a marked place: a re-encoded JPEG without metadata and its
    thumbnail under ``UPLOAD_DIR`` (``app.core.images``), served only to the resident who
    sent it and to staff who may read individual responses (``app.surveys.photos``)."""

    __tablename__ = "marking_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    feature_id: Mapped[int] = mapped_column(
        sa.ForeignKey("answer_features.id", ondelete="CASCADE"), unique=True
    )
    # The token (see PhotoMixin) is also the key a resubmission uses to keep the photo.
    path: Mapped[str] = mapped_column(sa.String(300))
    thumb_path: Mapped[str] = mapped_column(sa.String(300))

    feature: Mapped[AnswerFeature] = relationship(back_populates="photo")
