"""Reads of surveys and responses that are more than one line."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import (
    joinedload,
    make_transient_to_detached,
    selectinload,
)
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.accounts.models import Participant
from app.core import revisions
from app.extensions import db
from app.projects.models import Activity, Project, Stage
from app.surveys.models import Answer, Question, QuestionOption, Response, Survey
from app.surveys.questions import kind_for


def survey_for_answering(survey_id: int) -> Survey | None:
    """A survey with its questions, options, activity, stage and project in a few queries."""
    return db.session.scalar(
        db.select(Survey)
        .where(Survey.id == survey_id)
        .options(
            selectinload(Survey.questions).selectinload(Question.options),
            joinedload(Survey.activity).joinedload(Activity.stage).joinedload(Stage.project),
        )
    )


_QUESTIONS = Question.__table__
_OPTIONS = QuestionOption.__table__
#: Questions with their options in one plain (non-ORM) query, options prefixed with ``o_``.
_STRUCTURE = (
    sa.select(*_QUESTIONS.c, *[c.label(f"o_{c.name}") for c in _OPTIONS.c])
    .outerjoin(_OPTIONS, _OPTIONS.c.question_id == _QUESTIONS.c.id)
    .where(_QUESTIONS.c.survey_id == sa.bindparam("survey_id"))
    .order_by(_QUESTIONS.c.page, _QUESTIONS.c.position, _QUESTIONS.c.id)
    .order_by(_OPTIONS.c.position, _OPTIONS.c.id)
)


#: Per process: survey id → (revision, survey). The survey with its questions, options,
#: activity, stage and project as detached, read-only objects shared by the worker's threads.
_SUBMISSION_CACHE: dict[int, tuple[int, Survey]] = {}
_SUBMISSION_CACHE_SIZE = 256

_SURVEYS = Survey.__table__
_ACTIVITIES = Activity.__table__
_STAGES = Stage.__table__
_PROJECTS = Project.__table__
_PARTS: list[tuple[str, type[Any], sa.Table]] = [
    ("s", Survey, _SURVEYS),
    ("a", Activity, _ACTIVITIES),
    ("t", Stage, _STAGES),
    ("p", Project, _PROJECTS),
]
#: The survey with its activity, stage and project in one plain query, columns prefixed.
_GRAPH = (
    sa.select(*[c.label(f"{prefix}_{c.name}") for prefix, _m, table in _PARTS for c in table.c])
    .select_from(_SURVEYS)
    .outerjoin(_ACTIVITIES, _ACTIVITIES.c.survey_id == _SURVEYS.c.id)
    .outerjoin(_STAGES, _STAGES.c.id == _ACTIVITIES.c.stage_id)
    .outerjoin(_PROJECTS, _PROJECTS.c.id == _STAGES.c.project_id)
    .where(_SURVEYS.c.id == sa.bindparam("survey_id"))
)


def survey_for_submission(survey_id: int) -> Survey | None:
    """The survey a submission is checked against, with its questions, options, activity,
    stage and project, in one small query on most requests.

    Each worker process keeps the survey it built as detached, read-only objects, keyed on
    the ``surveys`` revision stamp (``app.core.revisions``): every ORM change to a survey,
    question, option, activity, stage, project or organization renews it in the same
    transaction, so a cached survey is never older than what this transaction can read.
    Whether the stage is open is still decided at request time from its dates. Measured in
    docs/performance.md: about 1.5 ms of CPU less per submission than loading it each time.
    Callers must not change the returned objects.
    """
    session = db.session()
    if session.identity_map.get(identity_key(Survey, survey_id)) is not None:
        # This session already holds the survey (a test or a command that changed it in
        # this very transaction): its objects are the truth.
        return survey_for_answering(survey_id)
    if session.new or session.dirty or session.deleted:
        session.flush()  # pending changes move the revision before it is read
    revision = revisions.current(session, revisions.SURVEYS)
    cached = _SUBMISSION_CACHE.get(survey_id)
    if cached is not None and cached[0] == revision:
        return cached[1]
    survey = _detached_survey(survey_id)
    if survey is not None and revision is not None:
        if len(_SUBMISSION_CACHE) >= _SUBMISSION_CACHE_SIZE:
            _SUBMISSION_CACHE.pop(next(iter(_SUBMISSION_CACHE)), None)
        _SUBMISSION_CACHE[survey_id] = (revision, survey)
    return survey


def _detached_survey(survey_id: int) -> Survey | None:
    """Build the survey graph from two plain queries as detached objects."""
    row = db.session.execute(_GRAPH, {"survey_id": survey_id}).mappings().first()
    if row is None:
        return None
    parts: dict[str, Any] = {}
    for prefix, model, table in _PARTS:
        if row[f"{prefix}_id"] is None:
            parts[prefix] = None
            continue
        parts[prefix] = _detached(model, {c.name: row[f"{prefix}_{c.name}"] for c in table.c})
    survey, activity, stage, project = parts["s"], parts["a"], parts["t"], parts["p"]
    set_committed_value(survey, "activity", activity)
    if activity is not None:
        set_committed_value(activity, "survey", survey)
        set_committed_value(activity, "stage", stage)
        if stage is not None:
            set_committed_value(stage, "project", project)
    questions: dict[int, Question] = {}
    options: dict[int, list[QuestionOption]] = {}
    q_names = [c.name for c in _QUESTIONS.c]
    o_names = [c.name for c in _OPTIONS.c]
    for qrow in db.session.execute(_STRUCTURE, {"survey_id": survey_id}).mappings():
        question = questions.get(qrow["id"])
        if question is None:
            question = _detached(Question, {name: qrow[name] for name in q_names})
            questions[question.id] = question
            options[question.id] = []
        if qrow["o_id"] is not None:
            option = _detached(QuestionOption, {name: qrow[f"o_{name}"] for name in o_names})
            set_committed_value(option, "question", question)
            options[question.id].append(option)
    for question in questions.values():
        set_committed_value(question, "options", options[question.id])
        set_committed_value(question, "survey", survey)
    set_committed_value(survey, "questions", list(questions.values()))
    return survey


def _detached(model: type[Any], values: dict[str, Any]) -> Any:
    """An instance that looks loaded and detached: no pending changes, never inserted."""
    instance = sa.inspect(model).class_manager.new_instance()
    for name, value in values.items():
        set_committed_value(instance, name, value)
    make_transient_to_detached(instance)
    return instance


def responses_for_submission(
    survey_id: int, client_id: str, participant_id: int | None
) -> tuple[Response | None, Response | None]:
    """In one query: the response already stored under ``client_id`` and the participant's
    first response to this survey (either may be None)."""
    match = Response.client_id == client_id
    if participant_id is not None:
        match = sa.or_(match, Response.participant_id == participant_id)
    rows = db.session.scalars(
        db.select(Response).where(Response.survey_id == survey_id, match).order_by(Response.id)
    ).all()
    stored = next((r for r in rows if r.client_id == client_id), None)
    earlier = None
    if participant_id is not None:
        earlier = next((r for r in rows if r.participant_id == participant_id), None)
    return stored, earlier


def response_by_client_id(survey_id: int, client_id: str) -> Response | None:
    """The response stored under ``client_id`` for this survey, if any."""
    return db.session.scalar(
        db.select(Response).where(Response.survey_id == survey_id, Response.client_id == client_id)
    )


def earlier_response(survey_id: int, participant_id: int) -> Response | None:
    """The participant's first stored response to this survey, if any."""
    return db.session.scalar(
        db.select(Response)
        .where(Response.survey_id == survey_id, Response.participant_id == participant_id)
        .order_by(Response.id)
        .limit(1)
    )


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
                selectinload(Response.answers).selectinload(Answer.features),
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
