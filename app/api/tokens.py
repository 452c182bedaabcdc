"""API tokens for staff scripts: created, listed and revoked by their owner.

A token is shown once, when it is created; the database keeps only its SHA-256 hash
(``ApiToken.token_hash``). Each token acts for its user inside one organization only.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from app.accounts.models import ApiToken, User, hash_token
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import Organization

#: A prefix makes leaked tokens easy to recognise (secret scanners, logs).
PREFIX = "pd_"


class TokenRefused(Exception):
    """The user may not hold a token for that organization."""


def token_organizations(user: User) -> list[Organization]:
    """Organizations ``user`` may scope a token to: their memberships (all for superadmins)."""
    if user.is_superadmin:
        return list(db.session.scalars(db.select(Organization).order_by(Organization.name)))
    return sorted((m.organization for m in user.memberships), key=lambda o: o.name)


def create_token(user: User, organization_id: int, name: str) -> tuple[ApiToken, str]:
    """Store a new token; returns it with the clear text, which is never stored.

    Raises ``TokenRefused`` when ``user`` is not staff of the organization.
    """
    if organization_id not in {o.id for o in token_organizations(user)}:
        raise TokenRefused(organization_id)
    clear = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        organization_id=organization_id,
        name=name.strip()[:100],
        token_hash=hash_token(clear),
    )
    db.session.add(token)
    db.session.flush()
    return token, clear


def user_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (for the record)."""
    return list(
        db.session.scalars(
            db.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; ``None`` when it is not theirs."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def find_active_token(clear: str) -> ApiToken | None:
    """The live token with this clear text, or ``None`` (unknown, revoked, user gone)."""
    if not clear or len(clear) > 200:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(clear)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    user = token.user
    # A token dies with its user's membership of the organization.
    if not user.is_superadmin and token.organization_id not in {
        m.organization_id for m in user.memberships
    }:
        return None
    return token
