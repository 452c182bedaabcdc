"""Signed, expiring links for email verification and password reset.

A token carries the user id and a hash of the address, so changing the address kills links
sent to the old one; a reset link also carries a hash of the current password hash, so setting
a password (by that link or otherwise) kills every earlier reset link: it is single-use.
Logging out does not touch links (``session_version`` ends sessions only).
"""

from __future__ import annotations

import enum

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.accounts.models import User, hash_token
from app.extensions import db


class Purpose(enum.StrEnum):
    VERIFY_EMAIL = "verify-email"
    RESET_PASSWORD = "reset-password"  # noqa: S105 - a salt name, not a password


#: How long each kind of link is valid, in seconds.
MAX_AGE = {Purpose.VERIFY_EMAIL: 3 * 24 * 3600, Purpose.RESET_PASSWORD: 3600}


class TokenError(Exception):
    """A link that is expired, tampered with, or no longer valid."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        #: "expired" or "invalid".
        self.code = code


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"platsdialog.{purpose.value}"
    )


def make_token(user: User, purpose: Purpose) -> str:
    """A URL-safe signed token for ``user`` and ``purpose``."""
    payload: dict[str, object] = {"u": user.id, "e": _email_tag(user.email)}
    if purpose is Purpose.RESET_PASSWORD:
        payload["p"] = _password_tag(user.password_hash)
    return _serializer(purpose).dumps(payload)


def _email_tag(email: str) -> str:
    """A short hash of the address: a link dies when the address changes."""
    return hash_token(email)[:16]


def _password_tag(password_hash: str) -> str:
    """A short hash of the password hash (salted, so it changes with every new password)."""
    return hash_token("password|" + password_hash)[:16]


def read_token(token: str, purpose: Purpose) -> User:
    """The user the token was made for. Raises ``TokenError`` when it cannot be used."""
    try:
        payload = _serializer(purpose).loads(token, max_age=MAX_AGE[purpose])
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc
    if not isinstance(payload, dict):
        raise TokenError("invalid")
    user_id = payload.get("u")
    if not isinstance(user_id, int):
        raise TokenError("invalid")
    user = db.session.get(User, user_id)
    if user is None or not user.active or payload.get("e") != _email_tag(user.email):
        raise TokenError("invalid")
    if purpose is Purpose.RESET_PASSWORD and payload.get("p") != _password_tag(user.password_hash):
        raise TokenError("invalid")
    return user
