"""Personal data in contributions: held back or marked when stored, highlighted in the
queue with a one-click redaction, and one redaction service whose audit keeps no text."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.comments.models import Comment, CommentStatus, Flag
from app.core import pii
from app.extensions import db
from app.moderation import redaction
from app.surveys.models import Answer

PHONE = "Ring mig på 070-123 45 67 om bänkarna."
EMAIL = "Skriv till anna.svensson@example.se om parken."
PNR = "Jag heter Anna, 19811218-9876, och vill ha fler träd."
STREET = "Korsningen vid Storgatan 12 är farlig för barnen."


def _post(client: Any, stage_id: int, body: str) -> Any:
    return client.post(
        f"/api/v1/stages/{stage_id}/comments",
        json={"body": body, "client_id": str(uuid.uuid4())},
    )


@pytest.mark.parametrize("body", [PHONE, EMAIL, PNR])
def test_a_comment_with_contact_data_or_a_personnummer_is_held_back(client, discussion, body):
    stage_id = discussion().stage_id
    posted = _post(client, stage_id, body)
    assert posted.status_code == 201
    comment = db.session.get(Comment, posted.get_json()["id"])
    assert comment.status == CommentStatus.PENDING
    # Not shown to others on the stage's public list.
    listing = app_client_of(client).get(f"/api/v1/stages/{stage_id}/comments").get_json()
    assert [c["id"] for c in listing["comments"]] == []


def app_client_of(client: Any) -> Any:
    return client.application.test_client()


def test_a_street_address_is_published_but_flagged_for_a_look(client, discussion):
    stage_id = discussion().stage_id
    posted = _post(client, stage_id, STREET)
    comment = db.session.get(Comment, posted.get_json()["id"])
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.personal_data == "street"
    flags = db.session.scalars(sa.select(Flag).where(Flag.comment_id == comment.id)).all()
    assert [(f.reason.value, f.participant_id) for f in flags] == [("personal_data", None)]
    listing = app_client_of(client).get(f"/api/v1/stages/{stage_id}/comments").get_json()
    assert [c["id"] for c in listing["comments"]] == [comment.id]


def test_a_personnummer_must_pass_luhn(client, discussion):
    stage_id = discussion().stage_id
    wrong = _post(client, stage_id, "Numret 19811218-9875 är påhittat.")
    assert db.session.get(Comment, wrong.get_json()["id"]).status == CommentStatus.PUBLISHED


def test_ordinary_numbers_are_not_personal_data():
    for text in (
        "Byggt 1998, 120 lägenheter, 123 45 Stockholm, kostar 1 200 000 kr.",
        "Buss 172 går 07.15 och 08.45.",
        "Vid Sergels torg och på Drottninggatan.",
    ):
        assert pii.find(text) == [], text


def test_the_queue_highlights_and_one_click_removes(client, discussion, staff, login, english):
    activity = discussion()
    posted = _post(client, activity.stage_id, "Ring 070-123 45 67 eller anna@example.se, tack")
    comment_id = posted.get_json()["id"]
    moderator = staff(activity.stage.project.organization)
    login(moderator)
    english()
    page = client.get("/manage/moderation?kind=pending").get_data(as_text=True)
    assert '<mark data-pii="phone">070-123 45 67</mark>' in page
    assert '<mark data-pii="email">anna@example.se</mark>' in page
    comment = db.session.get(Comment, comment_id)
    match = pii.find(comment.body)[0]
    done = client.post(
        f"/manage/moderation/{comment_id}/redact",
        data={"span": f"{match.start}-{match.end}", "length": len(comment.body)},
    )
    assert done.status_code == 303
    db.session.expire_all()
    comment = db.session.get(Comment, comment_id)
    assert comment.body == "Ring […] eller anna@example.se, tack"
    client.post(f"/manage/moderation/{comment_id}/redact", data={"all": "1"})
    db.session.expire_all()
    comment = db.session.get(Comment, comment_id)
    assert comment.body == "Ring […] eller […], tack"
    assert comment.personal_data is None
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "contribution.redact")
    ).all()
    assert len(events) == 2
    stored = json.dumps([e.data for e in events], ensure_ascii=False)
    assert "070" not in stored and "anna" not in stored
    assert events[0].data["characters"] == len("070-123 45 67")


def test_a_moderator_removes_their_own_selection(client, discussion, staff, login, make_comment):
    activity = discussion()
    comment = make_comment(activity, "Grannen Kalle Karlsson spelar hög musik, Kalle Karlsson!")
    login(staff(activity.stage.project.organization))
    client.post(f"/manage/moderation/{comment.id}/redact", data={"fragment": "Kalle Karlsson"})
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).body == "Grannen […] spelar hög musik, […]!"


def test_a_stale_redaction_is_refused(client, discussion, staff, login, make_comment):
    activity = discussion()
    comment = make_comment(activity, "Ring 070-123 45 67")
    login(staff(activity.stage.project.organization))
    refused = client.post(
        f"/manage/moderation/{comment.id}/redact", data={"span": "5-18", "length": "99"}
    )
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).body == "Ring 070-123 45 67"


def test_a_free_text_answer_is_marked_and_the_service_redacts_it(
    client, make_project, make_activity, make_user
):
    from app.organizations.models import Role
    from app.surveys.models import Question, QuestionType

    project = make_project()
    survey = make_activity(project.current_stage, "survey").survey
    question = Question(survey=survey, type=QuestionType.LONG_TEXT, prompt={"sv": "Något mer?"})
    db.session.add(question)
    db.session.commit()
    posted = client.post(
        f"/api/v1/surveys/{survey.id}/responses",
        json={
            "client_id": str(uuid.uuid4()),
            "answers": [{"question_id": question.id, "value": "Mejla mig: bo@example.se"}],
        },
    )
    assert posted.status_code == 201, posted.get_json()
    answer = db.session.scalar(sa.select(Answer).where(Answer.question_id == question.id))
    assert answer.personal_data == "email"
    admin = make_user(role=Role.ADMIN, org=project.organization)
    removed = redaction.redact_personal_data(answer, admin, "erasure request")
    db.session.commit()
    db.session.expire_all()
    answer = db.session.get(Answer, answer.id)
    assert (removed, answer.text, answer.personal_data) == (
        len("bo@example.se"),
        "Mejla mig: […]",
        None,
    )
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "contribution.redact")
    )
    assert event.object_type == "answer" and "bo@" not in json.dumps(event.data)


def test_spans_are_merged_and_checked():
    assert redaction.merge([(5, 9), (0, 3), (2, 4)], 10) == [(0, 4), (5, 9)]
    with pytest.raises(redaction.RedactionError):
        redaction.merge([(3, 12)], 10)
    assert redaction.spans_of("ab ab", "ab") == [(0, 2), (3, 5)]
