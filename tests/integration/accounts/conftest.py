"""Helpers for account tests: the development mail folder and the links in it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from tests.integration.public.conftest import (  # noqa: F401 - shared fixtures
    discussion,
    make_comment,
    resident,
)


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
