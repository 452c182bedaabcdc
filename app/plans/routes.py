"""Resident side: the plan image of a stage, and what its maps need to show it."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from flask import abort, current_app, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.participants import current_participant
from app.core.permissions import Action, actor_from, require
from app.extensions import db
from app.plans import bp
from app.plans.models import StagePlan
from app.plans.services import layers_of, plan_file, plan_of
from app.projects.models import Stage


@bp.get("/plans/<int:plan_id>/<name>")
def image(plan_id: int, name: str) -> Response:
    """A stage's plan image, for whoever may see the stage's project (public or staff)."""
    plan = db.session.get(StagePlan, plan_id)
    if plan is None or PurePosixPath(plan.image_path).name != name:
        abort(404)
    stage = db.session.get(Stage, plan.stage_id)
    require(
        actor_from(current_user, current_participant(create=False)),
        Action.VIEW,
        stage.project if stage else None,
    )
    path = plan_file(plan)
    if not path.is_file():
        abort(404)
    # The name changes with every upload: the file at this address never changes.
    return send_file(path, max_age=86400 * 30, conditional=True)


def image_url(plan: StagePlan) -> str:
    return url_for("plans.image", plan_id=plan.id, name=PurePosixPath(plan.image_path).name)


@bp.app_template_global()
def plan_map_config(stage: Stage | None) -> dict[str, Any] | None:
    """What the resident maps of ``stage`` add: its placed plan and the organization's base
    layers (None when there is neither: then plan-map.js is not loaded at all)."""
    if stage is None:
        return None
    plan = plan_of(stage)
    layers = [layer.as_json() for layer in layers_of(stage.project.organization)]
    placed = plan if plan is not None and plan.is_placed else None
    if placed is None and not layers:
        return None
    return {
        "plan": placed.overlay(image_url(placed)) if placed else None,
        "planName": _("Plan map"),
        "base": _("Street map") if current_app.config.get("TILE_URL") else None,
        "layers": layers,
        "layersTitle": _("Choose the map"),
    }
