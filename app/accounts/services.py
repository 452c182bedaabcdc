"""Account writes and checks."""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.audit.services import record
from app.core.models import utcnow
from app.extensions import db


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (a failed attempt is audited)."""
    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        record("login.failed", object_type="user", object_id=user.id if user else None)
        db.session.commit()  # keep the audit row although the request answers 422
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user
