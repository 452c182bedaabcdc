"""Feedback: write, save, publish after the stage closes, mail opted-in participants once."""

from __future__ import annotations

from typing import Any

import pytest

from app.audit.models import AuditEvent
from app.core.mail import outbox
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind, Feedback


@pytest.fixture()
def closed(make_project: Any, org: Any) -> Any:
    """A project whose current stage (samråd) has closed."""
    return make_project(org, open_stage=False, slug="parken", title={"sv": "Parken"})


def _post(client: Any, stage: Any, action: str, **data: Any) -> Any:
    payload = {
        "heard_sv": "Många vill ha fler träd.",
        "heard_en": "",
        "did_sv": "Vi sparar eken.",
        "did_en": "",
        "theme_keys": ["green", "safety"],
        "action": action,
    }
    payload.update(data)
    return client.post(f"/manage/stages/{stage.id}/feedback", data=payload)


def test_save_draft_then_publish_mails_opted_in_account_participants_once(
    client,
    as_planner,
    closed,
    make_activity,
    make_user,
    make_participant,
    make_comment,
    make_response,
):
    stage = closed.current_stage
    discussion = make_activity(stage, ActivityKind.DISCUSSION)
    survey = make_activity(stage, ActivityKind.SURVEY)
    commenter = make_user("kommenterar@example.se", notify_feedback=True)
    responder = make_user("svarar@example.se", notify_feedback=True, locale="en")
    silent = make_user("tyst@example.se", notify_feedback=False)
    make_comment(discussion, make_participant(commenter))
    responder_participant = make_participant(responder)
    make_response(survey, responder_participant)
    make_response(survey, make_participant(silent))
    make_comment(discussion, make_participant())  # anonymous: no address to mail
    # Took part in another stage only: not mailed.
    other_stage = closed.stages[0]
    other = make_activity(other_stage, ActivityKind.DISCUSSION)
    make_comment(other, make_participant(make_user("annan@example.se", notify_feedback=True)))

    page = client.get(f"/manage/stages/{stage.id}/feedback")
    assert page.status_code == 200
    assert "Green and blue space" in page.get_data(as_text=True)

    assert _post(client, stage, "save").status_code == 302
    feedback = db.session.scalar(db.select(Feedback))
    assert feedback.published_at is None
    assert feedback.heard == {"sv": "Många vill ha fler träd."}
    assert set(feedback.theme_keys) == {"green", "safety"}
    assert outbox() == []

    assert _post(client, stage, "publish").status_code == 302
    db.session.expire_all()
    assert feedback.published_at is not None
    assert feedback.notified_at is not None
    mails = outbox()
    assert sorted(m["To"] for m in mails) == ["kommenterar@example.se", "svarar@example.se"]
    english = next(m for m in mails if m["To"] == "svarar@example.se")
    assert "Parken" in english["Subject"]
    assert "/p/huddinge/parken" in english.get_content()

    # Publishing again (after an edit) never mails anyone twice.
    assert _post(client, stage, "publish", did_sv="Vi sparar eken och lönnen.").status_code == 302
    assert len(outbox()) == 2
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "feedback.publish")
    ).all()
    assert [e.data["mailed"] for e in events] == [2, 0]


def test_publish_refused_while_stage_open(client, as_planner, make_project, org):
    project = make_project(org, open_stage=True)
    stage = project.current_stage
    response = _post(client, stage, "publish")
    assert response.status_code == 422
    assert "once the stage has closed" in response.get_data(as_text=True)
    # Nothing stored, not even the draft: the request rolled back.
    assert db.session.scalar(db.select(db.func.count(Feedback.id))) == 0
    # Saving a draft is fine while open.
    assert _post(client, stage, "save").status_code == 302
    assert db.session.scalar(db.select(Feedback)).published_at is None


def test_invalid_theme_is_422(client, as_planner, closed):
    response = _post(client, closed.current_stage, "save", theme_keys=["pizza"])
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Feedback.id))) == 0


def test_unpublish(client, as_planner, closed):
    stage = closed.current_stage
    _post(client, stage, "publish")
    _post(client, stage, "unpublish")
    assert db.session.scalar(db.select(Feedback)).published_at is None


def test_feedback_requires_publish_feedback(client, login, make_user, make_org, closed, org):
    stage = closed.current_stage
    login(make_user(role=Role.FACILITATOR, org=org))
    assert client.get(f"/manage/stages/{stage.id}/feedback").status_code == 403
    assert _post(client, stage, "publish").status_code == 403
    client.post("/logout")
    login(make_user(role=Role.PLANNER, org=make_org()))
    assert client.get(f"/manage/stages/{stage.id}/feedback").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Feedback.id))) == 0
