"""GDPR: residents download and delete their own data, staff erase on request, retention."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import hash_token
from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import ErasureMode
from app.privacy.services import add_months, enforce_retention
from app.surveys.models import Answer, Question, QuestionType, Response


@pytest.fixture()
def contributions(make_project, make_activity, make_participant):
    """A participant (with a known cookie token) who answered a survey and commented."""
    project = make_project()
    stage = project.current_stage
    survey = make_activity(stage, "survey").survey
    question = Question(survey=survey, type=QuestionType.LONG_TEXT, prompt={"sv": "Tyck"})
    db.session.add(question)
    discussion = make_activity(stage, "discussion")
    token = "tok-" + uuid.uuid4().hex
    participant = make_participant(token_hash=hash_token(token), nickname="Åsa i Flemingsberg")
    other = make_participant()
    response = Response(survey=survey, participant=participant, client_id=str(uuid.uuid4()))
    response.answers.append(Answer(question=question, value="Mer ljus", text="Mer ljus"))
    mine = Comment(
        activity=discussion,
        stage=stage,
        participant=participant,
        body="Tunneln är otrygg på kvällen",
    )
    reply = Comment(
        activity=discussion, stage=stage, participant=other, body="Håller med", parent=mine
    )
    db.session.add_all([question, response, mine, reply])
    db.session.commit()
    return {
        "project": project,
        "stage": stage,
        "participant": participant,
        "token": token,
        "response": response,
        "comment": mine,
        "reply": reply,
    }


def test_resident_downloads_own_contributions(client, app, contributions):
    client.set_cookie(app.config["PARTICIPANT_COOKIE"], contributions["token"])
    response = client.get("/my/data")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["participant"]["nickname"] == "Åsa i Flemingsberg"
    assert [c["body"] for c in data["comments"]] == ["Tunneln är otrygg på kvällen"]
    assert data["responses"][0]["answers"][0]["text"] == "Mer ljus"


def test_another_device_gets_nothing(client, contributions):
    data = json.loads(client.get("/my/data").get_data(as_text=True))
    assert data["responses"] == [] and data["comments"] == []


def test_resident_deletes_own_contributions_and_replies_stay(client, app, contributions):
    client.set_cookie(app.config["PARTICIPANT_COOKIE"], contributions["token"])
    unconfirmed = client.post("/my/delete", data={})
    assert unconfirmed.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
    done = client.post("/my/delete", data={"confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    mine = db.session.get(Comment, contributions["comment"].id)
    assert mine.deleted_at is not None and mine.body == "" and mine.participant_id is None
    reply = db.session.get(Comment, contributions["reply"].id)
    assert reply.body == "Håller med" and reply.parent_id == mine.id


def _erase(client, org, reference, confirm):
    data = {"organization_id": org.id, "reference": reference}
    if confirm:
        data["confirm"] = "y"
    return client.post("/manage/privacy/erase", data=data)


def test_admin_erases_by_anonymising(client, login, make_user, contributions):
    org = contributions["project"].organization
    admin = make_user(role="admin", org=org)
    login(admin)
    preview = _erase(client, org, str(contributions["comment"].id), confirm=False)
    assert preview.status_code == 200
    assert "1" in preview.get_data(as_text=True)
    assert _erase(client, org, str(contributions["comment"].id), confirm=True).status_code == 302
    db.session.expire_all()
    comment = db.session.get(Comment, contributions["comment"].id)
    assert comment.participant_id is None and comment.body == "Tunneln är otrygg på kvällen"
    response = db.session.get(Response, contributions["response"].id)
    assert response.participant_id is None
    assert contributions["participant"].nickname is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.erase"))
    assert event.data == {
        "mode": "anonymise",
        "method": "unlink",
        "responses": 1,
        "comments": 1,
        "participants": 1,
    }
    assert "Tunneln" not in json.dumps(event.data)


def test_admin_erases_by_removing_when_the_organization_says_so(
    client, login, make_user, contributions
):
    org = contributions["project"].organization
    org.erasure_mode = ErasureMode.REMOVE
    db.session.commit()
    login(make_user(role="admin", org=org))
    assert _erase(client, org, str(contributions["comment"].id), confirm=True).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    assert db.session.get(Comment, contributions["comment"].id).body == ""


def test_planner_and_other_organizations_cannot_erase(
    client, login, make_user, make_org, contributions
):
    org = contributions["project"].organization
    login(make_user(role="planner", org=org))
    assert client.get("/manage/privacy/erase").status_code == 403
    other_admin = make_user(role="admin", org=make_org())
    other = client.application.test_client()
    login(other_admin, test_client=other)
    # Their own organization is the only choice; another organization's id is refused.
    assert _erase(other, org, str(contributions["comment"].id), confirm=True).status_code == 422
    assert db.session.get(Comment, contributions["comment"].id).participant_id is not None


def test_unknown_reference_is_a_field_error(client, login, make_user, contributions):
    org = contributions["project"].organization
    login(make_user(role="admin", org=org))
    response = _erase(client, org, "999999", confirm=True)
    assert response.status_code == 422


def test_retention_unlinks_after_the_period_and_is_idempotent(runner, contributions):
    stage = contributions["stage"]
    org = contributions["project"].organization
    stage.opens_at = utcnow() - timedelta(days=900)
    stage.closes_at = add_months(utcnow(), -org.retention_months) - timedelta(days=1)
    db.session.commit()
    dry = runner.invoke(args=["privacy", "enforce-retention", "--dry-run"])
    assert "would unlink 1 responses and 2 comments" in dry.output
    db.session.expire_all()
    assert db.session.get(Comment, contributions["comment"].id).participant_id is not None
    first = runner.invoke(args=["privacy", "enforce-retention"])
    assert first.exit_code == 0, first.output
    assert "unlinked 1 responses and 2 comments" in first.output
    db.session.expire_all()
    assert db.session.get(Response, contributions["response"].id).participant_id is None
    assert db.session.get(Comment, contributions["comment"].id).body  # text kept, link gone
    second = runner.invoke(args=["privacy", "enforce-retention"])
    assert "total: 0 responses, 0 comments" in second.output


def test_retention_keeps_recent_rounds(contributions):
    report = enforce_retention()
    assert report.responses == 0 and report.comments == 0
    assert contributions["comment"].participant_id is not None
