"""Staff views of surveys: the survey builder (under /manage/surveys).

Every action is a plain form that redirects after success (PRG) and re-renders with 422
(invalid) or 409 (refused) otherwise; htmx requests get the fragment that changed instead,
with an ``HX-Trigger: survey-changed`` header that reloads the resident preview.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.codebook.themes import theme_choices
from app.core import permissions
from app.core.auth import login_required
from app.core.htmx import is_htmx
from app.core.i18n import tr
from app.core.models import translated
from app.core.permissions import Action, actor_from, can, project_of
from app.core.security import CSP
from app.extensions import db
from app.organizations.rules import is_staff_of
from app.projects import services as project_services
from app.projects.models import Stage
from app.projects.rules import is_partner
from app.surveys import bp
from app.surveys import builder as svc
from app.surveys.forms_manage import (
    AddQuestionForm,
    DuplicateForm,
    MoveForm,
    StatusForm,
    language_name,
    option_form,
    question_form,
    survey_form,
    type_labels,
)
from app.surveys.models import OptionKind, Question, QuestionOption, Survey

TRIGGER = "survey-changed"
#: The site's CSP, except that a page of our own origin may frame the resident preview.
PREVIEW_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")


@bp.after_request
def allow_framing_the_preview(response: Any) -> Any:
    """Let the builder show ``/s/<id>?preview=1`` in its phone frame (same origin only).

    The site forbids framing everywhere (clickjacking); the staff preview stores nothing,
    so the builder may embed it. Set here because the security headers only fill gaps."""
    if request.path.startswith("/s/") and request.values.get("preview") == "1":
        response.headers["Content-Security-Policy"] = PREVIEW_CSP
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


# --- helpers -------------------------------------------------------------------------------


def require_staff(action: Action, obj: Any) -> None:
    """Staff-page check for the current user (see ``permissions.require_staff``)."""
    permissions.require_staff(actor_from(current_user), action, obj)
    if can(actor_from(current_user), action, obj):
        return
    if is_staff_of(current_user, obj) or is_partner(current_user, project_of(obj)):
        abort(403)
    abort(404)


def _audit(action: str, survey: Survey, obj: Any = None, **data: Any) -> None:
    """Record a builder change (who changed which survey) in the audit log."""
    record(
        action,
        actor=current_user,
        organization_id=survey.organization_id,
        obj=obj if obj is not None else survey,
        survey_id=survey.id,
        **data,
    )


def _survey(survey_id: int) -> Survey:
    survey = db.session.scalar(
        sa.select(Survey)
        .where(Survey.id == survey_id)
        .options(selectinload(Survey.questions).selectinload(Question.options))
    )
    require_staff(Action.EDIT_SURVEY, survey)
    assert survey is not None  # noqa: S101 (require_staff aborted otherwise)
    return survey


def _question(survey: Survey, question_id: int) -> Question:
    question = next((q for q in survey.active_questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


def _option(survey: Survey, option_id: int) -> QuestionOption:
    for question in survey.active_questions:
        for option in question.options:
            if option.id == option_id and option.archived_at is None:
                return option
    abort(404)


def _default_lang(survey: Survey) -> str:
    return svc.default_language(survey, current_app.config["BABEL_DEFAULT_LOCALE"])


def _languages(survey: Survey) -> list[str]:
    return list(survey.languages or [_default_lang(survey)])


def _all_languages(survey: Survey) -> list[str]:
    """Content languages offered for the survey: the app's plus any the survey already has."""
    languages = list(current_app.config["LANGUAGES"])
    return languages + [lang for lang in survey.languages or [] if lang not in languages]


def _apply_errors(form: Any, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        if name in form:
            form[name].errors = list(form[name].errors) + [message]
        else:
            form.form_errors.append(message)


def _done(fragment: str, redirect_to: str, message: str | None = None, **ctx: Any) -> Any:
    """Success: the changed fragment for htmx (with the preview trigger), else redirect."""
    if is_htmx():
        response = make_response(render_template(fragment, **ctx))
        response.headers["HX-Trigger"] = TRIGGER
        return response
    if message:
        flash(message, "success")
    return redirect(redirect_to, code=303)


def _builder_url(survey: Survey, anchor: str = "") -> str:
    return url_for("surveys.builder", survey_id=survey.id) + (f"#{anchor}" if anchor else "")


def _question_url(question: Question) -> str:
    return url_for("surveys.edit_question", survey_id=question.survey_id, question_id=question.id)


def _survey_initial(survey: Survey) -> dict[str, Any]:
    data: dict[str, Any] = {
        "languages": list(survey.languages or []),
        "resubmission": survey.resubmission.value,
    }
    for lang in _all_languages(survey):
        data[f"title_{lang}"] = (survey.title or {}).get(lang, "")
        data[f"intro_{lang}"] = (survey.intro or {}).get(lang, "")
    return data


def _condition_labels(survey: Survey) -> dict[int, str]:
    """ "Prompt → option" of each question's display condition, for the question list."""
    options = {o.id: o for q in survey.questions for o in q.options}
    prompts = {q.id: q.prompt for q in survey.questions}
    labels = {}
    for q in survey.active_questions:
        option = options.get(q.condition_option_id or -1)
        if q.condition_question_id in prompts and option is not None:
            prompt = tr(prompts[q.condition_question_id]) or _("Untitled question")
            labels[q.id] = f"{prompt} → {tr(option.label)}"
    return labels


def _builder_context(survey: Survey, **extra: Any) -> dict[str, Any]:
    stage = svc.stage_of(survey)
    blocking, warnings = svc.open_problems(survey)
    ctx: dict[str, Any] = {
        "survey": survey,
        "stage": stage,
        "project": stage.project if stage else None,
        "responses": svc.response_count(survey),
        "blocking": blocking,
        "warnings": warnings,
        "offer_stage_close": svc.closes_last_activity(survey),
        "questions": svc.ordered(survey),
        "condition_labels": _condition_labels(survey),
        "pages": svc.pages_of(survey),
        "type_labels": type_labels(),
        "settings_form": survey_form(_all_languages(survey), data=_survey_initial(survey)),
        "add_form": AddQuestionForm(formdata=None),
        "duplicate_form": _duplicate_form(survey, formdata=None),
        "preview_url": f"/s/{survey.id}?preview=1",
        "language_name": language_name,
        "error": None,
    }
    ctx.update(extra)
    return ctx


def _duplicate_form(survey: Survey, **kwargs: Any) -> DuplicateForm:
    form = DuplicateForm(**kwargs)
    stage = svc.stage_of(survey)
    stages = stage.project.stages if stage else []
    form.stage_id.choices = [(s.id, tr(s.title)) for s in stages]
    return form


def _builder_page(survey: Survey, status: int, **extra: Any) -> Any:
    return render_template(
        "surveys/manage/builder.html", **_builder_context(survey, **extra)
    ), status


def _conflict(survey: Survey, message: str, fragment: str) -> Any:
    """A refused action: 409 with the message (in the fragment for htmx)."""
    if is_htmx():
        return render_template(fragment, **_builder_context(survey, error=message)), 409
    return _builder_page(survey, 409, error=message)


# --- the builder page and survey settings --------------------------------------------------


@bp.get("/manage/surveys/<int:survey_id>")
@login_required
def builder(survey_id: int) -> Any:
    """The survey builder: settings, questions, status and a live resident preview."""
    survey = _survey(survey_id)
    return render_template("surveys/manage/builder.html", **_builder_context(survey))


@bp.post("/manage/surveys/new")
@login_required
def create_survey() -> Any:
    """Create an empty draft survey in a new survey activity of a stage."""
    stage = db.session.get(Stage, request.form.get("stage_id", type=int) or 0)
    require_staff(Action.EDIT_SURVEY, stage)
    assert stage is not None  # noqa: S101
    survey = svc.create_survey(stage)
    _audit("survey.create", survey, stage_id=stage.id)
    return redirect(_builder_url(survey), code=303)


@bp.post("/manage/surveys/<int:survey_id>/settings")
@login_required
def update_settings(survey_id: int) -> Any:
    """Save the survey's title, introduction, languages and resubmission rule."""
    survey = _survey(survey_id)
    languages = _all_languages(survey)
    form = survey_form(languages)
    error_status = 422
    if form.validate():
        try:
            svc.update_survey(
                survey,
                title={lang: form[f"title_{lang}"].data for lang in languages},
                intro={lang: form[f"intro_{lang}"].data for lang in languages},
                languages=[lang for lang in languages if lang in (form.languages.data or [])],
                resubmission=form.resubmission.data,
                default_lang=current_app.config["BABEL_DEFAULT_LOCALE"],
            )
        except svc.BuilderError as exc:
            _apply_errors(form, exc.fields)
        else:
            _audit("survey.update", survey)
            return _done(
                "surveys/manage/_settings.html",
                _builder_url(survey, "survey-settings"),
                _("The survey settings were saved."),
                **_builder_context(survey, settings_form=form, saved=True),
            )
    ctx = _builder_context(survey, settings_form=form)
    if is_htmx():
        return render_template("surveys/manage/_settings.html", **ctx), error_status
    return render_template("surveys/manage/builder.html", **ctx), error_status


@bp.post("/manage/surveys/<int:survey_id>/status")
@login_required
def change_status(survey_id: int) -> Any:
    """Open or close the survey."""
    survey = _survey(survey_id)
    form = StatusForm()
    form.validate()
    target = form.status.data
    if target not in ("open", "closed"):
        abort(400)
    # Closing the last open activity of a stage closes the stage too when the planner
    # keeps the box ticked (docs/design.md, "Closing a survey").
    close_stage = target == "closed" and form.close_stage.data and svc.closes_last_activity(survey)
    try:
        svc.set_status(survey, target)
    except svc.BuilderConflict as exc:
        return _conflict(survey, str(exc), "surveys/manage/_status.html")
    _audit("survey.open" if target == "open" else "survey.close", survey)
    message = _("The survey is open.") if target == "open" else _("The survey is closed.")
    stage = svc.stage_of(survey)
    if close_stage and stage is not None:
        project_services.close_stage(stage, actor=current_user)
        message = _("The survey and its stage are closed.")
    return _done(
        "surveys/manage/_status.html",
        _builder_url(survey),
        message,
        **_builder_context(survey, notice=message),
    )


@bp.post("/manage/surveys/<int:survey_id>/duplicate")
@login_required
def duplicate(survey_id: int) -> Any:
    """Copy the survey into a new draft survey of a chosen stage of the same project."""
    survey = _survey(survey_id)
    form = _duplicate_form(survey)
    stage = svc.stage_of(survey)
    target = db.session.get(Stage, form.stage_id.data or 0) if form.validate() else None
    if target is None or stage is None or target.project_id != stage.project_id:
        form.stage_id.errors = [_("Choose a stage of this project.")]
        return _builder_page(survey, 422, duplicate_form=form)
    require_staff(Action.EDIT_SURVEY, target)
    copy = svc.duplicate_survey(survey, target)
    _audit("survey.duplicate", copy, source_id=survey.id, stage_id=target.id)
    flash(_("The survey was copied into a new draft."), "success")
    response = redirect(_builder_url(copy), code=303)
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = _builder_url(copy)
    return response


# --- questions -----------------------------------------------------------------------------


def _questions_fragment(survey: Survey, **extra: Any) -> dict[str, Any]:
    return _builder_context(survey, **extra)


@bp.post("/manage/surveys/<int:survey_id>/questions")
@login_required
def add_question(survey_id: int) -> Any:
    """Add a question of the chosen type."""
    survey = _survey(survey_id)
    form = AddQuestionForm()
    if form.validate():
        try:
            question = svc.add_question(survey, form.type.data, page=form.page.data)
        except svc.BuilderError as exc:
            _apply_errors(form, exc.fields)
        else:
            _audit("question.create", survey, question, type=question.type.value)
            if is_htmx():
                return _done(
                    "surveys/manage/_questions.html",
                    "",
                    **_questions_fragment(survey, highlight=question.id),
                )
            flash(_("The question was added. Write its text below."), "success")
            return redirect(_question_url(question), code=303)
    ctx = _builder_context(survey, add_form=form)
    if is_htmx():
        return render_template("surveys/manage/_questions.html", **ctx), 422
    return render_template("surveys/manage/builder.html", **ctx), 422


def _question_initial(question: Question, languages: list[str]) -> dict[str, Any]:
    settings = question.settings or {}
    data: dict[str, Any] = {
        "type": question.type.value,
        "required": question.required,
        "page": question.page,
        "theme_hint": question.theme_hint or "",
        "min_count": question.min_count,
        "max_count": question.max_count,
        "condition": (
            f"{question.condition_question_id}:{question.condition_option_id}"
            if question.condition_question_id and question.condition_option_id
            else ""
        ),
        "restrict_to_area": settings.get("restrict_to_area", False),
        "require_comment": settings.get("require_comment", False),
        "max_comment_length": settings.get("max_comment_length"),
        "number_min": settings.get("min"),
        "number_max": settings.get("max"),
        "number_integer": settings.get("integer", False),
        "number_unit": settings.get("unit", ""),
        "max_length": settings.get("max_length"),
    }
    labels = settings.get("labels") or {}
    for lang in languages:
        data[f"prompt_{lang}"] = (question.prompt or {}).get(lang, "")
        data[f"help_{lang}"] = (question.help_text or {}).get(lang, "")
        data[f"likert_{lang}"] = "\n".join(labels.get(lang, []))
        data[f"min_label_{lang}"] = (settings.get("min_label") or {}).get(lang, "")
        data[f"max_label_{lang}"] = (settings.get("max_label") or {}).get(lang, "")
    return data


def _condition_choices(survey: Survey, question: Question) -> list[tuple[str, str]]:
    lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    choices = [("", _("Always show this question"))]
    for other, options in svc.condition_candidates(survey, question):
        prompt = translated(other.prompt, lang) or _("Untitled question")
        for option in options:
            choices.append(
                (f"{other.id}:{option.id}", f"{prompt} → {translated(option.label, lang)}")
            )
    return choices


def _option_initial(option: QuestionOption, languages: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": option.kind.value,
        "code": option.code or "",
        "icon": option.icon or "star",
        "color": option.color or "",
        "valence_hint": option.valence_hint or "neutral",
        "is_other": option.is_other,
    }
    if option.geometry and option.geometry.get("type") == "Point":
        data["lon"], data["lat"] = option.geometry["coordinates"][:2]
    for lang in languages:
        data[f"label_{lang}"] = (option.label or {}).get(lang, "")
    return data


def _question_context(survey: Survey, question: Question, **extra: Any) -> dict[str, Any]:
    languages = _languages(survey)
    form = extra.pop("form", None) or question_form(
        languages,
        theme_choices(svc.project_of_survey(survey)),
        formdata=None,
        data=_question_initial(question, languages),
    )
    form.condition.choices = _condition_choices(survey, question)
    kinds = svc.allowed_option_kinds(question)
    option_forms = {
        # The prefix is the one update_option reads, and keeps ids unique among the cards.
        option.id: option_form(
            languages,
            formdata=None,
            prefix=f"o{option.id}",
            data=_option_initial(option, languages),
        )
        for option in question.options
        if option.archived_at is None
    }
    option_forms.update(extra.pop("option_forms", {}))
    new_forms = {
        kind: option_form(
            languages,
            formdata=None,
            prefix=f"new-{kind.value}",
            data={"kind": kind.value, "icon": "star", "color": "#005a9c"},
        )
        for kind in kinds
    }
    new_forms.update(extra.pop("new_forms", {}))
    ctx: dict[str, Any] = {
        "survey": survey,
        "question": question,
        "form": form,
        "languages": languages,
        "default_lang": _default_lang(survey),
        "language_name": language_name,
        "type_labels": type_labels(),
        "icon_labels": svc.icon_labels(),
        "responses": svc.response_count(survey),
        "kinds": kinds,
        "option_forms": option_forms,
        "new_forms": new_forms,
        "options_by_kind": {kind: question.options_of(kind) for kind in kinds},
        "preview_url": f"/s/{survey.id}?preview=1",
        "error": None,
        "warning": None,
        "OptionKind": OptionKind,
    }
    ctx.update(extra)
    return ctx


@bp.get("/manage/surveys/<int:survey_id>/questions/<int:question_id>")
@login_required
def edit_question(survey_id: int, question_id: int) -> Any:
    """Edit one question: texts, settings, display condition and its options."""
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    return render_template("surveys/manage/question.html", **_question_context(survey, question))


def _settings_data(form: Any, languages: list[str]) -> dict[str, Any]:
    names = [
        "restrict_to_area",
        "require_comment",
        "max_comment_length",
        "number_min",
        "number_max",
        "number_integer",
        "number_unit",
        "max_length",
    ]
    data = {name: form[name].data for name in names}
    for lang in languages:
        for prefix in ("likert", "min_label", "max_label"):
            data[f"{prefix}_{lang}"] = form[f"{prefix}_{lang}"].data
    return data


@bp.post("/manage/surveys/<int:survey_id>/questions/<int:question_id>")
@login_required
def update_question(survey_id: int, question_id: int) -> Any:
    """Save the question form."""
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    languages = _languages(survey)
    form = question_form(languages, theme_choices(svc.project_of_survey(survey)))
    form.condition.choices = _condition_choices(survey, question)
    old_type = question.type
    if form.validate():
        data = svc.QuestionInput(
            type=form.type.data,
            prompt={lang: form[f"prompt_{lang}"].data for lang in languages},
            help_text={lang: form[f"help_{lang}"].data for lang in languages},
            required=bool(form.required.data),
            page=form.page.data,
            theme_hint=form.theme_hint.data or None,
            min_count=form.min_count.data,
            max_count=form.max_count.data,
            condition=form.condition.data or None,
            settings=_settings_data(form, languages),
        )
        try:
            svc.update_question(question, data, default_lang=_default_lang(survey))
        except svc.BuilderError as exc:
            _apply_errors(form, exc.fields)
        except svc.BuilderConflict as exc:
            ctx = _question_context(survey, question, form=form, error=str(exc))
            template = (
                "surveys/manage/_question_form.html"
                if is_htmx()
                else "surveys/manage/question.html"
            )
            return render_template(template, **ctx), 409
        else:
            _audit("question.update", survey, question)
            message = _("The question was saved.")
            if is_htmx() and question.type != old_type:
                # The options section changes with the type: reload the whole page.
                flash(message, "success")
                response = make_response("", 204)
                response.headers["HX-Redirect"] = _question_url(question)
                return response
            fresh = _question_context(survey, question, notice=message)
            return _done(
                "surveys/manage/_question_form.html", _question_url(question), message, **fresh
            )
    ctx = _question_context(survey, question, form=form)
    template = "surveys/manage/_question_form.html" if is_htmx() else "surveys/manage/question.html"
    return render_template(template, **ctx), 422


@bp.post("/manage/surveys/<int:survey_id>/questions/<int:question_id>/move")
@login_required
def move_question(survey_id: int, question_id: int) -> Any:
    """Move a question up, down or to another page."""
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    form = MoveForm()
    if not form.validate():
        ctx = _builder_context(survey, error=_("Enter a page number of 1 or more."))
        if is_htmx():
            return render_template("surveys/manage/_questions.html", **ctx), 422
        return render_template("surveys/manage/builder.html", **ctx), 422
    direction = form.direction.data if form.direction.data in ("up", "down") else None
    if direction is None and form.page.data is None:
        abort(400)
    try:
        svc.move_question(
            question, direction=direction if form.page.data is None else None, page=form.page.data
        )
    except svc.BuilderConflict as exc:
        return _conflict(survey, str(exc), "surveys/manage/_questions.html")
    _audit("question.move", survey, question, page=question.page)
    return _done(
        "surveys/manage/_questions.html",
        _builder_url(survey, f"q-{question.id}"),
        None,
        **_builder_context(survey, highlight=question.id),
    )


@bp.post("/manage/surveys/<int:survey_id>/questions/<int:question_id>/delete")
@login_required
def delete_question(survey_id: int, question_id: int) -> Any:
    """Delete a question (archive it when the survey has responses)."""
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    try:
        archived = svc.delete_question(question)
    except svc.BuilderConflict as exc:
        return _conflict(survey, str(exc), "surveys/manage/_questions.html")
    _audit(
        "question.archive" if archived else "question.delete",
        survey,
        object_type="question",
        object_id=question_id,
    )
    message = (
        _("The question was archived: its answers are kept.")
        if archived
        else _("The question was deleted.")
    )
    db.session.expire(survey, ["questions"])
    return _done(
        "surveys/manage/_questions.html",
        _builder_url(survey, "questions"),
        message,
        **_builder_context(survey, notice=message),
    )


# --- options, categories, places -----------------------------------------------------------


def _option_input(form: Any, languages: list[str]) -> svc.OptionInput:
    return svc.OptionInput(
        kind=form.kind.data,
        label={lang: form[f"label_{lang}"].data for lang in languages},
        code=form.code.data,
        icon=form.icon.data,
        color=(form.color.data or "").strip(),
        valence_hint=form.valence_hint.data,
        is_other=bool(form.is_other.data),
        lat=form.lat.data,
        lon=form.lon.data,
    )


def _options_response(survey: Survey, question: Question, status: int, **extra: Any) -> Any:
    ctx = _question_context(survey, question, **extra)
    template = "surveys/manage/_options.html" if is_htmx() else "surveys/manage/question.html"
    return render_template(template, **ctx), status


def _options_done(survey: Survey, question: Question, message: str, **extra: Any) -> Any:
    return _done(
        "surveys/manage/_options.html",
        _question_url(question) + "#options",
        message,
        **_question_context(survey, question, notice=message, **extra),
    )


@bp.post("/manage/surveys/<int:survey_id>/questions/<int:question_id>/options")
@login_required
def add_option(survey_id: int, question_id: int) -> Any:
    """Add an option, a map category or a named place."""
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    languages = _languages(survey)
    kind = request.form.get("kind", "")
    form = option_form(languages, prefix=f"new-{kind}")
    if form.validate():
        try:
            option = svc.add_option(
                question, _option_input(form, languages), default_lang=_default_lang(survey)
            )
        except svc.BuilderError as exc:
            _apply_errors(form, exc.fields)
        else:
            _audit("option.create", survey, option, question_id=question.id)
            return _options_done(survey, question, _("Added."))
    new_forms = {OptionKind(kind): form} if kind in {k.value for k in OptionKind} else {}
    if not new_forms:
        abort(400)
    return _options_response(survey, question, 422, new_forms=new_forms, open_new=kind)


@bp.post("/manage/surveys/<int:survey_id>/options/<int:option_id>")
@login_required
def update_option(survey_id: int, option_id: int) -> Any:
    """Edit an option, a map category or a named place."""
    survey = _survey(survey_id)
    option = _option(survey, option_id)
    question = option.question
    languages = _languages(survey)
    form = option_form(languages, prefix=f"o{option.id}")
    if form.validate():
        try:
            warn = svc.update_option(
                option, _option_input(form, languages), default_lang=_default_lang(survey)
            )
        except svc.BuilderError as exc:
            _apply_errors(form, exc.fields)
        except svc.BuilderConflict as exc:
            return _options_response(
                survey,
                question,
                409,
                option_forms={option.id: form},
                error=str(exc),
                open_option=option.id,
            )
        else:
            _audit("option.update", survey, option, label_changed_after_answers=warn or None)
            message = _("Saved.")
            if warn:
                message = _(
                    "Saved. Answers already given point to this option: only fix typos, "
                    "never change its meaning."
                )
            return _options_done(survey, question, message)
    return _options_response(
        survey, question, 422, option_forms={option.id: form}, open_option=option.id
    )


@bp.post("/manage/surveys/<int:survey_id>/options/<int:option_id>/move")
@login_required
def move_option(survey_id: int, option_id: int) -> Any:
    """Move an option up or down."""
    survey = _survey(survey_id)
    option = _option(survey, option_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    svc.move_option(option, direction)
    _audit("option.move", survey, option)
    return _options_done(survey, option.question, _("Moved."))


@bp.post("/manage/surveys/<int:survey_id>/options/<int:option_id>/delete")
@login_required
def delete_option(survey_id: int, option_id: int) -> Any:
    """Delete an option (archive it when the survey has responses)."""
    survey = _survey(survey_id)
    option = _option(survey, option_id)
    question = option.question
    try:
        archived = svc.delete_option(option)
    except svc.BuilderConflict as exc:
        return _options_response(survey, question, 409, error=str(exc))
    _audit(
        "option.archive" if archived else "option.delete",
        survey,
        object_type="question_option",
        object_id=option_id,
    )
    message = (
        _("The option was archived: answers that chose it are kept.") if archived else _("Deleted.")
    )
    return _options_done(survey, question, message)
