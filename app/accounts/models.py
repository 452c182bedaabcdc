"""Staff and resident accounts, anonymous participants and API tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, utcnow

if TYPE_CHECKING:
    from app.organizations.models import Membership


def hash_token(token: str) -> str:
    """Tokens (participant cookies, API tokens) are stored only as SHA-256 hashes."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, Base):  # type: ignore[misc]  # Flask-Login ships no types
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; unique.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    is_superadmin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(default=None)
    #: The session counter: part of the id in the session and remember-me cookies and checked
    #: on every load; bumped on logout and password change or reset, so a cookie copied
    #: before then no longer logs anybody in (every device of the user is logged out).
    session_version: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str | None] = mapped_column(sa.String(8), default=None)
    #: The resident asked to be told when feedback is published for rounds they joined.
    notify_feedback: Mapped[bool] = mapped_column(default=False)
    #: Staff notifications: "immediately", "daily" (digest from ``flask notify digest``) or "off".
    staff_notify: Mapped[str] = mapped_column(sa.String(12), default="daily")
    #: When the last daily digest went out; the next one lists only what came after.
    last_digest_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class Participant(Base):
    """A resident as the platform knows them: an account or an anonymous cookie token."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the random cookie token; null for account participants.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True, default=None)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True, default=None
    )
    nickname: Mapped[str | None] = mapped_column(sa.String(60), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when the participant was erased on request; contributions stay anonymised.
    erased_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Made in a burst of new participants from one client address (app.core.ratelimit):
    #: a possible duplicate voice, which the analysis can leave out.
    burst_suspect: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    user: Mapped[User | None] = relationship()


class ApiToken(Base):
    """A staff script's token: hashed at rest, scoped to one organization, revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship()
