"""Writes of the surveys domain: validating and storing residents' responses.

``submit_response`` is the one entry point used by both the HTML flow and the JSON API; both
hand it a ``NewResponse`` (``app/surveys/schemas.py``). It validates the answers against the
survey first and then writes the response, its answers and their geometries together, so a
submission is stored completely or not at all. Refusals are the domain errors of
``app/core/errors.py`` (``NotFound``, ``Conflict``, ``Forbidden``, ``Invalid``; no HTTP statuses).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.accounts.models import Participant
from app.analysis_ui import hooks as coding_hooks
from app.analysis_ui.models import TargetType
from app.core import participants
from app.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from app.core.models import insert_new, utcnow
from app.core.permissions import Action, Actor, actor_from, can
from app.extensions import db
from app.projects.models import ParticipationPolicy, StageAction
from app.surveys.models import (
    DEMOGRAPHIC_TYPES,
    Answer,
    AnswerFeature,
    Channel,
    Question,
    Response,
    Resubmission,
    Survey,
    SurveyStatus,
)
from app.surveys.queries import response_by_client_id, responses_for_submission
from app.surveys.questions import AnswerContext, AnswerError, Cleaned, kind_for
from app.surveys.schemas import NICKNAME_MAX_LENGTH as NICKNAME_MAX_LENGTH
from app.surveys.schemas import NewResponse

# Validation boundary: what the functions below take (a ``NewResponse``, or a mapping parsed as
# one) and what they raise. The persistence further down is independent of it.


def as_submission(submission: NewResponse | Mapping[str, Any]) -> NewResponse:
    """``submission`` parsed as ``NewResponse`` (raises ``Malformed``/``Invalid``)."""
    if isinstance(submission, NewResponse):
        return submission
    return NewResponse.parse(submission)


@dataclass
class ValidatedSubmission:
    """A submission that passed every check, ready to be written."""

    client_id: str
    language: str
    nickname: str | None
    #: Cleaned answers by question id, in question order.
    answers: dict[int, Cleaned] = field(default_factory=dict)


def ordered_questions(survey: Survey) -> list[Question]:
    """The survey's active questions in page and position order."""
    return sorted(survey.active_questions, key=lambda q: (q.page, q.position, q.id))


def answer_context(survey: Survey, language: str = "sv") -> AnswerContext:
    """The context question types validate against: the project's area and the language."""
    activity = survey.activity
    project = activity.stage.project if activity is not None else None
    area = project.shape if project is not None and project.geometry else None
    return AnswerContext(area=area, language=language)


def visible_question_ids(survey: Survey, cleaned: Mapping[int, Cleaned]) -> set[int]:
    """Ids of the active questions whose display condition holds for these answers."""
    return _visibility(ordered_questions(survey), cleaned)


def _visibility(questions: list[Question], cleaned: Mapping[int, Cleaned]) -> set[int]:
    active = {q.id: q for q in questions}
    visible: set[int] = set()
    for question in questions:
        if _condition_holds(question, active, visible, cleaned):
            visible.add(question.id)
    return visible


def _condition_holds(
    question: Question,
    active: Mapping[int, Question],
    visible: set[int],
    cleaned: Mapping[int, Cleaned],
) -> bool:
    condition_id = question.condition_question_id
    # A condition on an archived or removed question no longer applies.
    if condition_id is None or condition_id not in active:
        return True
    if condition_id not in visible or condition_id not in cleaned:
        return False
    chosen = kind_for(active[condition_id]).selected_option_ids(cleaned[condition_id])
    return question.condition_option_id in chosen


def validate_answers(
    survey: Survey,
    raw_answers: Mapping[int, Mapping[str, Any]],
    context: AnswerContext,
    *,
    required_for: set[int] | None = None,
    hidden_is_error: bool = True,
) -> tuple[dict[int, Cleaned], dict[str, str]]:
    """Validate raw answers (by question id) against the survey's questions.

    Returns the cleaned answers (in question order) and the field errors. ``required_for``
    limits the required-question check to some questions (one page of the HTML flow); answers
    to hidden questions are errors unless ``hidden_is_error`` is false, when they are dropped.
    """
    questions = ordered_questions(survey)
    active = {q.id: q for q in questions}
    errors: dict[str, str] = {}
    for question_id in raw_answers:
        if question_id not in active:
            errors[f"answers.{question_id}"] = _("There is no such question in this survey.")
    cleaned: dict[int, Cleaned] = {}
    visible: set[int] = set()
    failed: set[int] = set()
    for question in questions:
        key = f"answers.{question.id}"
        raw = raw_answers.get(question.id)
        kind = kind_for(question)
        blank = raw is None or kind.is_blank(raw)
        if question.condition_question_id in failed:
            failed.add(question.id)  # its condition cannot be judged until that is fixed
            continue
        if not _condition_holds(question, active, visible, cleaned):
            if not blank and hidden_is_error:
                errors[key] = _(
                    "This question is not shown for your earlier answers and cannot be answered."
                )
            continue
        visible.add(question.id)
        if raw is None or blank:
            if question.required and (required_for is None or question.id in required_for):
                errors[key] = _("Please answer this question.")
            continue
        try:
            cleaned[question.id] = kind.validate(raw, context)
        except AnswerError as error:
            errors[key] = error.message
            failed.add(question.id)
    return cleaned, errors


def _raw_answers(
    survey: Survey, submission: NewResponse, errors: dict[str, str]
) -> dict[int, dict[str, Any]]:
    """The answer list (and ``demographics``) as raw answers by question id."""
    raw: dict[int, dict[str, Any]] = {}
    for item in submission.answers:
        question_id = item.question_id
        if question_id in raw:
            errors[f"answers.{question_id}"] = _("A question can be answered only once.")
            continue
        raw[question_id] = item.raw()
    demographics = submission.demographics
    if not demographics:
        return raw
    by_type = {q.type.value: q for q in survey.active_questions if q.type in DEMOGRAPHIC_TYPES}
    for key, value in demographics.items():
        question = by_type.get(key)
        if question is None:
            errors[f"demographics.{key}"] = _("This survey does not ask about that.")
        elif question.id in raw:
            errors[f"answers.{question.id}"] = _("A question can be answered only once.")
        else:
            raw[question.id] = {"value": value}
    return raw


def validate_submission(
    survey: Survey,
    submission: NewResponse | Mapping[str, Any],
    *,
    participant: Participant | None = None,
) -> ValidatedSubmission:
    """Check a whole submission against ``survey`` without writing anything; raise
    ``Invalid`` (with a message per field: ``answers.<question_id>``, ``language``, ...)."""
    submission = as_submission(submission)
    errors: dict[str, str] = {}
    client_id = submission.client_id
    languages = set(current_app.config["LANGUAGES"]) | set(survey.languages or [])
    language = submission.language or current_app.config["BABEL_DEFAULT_LOCALE"]
    if language not in languages:
        errors["language"] = _("This language is not available.")
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    nickname = submission.nickname
    activity = survey.activity
    if (
        activity is not None
        and activity.policy == ParticipationPolicy.NICKNAME
        and not nickname
        and not (participant is not None and participant.nickname)
        and "nickname" not in errors
    ):
        errors["nickname"] = _("Please choose a nickname to take part.")
    raw = _raw_answers(survey, submission, errors)
    cleaned, answer_errors = validate_answers(survey, raw, answer_context(survey, language))
    errors.update(answer_errors)
    if errors:
        raise Invalid(_("Some answers need your attention."), fields=errors)
    return ValidatedSubmission(
        client_id=client_id, language=language, nickname=nickname, answers=cleaned
    )


def check_can_respond(survey: Survey, actor: Actor) -> None:
    """Raise unless ``actor`` may answer ``survey`` now.

    ``NotFound`` when the survey is not visible, ``Conflict`` ``closed`` when the survey or its
    stage is not open (closed, not yet open, or the stage takes no answers), ``Forbidden`` when
    the participation policy refuses the actor (``account_required`` for account-only surveys).
    """
    if survey.status == SurveyStatus.DRAFT or not can(actor, Action.VIEW, survey):
        raise NotFound(_("We could not find that survey."))
    activity = survey.activity
    stage = activity.stage if activity is not None else None
    if (
        survey.status != SurveyStatus.OPEN
        or stage is None
        or not stage.is_open
        or not stage.allows(StageAction.RESPOND)
    ):
        raise Conflict(_("This survey is not open for answers right now."), code="closed")
    if can(actor, Action.RESPOND, survey):
        return
    if activity is not None and activity.policy == ParticipationPolicy.ACCOUNT:
        raise Forbidden(
            _("Log in with a verified account to answer this survey."), code="account_required"
        )
    raise Forbidden(_("You are not allowed to do that."))


def submit_response(
    survey: Survey,
    participant: Participant | None,
    submission: NewResponse | Mapping[str, Any],
    *,
    channel: Channel | str | None = None,
    actor: Actor | None = None,
    new_participant: Callable[[], Participant] | None = None,
) -> tuple[Response, bool]:
    """Validate and store one participant's response; return ``(response, created)``.

    With ``participant`` None and ``new_participant`` given, the participant is created (by
    calling it) only once the submission has passed every check, so that the first write,
    which on SQLite takes the database's write lock, comes as late as possible.

    ``created`` is False when nothing was stored because ``client_id`` was already stored for
    this survey (a harmless re-send; the earlier response is returned). With
    ``Survey.resubmission == update`` a participant's second submission replaces the answers
    of their earlier response (same row, ``updated_at`` set) and counts as created; with
    ``refuse`` it raises ``Conflict`` ``already_answered``. Raises the domain errors of
    ``check_can_respond`` and ``validate_submission`` for everything else; nothing is written
    then. ``channel``, when given, overrides the submission's.
    """
    submission = as_submission(submission)
    client_id = submission.client_id
    looked_up = False
    existing = earlier = None
    if participant is not None and not participants.is_new(participant):
        # One query answers both "was this client id stored already?" and "did this
        # participant answer before?"; the second answer is used only after validation.
        looked_up = True
        existing, earlier = responses_for_submission(survey.id, client_id, participant.id)
        if existing is not None:
            return existing, False
    # A participant made by this request (a new phone, or one whose cookie was lost) has
    # answered nothing yet: a re-sent client id is found by the INSERT below instead, or,
    # when the checks refuse, by the lookup in the except clause.
    if actor is None:
        actor = actor_from(participant.user if participant else None, participant)
    try:
        check_can_respond(survey, actor)
        try:
            channel = Channel(channel) if channel is not None else submission.channel
        except ValueError:
            message = _("Unknown channel.")
            raise Invalid(message, fields={"channel": message}) from None
        validated = validate_submission(survey, submission, participant=participant)
    except DomainError:
        # A re-send of a stored response is acknowledged even after the survey closed.
        stored = None if looked_up else response_by_client_id(survey.id, client_id)
        if stored is not None:
            return stored, False
        raise
    if participant is None and new_participant is not None:
        participant = new_participant()

    if earlier is not None:
        if survey.resubmission == Resubmission.REFUSE:
            raise Conflict(_("You have already answered this survey."), code="already_answered")
        # The earlier answers go with one DELETE (their features follow by ON DELETE CASCADE)
        # instead of loading them for the ORM to delete one by one.
        answers = Answer.__table__
        db.session.execute(sa.delete(answers).where(answers.c.response_id == earlier.id))
        db.session.expire(earlier, ["answers"])
        _add_answers(earlier, survey, validated)
        earlier.language = validated.language
        earlier.channel = channel
        earlier.survey_version = survey.version
        earlier.updated_at = utcnow()
        if validated.nickname and participant is not None:
            participant.nickname = validated.nickname
        db.session.flush()
        return earlier, True

    response = Response(
        survey_id=survey.id,
        participant_id=participant.id if participant is not None else None,
        client_id=validated.client_id,
        language=validated.language,
        channel=channel,
        survey_version=survey.version,
        submitted_at=utcnow(),
        updated_at=None,
    )
    # One INSERT ... ON CONFLICT (survey_id, client_id) DO NOTHING: a concurrent duplicate is
    # detected without a SAVEPOINT round trip, and the unit of work is not needed.
    if not insert_new(db.session, response, unique=["survey_id", "client_id"]):
        # A concurrent request with the same client id won the race (the unique constraint
        # on survey and client id said so); its response is the one to acknowledge.
        stored = response_by_client_id(survey.id, client_id)
        if stored is None:
            raise Conflict(_("Please send your answers again."))
        return stored, False
    _add_answers(response, survey, validated)
    if validated.nickname and participant is not None:
        participant.nickname = validated.nickname
    return response, True


_ANSWER_INSERT = sa.insert(Answer.__table__).returning(
    Answer.__table__.c.id, Answer.__table__.c.question_id
)
_FEATURE_INSERT = sa.insert(AnswerFeature.__table__).returning(AnswerFeature.__table__.c.id)


def _insert_answers(response_id: int, validated: ValidatedSubmission) -> None:
    """Write a new response's answers and map features with one multi-row INSERT each.

    Plain INSERTs instead of the ORM unit of work: the rows are new and never read back in
    this request, and the ORM spent several milliseconds per submission on bookkeeping
    (docs/performance.md). The automatic coding hook sees no ORM objects, so the new rows are
    noted for it here, as it would note them after an ORM flush.
    """
    if not validated.answers:
        return
    rows = [
        {"response_id": response_id, "question_id": qid, "value": c.value, "text": c.text}
        for qid, c in validated.answers.items()
    ]
    inserted = db.session.execute(_ANSWER_INSERT, rows).all()
    answer_ids = {question_id: answer_id for answer_id, question_id in inserted}
    features = [
        {
            "answer_id": answer_ids[qid],
            "position": position,
            "category_id": item.category_id,
            "comment": item.comment,
            "geometry": item.geometry,
            **dict(zip(_BOX, geometry_bounds(item.geometry), strict=True)),
        }
        for qid, cleaned in validated.answers.items()
        for position, item in enumerate(cleaned.features)
    ]
    feature_ids: list[int] = []
    if features:
        feature_ids = list(db.session.execute(_FEATURE_INSERT, features).scalars())
    coded = [answer_ids[qid] for qid, c in validated.answers.items() if (c.text or "").strip()]
    note_for_coding(TargetType.ANSWER, coded)
    note_for_coding(TargetType.FEATURE, feature_ids)


_BOX = ("min_lon", "min_lat", "max_lon", "max_lat")


def geometry_bounds(geometry: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """The bounding box of an already validated GeoJSON geometry, without parsing it again."""
    lons: list[float] = []
    lats: list[float] = []
    stack: list[Any] = [geometry["coordinates"]]
    while stack:
        item = stack.pop()
        if item and isinstance(item[0], (int, float)):
            lons.append(item[0])
            lats.append(item[1])
        else:
            stack.extend(item)
    return min(lons), min(lats), max(lons), max(lats)


def note_for_coding(target: TargetType, ids: list[int]) -> None:
    """Hand rows written without the ORM to the automatic coding hook (app/analysis_ui)."""
    coding_hooks.note_for_coding(db.session(), target, ids)


def _add_answers(response: Response, survey: Survey, validated: ValidatedSubmission) -> None:
    """Write the validated answers of ``response`` (a stored row without answers)."""
    _insert_answers(response.id, validated)


def reference_of(response: Response) -> str:
    """A short reference number residents can quote (response id + client id prefix)."""
    return f"{response.id:05d}-{response.client_id.replace('-', '')[:4].upper()}"


def _timestamp(value: Any) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def response_body(response: Response) -> dict[str, Any]:
    """The API's description of a stored response (identical on every re-send)."""
    return {
        "id": response.id,
        "client_id": response.client_id,
        "survey_id": response.survey_id,
        "reference": reference_of(response),
        "submitted_at": _timestamp(response.submitted_at),
        "updated_at": _timestamp(response.updated_at),
        "language": response.language,
        "channel": Channel(response.channel).value,
    }
