"""The resident as the platform knows them: an account or an anonymous cookie token."""

from __future__ import annotations

import secrets
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from app.accounts.models import Participant, hash_token
from app.core.extensions import db
from app.core.permissions import Actor, actor_from
from app.core.ratelimit import count_new_participant

COOKIE_MAX_AGE = 60 * 60 * 24 * 365 * 2


def ensure_device_token() -> None:
    """Give this device its participant token when it opens a way to take part (a survey, a
    discussion), before anything is sent: no row is stored until it takes part, but two
    requests racing from the same phone (a double tap on "send", an offline send and a page
    load) then carry the same token and become one participant, never two."""
    if getattr(current_user, "is_authenticated", False) or _device_token():
        return
    g.new_participant_token = secrets.token_urlsafe(32)


def _device_token() -> str | None:
    return request.cookies.get(current_app.config["PARTICIPANT_COOKIE"]) or g.get(
        "new_participant_token"
    )


def _store_once(participant: Participant, same: Any) -> Participant:
    """Store ``participant``, or return the one a concurrent request stored first with the
    same account or token (the unique constraint tells; the savepoint keeps the rest of the
    transaction usable)."""
    try:
        with db.session.begin_nested():
            db.session.add(participant)
            db.session.flush()
    except IntegrityError:
        existing = db.session.scalar(sa.select(Participant).where(same))
        if existing is None:
            raise
        return existing
    g.created_participant_id = participant.id
    return participant


def current_participant(create: bool = False) -> Participant | None:
    """The participant of this request; created (and a cookie set) only when ``create``."""
    if "participant" in g and (g.participant is not None or not create):
        return cast("Participant | None", g.participant)
    participant: Participant | None = None
    if getattr(current_user, "is_authenticated", False):
        participant = db.session.scalar(
            db.select(Participant).where(Participant.user_id == current_user.id)
        )
        if participant is None and create:
            participant = _store_once(
                Participant(user_id=current_user.id), Participant.user_id == current_user.id
            )
    else:
        token = _device_token()
        if token:
            participant = db.session.scalar(
                db.select(Participant).where(Participant.token_hash == hash_token(token))
            )
        if participant is None and create:
            if not token:
                token = g.new_participant_token = secrets.token_urlsafe(32)
            participant = _store_once(
                Participant(token_hash=hash_token(token)),
                Participant.token_hash == hash_token(token),
            )
    g.participant = participant
    return participant


def created_participant() -> Participant:
    """The participant of this request, created now if there is none: what a service calls
    (as ``new_participant``) once a write has passed every check, so that a refused one
    creates nobody and sets no cookie."""
    participant = current_participant(create=True)
    assert participant is not None  # noqa: S101 - create=True always gives one
    if participant.user_id is None and is_new(participant):
        _count_against_address(participant)
    return participant


def kiosk_participant() -> Participant:
    """A participant of its own for one response given on a shared device (kiosk mode): not
    the device's cookie, which would make every next person's answers replace the last
    one's. Counted against the client's address like a new cookie (one person, one voice)."""
    participant = Participant(token_hash=hash_token(secrets.token_urlsafe(32)))
    db.session.add(participant)
    db.session.flush()
    _count_against_address(participant)
    return participant


def _count_against_address(participant: Participant) -> None:
    # One person, one voice: a new participant counts against its client's address (429
    # when too many arrive at once; the participant is rolled back with the request).
    suspects = count_new_participant(participant.id)
    if suspects:
        db.session.execute(
            sa.update(Participant)
            .where(Participant.id.in_(suspects))
            .values(burst_suspect=True)
            .execution_options(synchronize_session=False)
        )


def is_new(participant: Participant | None) -> bool:
    """Was ``participant`` stored by this request (a new phone or account taking part)?"""
    return participant is not None and g.get("created_participant_id") == participant.id


def set_participant_cookie(response: Response) -> Response:
    token = g.pop("new_participant_token", None)
    if token:
        response.set_cookie(
            current_app.config["PARTICIPANT_COOKIE"],
            token,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            samesite="Lax",
        )
    return response


def current_actor() -> Actor:
    """The actor of this request: the logged-in user and their participant, if any."""
    return actor_from(current_user, current_participant(create=False))
