"""Factories for the resident pages, comments and the API (shared by the comments and api
test folders, which import them)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pytest

from app.accounts.models import Participant, hash_token
from app.comments.models import Comment, CommentStatus
from app.core.models import utcnow
from app.extensions import db
from app.projects.models import Feedback, Stage


@pytest.fixture()
def resident(app: Any) -> Any:
    """``resident(client)`` makes an anonymous participant and gives ``client`` its cookie."""

    def make(client: Any, nickname: str | None = None) -> Participant:
        token = secrets.token_urlsafe(16)
        participant = Participant(token_hash=hash_token(token), nickname=nickname)
        db.session.add(participant)
        db.session.commit()
        client.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
        return participant

    return make


@pytest.fixture()
def discussion(make_project: Any, make_activity: Any) -> Any:
    """``discussion(**project_kw)`` gives the current stage of a new project with a
    discussion activity (keyword ``policy``/``moderation`` go to the activity)."""

    def make(policy: str = "anonymous", moderation: str = "post", **kw: Any) -> Stage:
        project = make_project(**kw)
        stage = project.current_stage
        make_activity(stage, "discussion", policy=policy, moderation=moderation)
        return stage

    return make


@pytest.fixture()
def make_comment(app: Any, make_participant: Any) -> Any:
    def make(
        stage: Stage,
        body: str = "En synpunkt",
        *,
        participant: Participant | None = None,
        parent: Comment | None = None,
        geometry: dict[str, Any] | None = None,
        status: CommentStatus | str = CommentStatus.PUBLISHED,
        age_minutes: float = 0,
        **kw: Any,
    ) -> Comment:
        activity = next(a for a in stage.activities if a.kind == "discussion")
        participant = participant or make_participant()
        comment = Comment(
            activity_id=activity.id,
            stage_id=stage.id,
            parent_id=parent.id if parent else None,
            participant_id=participant.id,
            body=body,
            status=CommentStatus(status),
            created_at=utcnow() - timedelta(minutes=age_minutes),
            **kw,
        )
        comment.set_geometry(geometry)
        db.session.add(comment)
        db.session.commit()
        return comment

    return make


@pytest.fixture()
def publish_feedback(app: Any) -> Any:
    def make(stage: Stage, heard: str, did: str, published: bool = True) -> Feedback:
        feedback = Feedback(
            stage_id=stage.id,
            heard={"sv": heard, "en": heard},
            did={"sv": did, "en": did},
            published_at=utcnow() if published else None,
        )
        db.session.add(feedback)
        db.session.commit()
        return feedback

    return make


def stage_path(stage: Stage) -> str:
    project = stage.project
    return f"/p/{project.organization.slug}/{project.slug}/{stage.id}"


def project_path(project: Any) -> str:
    return f"/p/{project.organization.slug}/{project.slug}"
