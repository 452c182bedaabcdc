"""A staff edit to a survey, its questions or its stage counts on the very next submission."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.core.models import utcnow
from app.extensions import db
from app.surveys.models import Question, QuestionType, Response


def post(client, kit, payload):
    return client.post(f"/api/v1/surveys/{kit.survey.id}/responses", json=payload)


def test_a_question_made_required_is_enforced_on_the_next_submission(web, make_survey):
    kit = make_survey()
    assert post(web, kit, kit.payload()).status_code == 201
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
