"""A follower of a project and the mails each follower has been sent."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, utcnow

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.projects.models import Project


class Follow(Base):
    """One person following one project: an account, or an address confirmed by a link."""

    __tablename__ = "follows"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    #: An account follower; mails go to the account's address.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None
    )
    #: An anonymous follower's address (never shown to partners; staff see counts only).
    email: Mapped[str | None] = mapped_column(sa.String(254), default=None)
    #: Whose comments count as "yours" for reply mails (the device or account that followed).
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL"), index=True, default=None
    )
    #: The language mails are written in.
    locale: Mapped[str] = mapped_column(sa.String(8), default="sv")
    #: Random, signed into the unsubscribe link: a link only ever stops its own follow.
    secret: Mapped[str] = mapped_column(sa.String(32))
    #: Unconfirmed follows get nothing but the confirmation mail, and expire.
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship()
    user: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("project_id", "user_id"),
        sa.UniqueConstraint("project_id", "email"),
        sa.CheckConstraint("user_id IS NOT NULL OR email IS NOT NULL", name="follower"),
    )

    @property
    def address(self) -> str | None:
        if self.user is not None:
            return self.user.email
        return self.email


class FollowMail(Base):
    """A mail sent to a follower about one event: at most one per follower and event."""

    __tablename__ = "follow_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_id: Mapped[int] = mapped_column(sa.ForeignKey("follows.id", ondelete="CASCADE"))
    #: ``stage:<id>``, ``feedback:<id>`` or ``reply:<comment id>``.
    event: Mapped[str] = mapped_column(sa.String(60))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("follow_id", "event"),)
