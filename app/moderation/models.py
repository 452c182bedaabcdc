"""Moderation decisions: every hide, restore and approval, with its reason."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, enum_column, utcnow


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
