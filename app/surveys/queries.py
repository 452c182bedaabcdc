"""Reads of surveys and responses that are more than one line."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Participant
from app.extensions import db
from app.projects.models import Activity, Stage
from app.surveys.models import Answer, AnswerFeature, Question, Response, Survey
from app.surveys.questions import kind_for


def survey_for_answering(survey_id: int) -> Survey | None:
    """A survey with its questions, options, activity, stage and project in three queries.

    Loaded afresh for every request (the HTML flow and the API's submissions alike), so a
    staff edit counts on the very next request in every worker.
    """
    return db.session.scalar(
        sa.select(Survey)
        .where(Survey.id == survey_id)
        .options(
            selectinload(Survey.questions).selectinload(Question.options),
            joinedload(Survey.activity).joinedload(Activity.stage).joinedload(Stage.project),
        )
    )


def response_by_client_id(survey_id: int, client_id: str) -> Response | None:
    """The response stored under ``client_id`` for this survey, if any."""
    return db.session.scalar(
        sa.select(Response).where(Response.survey_id == survey_id, Response.client_id == client_id)
    )


def earlier_response(
    survey_id: int, participant_id: int, *, with_answers: bool = False
) -> Response | None:
    """The participant's first stored response to this survey, if any (``with_answers``:
    its answers and their features loaded too, with their photos in the features' query, to
    replace them)."""
    stmt = (
        sa.select(Response)
        .where(Response.survey_id == survey_id, Response.participant_id == participant_id)
        .order_by(Response.id)
        .limit(1)
    )
    if with_answers:
        stmt = stmt.options(
            selectinload(Response.answers)
            .selectinload(Answer.features)
            .joinedload(AnswerFeature.photo)
        )
    return db.session.scalar(stmt)


def count_responses(survey_id: int) -> int:
    return (
        db.session.scalar(
            db.select(db.func.count(Response.id)).where(Response.survey_id == survey_id)
        )
        or 0
    )


def responses_page(survey_id: int, page: int, per_page: int) -> list[Response]:
    """One page of a survey's responses with answers, features and participants loaded."""
    return list(
        db.session.scalars(
            db.select(Response)
            .where(Response.survey_id == survey_id)
            .order_by(Response.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
            .options(
                selectinload(Response.answers)
                .selectinload(Answer.features)
                .selectinload(AnswerFeature.photo),
                joinedload(Response.participant).joinedload(Participant.user),
            )
        )
    )


def summarise_survey(survey: Survey) -> dict[int, dict[str, Any]]:
    """Per active question id, the aggregates its question type computes."""
    answers = db.session.scalars(
        db.select(Answer)
        .join(Response)
        .where(Response.survey_id == survey.id)
        .options(selectinload(Answer.features))
    ).all()
    by_question: dict[int, list[Answer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    return {
        question.id: kind_for(question).summarise(by_question.get(question.id, []))
        for question in survey.active_questions
    }
