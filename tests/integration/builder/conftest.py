"""Factories for the survey builder tests: surveys with questions, options and responses."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest

from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind
from app.surveys.models import (
    Answer,
    OptionKind,
    Question,
    QuestionOption,
    QuestionType,
    Response,
    Survey,
    SurveyStatus,
)

_seq = itertools.count(1)


@pytest.fixture()
def make_survey(make_project: Any, make_activity: Any) -> Any:
    """A draft survey in the current stage of a new (or given) project."""

    def make(project: Any = None, *, org: Any = None, status: str = "draft", stage: Any = None):
        project = project or make_project(org)
        stage = stage or project.current_stage
        activity = make_activity(stage, ActivityKind.SURVEY)
        survey = activity.survey
        survey.status = SurveyStatus(status)
        db.session.commit()
        return survey

    return make


@pytest.fixture()
def make_question(app: Any) -> Any:
    def make(
        survey: Survey,
        qtype: str = "single_choice",
        *,
        page: int = 1,
        options: list[str] | None = None,
        prompt: str | None = None,
        **kw: Any,
    ) -> Question:
        n = next(_seq)
        question = Question(
            survey=survey,
            type=QuestionType(qtype),
            page=page,
            position=len([q for q in survey.questions if q.page == page]),
            prompt={"sv": prompt or f"Fråga {n}", "en": prompt or f"Question {n}"},
            **kw,
        )
        for index, label in enumerate(options or []):
            question.options.append(
                QuestionOption(
                    kind=OptionKind.OPTION,
                    position=index,
                    label={"sv": label, "en": label},
                    code=label.lower(),
                )
            )
        db.session.add(question)
        db.session.commit()
        return question

    return make


@pytest.fixture()
def make_response(app: Any) -> Any:
    """A response answering ``answers`` ({question: value}); option values are option ids."""

    def make(survey: Survey, answers: dict[Question, Any]) -> Response:
        response = Response(
            survey_id=survey.id, client_id=str(uuid.uuid4()), survey_version=survey.version
        )
        db.session.add(response)
        for question, value in answers.items():
            response.answers.append(Answer(question_id=question.id, value=value))
        db.session.add(response)
        db.session.commit()
        return response

    return make


@pytest.fixture()
def planner(make_user: Any) -> Any:
    def make(org: Any, role: str = Role.PLANNER) -> Any:
        return make_user(role=role, org=org)

    return make


@pytest.fixture()
def english(client: Any) -> Any:
    """Show the staff pages in English so tests can read the msgids (call after login)."""

    def switch(test_client: Any = None) -> None:
        with (test_client or client).session_transaction() as session:
            session["lang"] = "en"

    return switch
