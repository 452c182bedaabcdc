"""A comment rejected in pre-moderation never shows publicly, not even as "removed"."""

from __future__ import annotations

import pytest

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.public.routes import stage_url


@pytest.fixture()
def env(discussion, staff, login, english):
    activity = discussion()
    login(staff(activity.stage.project.organization))
    english()
    return activity


def test_rejected_pending_comment_is_not_shown_publicly(app, client, env, make_comment):
    activity = env
    pending = make_comment(activity, "Reklam för billiga klockor", status="pending")
    published = make_comment(activity, "Ett elakt inlägg")
    for comment in (pending, published):
        response = client.post(f"/manage/moderation/{comment.id}/hide", data={"reason": "Spam"})
        assert response.status_code == 303
    db.session.expire_all()
    rejected = db.session.get(Comment, pending.id)
    assert rejected.status == CommentStatus.HIDDEN and rejected.rejected
    assert not db.session.get(Comment, published.id).rejected

    # The moderator sees what the public sees.
    queue = client.get("/manage/moderation?kind=hidden").get_data(as_text=True)
    assert "Rejected before publication: not shown publicly." in queue

    with app.test_request_context():
        url = stage_url(activity.stage)
    visitor = app.test_client()
    page = visitor.get(url).get_data(as_text=True)
    assert page.count("Borttagen av en moderator") == 1  # the published one keeps its place
    assert "Reklam" not in page
    assert visitor.get(f"/comments/{pending.id}").status_code == 404
    assert visitor.get(f"/comments/{published.id}").status_code in (200, 302, 303)


def test_restoring_a_rejected_comment_publishes_it(app, client, env, make_comment):
    activity = env
    pending = make_comment(activity, "Först avvisad, sedan godkänd", status="pending")
    client.post(f"/manage/moderation/{pending.id}/hide", data={"reason": "Misstag"})
    assert client.post(f"/manage/moderation/{pending.id}/restore").status_code == 303
    db.session.expire_all()
    comment = db.session.get(Comment, pending.id)
    assert comment.status == CommentStatus.PUBLISHED and not comment.rejected
    with app.test_request_context():
        url = stage_url(activity.stage)
    assert "Först avvisad" in app.test_client().get(url).get_data(as_text=True)
