"""Staff views for exports (under /manage/exports): start a job, follow it, download the file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from app.core.auth import login_required
from app.core.htmx import is_htmx, render
from app.core.models import translated
from app.core.permissions import Action, actor_from, can, require
from app.exports import bp
from app.exports.forms import ExportForm
from app.exports.jobs import create_job
from app.exports.models import ExportJob, JobStatus
from app.exports.queries import Scope, ScopeNotFound, resolve_scope, scope_title
from app.exports.services import (
    MIMETYPES,
    ExportError,
    ExportRefused,
    access_for,
    check_request,
)
from app.extensions import db
from app.organizations.models import Membership
from app.projects.models import Activity, Project, ProjectPartner, Stage, status_order

bp.add_app_template_global(scope_title, "export_scope_title")


def _require_export(obj: Any) -> None:
    """404 unless the user works with ``obj`` (staff or partner), 403 without EXPORT."""
    actor = actor_from(current_user)
    if not (can(actor, Action.VIEW_DASHBOARD, obj) or can(actor, Action.VIEW_ANALYSIS, obj)):
        abort(404)
    require(actor, Action.EXPORT, obj)


def _scope_from(value: str | None) -> Scope:
    kind, _sep, raw_id = (value or "").partition(":")
    if not raw_id.isdigit():
        abort(400)
    try:
        return resolve_scope(kind, int(raw_id))
    except ScopeNotFound:
        abort(404)


def _exportable_projects() -> list[Project]:
    """Projects the user may export from, with stages and surveys loaded."""
    stmt = db.select(Project).options(
        selectinload(Project.stages).selectinload(Stage.activities).selectinload(Activity.survey),
        selectinload(Project.partners),
    )
    if not current_user.is_superadmin:
        org_ids = sa.select(Membership.organization_id).where(Membership.user_id == current_user.id)
        partner_ids = sa.select(ProjectPartner.project_id).where(
            sa.or_(
                ProjectPartner.user_id == current_user.id,
                ProjectPartner.organization_id.in_(org_ids),
            )
        )
        stmt = stmt.where(sa.or_(Project.organization_id.in_(org_ids), Project.id.in_(partner_ids)))
    actor = actor_from(current_user)
    projects = db.session.scalars(stmt.order_by(status_order(), Project.id.desc()).limit(200)).all()
    return [p for p in projects if can(actor, Action.EXPORT, p)]


def _scope_choices(projects: list[Project]) -> list[SelectChoice]:
    """Every project, stage and survey the user may export, grouped by project."""
    choices = []
    for p in projects:
        title = translated(p.title, "sv")
        choices.append(
            SelectChoice(
                f"project:{p.id}", _("%(project)s – all stages", project=title), optgroup=title
            )
        )
        for s in p.stages:
            stage_title = translated(s.title, "sv")
            choices.append(SelectChoice(f"stage:{s.id}", stage_title, optgroup=title))
            for a in s.activities:
                if a.survey is not None:
                    choices.append(
                        SelectChoice(
                            f"survey:{a.survey.id}",
                            f"{stage_title} › {translated(a.survey.title, 'sv')}",
                            optgroup=title,
                        )
                    )
    return choices


def _recent_jobs() -> list[ExportJob]:
    return list(
        db.session.scalars(
            db.select(ExportJob)
            .where(ExportJob.user_id == current_user.id)
            .order_by(ExportJob.id.desc())
            .limit(20)
        )
    )


@bp.route("/exports/", methods=["GET", "POST"])
@login_required
def index() -> Any:
    """Start an export and list the user's recent export jobs."""
    projects = _exportable_projects()
    if not (current_user.is_superadmin or current_user.memberships or projects):
        abort(403)  # residents have nothing to export here
    form = ExportForm(scope_choices=_scope_choices(projects))
    if request.method == "GET" and request.args.get("scope"):
        form.scope.data = request.args["scope"]
    status = 200
    refusal = None
    if request.method == "POST":
        scope = _scope_from(request.form.get("scope"))
        _require_export(scope.obj)
        if form.validate_on_submit():
            access = access_for(actor_from(current_user), scope.obj)
            try:
                check_request(form.kind.data, form.format.data, scope, access)
            except ExportRefused as exc:
                refusal, status = str(exc), 403
            except ExportError as exc:
                form.format.errors = [*form.format.errors, str(exc)]
                status = 422
            else:
                job = create_job(
                    current_user,
                    form.kind.data,
                    form.format.data,
                    scope,
                    lang=form.lang.data or "sv",
                    delimiter=form.delimiter.data or ";",
                )
                if is_htmx():
                    return render_template("exports/_job.html", job=job), 201
                return redirect(url_for("exports.job", job_id=job.id), 303)
        else:
            status = 422
    context = {
        "form": form,
        "jobs": _recent_jobs(),
        "has_projects": bool(projects),
        "refusal": refusal,
    }
    return render("exports/index.html", "exports/_form.html", **context), status


def _own_job(job_id: int) -> ExportJob:
    """The job, if the current user started it and may still export its scope; else 404."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.user_id != current_user.id:
        abort(404)
    try:
        scope = resolve_scope(job.params.get("scope_type", ""), int(job.params.get("scope_id", 0)))
    except (ScopeNotFound, ValueError):
        abort(404)
    if not can(actor_from(current_user), Action.EXPORT, scope.obj):
        abort(404)
    return job


@bp.get("/exports/jobs/<int:job_id>")
@login_required
def job(job_id: int) -> str:
    """A job's progress: the page, or the self-polling fragment for htmx."""
    job = _own_job(job_id)
    return render("exports/job.html", "exports/_job.html", job=job)


@bp.get("/exports/jobs/<int:job_id>/download")
@login_required
def download(job_id: int) -> Any:
    """Download a finished export's file."""
    job = _own_job(job_id)
    if job.status != JobStatus.DONE or not job.file_path or not Path(job.file_path).is_file():
        abort(404)
    path = Path(job.file_path)
    # Read into memory: exports are a few MB, and no file handle outlives the response
    # (response compression would otherwise leave the file open).
    return send_file(
        io.BytesIO(path.read_bytes()),
        as_attachment=True,
        download_name=job.file_name or path.name,
        mimetype=MIMETYPES.get(path.suffix.lstrip("."), "application/octet-stream"),
        max_age=0,
    )
