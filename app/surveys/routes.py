"""Resident views of surveys: answer one page at a time, review, submit, receipt.

The answers travel in a hidden JSON field between steps; nothing is stored until the resident
submits on the review step: the flow's answers become a ``NewResponse`` (the schema the API
parses its JSON with) for the same ``submit_response`` service as the API. The participant
is created only when the response is stored.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms.validators import ValidationError

from app.accounts.models import Participant, hash_token
from app.accounts.participants import (
    created_participant,
    current_participant,
    ensure_device_token,
    kiosk_participant,
)
from app.audit.services import record
from app.core import translations
from app.core.bot_trap import stamp_expired
from app.core.errors import Conflict, DomainError, Invalid, status_of
from app.core.i18n import content_language, current_language, enabled_languages, tr
from app.core.permissions import Action, actor_from, can, require
from app.extensions import csrf, db
from app.projects.models import ParticipationPolicy, Stage
from app.surveys import bp
from app.surveys import photos as marking_photos
from app.surveys.forms import FlowState, SurveyStepForm
from app.surveys.models import Answer, Channel, Question, Resubmission, Survey, SurveyStatus
from app.surveys.queries import earlier_response, response_by_client_id, survey_for_answering
from app.surveys.questions import Cleaned, CleanedFeature, MapQuestion, QuestionKind, kind_for
from app.surveys.schemas import NewResponse
from app.surveys.services import (
    answer_context,
    check_can_respond,
    ordered_questions,
    reference_of,
    submit_response,
    validate_answers,
    validate_submission,
    visible_question_ids,
)

REVIEW = "review"


@bp.app_template_filter("format_survey_time")
def format_survey_time(value: datetime | None) -> str:
    """A timestamp in the resident's language and the platform's time zone."""
    return format_datetime(value, "medium") if value is not None else ""


@dataclass
class Item:
    """A question as one step renders it."""

    question: Question
    kind: QuestionKind
    raw: dict[str, Any]
    error: str | None
    hidden: bool
    #: True when its display condition depends on a question of the same page (JS toggles it).
    live_condition: bool


class Flow:
    """The survey's pages and the resident's answers so far."""

    def __init__(
        self,
        survey: Survey,
        state: FlowState,
        *,
        preview: bool,
        paper: bool = False,
        kiosk: bool = False,
    ) -> None:
        self.survey = survey
        self.state = state
        self.preview = preview
        #: Staff typing in a paper form (app/intake): channel ``paper``, a new participant.
        self.paper = paper
        #: A shared device (``?kiosk=1``): channel ``kiosk``, nothing prefilled, no draft kept
        #: on the device (docs/design.md, section 4).
        self.kiosk = kiosk
        self.questions = ordered_questions(survey)
        self.pages = sorted({q.page for q in self.questions})
        self.context = answer_context(survey, current_language())

    def on_page(self, page: int) -> list[Question]:
        return [q for q in self.questions if q.page == page]

    def evaluate(
        self, required_for: set[int] | None = None
    ) -> tuple[dict[int, Cleaned], dict[str, str]]:
        """Validate the answers so far; answers to questions now hidden are ignored."""
        return validate_answers(
            self.survey,
            self.state.answers,
            self.context,
            required_for=required_for if required_for is not None else set(),
            hidden_is_error=False,
        )

    def visible(self, cleaned: dict[int, Cleaned]) -> set[int]:
        return visible_question_ids(self.survey, cleaned)

    def page_has_visible(self, page: int, visible: set[int]) -> bool:
        return any(q.id in visible for q in self.on_page(page))

    def next_page(self, page: int, visible: set[int]) -> int | str:
        for candidate in self.pages:
            if candidate > page and self.page_has_visible(candidate, visible):
                return candidate
        return REVIEW

    def previous_page(self, page: int | str, visible: set[int]) -> int:
        candidates = [p for p in self.pages if page == REVIEW or p < int(page)]
        for candidate in reversed(candidates):
            if self.page_has_visible(candidate, visible):
                return candidate
        return self.first_page

    @property
    def first_page(self) -> int:
        return self.pages[0] if self.pages else 1

    def read_page(self, page: int, formdata: Any) -> None:
        """Take the answers of ``page``'s questions from the submitted form into the state."""
        for question in self.on_page(page):
            raw = kind_for(question).from_form(formdata)
            if raw is None:
                self.state.answers.pop(question.id, None)
            else:
                self.state.answers[question.id] = raw

    def payload(self, visible: set[int]) -> dict[str, Any]:
        """The input of ``NewResponse`` (as the API receives it), without the answers of
        hidden questions."""
        answers = [
            {"question_id": qid, **raw}
            for qid, raw in self.state.answers.items()
            if qid in visible or qid not in {q.id for q in self.questions}
        ]
        payload: dict[str, Any] = {
            "client_id": self.state.client_id,
            "language": current_language(),
            "channel": "paper" if self.paper else ("kiosk" if self.kiosk else "web"),
            "answers": answers,
        }
        if self.state.nickname:
            payload["nickname"] = self.state.nickname
        return payload


def _load(survey_id: int) -> tuple[Survey, bool]:
    """The survey and whether this is a staff preview; 404/403 as the permissions say."""
    survey = survey_for_answering(survey_id)
    if survey is None:
        abort(404)
    actor = actor_from(current_user, current_participant())
    preview = request.values.get("preview") == "1"
    if preview:
        if not can(actor, Action.EDIT_SURVEY, survey):
            # A draft stays invisible; an open survey exists, but the preview is staff-only.
            abort(404 if survey.status == SurveyStatus.DRAFT else 403)
    elif survey.status == SurveyStatus.DRAFT:
        abort(404)  # drafts are seen only through the staff preview
    else:
        require(actor, Action.VIEW, survey)
    translations.limit_languages(
        translations.survey_incomplete_languages(survey, enabled_languages())
    )
    return survey, preview


def _needs_account(survey: Survey) -> bool:
    activity = survey.activity
    return activity is not None and activity.policy == ParticipationPolicy.ACCOUNT


def _paper_entry(survey: Survey) -> bool:
    """Is staff typing in a paper form (``paper=1``)? Only staff who register intake may."""
    if request.values.get("paper") != "1":
        return False
    if not can(actor_from(current_user, None), Action.REGISTER_INTAKE, survey):
        abort(403)
    return True


def _paper_participant() -> Participant:
    """A participant of its own for each paper form: never the staff member's cookie."""
    participant = Participant(token_hash=hash_token(secrets.token_urlsafe(32)))
    db.session.add(participant)
    db.session.flush()
    return participant


def _blocked(
    survey: Survey, preview: bool, *, paper: bool = False
) -> tuple[str, int] | WerkzeugResponse | None:
    """A page explaining why the resident cannot answer now, or None when they can."""
    if preview:
        return None
    if _needs_account(survey) and not getattr(current_user, "is_authenticated", False):
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    actor = actor_from(current_user, current_participant())
    try:
        check_can_respond(survey, actor)
    except DomainError as error:
        status = 200 if request.method == "GET" else status_of(error)
        return render_template(
            "surveys/unavailable.html", survey=survey, error=error, stage=_stage(survey)
        ), status
    participant = current_participant()
    if (
        not paper
        and survey.resubmission == Resubmission.REFUSE
        and participant is not None
        and earlier_response(survey.id, participant.id) is not None
    ):
        refused = Conflict(
            _("You have already answered this survey. Thank you!"), code="already_answered"
        )
        status = 200 if request.method == "GET" else 409
        return render_template(
            "surveys/unavailable.html", survey=survey, error=refused, stage=_stage(survey)
        ), status
    return None


def _stage(survey: Survey) -> Any:
    return survey.activity.stage if survey.activity is not None else None


def _render_page(
    flow: Flow,
    form: SurveyStepForm,
    page: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice: str | None = None,
    returning: bool = False,
    fresh: bool = False,
) -> tuple[str, int]:
    """One page of the survey. ``returning``: opened with "Change" on the review, so its main
    button goes back to the review. ``fresh``: a first GET, not a step of the flow (the
    device's draft, if any, is restored over it by survey-offline.js)."""
    cleaned, _errors = flow.evaluate()
    visible = flow.visible(cleaned)
    errors = errors or {}
    page_ids = {q.id for q in flow.on_page(page)}
    items = []
    for question in flow.on_page(page):
        live = question.condition_question_id in page_ids
        if question.id not in visible and not live:
            continue
        items.append(
            Item(
                question=question,
                kind=kind_for(question),
                raw=flow.state.answers.get(question.id, {}),
                error=errors.get(f"answers.{question.id}"),
                hidden=question.id not in visible,
                live_condition=live,
            )
        )
    # Every other page rides along, hidden, so a page opened once holds the whole survey and
    # survey-offline.js can finish it without the network; the server still reads only the
    # inputs of the page it rendered.
    blocks: list[dict[str, Any]] = []
    for number in flow.pages:
        if number == page:
            blocks.append({"page": number, "items": items, "current": True})
            continue
        blocks.append(
            {
                "page": number,
                "current": False,
                "items": [
                    Item(
                        question=question,
                        kind=kind_for(question),
                        raw=flow.state.answers.get(question.id, {}),
                        error=None,
                        hidden=question.id not in visible,
                        live_condition=question.condition_question_id is not None,
                    )
                    for question in flow.on_page(number)
                ],
            }
        )
    all_items = [item for block in blocks for item in block["items"]]
    shown = ",".join(str(i.question.id) for i in items if not i.hidden)
    form.state.data = flow.state.dump()
    form.step.data = str(page)
    form.shown.data = shown
    form.preview.data = "1" if flow.preview else ""
    if form.nickname.data is None and flow.state.nickname:
        form.nickname.data = flow.state.nickname
    if "nickname" in errors:
        form.nickname.errors = [errors["nickname"]]
    activity = flow.survey.activity
    ask_nickname = (
        page == flow.first_page
        and activity is not None
        and activity.policy == ParticipationPolicy.NICKNAME
    )
    index = flow.pages.index(page) + 1 if page in flow.pages else 1
    # Only this page's map libraries load with it; survey-offline.js loads the others when
    # it shows a later page (they are precached by the service worker).
    map_kinds = [i.kind for i in items if isinstance(i.kind, MapQuestion)]
    needs_geoman = any(k.geometry_type != "Point" for k in map_kinds)
    return render_template(
        "surveys/take.html",
        survey=flow.survey,
        stage=_stage(flow.survey),
        project=_stage(flow.survey).project if _stage(flow.survey) else None,
        form=form,
        items=items,
        blocks=blocks,
        offline_questions=[
            {
                "id": i.question.id,
                "type": i.kind.type.value,
                "page": i.question.page,
                "required": bool(i.question.required),
                "condition": [i.question.condition_question_id, i.question.condition_option_id]
                if i.question.condition_question_id is not None
                else None,
            }
            for i in all_items
        ],
        page=page,
        page_index=index,
        page_count=len(flow.pages),
        first=page == flow.first_page,
        errors=errors,
        error_items=[i for i in items if i.error],
        ask_nickname=ask_nickname,
        preview=flow.preview,
        paper=flow.paper,
        kiosk=flow.kiosk,
        returning=returning,
        fresh=fresh,
        notice=notice,
        has_map=bool(map_kinds),
        needs_geoman=needs_geoman,
        tile_url=current_app.config.get("TILE_URL") or "",
        tile_attribution=current_app.config.get("TILE_ATTRIBUTION") or "",
        area_json=json.dumps(_area(flow.survey)),
        language=current_language(),
        earlier=_has_earlier(flow.survey) and not flow.kiosk and not flow.paper,
    ), status


def _area(survey: Survey) -> Any:
    stage = _stage(survey)
    return stage.project.geometry if stage is not None else None


def _has_earlier(survey: Survey) -> bool:
    participant = current_participant()
    return participant is not None and earlier_response(survey.id, participant.id) is not None


def _render_review(
    flow: Flow,
    form: SurveyStepForm,
    *,
    status: int = 200,
    message: str | None = None,
    expired: bool = False,
) -> tuple[str, int]:
    cleaned, _errors = flow.evaluate()
    visible = flow.visible(cleaned)
    language = content_language()  # the labels the resident answered by
    sections = []
    for page in flow.pages:
        rows = []
        for question in flow.on_page(page):
            if question.id not in visible:
                continue
            answer = cleaned.get(question.id)
            rows.append(
                {
                    "question": question,
                    "answer": kind_for(question).describe(answer, language) if answer else None,
                }
            )
        if rows:
            sections.append({"page": page, "rows": rows})
    form.state.data = flow.state.dump()
    form.step.data = REVIEW
    form.preview.data = "1" if flow.preview else ""
    return render_template(
        "surveys/review.html",
        survey=flow.survey,
        stage=_stage(flow.survey),
        form=form,
        sections=sections,
        preview=flow.preview,
        paper=flow.paper,
        page_count=len(flow.pages),
        message=message,
        nickname=flow.state.nickname,
        kiosk=flow.kiosk,
        expired=expired,
    ), status


@bp.route("/s/<int:survey_id>", methods=["GET", "POST"])
def take(survey_id: int) -> Any:
    """Answer a survey one page at a time, review the answers and submit them."""
    survey, preview = _load(survey_id)
    paper = _paper_entry(survey) and not preview
    kiosk = request.values.get("kiosk") == "1" and not paper and not preview
    blocked = _blocked(survey, preview, paper=paper)
    if blocked is not None:
        return blocked
    form = SurveyStepForm(meta={"csrf": False})
    if request.method == "GET":
        if not preview and not paper:
            ensure_device_token()  # a double tap on "send" stays one participant
        state = FlowState()
        if not preview and not paper and not kiosk:
            state.answers = _earlier_answers(survey)
        flow = Flow(survey, state, preview=preview, paper=paper, kiosk=kiosk)
        return _render_page(flow, form, flow.first_page, fresh=True)
    flow = Flow(survey, FlowState.load(form.state.data), preview=preview, paper=paper, kiosk=kiosk)
    step = form.step.data or ""
    action = request.form.get("action", "next")
    goto = request.form.get("goto", "")
    try:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        # A page left open for hours: nothing is done with the request, but nothing the
        # resident wrote is lost either. The same step comes back with a fresh token and a
        # message; the resident sends again (never automatically: that would let another site
        # send answers in the resident's name).
        return _expired(flow, form, step)
    if stamp_expired():
        # The page was open longer than a form's stamp lasts: same as an expired token.
        return _expired(flow, form, step)
    if step == REVIEW:
        return _review_step(flow, form, action, goto)
    try:
        page = int(step)
    except ValueError:
        page = flow.first_page
    if page not in flow.pages:
        page = flow.first_page
    return _page_step(flow, form, page, action)


# CSRF is checked inside: an expired token keeps the answers instead of a bare 400.
csrf.exempt(take)


def _expired(flow: Flow, form: SurveyStepForm, step: str) -> Any:
    message = _(
        "For your security the page had expired. Your answers are kept: check them and "
        "press the button again."
    )
    if step == REVIEW:
        return _render_review(flow, form, status=400, message=message, expired=True)
    page = int(step) if step.isdigit() and int(step) in flow.pages else flow.first_page
    flow.read_page(page, request.form)
    return _render_page(flow, form, page, status=400, notice=message)


def _earlier_answers(survey: Survey) -> dict[int, dict[str, Any]]:
    """The device's or account's stored response as raw answers, to fill the pages with when
    the resident opens the survey again (answers in progress, kept on the device, are put
    over them by survey-offline.js)."""
    participant = current_participant()
    if participant is None:
        return {}
    earlier = earlier_response(survey.id, participant.id, with_answers=True)
    if earlier is None:
        return {}
    current = {q.id for q in survey.questions}
    return {a.question_id: _raw_of(a) for a in earlier.answers if a.question_id in current}


def _raw_of(answer: Answer) -> dict[str, Any]:
    """A stored answer in the shape the form and the API send it (the inverse of
    ``validate``)."""
    if answer.features:
        return {
            "features": [
                {
                    "type": "Feature",
                    "geometry": feature.geometry,
                    "properties": {
                        "category": feature.category_id,
                        "comment": feature.comment,
                        # A photo sent before is kept by naming its token again.
                        **_photo_of(feature),
                    },
                }
                for feature in answer.features
            ]
        }
    value = answer.value
    if isinstance(value, dict) and "options" in value:  # multi-choice with its "other" text
        return {"value": list(value.get("options") or []), "other": value.get("other")}
    return {"value": value}


def _photo_of(feature: Any) -> dict[str, Any]:
    photo = feature.photo
    if photo is None:
        return {}
    return {
        "photo": photo.token,
        "photo_alt": photo.alt or "",
        "photo_url": url_for(
            "surveys.marking_photo", photo_id=photo.id, token=photo.token, size="thumb"
        ),
    }


def _cleaned_of(answer: Answer) -> Cleaned:
    """A stored answer as ``validate`` returned it, for ``describe``."""
    return Cleaned(
        value=answer.value,
        text=answer.text,
        features=[
            CleanedFeature(geometry=f.geometry, category_id=f.category_id, comment=f.comment)
            for f in answer.features
            if f.geometry is not None
        ],
    )


def _page_step(flow: Flow, form: SurveyStepForm, page: int, action: str) -> Any:
    flow.read_page(page, request.form)
    activity = flow.survey.activity
    ask_nickname = (
        page == flow.first_page
        and activity is not None
        and activity.policy == ParticipationPolicy.NICKNAME
    )
    if ask_nickname:
        flow.state.nickname = (form.nickname.data or "").strip() or None
    page_ids = {q.id for q in flow.on_page(page)}
    cleaned, errors = flow.evaluate(required_for=page_ids)
    visible = flow.visible(cleaned)
    returning = action == REVIEW
    if action == "back":
        return _render_page(flow, form, flow.previous_page(page, visible))
    page_errors = {k: v for k, v in errors.items() if int(k.split(".")[1]) in page_ids}
    if ask_nickname:
        nickname_error = NewResponse.field_error("nickname", flow.state.nickname)
        if nickname_error:
            page_errors["nickname"] = nickname_error
        elif not flow.state.nickname and not _participant_nickname():
            page_errors["nickname"] = _("Please choose a nickname to take part.")
    if page_errors:
        return _render_page(flow, form, page, errors=page_errors, status=422, returning=returning)
    shown = {int(x) for x in (form.shown.data or "").split(",") if x.strip().isdigit()}
    appeared = (visible & page_ids) - shown
    if appeared:
        notice = _("New questions appeared below because of your answers. Please look at them.")
        return _render_page(flow, form, page, notice=notice, returning=returning)
    if returning:
        return _render_review(flow, form)
    following = flow.next_page(page, visible)
    if following == REVIEW:
        return _render_review(flow, form)
    return _render_page(flow, form, int(following))


def _participant_nickname() -> str | None:
    participant = current_participant()
    return participant.nickname if participant is not None else None


def _review_step(flow: Flow, form: SurveyStepForm, action: str, goto: str) -> Any:
    if goto.isdigit() and int(goto) in flow.pages:
        return _render_page(flow, form, int(goto), returning=True)
    cleaned, _errors = flow.evaluate()
    visible = flow.visible(cleaned)
    if action == "back":
        return _render_page(flow, form, flow.previous_page(REVIEW, visible))
    if action != "submit":
        return _render_review(flow, form)
    try:
        submission = NewResponse.parse(flow.payload(visible))
        if flow.preview:
            validate_submission(flow.survey, submission, participant=current_participant())
            return render_template(
                "surveys/receipt.html",
                survey=flow.survey,
                stage=_stage(flow.survey),
                response=None,
                reference=None,
                preview=True,
            )
        if flow.paper:
            response, _created = submit_response(
                flow.survey,
                None,
                submission,
                actor=actor_from(current_user, None),
                new_participant=_paper_participant,
            )
            return _paper_done(flow.survey, response)
        # A shared device's responses each get a participant of their own (not the cookie,
        # or each would replace the last); a logged-in person's is theirs.
        fresh = flow.kiosk and not current_user.is_authenticated
        participant = None if fresh else current_participant()
        response, _created = submit_response(
            flow.survey,
            participant,
            submission,
            actor=actor_from(current_user, participant),
            new_participant=kiosk_participant if fresh else created_participant,
            # Photos of marked places, added from the device by survey-photos.js.
            photos=marking_photos.read_files(request.files),
        )
    except Invalid as error:
        return _show_errors(flow, form, error.fields)
    except DomainError as error:
        return render_template(
            "surveys/unavailable.html",
            survey=flow.survey,
            error=error,
            stage=_stage(flow.survey),
        ), status_of(error)
    # Post/redirect/get: Back and reload on the receipt never send the form again.
    receipt: dict[str, Any] = {"survey_id": flow.survey.id, "client_id": response.client_id}
    if flow.kiosk:
        receipt["kiosk"] = 1
    return redirect(
        url_for("surveys.receipt", **receipt),
        code=303,
    )


def _paper_done(survey: Survey, response: Any) -> WerkzeugResponse:
    """Audit a typed-in paper form and go back to the intake page."""
    stage = _stage(survey)
    project = stage.project if stage is not None else None
    record(
        "intake.paper",
        actor=current_user,
        organization_id=survey.organization_id,
        obj=response,
        survey_id=survey.id,
    )
    flash(_("The paper form was registered."), "success")
    if project is None:
        return redirect(url_for("surveys.take", survey_id=survey.id, paper=1), code=303)
    return redirect(url_for("intake.overview", project_id=project.id), code=303)


def _show_errors(flow: Flow, form: SurveyStepForm, fields: dict[str, str]) -> Any:
    """Send the resident back to the first page with a problem, errors next to the fields."""
    by_question = {q.id: q for q in flow.questions}
    pages = []
    for key in fields:
        if key.startswith("answers.") and key.split(".")[1].isdigit():
            question = by_question.get(int(key.split(".")[1]))
            if question is not None:
                pages.append(question.page)
        elif key == "nickname":
            pages.append(flow.first_page)
    if not pages:
        message = " ".join(fields.values()) or _("Some answers need your attention.")
        return _render_review(flow, form, status=422, message=message)
    return _render_page(flow, form, min(pages), errors=fields, status=422)


@bp.get("/s/<int:survey_id>/receipt/<client_id>")
def receipt(survey_id: int, client_id: str) -> Any:
    """The receipt of a stored response (its author only): reference number and time, what
    happens next and when, a copy of the answers, and where to follow the project."""
    survey = survey_for_answering(survey_id)
    if survey is None:
        abort(404)
    response = response_by_client_id(survey_id, client_id)
    participant = current_participant()
    kiosk = request.args.get("kiosk") == "1"
    # A kiosk response has a participant of its own; its receipt shows no answers, only the
    # reference, to whoever holds the (unguessable) client id.
    shared = kiosk and response is not None and response.channel == Channel.KIOSK
    own = (
        participant is not None
        and response is not None
        and response.participant_id == participant.id
    )
    if response is None or not (own or shared):
        abort(404)
    # In the language the survey was shown in: the source language where English is
    # incomplete, as on the survey's pages (``_load``).
    translations.limit_languages(
        translations.survey_incomplete_languages(survey, enabled_languages())
    )
    stage = _stage(survey)
    return render_template(
        "surveys/receipt.html",
        survey=survey,
        stage=stage,
        response=response,
        reference=reference_of(response),
        preview=False,
        kiosk=kiosk,
        # On a shared device the next person must not read the answers.
        answers=[] if kiosk or not own else _answer_copy(survey, response),
        next_steps=_next_steps(stage),
        can_view_answers=can(actor_from(current_user, participant), Action.VIEW_ANSWERS, survey),
    )


def _answer_copy(survey: Survey, response: Any) -> list[dict[str, Any]]:
    """The stored answers as question and answer, in the survey's order."""
    language = content_language()
    stored = {a.question_id: a for a in response.answers}
    rows = []
    for question in ordered_questions(survey):
        answer = stored.get(question.id)
        if answer is None:
            continue
        try:
            text = kind_for(question).describe(_cleaned_of(answer), language)
        except (KeyError, TypeError, ValueError, DomainError):
            continue  # an answer to a question changed since: not shown rather than wrong
        photos = [f.photo for f in answer.features if f.photo is not None]
        rows.append({"question": question.prompt, "answer": text, "photos": photos})
    return rows


def _next_steps(stage: Stage | None) -> list[str]:
    """What happens next and when, from the stage's dates and the project's next stage."""
    if stage is None:
        return []
    steps = []
    if stage.closes_at is not None and not stage.has_ended:
        steps.append(
            _(
                "You can change your answers until %(date)s, when this stage closes.",
                date=format_date(stage.closes_at, "long"),
            )
        )
    if stage.feedback is not None and stage.feedback.published_at is not None:
        steps.append(_("The municipality has published what it heard and what it did with it."))
    else:
        steps.append(
            _(
                "When the stage has closed, the municipality goes through every contribution "
                "and publishes what it heard and what it did with it on the project page."
            )
        )
    later = [s for s in stage.project.stages if s.position > stage.position]
    if later:
        following = min(later, key=lambda s: s.position)
        title = tr(following.title)
        if following.opens_at is not None:
            steps.append(
                _(
                    "Next step: %(stage)s, from %(date)s.",
                    stage=title,
                    date=format_date(following.opens_at, "long"),
                )
            )
        elif title:
            steps.append(_("Next step: %(stage)s.", stage=title))
    return steps
