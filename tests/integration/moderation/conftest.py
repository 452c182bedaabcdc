"""Factories for moderation tests: comments in a discussion, and flags on them."""

from __future__ import annotations

from typing import Any

import pytest

from app.comments.models import Comment, CommentStatus, Flag, FlagReason
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind


@pytest.fixture()
def discussion(make_project: Any, make_activity: Any) -> Any:
    """A discussion activity in the current stage of a new (or given organization's) project."""

    def make(org: Any = None) -> Any:
        project = make_project(org)
        return make_activity(project.current_stage, ActivityKind.DISCUSSION)

    return make


@pytest.fixture()
def make_comment(make_participant: Any) -> Any:
    def make(
        activity: Any,
        body: str = "Det behövs fler bänkar vid torget.",
        *,
        status: CommentStatus | str = CommentStatus.PUBLISHED,
        parent: Comment | None = None,
        geometry: dict[str, Any] | None = None,
        **kw: Any,
    ) -> Comment:
        comment = Comment(
            activity=activity,
            stage=activity.stage,
            body=body,
            participant=kw.pop("participant", None) or make_participant(),
            status=CommentStatus(status),
            parent=parent,
            **kw,
        )
        if geometry:
            comment.set_geometry(geometry)
        db.session.add(comment)
        db.session.commit()
        return comment

    return make


@pytest.fixture()
def make_flag(make_participant: Any) -> Any:
    def make(comment: Comment, reason: str = "offensive", note: str | None = None) -> Flag:
        flag = Flag(
            comment_id=comment.id,
            participant_id=make_participant().id,
            reason=FlagReason(reason),
            note=note,
        )
        db.session.add(flag)
        comment.flags_count += 1
        db.session.commit()
        return flag

    return make


@pytest.fixture()
def staff(make_user: Any) -> Any:
    def make(org: Any, role: str = Role.MODERATOR, **kw: Any) -> Any:
        return make_user(role=role, org=org, **kw)

    return make


@pytest.fixture()
def english(client: Any) -> Any:
    """Show the staff pages in English so tests can read the msgids (call after login)."""

    def switch(test_client: Any = None) -> None:
        with (test_client or client).session_transaction() as session:
            session["lang"] = "en"

    return switch
