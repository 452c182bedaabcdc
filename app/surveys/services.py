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
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Participant
from app.core import pii
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.models import utcnow
from app.core.permissions import Action, Actor, actor_from, can
from app.core.signals import contribution_created
from app.extensions import db
from app.projects import signals as project_signals
from app.projects.models import Activity, ParticipationPolicy, Stage, StageAction
from app.surveys import photos as marking_photos
from app.surveys.models import (
    DEMOGRAPHIC_TYPES,
    Answer,
    AnswerFeature,
    Channel,
    MarkingPhoto,
    Question,
    Response,
    Resubmission,
    Survey,
    SurveyStatus,
)
from app.surveys.queries import earlier_response, response_by_client_id
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
    photos: Mapping[str, bytes] | None = None,
) -> tuple[Response, bool]:
    """Validate and store one participant's response; return ``(response, created)``.

    ``photos`` are the files sent beside the answers by the key a marking names
    (``app.surveys.photos``); they are checked with the answers, before anything is written.

    With ``participant`` None and ``new_participant`` given, the participant is created (by
    calling it) only once the submission has passed every check, so a refused submission
    leaves no participant behind.

    ``created`` is False when nothing was stored because ``client_id`` was already stored for
    this survey (a harmless re-send, even from another device or after the survey closed; the
    stored response is returned). With ``Survey.resubmission == update`` a participant's
    second submission replaces the answers of their earlier response (same row,
    ``updated_at`` set) and counts as created; with ``refuse`` it raises ``Conflict``
    ``already_answered``. Raises the domain errors of ``check_can_respond`` and
    ``validate_submission`` for everything else; nothing is written then. ``channel``, when
    given, overrides the submission's.
    """
    submission = as_submission(submission)
    client_id = submission.client_id
    stored = response_by_client_id(survey.id, client_id)
    if stored is not None:
        return stored, False
    if actor is None:
        actor = actor_from(participant.user if participant else None, participant)
    check_can_respond(survey, actor)
    try:
        channel = Channel(channel) if channel is not None else submission.channel
    except ValueError:
        message = _("Unknown channel.")
        raise Invalid(message, fields={"channel": message}) from None
    validated = validate_submission(survey, submission, participant=participant)
    prepared = marking_photos.prepare(validated.answers, photos or {})
    earlier = None
    if participant is not None:
        earlier = earlier_response(survey.id, participant.id, with_answers=True)
    elif new_participant is not None:
        participant = new_participant()  # made just now: nothing of theirs is stored yet
    if earlier is not None:
        if survey.resubmission == Resubmission.REFUSE:
            raise Conflict(_("You have already answered this survey."), code="already_answered")
        kept = marking_photos.kept_of(earlier)
        earlier.answers.clear()
        db.session.flush()  # the old answers go first: one answer per question
        answers = _new_answers(validated)
        earlier.answers.extend(answers)
        db.session.flush()
        marking_photos.attach(answers, validated.answers, prepared, kept)
        earlier.language = validated.language
        earlier.channel = channel
        earlier.survey_version = survey.version
        earlier.updated_at = utcnow()
        if validated.nickname and participant is not None:
            participant.nickname = validated.nickname
        db.session.flush()
        _announce(answers)
        return earlier, True

    response = Response(
        survey_id=survey.id,
        participant_id=participant.id if participant is not None else None,
        client_id=validated.client_id,
        language=validated.language,
        channel=channel,
        survey_version=survey.version,
        submitted_at=utcnow(),
        answers=_new_answers(validated),
    )
    try:
        # A concurrent request with the same client id may win the race: the unique
        # constraint on survey and client id tells, and the savepoint keeps the rest of the
        # transaction usable.
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
            marking_photos.attach(response.answers, validated.answers, prepared)
    except IntegrityError:
        stored = response_by_client_id(survey.id, client_id)
        if stored is None:
            raise
        return stored, False
    _announce(response.answers)
    if validated.nickname and participant is not None:
        participant.nickname = validated.nickname
    return response, True


def _announce(answers: list[Answer]) -> None:
    """Tell the subscribers (the analysis) about the new answers and their map features."""
    for answer in answers:
        contribution_created.send(answer)


def _new_answers(validated: ValidatedSubmission) -> list[Answer]:
    """The validated answers as new ``Answer`` rows with their map features."""
    answers = []
    for question_id, cleaned in validated.answers.items():
        answer = Answer(
            question_id=question_id,
            value=cleaned.value,
            text=cleaned.text,
            # Kinds of personal data in the free text (app.core.pii).
            personal_data=pii.kinds(pii.find(cleaned.text)) if cleaned.text else None,
        )
        for position, item in enumerate(cleaned.features):
            feature = AnswerFeature(
                position=position, category_id=item.category_id, comment=item.comment
            )
            # Already validated against the question and the area; this fills the box.
            feature.set_geometry(item.geometry)
            answer.features.append(feature)
        answers.append(answer)
    return answers


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


# --- answers to the projects domain (app/projects/signals.py) --------------------------------


def _count_responses(obj: Stage | Activity) -> tuple[str, int]:
    query = db.select(sa.func.count(Response.id))
    if isinstance(obj, Activity):
        if obj.survey_id is None:
            return "responses", 0
        query = query.where(Response.survey_id == obj.survey_id)
    else:
        query = query.join(Activity, Activity.survey_id == Response.survey_id).where(
            Activity.stage_id == obj.id
        )
    return "responses", int(db.session.scalar(query) or 0)


def _respondents(stage: Stage) -> sa.Select[Any]:
    return (
        sa.select(Participant.user_id)
        .join(Response, Response.participant_id == Participant.id)
        .join(Activity, Activity.survey_id == Response.survey_id)
        .where(Activity.stage_id == stage.id)
    )


def _new_draft_survey(stage: Stage, *, title: dict[str, str]) -> Survey:
    organization = stage.project.organization
    survey = Survey(
        organization_id=stage.project.organization_id,
        title=title,
        status=SurveyStatus.DRAFT,
        languages=list(organization.languages),
    )
    db.session.add(survey)
    db.session.flush()
    return survey


def _marking_photo_files(stage: Stage) -> list[str]:
    """The files of the photos of marked places in the stage's surveys (it is being deleted)."""
    rows = db.session.execute(
        sa.select(MarkingPhoto.path, MarkingPhoto.thumb_path)
        .join(AnswerFeature, AnswerFeature.id == MarkingPhoto.feature_id)
        .join(Answer, Answer.id == AnswerFeature.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .join(Activity, Activity.survey_id == Response.survey_id)
        .where(Activity.stage_id == stage.id)
    ).all()
    return [p for row in rows for p in row if p]


def subscribe() -> None:
    """Answer the projects domain's questions about surveys (at app creation)."""
    project_signals.counting_contributions.connect(_count_responses)
    project_signals.selecting_contributors.connect(_respondents)
    project_signals.creating_survey.connect(_new_draft_survey)
    project_signals.deleting_stage.connect(_marking_photo_files)
