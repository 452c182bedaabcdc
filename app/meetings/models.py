"""Consultation meetings of a stage, and which meeting a registered note came from."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, TimestampMixin

if TYPE_CHECKING:
    from app.projects.models import Stage


class Meeting(TimestampMixin, Base):
    """A samrådsmöte: when (stored in UTC), where, how accessible, and a link to join online."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stages.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[dict[str, str]] = mapped_column(default=dict)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: Venue and street address; empty for a meeting held only online.
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    #: How accessible the venue is (step-free entrance, hearing loop ...), per language.
    accessibility: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: A link to take part digitally.
    online_url: Mapped[str | None] = mapped_column(sa.String(1000), default=None)
    description: Mapped[dict[str, str]] = mapped_column(default=dict)

    stage: Mapped[Stage] = relationship()

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="times_order"),
        sa.CheckConstraint("place <> '' OR online_url IS NOT NULL", name="somewhere"),
    )


class MeetingNote(Base):
    """A contribution registered by staff (channel ``meeting``) from this meeting's notes."""

    __tablename__ = "meeting_notes"

    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
