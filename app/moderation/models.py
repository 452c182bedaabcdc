"""Moderation decisions: every hide, restore and approval, with its reason."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, enum_column, utcnow

if TYPE_CHECKING:
    from app.accounts.models import User


class ModerationAction(enum.StrEnum):
    HIDE = "hide"
    RESTORE = "restore"
    APPROVE = "approve"
    DISMISS_FLAGS = "dismiss_flags"


class ModerationDecision(Base):
    __tablename__ = "moderation_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    moderator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    action: Mapped[ModerationAction] = enum_column(ModerationAction, "moderation_action")
    reason: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnswerAssignment(Base):
    """Who answers a comment that needs an official answer, and by when (one per comment)."""

    __tablename__ = "answer_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), unique=True
    )
    assignee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    due_on: Mapped[date | None] = mapped_column(sa.Date, default=None)
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])


class CommentNote(Base):
    """An internal note on a comment: staff only, never public or shown to partners."""

    __tablename__ = "comment_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()
