"""JSON API v1: surveys (docs/design.md section 8).

- ``GET /surveys/<id>``: the survey's questions in the request language (``?lang=``).
- ``POST /surveys/<id>/responses``: store a response; 201 when stored, 200 with the identical
  body when ``client_id`` was already stored. Errors: 400 malformed JSON, 404 unknown survey,
  409 ``closed`` when the survey or its stage is not open (also before it opens), 409
  ``already_answered`` when the survey refuses resubmissions, 403 when the participation
  policy refuses, 413 when the body is too large, 422 with per-field messages otherwise. The
  body is the ``NewResponse`` schema (``app/surveys/schemas.py``), as for the page flow; the
  service's domain errors become JSON errors in ``app/core/errors.py``. With photos of
  marked places the body is ``multipart/form-data``: the JSON in ``response``, each photo in
  ``photo-<key>`` (docs/photos.md).
- ``GET /surveys/<id>/responses?page=N``: staff with ``Action.EXPORT``; personal data
  (nickname, email, demographic answers) only with ``Action.VIEW_PERSONAL_DATA``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.participants import (
    created_participant,
    current_participant,
    kiosk_participant,
)
from app.api import bp
from app.audit.services import record
from app.core.errors import api_error
from app.core.i18n import current_language
from app.core.models import translated
from app.core.permissions import Action, actor_from, can, require
from app.organizations.rules import is_staff_of
from app.surveys import photos as marking_photos
from app.surveys.models import (
    DEMOGRAPHIC_TYPES,
    Channel,
    OptionKind,
    Response,
    Survey,
    SurveyStatus,
)
from app.surveys.queries import (
    count_responses,
    responses_page,
    survey_for_answering,
)
from app.surveys.questions import MapQuestion, kind_for
from app.surveys.schemas import NewResponse
from app.surveys.services import (
    ordered_questions,
    response_body,
    submit_response,
)

#: A response with 50 features of 2,000 vertices each fits well below this.
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
PER_PAGE = 50


def _visible_survey(survey_id: int) -> Survey:
    survey = survey_for_answering(survey_id)
    actor = actor_from(current_user, current_participant())
    if survey is not None and survey.status == SurveyStatus.DRAFT:
        # Drafts exist only for the staff who build them.
        require(actor, Action.EDIT_SURVEY, survey)
    require(actor, Action.VIEW, survey)
    if survey is None:
        abort(404)
    return survey


def survey_document(survey: Survey, language: str) -> dict[str, Any]:
    """The survey as the API describes it, with labels in ``language``."""
    questions = []
    pages: dict[int, int] = {}
    for question in ordered_questions(survey):
        kind = kind_for(question)
        pages[question.page] = pages.get(question.page, 0) + 1
        condition = None
        if question.condition_question_id and question.condition_option_id:
            condition = {
                "question_id": question.condition_question_id,
                "option_id": question.condition_option_id,
            }
        questions.append(
            {
                "id": question.id,
                "type": question.type.value,
                "page": question.page,
                "prompt": translated(question.prompt, language),
                "help": translated(question.help_text, language) or None,
                "required": question.required,
                "options": [
                    {
                        "id": o.id,
                        "label": translated(o.label, language),
                        "code": o.code,
                        "is_other": o.is_other,
                    }
                    for o in question.options_of(OptionKind.OPTION)
                ],
                "categories": [
                    {
                        "id": o.id,
                        "label": translated(o.label, language),
                        "icon": o.icon,
                        "color": o.color,
                    }
                    for o in question.options_of(OptionKind.CATEGORY)
                ],
                "places": [
                    {"id": o.id, "label": translated(o.label, language), "geometry": o.geometry}
                    for o in question.options_of(OptionKind.PLACE)
                ],
                "min": question.min_count,
                "max": (kind.max_features if isinstance(kind, MapQuestion) else question.max_count),
                "condition": condition,
                "settings": kind.api_settings(),
            }
        )
    activity = survey.activity
    return {
        "id": survey.id,
        "title": translated(survey.title, language),
        "intro": translated(survey.intro, language) or None,
        "status": survey.status.value,
        "languages": list(survey.languages or []),
        "resubmission": survey.resubmission.value,
        "policy": activity.policy.value if activity is not None else None,
        "stage_id": activity.stage_id if activity is not None else None,
        "pages": [{"number": n, "question_count": c} for n, c in sorted(pages.items())],
        "questions": questions,
    }


@bp.get("/surveys/<int:survey_id>")
def survey_detail(survey_id: int) -> Any:
    """A survey with its pages and questions, labels in the request language."""
    survey = _visible_survey(survey_id)
    return jsonify(survey_document(survey, current_language()))


@bp.post("/surveys/<int:survey_id>/responses")
def create_response(survey_id: int) -> Any:
    """Store a resident's response (idempotent by ``client_id``).

    With photos of marked places (the offline outbox): ``multipart/form-data`` with the
    response's JSON in ``response`` and each photo in ``photo-<key>``, the key a marking
    names in its ``photo`` property (docs/photos.md)."""
    multipart = request.mimetype == "multipart/form-data"
    limit = MAX_RESPONSE_BYTES + (marking_photos.multipart_allowance() if multipart else 0)
    if request.content_length is not None and request.content_length > limit:
        return api_error(413)
    survey = survey_for_answering(survey_id)
    if survey is None:
        return api_error(404, _("We could not find that survey."))
    files: dict[str, bytes] = {}
    if multipart:
        submission = NewResponse.parse(_json_part(request.form.get("response")))
        files = marking_photos.read_files(request.files)
    else:
        submission = NewResponse.parse(request.get_json(silent=True))
    # A response from a shared device (kiosk mode, sent by the offline outbox) gets a
    # participant of its own, as on the page flow (app/surveys/routes.py).
    fresh = submission.channel == Channel.KIOSK and not current_user.is_authenticated
    participant = None if fresh else current_participant()
    response, created = submit_response(
        survey,
        participant,
        submission,
        actor=actor_from(current_user, participant),
        new_participant=kiosk_participant if fresh else created_participant,
        photos=files,
    )
    body = response_body(response)
    return jsonify(body), 201 if created else 200


def _json_part(text: str | None) -> Any:
    try:
        return json.loads(text or "")
    except ValueError:
        return None


def _photo_properties(feature: Any) -> dict[str, Any]:
    photo = feature.photo
    if photo is None:
        return {}
    return {
        "photo": photo.token,
        "photo_alt": photo.alt,
        "photo_url": url_for(
            "surveys.marking_photo", photo_id=photo.id, token=photo.token, size="full"
        ),
    }


def _answer_document(answer: Any) -> dict[str, Any]:
    return {
        "question_id": answer.question_id,
        "value": answer.value,
        "text": answer.text,
        "features": [
            {
                "type": "Feature",
                "geometry": f.geometry,
                "properties": {
                    "category": f.category_id,
                    "comment": f.comment,
                    **_photo_properties(f),
                },
            }
            for f in answer.features
        ],
    }


def _response_document(response: Response, personal: bool, demographic: set[int]) -> dict[str, Any]:
    body = response_body(response)
    body["answers"] = [
        _answer_document(a)
        for a in response.answers
        if personal or a.question_id not in demographic
    ]
    if personal:
        participant = response.participant
        body["participant"] = (
            {
                "id": participant.id,
                "nickname": participant.nickname,
                "email": participant.user.email if participant.user else None,
            }
            if participant is not None
            else None
        )
    return body


@bp.get("/surveys/<int:survey_id>/responses")
def list_responses(survey_id: int) -> Any:
    """Staff: a page of the survey's responses (personal data only to those allowed)."""
    survey = survey_for_answering(survey_id)
    actor = actor_from(current_user, None)
    if (
        survey is None
        or not can(actor, Action.VIEW, survey)
        and not can(actor, Action.EXPORT, survey)
    ):
        return api_error(404)
    if not can(actor, Action.EXPORT, survey):
        return api_error(401 if actor.user is None else 403)
    if not is_staff_of(actor.user, survey):
        # Project partners get aggregates only (indicators, aggregate exports), never
        # individual responses: free text, exact drawings, client ids, receipts.
        return api_error(403, _("Partners see aggregated results only, not single responses."))
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        return api_error(400, _("The page must be a number."), code="malformed")
    personal = can(actor, Action.VIEW_PERSONAL_DATA, survey)
    demographic = {q.id for q in survey.questions if q.type in DEMOGRAPHIC_TYPES}
    total = count_responses(survey.id)
    rows = responses_page(survey.id, page, PER_PAGE)
    # Every read of individual responses is audited: who, which survey, which page, how many
    # (never the responses themselves).
    record(
        "survey.responses_read",
        actor=actor.user,
        organization_id=survey.organization_id,
        obj=survey,
        page=page,
        count=len(rows),
        personal_data=personal,
        via="token"
        if request.headers.get("Authorization", "").startswith("Bearer ")
        else "session",
    )
    return jsonify(
        {
            "survey_id": survey.id,
            "page": page,
            "per_page": PER_PAGE,
            "total": total,
            "pages": (total + PER_PAGE - 1) // PER_PAGE,
            "responses": [_response_document(r, personal, demographic) for r in rows],
            "personal_data": personal,
        }
    )
