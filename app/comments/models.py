"""Comments in a stage's discussion, with supports and flags.

Every comment attaches to its target through one interface: the discussion activity it
belongs to (``activity_id``); ``stage_id`` is kept alongside for map and list queries.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, GeometryMixin, enum_column, utcnow

if TYPE_CHECKING:
    from app.accounts.models import Participant, User
    from app.projects.models import Activity, Stage


class CommentStatus(enum.StrEnum):
    PUBLISHED = "published"
    PENDING = "pending"
    HIDDEN = "hidden"


class FlagReason(enum.StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


class ContributionChannel(enum.StrEnum):
    """How a contribution reached the municipality."""

    WEB = "web"
    OFFLINE = "offline"
    KIOSK = "kiosk"
    PAPER = "paper"
    LETTER = "letter"
    EMAIL = "email"
    #: Notes from a samrådsmöte (consultation meeting).
    MEETING = "meeting"


#: Channels only staff may register (app/intake); residents never send these themselves.
STAFF_ONLY_CHANNELS = frozenset(
    {ContributionChannel.LETTER, ContributionChannel.EMAIL, ContributionChannel.MEETING}
)


class SenderType(enum.StrEnum):
    """Who sent a contribution, as the samrådsredogörelse groups yttranden (PBL)."""

    RESIDENT = "resident"
    SAKAGARE = "sakagare"
    REMISSINSTANS = "remissinstans"
    ORGANISATION = "organisation"


class Comment(GeometryMixin, Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stages.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True, default=None
    )
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL"), index=True, default=None
    )
    #: Staff author of an official answer (never set for residents).
    author_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    body: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str | None] = mapped_column(sa.String(8), default=None)
    status: Mapped[CommentStatus] = enum_column(
        CommentStatus, "comment_status", default=CommentStatus.PUBLISHED
    )
    #: Written by staff on behalf of the municipality.
    is_official: Mapped[bool] = mapped_column(default=False)
    #: Staff marked this comment as needing an official answer.
    needs_answer: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Shown publicly when hidden ("removed by a moderator: <reason>").
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    #: Refused while waiting for pre-moderation: it was never public, so it is not shown at
    #: all (a hidden comment that had been published keeps its place with the reason).
    rejected: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Kinds of personal data found in the body ("email,street"; app.core.pii).
    personal_data: Mapped[str | None] = mapped_column(sa.String(60), default=None)
    client_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    supports_count: Mapped[int] = mapped_column(default=0)
    flags_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Deleted by its author: the text is removed, the thread keeps its place.
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    #: How it arrived; staff-registered channels (letter, email, meeting, paper) via app/intake.
    channel: Mapped[ContributionChannel] = enum_column(
        ContributionChannel,
        "contribution_channel",
        default=ContributionChannel.WEB,
        server_default=ContributionChannel.WEB.value,
    )
    #: Who sent it (set when staff register it); the name lives apart in ``intake_senders``.
    sender_type: Mapped[SenderType | None] = enum_column(SenderType, "sender_type", default=None)
    #: The date the municipality received it (letters, e-mails, meetings), UTC.
    received_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Staff member who registered it by hand.
    registered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    activity: Mapped[Activity] = relationship()
    stage: Mapped[Stage] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[Comment]] = relationship(
        back_populates="parent", order_by="Comment.created_at"
    )
    participant: Mapped[Participant | None] = relationship()
    author_user: Mapped[User | None] = relationship(foreign_keys=[author_user_id])

    __table_args__ = (
        sa.UniqueConstraint("stage_id", "client_id"),
        sa.Index("ix_comments_stage_status_created", "stage_id", "status", "created_at"),
        sa.Index("ix_comments_bbox", "stage_id", "min_lon", "min_lat", "max_lon", "max_lat"),
        sa.CheckConstraint("supports_count >= 0", name="supports_nonnegative"),
        sa.CheckConstraint(
            "is_official = false OR author_user_id IS NOT NULL", name="official_has_author"
        ),
    )


class Support(Base):
    """ "Håller med": one per participant and comment."""

    __tablename__ = "supports"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("comment_id", "participant_id"),)


class Flag(Base):
    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL"), index=True, default=None
    )
    reason: Mapped[FlagReason] = enum_column(FlagReason, "flag_reason")
    note: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    comment: Mapped[Comment] = relationship()

    __table_args__ = (sa.UniqueConstraint("comment_id", "participant_id"),)
