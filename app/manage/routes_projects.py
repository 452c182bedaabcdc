"""Staff project editor: create from a template, edit, area, cover image, documents,
partners and publishing (under /manage/projects)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.models import User
from app.accounts.participants import current_actor
from app.core import images
from app.core.auth import login_required
from app.core.geo import GeometryError
from app.core.i18n import tr
from app.core.permissions import Action, require
from app.exports import queries as export_queries
from app.extensions import db
from app.manage import bp
from app.manage.queries import (
    choose_organization,
    load_child,
    load_project,
    preload_tree,
)
from app.organizations.models import Organization
from app.projects import services
from app.projects.forms import (
    AreaForm,
    cover_form,
    document_form,
    language_name,
    partner_form,
    project_create_form,
    project_edit_form,
)
from app.projects.models import Document, Project, ProjectPartner, ProjectStatus
from app.projects.services import ProjectError, geometry_message
from app.projects.templates import TEMPLATE_LABELS

Page = str | tuple[str, int] | Response


def _read_upload(storage: Any, limit: int) -> bytes | None:
    """The uploaded file's bytes (at most ``limit`` + 1, enough to tell it is too large)."""
    if storage is None or not getattr(storage, "filename", ""):
        return None
    try:
        return bytes(storage.stream.read(limit + 1))
    finally:
        # Large uploads are spooled to a temporary file; release it now.
        storage.close()


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def project_new() -> Page:
    """Create a project from a PBL process template."""
    organization, organizations = choose_organization(current_user, request.values.get("org"))
    require(current_actor(), Action.CREATE_PROJECT, organization)
    form_cls = project_create_form(organization.languages)
    form = form_cls(organization_id=organization.id)
    if form.validate_on_submit():
        try:
            project = services.create_project(
                organization,
                slug=form.slug.data,
                kind=form.kind.data,
                template=form.template.data,
                title=form.lang_dict("title"),
                summary=form.lang_dict("summary"),
                body=form.lang_dict("body"),
                actor=current_user,
            )
        except ProjectError as exc:
            form.slug.errors = [exc.message]
        else:
            flash(_("The project was created as a draft."), "success")
            return redirect(url_for("manage.project_overview", project_id=project.id))
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "manage/project_new.html",
            form=form,
            organization=organization,
            organizations=organizations,
            language_name=language_name,
            template_labels=TEMPLATE_LABELS,
        ),
        status,
    )


def _overview(project: Project, status: int = 200, **forms: Any) -> tuple[str, int]:
    preload_tree(project)
    languages = project.organization.languages
    forms.setdefault("document_form", document_form(languages)(prefix="doc"))
    forms["document_form"].set_stages(project.stages)
    pform = forms.setdefault("partner_form", partner_form(languages)(prefix="partner"))
    pform.organization.choices = [("", _("Choose an organization"))] + [
        (o.slug, o.name)
        for o in db.session.scalars(
            db.select(Organization)
            .where(Organization.id != project.organization_id)
            .order_by(Organization.name)
        )
    ]
    forms.setdefault(
        "cover_form",
        cover_form(languages)(
            prefix="cover", data={f"alt_{k}": v for k, v in (project.cover_alt or {}).items()}
        ),
    )
    partner_users = {
        u.id: u
        for u in db.session.scalars(
            db.select(User).where(
                User.id.in_([p.user_id for p in project.partners if p.user_id is not None])
            )
        )
    }
    return (
        render_template(
            "manage/project.html",
            project=project,
            partner_users=partner_users,
            language_name=language_name,
            template_labels=TEMPLATE_LABELS,
            **forms,
        ),
        status,
    )


@bp.get("/projects/<int:project_id>")
@login_required
def project_overview(project_id: int) -> Page:
    """A project's overview: details, status, area, cover, documents, partners, stages."""
    project = load_project(
        project_id, Action.MANAGE_PROJECT, Action.VIEW_DASHBOARD, Action.VIEW_ANALYSIS
    )
    return _overview(project)


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def project_edit(project_id: int) -> Page:
    """Edit a project's address name, kind and texts."""
    project = load_project(project_id)
    form_cls = project_edit_form(project.organization.languages)
    form = form_cls(
        obj=project if request.method == "GET" else None,
        organization_id=project.organization_id,
        project_id=project.id,
    )
    if request.method == "GET":
        form.kind.data = project.kind.value
        for name in form.localized_names:
            form.fill_lang(name, getattr(project, name))
    if form.validate_on_submit():
        services.update_project(
            project,
            slug=form.slug.data,
            kind=form.kind.data,
            title=form.lang_dict("title"),
            summary=form.lang_dict("summary"),
            body=form.lang_dict("body"),
            actor=current_user,
            case_number=form.case_number.data,
        )
        flash(_("The project was saved."), "success")
        return redirect(url_for("manage.project_overview", project_id=project.id))
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "manage/project_edit.html", form=form, project=project, language_name=language_name
        ),
        status,
    )


@bp.route("/projects/<int:project_id>/status", methods=["GET", "POST"])
@login_required
def project_status(project_id: int) -> Page:
    """Publish, unpublish, complete or archive a project, after a confirmation."""
    project = load_project(project_id)
    target = request.values.get("status", "")
    if target not in {s.value for s in ProjectStatus}:
        abort(400)
    error = None
    if request.method == "POST" and request.form.get("confirm") == "yes":
        try:
            services.set_status(project, target, actor=current_user)
        except ProjectError as exc:
            error = exc.message
        else:
            flash(_("The project's status was changed."), "success")
            return redirect(url_for("manage.project_overview", project_id=project.id))
    status = 422 if error else 200
    return (
        render_template("manage/project_status.html", project=project, target=target, error=error),
        status,
    )


@bp.route("/projects/<int:project_id>/area", methods=["GET", "POST"])
@login_required
def project_area(project_id: int) -> Page:
    """Draw the project area on the map, paste it, or upload a .geojson file."""
    project = load_project(project_id)
    form = AreaForm()
    if request.method == "POST" and form.validate_on_submit():
        upload = _read_upload(form.upload.data, services.MAX_AREA_BYTES)
        text = upload if upload is not None else (form.geojson.data or "").strip()
        target = form.upload if upload is not None else form.geojson
        if request.form.get("clear") == "1":
            services.set_area(project, None, actor=current_user)
            flash(_("The area was removed."), "success")
            return redirect(url_for("manage.project_overview", project_id=project.id))
        if not text:
            form.geojson.errors = [_("Draw the area, paste GeoJSON or upload a file.")]
        else:
            try:
                services.set_area(project, services.parse_area(text), actor=current_user)
            except GeometryError as exc:
                target.errors = [geometry_message(exc)]
            else:
                flash(_("The area was saved."), "success")
                return redirect(url_for("manage.project_overview", project_id=project.id))
    elif request.method == "GET" and project.geometry:
        import json

        form.geojson.data = json.dumps(project.geometry)
    status = 422 if request.method == "POST" else 200
    return (
        render_template("manage/project_area.html", form=form, project=project),
        status,
    )


@bp.post("/projects/<int:project_id>/cover")
@login_required
def project_cover(project_id: int) -> Page:
    """Upload a cover image (sniffed, re-encoded without metadata) with its alt text, or
    change the alt text of the cover there is, or remove the cover."""
    from flask import current_app

    project = load_project(project_id)
    form = cover_form(project.organization.languages)(prefix="cover")
    if request.form.get("remove") == "1":
        if project.cover_image_path:  # CSRFProtect has checked the token already
            services.remove_cover_image(project, actor=current_user)
            flash(_("The cover image was removed."), "success")
        return redirect(url_for("manage.project_overview", project_id=project.id))
    if form.validate_on_submit():
        alt = form.lang_dict("alt")
        data = _read_upload(form.image.data, current_app.config["MAX_IMAGE_BYTES"])
        if data is None and project.cover_image_path:
            services.set_cover_alt(project, alt, actor=current_user)
            flash(_("The description of the cover image was saved."), "success")
            return redirect(url_for("manage.project_overview", project_id=project.id) + "#cover")
        if data is None:
            form.image.errors = [_("Choose an image file.")]
        else:
            try:
                services.set_cover_image(project, data, actor=current_user, alt=alt)
            except ProjectError as exc:
                form.image.errors = [exc.message]
            else:
                flash(_("The cover image was saved."), "success")
                return redirect(url_for("manage.project_overview", project_id=project.id))
    return _overview(project, 422, cover_form=form)


@bp.get("/projects/<int:project_id>/cover")
def project_cover_file(project_id: int) -> Response:
    """The project's cover image (public once the project is published)."""
    project = db.session.get(Project, project_id)
    require(current_actor(), Action.VIEW, project)
    if project is None:  # pragma: no cover - require() aborted already
        abort(404)
    if not project.cover_image_path:
        abort(404)
    path = images.upload_root() / project.cover_image_path
    if not path.is_file():
        abort(404)
    response = send_file(path, max_age=3600)
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.post("/projects/<int:project_id>/documents")
@login_required
def document_add(project_id: int) -> Page:
    """Add a document: a link, or an uploaded PDF."""
    from flask import current_app

    project = load_project(project_id)
    form = document_form(project.organization.languages)(prefix="doc")
    form.set_stages(project.stages)
    if form.validate_on_submit():
        pdf = _read_upload(form.file.data, current_app.config["MAX_DOCUMENT_BYTES"])
        stage = next((s for s in project.stages if str(s.id) == form.stage.data), None)
        try:
            services.add_document(
                project,
                title=form.lang_dict("title"),
                url=form.url.data or None,
                pdf=pdf,
                actor=current_user,
                stage=stage,
                kind=form.kind.data,
            )
        except ProjectError as exc:
            target = form.file if exc.code in ("too_large", "not_pdf") else form.url
            target.errors = [exc.message]
        else:
            flash(_("The document was added."), "success")
            return redirect(
                url_for("manage.project_overview", project_id=project.id) + "#documents"
            )
    return _overview(project, 422, document_form=form)


@bp.post("/projects/<int:project_id>/documents/<int:document_id>/move")
@login_required
def document_move(project_id: int, document_id: int) -> Response:
    """Move a document up or down the list."""
    project = load_project(project_id)
    document = load_child(Document, project, document_id)
    services.move_document(
        document, -1 if request.form.get("direction") == "up" else 1, actor=current_user
    )
    return redirect(
        url_for("manage.project_overview", project_id=project.id, moved=document.id)
        + f"#document-{document.id}"
    )


@bp.post("/projects/<int:project_id>/documents/<int:document_id>/delete")
@login_required
def document_delete(project_id: int, document_id: int) -> Response:
    """Remove a document."""
    project = load_project(project_id)
    services.delete_document(load_child(Document, project, document_id), actor=current_user)
    flash(_("The document was removed."), "success")
    return redirect(url_for("manage.project_overview", project_id=project.id) + "#documents")


@bp.get("/projects/<int:project_id>/documents/<int:document_id>/file")
def document_file(project_id: int, document_id: int) -> Response:
    """An uploaded PDF document (public once the project is published)."""
    project = db.session.get(Project, project_id)
    require(current_actor(), Action.VIEW, project)
    if project is None:  # pragma: no cover - require() aborted already
        abort(404)
    document = load_child(Document, project, document_id)
    if not document.file_path:
        abort(404)
    path = images.upload_root() / document.file_path
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", max_age=3600)


@bp.post("/projects/<int:project_id>/partners")
@login_required
def partner_add(project_id: int) -> Page:
    """Add an organization or a user (by email) as partner."""
    project = load_project(project_id)
    form = partner_form(project.organization.languages)(prefix="partner")
    # Choices are filled in _overview; accept any slug here and look it up below.
    form.organization.choices = [(form.organization.data or "", "")]
    if form.validate_on_submit():
        org_slug = (form.organization.data or "").strip()
        email = (form.email.data or "").strip().lower()
        organization = user = None
        if org_slug and email:
            form.email.errors = [_("Choose an organization or enter an email address.")]
        elif org_slug:
            organization = db.session.scalar(
                db.select(Organization).where(Organization.slug == org_slug)
            )
            if organization is None:
                form.organization.errors = [_("There is no organization with that name.")]
        elif email:
            user = db.session.scalar(db.select(User).where(User.email == email))
            if user is None:
                form.email.errors = [
                    _("No one has an account with that email address. Ask them to register.")
                ]
        else:
            form.organization.errors = [_("Choose an organization or enter an email address.")]
        if not form.errors:
            try:
                services.add_partner(
                    project,
                    organization=organization,
                    user=user,
                    description=form.lang_dict("description"),
                    actor=current_user,
                )
            except ProjectError as exc:
                (form.email if user else form.organization).errors = [exc.message]
            else:
                flash(_("The partner was added."), "success")
                return redirect(
                    url_for("manage.project_overview", project_id=project.id) + "#partners"
                )
    return _overview(project, 422, partner_form=form)


@bp.post("/projects/<int:project_id>/partners/<int:partner_id>/delete")
@login_required
def partner_delete(project_id: int, partner_id: int) -> Response:
    """Remove a partner."""
    project = load_project(project_id)
    services.remove_partner(load_child(ProjectPartner, project, partner_id), actor=current_user)
    flash(_("The partner was removed."), "success")
    return redirect(url_for("manage.project_overview", project_id=project.id) + "#partners")


@bp.route("/projects/<int:project_id>/delete", methods=["GET", "POST"])
@login_required
def project_delete(project_id: int) -> Page:
    """Delete an archived project once it has been exported: the page shows what will be
    deleted; the planner confirms by typing the project's address name."""
    project = load_project(project_id)
    counts = services.deletion_counts(project)
    export = export_queries.project_export(project)
    error = None
    if request.method == "POST":
        if request.form.get("confirm_slug", "").strip() != project.slug:
            error = _("Type the project's address name exactly to confirm.")
        else:
            title = tr(project.title)
            org_slug = project.organization.slug
            try:
                services.delete_project(project, export=export, actor=current_user)
            except ProjectError as exc:
                error = exc.message
            else:
                flash(_("The project “%(title)s” was deleted.", title=title), "success")
                return redirect(url_for("manage.dashboard", org=org_slug))
    return (
        render_template(
            "manage/project_delete.html",
            project=project,
            counts=counts,
            export=export,
            error=error,
        ),
        422 if error else 200,
    )
