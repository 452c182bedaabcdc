"""Staff views of the intake: register letters, e-mails, meeting notes and yttranden by
hand, open their attachments, and keep the register of remissinstanser and sakägare
(under /manage/projects/<id>/intake)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.participants import current_actor
from app.comments.models import Comment
from app.core.auth import login_required
from app.core.errors import Invalid
from app.core.permissions import Action, can
from app.extensions import db
from app.intake import bp, queries
from app.intake import services as svc
from app.intake.forms import (
    ImportForm,
    channel_labels,
    entry_form,
    intake_form,
    register_kind_labels,
    sender_type_short_labels,
)
from app.intake.models import Attachment, RegisterEntry
from app.meetings.services import link_note
from app.organizations.rules import is_staff_of
from app.projects.models import Project
from app.projects.rules import is_partner

Page = str | tuple[str, int] | Response


def _project(project_id: int) -> Project:
    """The project, when the current user may register intake on it.

    Partners, other staff of the organization without the right and residents who can see the
    published project get 403; everyone else 404, as if it did not exist.
    """
    project = db.session.get(Project, project_id)
    if project is None:
        abort(404)
    actor = current_actor()
    if can(actor, Action.REGISTER_INTAKE, project):
        return project
    if (
        is_staff_of(actor.user, project)
        or is_partner(actor.user, project)
        or can(actor, Action.VIEW, project)
    ):
        abort(403)
    abort(404)


def _locale() -> str:
    return str(get_locale() or "sv")


def _form(project: Project, **kw: Any) -> Any:
    return intake_form(
        [c.value for c in svc.INTAKE_CHANNELS],
        queries.register_entries(project),
        queries.intake_stages(project),
        locale=_locale(),
        **kw,
    )


@bp.get("/projects/<int:project_id>/intake")
@login_required
def overview(project_id: int) -> Page:
    """Contributions registered by hand, and the register with who has answered."""
    project = _project(project_id)
    return render_template(
        "intake/overview.html",
        project=project,
        items=queries.registered(project),
        answered=queries.answered_entry_ids(project),
        entries=queries.register_entries(project),
        channel_labels=channel_labels(),
        sender_type_labels=sender_type_short_labels(),
        kind_labels=register_kind_labels(),
        surveys=queries.surveys_of(project),
        locale=_locale(),
    )


@bp.route("/projects/<int:project_id>/intake/new", methods=["GET", "POST"])
@login_required
def register(project_id: int) -> Page:
    """Register a letter, an e-mail, meeting notes or a paper form by hand."""
    project = _project(project_id)
    form = _form(project)
    if request.method == "GET":
        if request.args.get("channel") in {c.value for c in svc.INTAKE_CHANNELS}:
            form.channel.data = request.args["channel"]
        stage = project.current_stage
        asked = request.args.get("stage", type=int)
        if asked in {s.id for s in project.stages}:
            form.stage.data = asked  # e.g. from a meeting's "register notes" link
        elif stage is not None and not form.stage.data:
            form.stage.data = stage.id
    if request.method == "POST" and form.validate_on_submit():
        upload = form.attachment.data
        data = svc.Registration(
            stage_id=form.stage.data or None,
            channel=form.channel.data or "",
            sender_type=form.sender_type.data or "",
            body=form.body.data or "",
            received_on=form.received_on.data,
            sender_name=form.sender_name.data or "",
            sender_contact=form.sender_contact.data or "",
            register_entry_id=form.register_entry.data or None,
            lat=form.lat.data,
            lon=form.lon.data,
            attachment=_read_upload(upload),
            attachment_name=getattr(upload, "filename", "") or "",
        )
        try:
            comment = svc.register_contribution(project, data, actor=current_user)
            link_note(comment.id, request.form.get("meeting", type=int), comment.stage_id)
        except Invalid as exc:
            db.session.rollback()
            for name, message in exc.fields.items():
                target = name if name in form else "body"
                form[target].errors = [*form[target].errors, message]
        else:
            db.session.commit()
            flash(
                _(
                    "Registered: %(channel)s from %(type)s.",
                    channel=channel_labels()[comment.channel.value],
                    type=sender_type_short_labels()[comment.sender_type.value]
                    if comment.sender_type
                    else "",
                ),
                "success",
            )
            if request.form.get("again"):
                return redirect(
                    url_for(
                        "intake.register",
                        project_id=project.id,
                        channel=comment.channel.value,
                        stage=comment.stage_id,
                        meeting=request.form.get("meeting", type=int),
                    ),
                    303,
                )
            return redirect(url_for("intake.overview", project_id=project.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "intake/register.html",
        project=project,
        form=form,
        tile_url=current_app.config["TILE_URL"],
        tile_attribution=current_app.config.get("TILE_ATTRIBUTION") or "",
    ), status


def _read_upload(storage: Any) -> bytes | None:
    from flask import current_app

    if storage is None or not getattr(storage, "filename", ""):
        return None
    try:
        return bytes(storage.stream.read(current_app.config["MAX_DOCUMENT_BYTES"] + 1))
    finally:
        storage.close()


@bp.get("/projects/<int:project_id>/intake/attachments/<int:attachment_id>")
@login_required
def attachment(project_id: int, attachment_id: int) -> Response:
    """An attachment of a registered contribution (staff of the organization only)."""
    project = _project(project_id)
    found = db.session.get(Attachment, attachment_id)
    if found is None:
        abort(404)
    comment = db.session.get(Comment, found.comment_id)
    if comment is None or comment.stage.project_id != project.id:
        abort(404)
    path = svc.attachment_path(found)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=found.content_type,
        download_name=found.filename,
        as_attachment=found.content_type == "application/pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/projects/<int:project_id>/intake/surveys/<int:survey_id>/paper")
@login_required
def paper_survey(project_id: int, survey_id: int) -> Response:
    """Open the survey form to type in one paper form (channel ``paper``)."""
    project = _project(project_id)
    if survey_id not in {s.id for s in queries.surveys_of(project)}:
        abort(404)
    return redirect(url_for("surveys.take", survey_id=survey_id, paper=1))


@bp.post("/projects/<int:project_id>/intake/<int:comment_id>/erase-sender")
@login_required
def erase_sender(project_id: int, comment_id: int) -> Response:
    """Erase the sender's name, contact and attachments of a registered contribution."""
    project = _project(project_id)
    if not can(current_actor(), Action.ERASE_PARTICIPANT, project):
        abort(403)
    comment = db.session.get(Comment, comment_id)
    if (
        comment is None
        or comment.registered_by_id is None
        or comment.stage.project_id != project.id
    ):
        abort(404)
    svc.erase_sender(comment, actor=current_user)
    db.session.commit()
    flash(_("The sender's name, contact and attachments were erased."), "success")
    return redirect(url_for("intake.overview", project_id=project.id), 303)


# --- the register ----------------------------------------------------------------------------


def _entry_input(form: Any) -> svc.EntryInput:
    return svc.EntryInput(
        kind=form.kind.data or "",
        name=form.name.data or "",
        property_designation=form.property_designation.data or "",
        address=form.address.data or "",
        email=form.email.data or "",
    )


def _register_page(project: Project, status: int = 200, **extra: Any) -> tuple[str, int]:
    entries = queries.register_entries(project)
    forms = extra.pop("entry_forms", {})
    entry_forms = {
        e.id: forms.get(e.id)
        or entry_form(
            prefix=f"e{e.id}",
            formdata=None,
            data={
                "kind": e.kind.value,
                "name": e.name,
                "property_designation": e.property_designation or "",
                "address": e.address or "",
                "email": e.email or "",
            },
        )
        for e in entries
    }
    ctx: dict[str, Any] = {
        "project": project,
        "entries": entries,
        "entry_forms": entry_forms,
        "answered": queries.answered_entry_ids(project),
        "kind_labels": register_kind_labels(),
        "new_form": extra.pop("new_form", None) or entry_form(prefix="new", formdata=None),
        "import_form": extra.pop("import_form", None) or ImportForm(prefix="csv", formdata=None),
        "import_result": None,
        "open_entry": None,
    }
    ctx.update(extra)
    return render_template("intake/register_list.html", **ctx), status


@bp.get("/projects/<int:project_id>/intake/register")
@login_required
def register_list(project_id: int) -> Page:
    """The register of remissinstanser and sakägare, with who has answered."""
    return _register_page(_project(project_id))


def _apply_errors(form: Any, exc: Invalid) -> None:
    for name, message in exc.fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]


@bp.post("/projects/<int:project_id>/intake/register")
@login_required
def entry_add(project_id: int) -> Page:
    """Add a remissinstans or sakägare by hand."""
    project = _project(project_id)
    form = entry_form(prefix="new")
    if form.validate_on_submit():
        try:
            svc.add_entry(project, _entry_input(form), actor=current_user)
        except Invalid as exc:
            db.session.rollback()
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Added to the register."), "success")
            return redirect(url_for("intake.register_list", project_id=project.id), 303)
    return _register_page(project, 422, new_form=form)


def _entry(project: Project, entry_id: int) -> RegisterEntry:
    entry = db.session.get(RegisterEntry, entry_id)
    if entry is None or entry.project_id != project.id:
        abort(404)
    return entry


@bp.post("/projects/<int:project_id>/intake/register/<int:entry_id>")
@login_required
def entry_update(project_id: int, entry_id: int) -> Page:
    """Change an entry of the register."""
    project = _project(project_id)
    entry = _entry(project, entry_id)
    form = entry_form(prefix=f"e{entry.id}")
    if form.validate_on_submit():
        try:
            svc.update_entry(entry, _entry_input(form), actor=current_user)
        except Invalid as exc:
            db.session.rollback()
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("intake.register_list", project_id=project.id), 303)
    return _register_page(project, 422, entry_forms={entry.id: form}, open_entry=entry.id)


@bp.post("/projects/<int:project_id>/intake/register/<int:entry_id>/delete")
@login_required
def entry_delete(project_id: int, entry_id: int) -> Page:
    """Remove an entry from the register."""
    project = _project(project_id)
    svc.delete_entry(_entry(project, entry_id), actor=current_user)
    db.session.commit()
    flash(_("Removed from the register."), "success")
    return redirect(url_for("intake.register_list", project_id=project.id), 303)


@bp.post("/projects/<int:project_id>/intake/register/import")
@login_required
def register_import(project_id: int) -> Page:
    """Import sakägare from a CSV file of the property register."""
    project = _project(project_id)
    form = ImportForm(prefix="csv")
    upload = form.file.data
    raw = _read_upload(upload) if form.validate_on_submit() else None
    if not raw:
        form.file.errors = [_("Choose a CSV file.")]
        return _register_page(project, 422, import_form=form)
    try:
        result = svc.import_sakagare(project, raw, actor=current_user)
    except Invalid as exc:
        db.session.rollback()
        form.file.errors = [exc.fields.get("file", exc.message)]
        return _register_page(project, 422, import_form=form)
    db.session.commit()
    return _register_page(project, 200, import_result=result)
