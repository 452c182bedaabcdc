"""Answers as work: assignment with a due date, "Att besvara" filters and order, preset hide
reasons and internal notes — driven through the staff pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.core.models import utcnow
from app.extensions import db
from app.moderation.models import AnswerAssignment, CommentNote
from app.organizations.models import Role
from app.projects.models import ProjectPartner


@pytest.fixture()
def env(discussion, staff, login, english):
    activity = discussion()
    org = activity.stage.project.organization
    me = staff(org, Role.FACILITATOR, display_name="Anna Planerare")
    colleague = staff(org, Role.PLANNER, display_name="Bo Handläggare")
    login(me)
    english()
    return activity, me, colleague


def _events(action):
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))


def test_assign_a_comment_to_a_colleague_with_a_due_date(client, env, make_comment):
    activity, me, colleague = env
    comment = make_comment(activity, "När byggs förskolan?", needs_answer=True)
    page = client.get("/manage/answers").get_data(as_text=True)
    assert f'<label for="c{comment.id}-assignee">Assign to</label>' in page
    assert "Bo Handläggare" in page and "Not assigned" in page
    due = (utcnow() + timedelta(days=10)).date().isoformat()
    response = client.post(
        f"/manage/answers/{comment.id}/assign",
        data={"assignee": str(colleague.id), "due_on": due, "next": "/manage/answers"},
    )
    assert response.status_code == 303
    page = client.get("/manage/answers").get_data(as_text=True)
    assert "Assigned to Bo Handläggare" in page and f"due {due}" in page
    [event] = _events("comment.assign")
    assert event.actor_user_id == me.id and event.object_id == comment.id
    assert event.data == {"assignee_id": colleague.id, "due_on": due}

    # Clearing both fields removes the assignment, also audited.
    client.post(f"/manage/answers/{comment.id}/assign", data={"assignee": "", "due_on": ""})
    assert db.session.scalar(db.select(AnswerAssignment)) is None
    assert len(_events("comment.unassign")) == 1


def test_assignment_refuses_outsiders_and_past_dates(client, env, make_comment, staff, make_org):
    activity, _, colleague = env
    comment = make_comment(activity, needs_answer=True)
    outsider = staff(make_org(), Role.FACILITATOR)
    moderator = staff(activity.stage.project.organization, Role.MODERATOR)
    for assignee in (outsider, moderator):  # another municipality; may not answer officially
        response = client.post(
            f"/manage/answers/{comment.id}/assign",
            data={"assignee": str(assignee.id)},
            follow_redirects=True,
        )
        assert "Choose a colleague who may answer officially." in response.get_data(as_text=True)
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    response = client.post(
        f"/manage/answers/{comment.id}/assign",
        data={"assignee": str(colleague.id), "due_on": yesterday},
        follow_redirects=True,
    )
    assert "The due date has already passed." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(AnswerAssignment)) is None
    assert _events("comment.assign") == []


def test_answer_list_filters_by_project_and_assignee_and_sorts_by_age(
    client, env, make_comment, discussion
):
    activity, me, colleague = env
    other_activity = discussion(activity.stage.project.organization)
    old = make_comment(activity, "Gammal fråga", needs_answer=True)
    old.created_at = utcnow() - timedelta(days=20)
    new = make_comment(activity, "Ny fråga", needs_answer=True)
    elsewhere = make_comment(other_activity, "Fråga i annat projekt", needs_answer=True)
    db.session.commit()
    client.post(f"/manage/answers/{old.id}/assign", data={"assignee": str(me.id)})
    client.post(f"/manage/answers/{elsewhere.id}/assign", data={"assignee": str(colleague.id)})

    def order(query=""):
        html = client.get(f"/manage/answers{query}").get_data(as_text=True)
        texts = ["Gammal fråga", "Ny fråga", "Fråga i annat projekt"]
        return [t for t in sorted(texts, key=lambda t: html.find(t)) if t in html]

    assert order()[0] == "Gammal fråga"
    assert order("?sort=newest")[-1] == "Gammal fråga"
    assert order("?sort=newest")[0] == "Fråga i annat projekt"
    assert order(f"?project={activity.stage.project_id}") == ["Gammal fråga", "Ny fråga"]
    assert order("?assignee=me") == ["Gammal fråga"]
    assert order(f"?assignee={colleague.id}") == ["Fråga i annat projekt"]
    assert order("?assignee=none") == ["Ny fråga"]
    assert new.id  # kept for clarity


def test_hide_with_a_preset_reason_and_details(client, env, make_comment):
    activity, _, _ = env
    comment = make_comment(activity, "Ring mig på 070-123 45 67")
    queue = client.get("/manage/moderation?kind=recent").get_data(as_text=True)
    assert f'<label for="preset-c{comment.id}">' in queue
    assert '<option value="personal_data">Contains personal data</option>' in queue
    response = client.post(
        f"/manage/moderation/{comment.id}/hide",
        data={"preset": "personal_data", "reason": "telefonnummer"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    hidden = db.session.get(Comment, comment.id)
    assert hidden.status == "hidden"
    assert hidden.hidden_reason == "Contains personal data: telefonnummer"

    second = make_comment(activity, "Köp klockor")
    client.post(f"/manage/moderation/{second.id}/hide", data={"preset": "spam"})
    db.session.expire_all()
    assert db.session.get(Comment, second.id).hidden_reason == "Spam or advertising"

    third = make_comment(activity, "Något")
    refused = client.post(f"/manage/moderation/{third.id}/hide", data={"preset": "boring"})
    assert refused.status_code == 422
    assert "Choose one of the reasons in the list." in refused.get_data(as_text=True)
    other = client.post(f"/manage/moderation/{third.id}/hide", data={"preset": "other"})
    assert other.status_code == 422  # "other" needs the reason written out
    db.session.expire_all()
    assert db.session.get(Comment, third.id).status == "published"


def test_bulk_hide_with_a_preset_reason(client, env, make_comment):
    activity, _, _ = env
    a = make_comment(activity, "Dubblett ett")
    b = make_comment(activity, "Dubblett två")
    response = client.post(
        "/manage/moderation/bulk",
        data={"action": "hide", "preset": "duplicate", "ids": [str(a.id), str(b.id)]},
    )
    assert response.status_code == 303
    db.session.expire_all()
    reasons = {db.session.get(Comment, i).hidden_reason for i in (a.id, b.id)}
    assert reasons == {"Duplicate of another comment"}


def test_internal_notes_are_for_staff_only(
    app, client, env, make_comment, make_user, login, staff, make_org
):
    activity, me, _ = env
    comment = make_comment(activity, "En kommentar med bakgrund")
    page = client.get(f"/manage/comments/{comment.id}/notes").get_data(as_text=True)
    assert '<label for="body">New internal note</label>' in page and "No notes yet." in page
    assert (
        client.post(f"/manage/comments/{comment.id}/notes", data={"body": " "}).status_code == 422
    )
    response = client.post(
        f"/manage/comments/{comment.id}/notes",
        data={"body": "Samma person ringde också till kontaktcenter."},
    )
    assert response.status_code == 303
    page = client.get(f"/manage/comments/{comment.id}/notes").get_data(as_text=True)
    assert "Samma person ringde också till kontaktcenter." in page and "Anna Planerare" in page
    [event] = _events("comment.note")
    assert event.actor_user_id == me.id and "kontaktcenter" not in str(event.data)
    note = db.session.scalar(db.select(CommentNote))
    assert event.data == {"note_id": note.id}

    # Never public: the stage page does not carry it.
    from app.public.routes import stage_url

    with app.test_request_context():
        public_path = stage_url(activity.stage)
    public = app.test_client().get(public_path)
    assert public.status_code == 200
    assert "kontaktcenter" not in public.get_data(as_text=True)

    # A partner of the project gets 403; staff of another municipality 404.
    partner = make_user()
    db.session.add(ProjectPartner(project=activity.stage.project, user_id=partner.id))
    db.session.commit()
    other = app.test_client()
    login(partner, test_client=other)
    assert other.get(f"/manage/comments/{comment.id}/notes").status_code == 403
    stranger = app.test_client()
    login(staff(make_org(), Role.ADMIN), test_client=stranger)
    assert stranger.get(f"/manage/comments/{comment.id}/notes").status_code == 404
    assert (
        stranger.post(f"/manage/comments/{comment.id}/notes", data={"body": "Intrång"}).status_code
        == 404
    )
    assert db.session.scalar(db.select(db.func.count(CommentNote.id))) == 1
