"""Codebooks, themes, codings, population reference rows and stored indicators."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, enum_column, utcnow


class TargetType(enum.StrEnum):
    COMMENT = "comment"
    ANSWER = "answer"
    FEATURE = "feature"


class ReviewState(enum.StrEnum):
    MACHINE = "machine"  # produced by the coder, not reviewed
    ACCEPTED = "accepted"  # a human agreed
    REJECTED = "rejected"  # a human disagreed
    HUMAN = "human"  # added by a human


class Coding(Base):
    """A theme attached to a contribution, with its source and review state.

    Machine codings (``source`` like ``rule:v1``) and human decisions (``source`` like
    ``human:12``) are separate rows; a human decision always wins.
    """

    __tablename__ = "codings"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[TargetType] = enum_column(TargetType, "coding_target")
    target_id: Mapped[int] = mapped_column()
    stage_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("stages.id", ondelete="CASCADE"), index=True, default=None
    )
    theme_key: Mapped[str] = mapped_column(sa.String(40))
    source: Mapped[str] = mapped_column(sa.String(40))
    confidence: Mapped[float] = mapped_column(default=1.0)
    valence: Mapped[str | None] = mapped_column(sa.String(10), default=None)
    review_state: Mapped[ReviewState] = enum_column(
        ReviewState, "review_state", default=ReviewState.MACHINE
    )
    reviewer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("target_type", "target_id", "theme_key", "source"),
        sa.Index("ix_codings_target", "target_type", "target_id"),
        sa.CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence_range"),
    )


class Disposition(enum.StrEnum):
    """The planner's decision on a contribution, reported in the consultation report."""

    MET = "met"  # tillgodoses
    PARTLY = "partly"  # tillgodoses delvis
    NOT_MET = "not_met"  # tillgodoses inte


class ContributionReview(Base):
    """Human decisions on one contribution as a whole, apart from the machine's codings.

    ``valence`` is a reviewer's correction of the machine's valence (None: no correction);
    ``disposition`` is the planner's decision whether the contribution is met (tillgodoses),
    partly met or not met, which the consultation report's "not met" section is built from.
    """

    __tablename__ = "contribution_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[TargetType] = enum_column(TargetType, "coding_target")
    target_id: Mapped[int] = mapped_column()
    stage_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("stages.id", ondelete="CASCADE"), index=True, default=None
    )
    valence: Mapped[str | None] = mapped_column(sa.String(10), default=None)
    valence_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    disposition: Mapped[Disposition | None] = enum_column(
        Disposition, "disposition", default=None, nullable=True
    )
    disposition_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("target_type", "target_id"),
        sa.CheckConstraint(
            "valence IS NULL OR valence IN ('positive', 'negative', 'neutral', 'mixed')",
            name="valence_known",
        ),
    )


class PendingCoding(Base):
    """A contribution waiting for automatic coding in the background.

    Written in the same transaction as the contribution and deleted by the job that codes it,
    so a worker that dies before coding leaves the row behind for ``flask analysis sweep``.
    """

    __tablename__ = "pending_codings"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[TargetType] = enum_column(TargetType, "coding_target")
    target_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class IndicatorSnapshot(Base):
    """Indicators computed for a stage, stored so pages need not recompute them."""

    __tablename__ = "indicator_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stages.id", ondelete="CASCADE"), unique=True
    )
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CoderModel(Base):
    """A model of the coder trained from facilitators' reviews (``analysis.learn``).

    ``scope`` is ``project`` (``project_id`` set; trained once the project has 100 reviews) or
    ``organization`` (``project_id`` null; the fallback of its smaller projects). Only the
    latest row of a scope is kept: retraining, also after an erasure, replaces it. ``json`` is
    ``analysis.learned.Model.to_json()``; the cross-validated figures are copied out for
    display.
    """

    __tablename__ = "coder_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(20))
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True, default=None
    )
    #: The model's own id (a hash of its content), recorded in coding sources.
    model_id: Mapped[str] = mapped_column(sa.String(20))
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
    n_reviews: Mapped[int] = mapped_column(default=0)
    #: Deferred: read only when this process has not parsed the model yet.
    json: Mapped[str] = mapped_column(sa.Text(), deferred=True)
    rules_f1: Mapped[float | None] = mapped_column(default=None)
    model_f1: Mapped[float | None] = mapped_column(default=None)
    rules_valence: Mapped[float | None] = mapped_column(default=None)
    model_valence: Mapped[float | None] = mapped_column(default=None)
    #: Whether cross-validation let the model in anywhere (a theme or valence).
    used: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        sa.CheckConstraint("scope IN ('organization', 'project')", name="scope_known"),
    )
