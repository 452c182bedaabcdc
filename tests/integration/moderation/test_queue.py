"""The moderation queue: hide, restore, approve, dismiss, bulk; audit and decisions."""

from __future__ import annotations

import pytest

from app.audit.models import AuditEvent
from app.comments.models import Comment, CommentStatus, Flag
from app.extensions import db
from app.moderation.models import ModerationDecision
from app.organizations.models import Role
from app.projects.models import ProjectPartner
from tests.factories import INSIDE


@pytest.fixture()
def env(discussion, staff, login, english):
    activity = discussion()
    org = activity.stage.project.organization
    moderator = staff(org)
    login(moderator)
    english()
    return activity, moderator


def decisions(comment_id):
    return db.session.scalars(
        db.select(ModerationDecision).where(ModerationDecision.comment_id == comment_id)
    ).all()


def audits(action):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_queue_lists_flagged_and_pending_with_context(client, env, make_comment, make_flag):
    activity, _ = env
    parent = make_comment(activity, "Torget är för mörkt på kvällen.")
    flagged = make_comment(activity, "Dumt skrivet svar", parent=parent, geometry=INSIDE)
    make_flag(flagged, "offensive", note="Elakt")
    make_flag(flagged, "spam")
    pending = make_comment(activity, "Väntar på granskning", status="pending")
    make_comment(activity, "Helt vanlig kommentar")
    page = client.get("/manage/moderation").get_data(as_text=True)
    assert "Dumt skrivet svar" in page and "Väntar på granskning" in page
    assert "Helt vanlig kommentar" not in page
    assert "Torget är för mörkt på kvällen." in page  # parent excerpt
    assert "59.22, 17.95" in page  # coordinates
    assert "openstreetmap.org/?mlat=59.22" in page
    assert "Elakt" in page and "2 flags" in page
    assert activity.stage.project.title["en"] in page
    only_pending = client.get("/manage/moderation?kind=pending").get_data(as_text=True)
    assert "Väntar på granskning" in only_pending and "Dumt skrivet svar" not in only_pending
    assert f'id="c-{pending.id}"' in only_pending


def test_filter_by_project_and_stage(client, env, discussion, make_comment, make_flag):
    activity, moderator = env
    other = discussion(activity.stage.project.organization)
    make_flag(make_comment(activity, "Första projektet"))
    make_flag(make_comment(other, "Andra projektet"))
    page = client.get(f"/manage/moderation?project={other.stage.project_id}").get_data(as_text=True)
    assert "Andra projektet" in page and "Första projektet" not in page
    page = client.get(
        f"/manage/moderation?project={activity.stage.project_id}&stage={activity.stage_id}"
    ).get_data(as_text=True)
    assert "Första projektet" in page and "Andra projektet" not in page


def test_hide_with_reason_keeps_replies_and_records(client, env, make_comment, make_flag):
    activity, moderator = env
    comment = make_comment(activity, "Olämpligt")
    reply = make_comment(activity, "Ett svar", parent=comment)
    flag = make_flag(comment)
    response = client.post(
        f"/manage/moderation/{comment.id}/hide", data={"reason": "Personangrepp"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    comment = db.session.get(Comment, comment.id)
    assert comment.status == CommentStatus.HIDDEN and comment.hidden_reason == "Personangrepp"
    assert comment.body == "Olämpligt"  # never deleted
    assert db.session.get(Comment, reply.id).status == CommentStatus.PUBLISHED
    flag = db.session.get(Flag, flag.id)
    assert flag.resolved_at is not None and flag.resolved_by_id == moderator.id
    [decision] = decisions(comment.id)
    assert (decision.action, decision.reason, decision.moderator_id) == (
        "hide",
        "Personangrepp",
        moderator.id,
    )
    [event] = audits("comment.hide")
    assert event.object_id == comment.id and event.data["reason"] == "Personangrepp"
    assert event.organization_id == activity.stage.project.organization_id


def test_hide_requires_a_reason(client, env, make_comment):
    activity, _ = env
    comment = make_comment(activity)
    response = client.post(f"/manage/moderation/{comment.id}/hide", data={"reason": "  "})
    assert response.status_code == 422
    assert "Give a reason" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == CommentStatus.PUBLISHED
    assert not decisions(comment.id) and not audits("comment.hide")


def test_hide_htmx_returns_the_item(client, env, make_comment):
    activity, _ = env
    comment = make_comment(activity)
    response = client.post(
        f"/manage/moderation/{comment.id}/hide",
        data={"reason": "Spam"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<li id="c-{comment.id}"') and "Restore" in body


def test_restore_and_approve(client, env, make_comment):
    activity, _ = env
    hidden = make_comment(activity, status="hidden", hidden_reason="x")
    pending = make_comment(activity, status="pending")
    assert client.post(f"/manage/moderation/{hidden.id}/restore").status_code == 303
    assert client.post(f"/manage/moderation/{pending.id}/approve").status_code == 303
    db.session.expire_all()
    assert db.session.get(Comment, hidden.id).status == CommentStatus.PUBLISHED
    assert db.session.get(Comment, hidden.id).hidden_reason is None
    assert db.session.get(Comment, pending.id).status == CommentStatus.PUBLISHED
    assert [d.action for d in decisions(hidden.id)] == ["restore"]
    assert [d.action for d in decisions(pending.id)] == ["approve"]
    assert len(audits("comment.restore")) == 1 and len(audits("comment.approve")) == 1
    # Approving a published comment does not apply.
    assert client.post(f"/manage/moderation/{pending.id}/approve").status_code == 409


def test_dismiss_flags(client, env, make_comment, make_flag):
    activity, moderator = env
    comment = make_comment(activity)
    flags = [make_flag(comment), make_flag(comment, "spam")]
    assert client.post(f"/manage/moderation/{comment.id}/dismiss").status_code == 303
    db.session.expire_all()
    for flag in flags:
        flag = db.session.get(Flag, flag.id)
        assert flag.resolved_at is not None and flag.resolved_by_id == moderator.id
    assert db.session.get(Comment, comment.id).status == CommentStatus.PUBLISHED
    assert [d.action for d in decisions(comment.id)] == ["dismiss_flags"]
    assert len(audits("comment.dismiss_flags")) == 1
    assert "Nothing waiting" in client.get("/manage/moderation").get_data(as_text=True)


def test_bulk_hide_with_one_reason(client, env, make_comment, make_flag):
    activity, _ = env
    comments = [make_comment(activity, f"Spam {i}") for i in range(3)]
    for c in comments:
        make_flag(c, "spam")
    keep = make_comment(activity, "Behåll")
    response = client.post(
        "/manage/moderation/bulk",
        data={"ids": [c.id for c in comments[:2]], "action": "hide", "reason": "Reklam"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    statuses = [db.session.get(Comment, c.id).status for c in comments]
    assert statuses == ["hidden", "hidden", "published"]
    assert db.session.get(Comment, keep.id).status == "published"
    assert all(db.session.get(Comment, c.id).hidden_reason == "Reklam" for c in comments[:2])
    assert len(audits("comment.hide")) == 2
    assert db.session.scalar(db.select(db.func.count(ModerationDecision.id))) == 2


def test_bulk_hide_without_reason_changes_nothing(client, env, make_comment):
    activity, _ = env
    comments = [make_comment(activity) for _ in range(2)]
    response = client.post(
        "/manage/moderation/bulk",
        data={"ids": [c.id for c in comments], "action": "hide", "reason": ""},
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert all(db.session.get(Comment, c.id).status == "published" for c in comments)
    assert not audits("comment.hide")


def test_bulk_skips_items_the_action_does_not_fit(client, env, make_comment):
    activity, _ = env
    pending = make_comment(activity, status="pending")
    published = make_comment(activity)
    response = client.post(
        "/manage/moderation/bulk",
        data={"ids": [pending.id, published.id], "action": "approve"},
        follow_redirects=True,
    )
    assert "1 were skipped" in response.get_data(as_text=True)
    assert [d.action for d in decisions(pending.id)] == ["approve"]
    assert not decisions(published.id)


def test_other_organization_gets_404(client, env, discussion, make_comment, make_org):
    foreign = make_comment(discussion(make_org()), "Annan kommun")
    assert (
        client.post(f"/manage/moderation/{foreign.id}/hide", data={"reason": "x"}).status_code
        == 404
    )
    response = client.post(
        "/manage/moderation/bulk", data={"ids": [foreign.id], "action": "hide", "reason": "x"}
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Comment, foreign.id).status == "published"
    assert "Annan kommun" not in client.get("/manage/moderation?kind=recent").get_data(as_text=True)


def test_partner_and_resident_cannot_moderate(
    client, discussion, make_comment, make_org, make_user, login
):
    activity = discussion()
    comment = make_comment(activity)
    partner_org = make_org()
    db.session.add(ProjectPartner(project=activity.stage.project, organization_id=partner_org.id))
    db.session.commit()
    login(make_user(role=Role.PLANNER, org=partner_org))
    assert (
        client.post(f"/manage/moderation/{comment.id}/hide", data={"reason": "x"}).status_code
        == 403
    )
    resident_client = client.application.test_client()
    login(make_user(), test_client=resident_client)
    assert resident_client.get("/manage/moderation").status_code == 403


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.PLANNER, Role.ADMIN])
def test_staff_roles_may_moderate(client, discussion, make_comment, make_user, login, role):
    activity = discussion()
    comment = make_comment(activity)
    login(make_user(role=role, org=activity.stage.project.organization))
    response = client.post(f"/manage/moderation/{comment.id}/hide", data={"reason": "x"})
    assert response.status_code == 303


def test_queue_query_count_does_not_grow(client, env, make_comment, make_flag, count_queries):
    activity, _ = env
    for i in range(3):
        make_flag(make_comment(activity, f"k{i}"))
    with count_queries() as few:
        client.get("/manage/moderation")
    for i in range(6):
        make_flag(make_comment(activity, f"m{i}", parent=None))
    with count_queries() as many:
        client.get("/manage/moderation")
    assert len(many) == len(few)
