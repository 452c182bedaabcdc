"""Opening a survey is refused while a question is empty (issue 17, minor list)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.surveys.models import Question, SurveyStatus


@pytest.fixture()
def setup(make_survey, planner, login, english):
    survey = make_survey()
    login(planner(survey.activity.stage.project.organization))
    english()
    return survey


def test_a_question_added_but_never_written_blocks_opening(client, setup):
    added = client.post(f"/manage/surveys/{setup.id}/questions", data={"type": "single_choice"})
    assert added.status_code in (200, 303)
    question = db.session.scalars(db.select(Question).filter_by(survey_id=setup.id)).one()

    refused = client.post(f"/manage/surveys/{setup.id}/status", data={"status": "open"})
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert "Question 1 has no question text" in text
    assert "Question 1 has no options to choose from" in text
    db.session.refresh(setup)
    assert setup.status == SurveyStatus.DRAFT
    # The builder page says so before the planner even tries.
    assert "Question 1 has no question text" in client.get(f"/manage/surveys/{setup.id}").get_data(
        as_text=True
    )

    question.prompt = {"sv": "Hur ofta?", "en": "How often?"}
    db.session.commit()
    still = client.post(f"/manage/surveys/{setup.id}/status", data={"status": "open"})
    assert still.status_code == 409
    assert "no question text" not in still.get_data(as_text=True)


def test_a_written_question_with_options_opens(client, setup, make_question):
    make_question(setup, options=["Ja", "Nej"])
    make_question(setup, "long_text")
    assert (
        client.post(f"/manage/surveys/{setup.id}/status", data={"status": "open"}).status_code
        == 303
    )
    db.session.refresh(setup)
    assert setup.status == SurveyStatus.OPEN
