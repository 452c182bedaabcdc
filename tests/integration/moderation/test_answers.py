"""Official answers: mark, answer, answered_at, is_official, permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import Role


@pytest.fixture()
def env(discussion, staff, login, english):
    activity = discussion()
    user = staff(activity.stage.project.organization, Role.FACILITATOR)
    login(user)
    english()
    return activity, user


def test_mark_and_unmark_needs_answer(client, env, make_comment):
    activity, _ = env
    comment = make_comment(activity, "När byggs förskolan?")
    assert (
        client.post(
            f"/manage/moderation/{comment.id}/needs-answer", data={"value": "1"}
        ).status_code
        == 303
    )
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).needs_answer is True
    page = client.get("/manage/answers").get_data(as_text=True)
    assert "När byggs förskolan?" in page
    client.post(f"/manage/moderation/{comment.id}/needs-answer", data={"value": "0"})
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).needs_answer is False
    assert "När byggs förskolan?" not in client.get("/manage/answers").get_data(as_text=True)
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent))]
    assert actions == ["comment.needs_answer", "comment.needs_answer_cleared"]


def test_official_answer_sets_answered_at(client, env, make_comment):
    activity, user = env
    comment = make_comment(activity, "När byggs förskolan?", needs_answer=True)
    comment.created_at = utcnow() - timedelta(days=2, hours=3)
    db.session.commit()
    response = client.post(
        f"/manage/answers/{comment.id}", data={"body": "Byggstart är planerad till 2027."}
    )
    assert response.status_code == 303
    db.session.expire_all()
    parent = db.session.get(Comment, comment.id)
    assert parent.answered_at is not None
    reply = db.session.scalar(db.select(Comment).where(Comment.parent_id == comment.id))
    assert reply.is_official and reply.author_user_id == user.id
    assert reply.participant_id is None and reply.status == "published"
    assert reply.body == "Byggstart är planerad till 2027."
    assert reply.stage_id == comment.stage_id and reply.activity_id == comment.activity_id
    [event] = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "comment.answer")
    ).all()
    assert event.data["parent_id"] == comment.id
    page = client.get("/manage/answers?status=answered").get_data(as_text=True)
    assert "När byggs förskolan?" in page and "2 days" in page
    assert "När byggs förskolan?" not in client.get("/manage/answers").get_data(as_text=True)


def test_second_answer_keeps_first_answered_at(client, env, make_comment):
    activity, _ = env
    comment = make_comment(activity, needs_answer=True)
    client.post(f"/manage/answers/{comment.id}", data={"body": "Första svaret"})
    db.session.expire_all()
    first = db.session.get(Comment, comment.id).answered_at
    client.post(f"/manage/answers/{comment.id}", data={"body": "Ett tillägg"})
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).answered_at == first


def test_empty_answer_is_422(client, env, make_comment):
    activity, _ = env
    comment = make_comment(activity)
    response = client.post(f"/manage/answers/{comment.id}", data={"body": "   "})
    assert response.status_code == 422
    assert "Write the answer" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).answered_at is None
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1


def test_hidden_comment_cannot_be_answered(client, env, make_comment):
    activity, _ = env
    comment = make_comment(activity, status="hidden")
    assert client.post(f"/manage/answers/{comment.id}", data={"body": "Svar"}).status_code == 409
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1


def test_moderator_cannot_answer_officially(client, discussion, make_comment, staff, login):
    activity = discussion()
    comment = make_comment(activity)
    login(staff(activity.stage.project.organization, Role.MODERATOR))
    assert client.post(f"/manage/answers/{comment.id}", data={"body": "Svar"}).status_code == 403
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1


def test_other_organization_gets_404(client, env, discussion, make_comment, make_org):
    foreign = make_comment(discussion(make_org()), needs_answer=True)
    assert client.get(f"/manage/answers/{foreign.id}").status_code == 404
    assert client.post(f"/manage/answers/{foreign.id}", data={"body": "x"}).status_code == 404
    assert (
        client.post(
            f"/manage/moderation/{foreign.id}/needs-answer", data={"value": "0"}
        ).status_code
        == 404
    )
    assert foreign.body not in client.get("/manage/answers").get_data(as_text=True)
