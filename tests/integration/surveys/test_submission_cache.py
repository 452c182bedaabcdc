"""Each worker caches the survey a submission is checked against; staff changes still count on
the very next submission, from any worker, and a submission itself invalidates nothing."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.core import revisions
from app.core.models import utcnow
from app.extensions import db
from app.surveys.models import Question, QuestionType, Response


def post(client, kit, payload):
    return client.post(f"/api/v1/surveys/{kit.survey.id}/responses", json=payload)


def stamp() -> int | None:
    return revisions.current(db.session, revisions.SURVEYS)


def test_a_question_made_required_is_enforced_on_the_next_submission(web, make_survey):
    kit = make_survey()
    assert post(web, kit, kit.payload()).status_code == 201  # the worker has it cached now
    text = kit.q["long"]
    text.required = True
    db.session.commit()
    refused = post(web, kit, kit.payload(kit.replace("long", None)))
    assert refused.status_code == 422
    assert f"answers.{text.id}" in refused.get_json()["error"]["fields"]


def test_a_stage_closed_early_refuses_the_next_submission(web, make_survey):
    kit = make_survey()
    assert post(web, kit, kit.payload()).status_code == 201
    stage = kit.activity.stage
    stage.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    refused = post(web, kit, kit.payload())
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "closed"


def test_a_new_question_is_accepted_on_the_next_submission(web, make_survey):
    kit = make_survey()
    assert post(web, kit, kit.payload()).status_code == 201
    extra = Question(
        survey=kit.survey, type=QuestionType.SHORT_TEXT, page=1, position=99, prompt={"sv": "Ny?"}
    )
    db.session.add(extra)
    db.session.commit()
    answers = [*kit.valid_answers(), {"question_id": extra.id, "value": "Ja"}]
    assert post(web, kit, kit.payload(answers)).status_code == 201
    stored = db.session.scalars(sa.select(Response).order_by(Response.id.desc()).limit(1)).one()
    assert extra.id in {a.question_id for a in stored.answers}


def test_a_submission_leaves_the_stamp_alone_and_staff_edits_renew_it(web, make_survey):
    kit = make_survey()
    before = stamp()
    assert before is not None
    assert post(web, kit, kit.payload()).status_code == 201
    assert stamp() == before
    kit.survey.title = {"sv": "Nytt namn"}
    db.session.commit()
    assert stamp() not in (None, before)


def test_without_a_stamp_row_nothing_is_served_from_the_cache(web, make_survey):
    """A database reset or restore (the stamp row gone, rows changed behind the ORM's back)
    never leaves a worker with the old survey."""
    kit = make_survey()
    assert post(web, kit, kit.payload()).status_code == 201
    text = kit.q["long"]
    db.session.execute(sa.delete(revisions.CacheRevision))
    db.session.execute(
        sa.update(Question.__table__)
        .where(Question.__table__.c.id == text.id)
        .values(required=True)
    )
    db.session.commit()
    assert post(web, kit, kit.payload(kit.replace("long", None))).status_code == 422


def test_a_refused_submission_from_a_new_phone_leaves_no_participant(web, make_survey):
    from app.accounts.models import Participant

    kit = make_survey()
    refused = post(web, kit, kit.payload(kit.replace("single", {"value": 999999})))
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0
    assert "pd_participant" not in refused.headers.get("Set-Cookie", "")
    assert post(web, kit, kit.payload()).status_code == 201
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 1
