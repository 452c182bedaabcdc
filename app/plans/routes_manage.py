"""Staff side: upload a stage's plan map and place it by its corners; an organization's
base map layers."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.participants import current_actor
from app.core.auth import login_required
from app.core.permissions import Action, require
from app.extensions import db
from app.manage.queries import load_stage
from app.manage.routes_projects import _read_upload
from app.organizations.models import Organization
from app.plans import bp, services
from app.plans.forms import CORNERS, MapLayersForm, PlacementForm, PlanUploadForm
from app.plans.routes import image_url
from app.plans.services import MAX_PLAN_BYTES, PlanError
from app.projects.models import Stage

Page = str | tuple[str, int] | Response


def _plan_page(
    stage: Stage,
    *,
    upload: PlanUploadForm | None = None,
    placement: PlacementForm | None = None,
    corner_error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    plan = services.plan_of(stage)
    if placement is None:
        placement = PlacementForm(formdata=None)
        for name, (lat, lon) in zip(CORNERS, (plan.corners or []) if plan else [], strict=False):
            getattr(placement, f"{name}_lat").data = lat
            getattr(placement, f"{name}_lon").data = lon
    return (
        render_template(
            "plans/manage.html",
            stage=stage,
            project=stage.project,
            plan=plan,
            plan_url=image_url(plan) if plan else None,
            upload=upload or PlanUploadForm(formdata=None),
            placement=placement,
            corner_error=corner_error,
            max_mb=MAX_PLAN_BYTES // 2**20,
        ),
        status,
    )


@bp.get("/manage/stages/<int:stage_id>/plan")
@login_required
def manage_plan(stage_id: int) -> Page:
    """The stage's plan map: upload it and place it on the map."""
    return _plan_page(load_stage(stage_id))


@bp.post("/manage/stages/<int:stage_id>/plan/upload")
@login_required
def upload_plan(stage_id: int) -> Page:
    """Upload (or replace) the plan map: a PNG/JPEG, or a page of a PDF."""
    stage = load_stage(stage_id)
    form = PlanUploadForm()
    if form.validate_on_submit():
        data = _read_upload(form.file.data, MAX_PLAN_BYTES)
        if data is None:
            form.file.errors = [_("Choose a file.")]
        else:
            try:
                services.upload_plan(stage, data, page=form.page.data, actor=current_user)
            except PlanError as exc:
                getattr(form, exc.field if exc.field in ("file", "page") else "file").errors = [
                    exc.message
                ]
            else:
                db.session.commit()
                flash(_("The plan map is uploaded. Place it on the map."), "success")
                return redirect(url_for("plans.manage_plan", stage_id=stage.id) + "#placement")
    return _plan_page(stage, upload=form, status=422)


@bp.post("/manage/stages/<int:stage_id>/plan/place")
@login_required
def place_plan(stage_id: int) -> Page:
    """Save where the plan lies (three corners)."""
    stage = load_stage(stage_id)
    plan = services.plan_of(stage)
    if plan is None:
        abort(404)
    form = PlacementForm()
    if form.validate_on_submit():
        try:
            services.place_plan(plan, stage, form.corners(), actor=current_user)
        except PlanError as exc:
            return _plan_page(stage, placement=form, corner_error=exc.message, status=422)
        db.session.commit()
        flash(_("The placement is saved. Residents see the plan on the stage's maps."), "success")
        return redirect(url_for("plans.manage_plan", stage_id=stage.id))
    return _plan_page(stage, placement=form, status=422)


@bp.post("/manage/stages/<int:stage_id>/plan/remove")
@login_required
def remove_plan(stage_id: int) -> Page:
    """Remove the plan map."""
    stage = load_stage(stage_id)
    plan = services.plan_of(stage)
    if plan is not None:
        services.remove_plan(plan, stage, actor=current_user)
        db.session.commit()
        flash(_("The plan map is removed."), "success")
    return redirect(url_for("plans.manage_plan", stage_id=stage.id))


@bp.route("/manage/organizations/<int:org_id>/map-layers", methods=["GET", "POST"])
@login_required
def map_layers(org_id: int) -> Page:
    """The base maps residents can switch to, besides the street map."""
    org = db.session.get(Organization, org_id)
    require(current_actor(), Action.MANAGE_ORGANIZATION, org)
    if org is None:  # require() has answered 404 already; this tells the type checker
        abort(404)
    form = MapLayersForm()
    if request.method == "GET":
        for row, layer in zip(form.layers, services.layers_of(org), strict=False):
            row.form.name.data = layer.name
            row.form.type.data = layer.kind.value
            row.form.url.data = layer.url
            row.form.layers.data = layer.layers
            row.form.attribution.data = layer.attribution
    elif form.validate_on_submit():
        rows: list[dict[str, Any]] = []
        failed = False
        for row in form.layers:
            if row.form.is_blank():
                continue
            data = {
                k: row.form[k].data or "" for k in ("name", "type", "url", "layers", "attribution")
            }
            try:
                rows.append(services.check_layer(data))
            except PlanError as exc:
                row.form[exc.field].errors = [exc.message]
                failed = True
        if not failed:
            services.set_layers(org, rows, actor=current_user)
            db.session.commit()
            flash(_("The map layers are saved."), "success")
            return redirect(url_for("plans.map_layers", org_id=org.id))
    status = 422 if request.method == "POST" else 200
    return render_template("plans/map_layers.html", org=org, form=form), status
