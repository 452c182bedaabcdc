"""Helpers for account tests: the development mail folder and the links in it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db


@pytest.fixture()
def mails(app: Any) -> Any:
    """The mails written to the test's mail folder, oldest first."""
    from app.core.mail import outbox

    return outbox


def link_in(message: Any, prefix: str) -> str:
    """The path of the first link under ``prefix`` in a mail's body."""
    body = message.get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[^\s]+)", body)
    assert match, body
    return match.group(1)


def count(model: Any) -> int:
    return int(db.session.scalar(db.select(db.func.count()).select_from(model)) or 0)


def user_count() -> int:
    return count(User)


def audit_actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))


#: What Flask-Babel, Flask-Login and ``current_participant`` cache on ``g`` for one request.
REQUEST_CACHES = ("_flask_babel", "_login_user", "participant", "new_participant_token")


@pytest.fixture(autouse=True)
def fresh_request_globals(app: Any) -> Any:
    """Start every test request with an empty per-request cache, as in production.

    The ``app`` fixture keeps one application context open and Flask reuses it for each test
    request, so ``g`` would otherwise carry the language, the logged-in user and the
    participant of the previous request (of any client) into the next one.
    """
    from flask import g, request_started

    def forget(sender: Any, **extra: Any) -> None:
        for name in REQUEST_CACHES:
            g.pop(name, None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)
