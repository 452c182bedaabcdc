"""The regional view: indicators of every published project of every organization side by
side, from the stored stage snapshots, for cross-municipal learning (aggregates only)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload

from analysis.suppression import suppress_value
from app.analysis_ui import bp
from app.analysis_ui.indicators import VERSION
from app.analysis_ui.models import IndicatorSnapshot
from app.core.auth import login_required
from app.core.permissions import Action, actor_from, can
from app.extensions import db
from app.projects.models import Project, ProjectStatus, Stage


def regional_rows() -> list[dict[str, Any]]:
    """One row per stage with stored indicators, in published projects (three queries)."""
    snapshots = db.session.scalars(
        sa.select(IndicatorSnapshot)
        .join(Stage, Stage.id == IndicatorSnapshot.stage_id)
        .join(Project, Project.id == Stage.project_id)
        .where(Project.status.in_([ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]))
    ).all()
    stages = {
        s.id: s
        for s in db.session.scalars(
            sa.select(Stage)
            .where(Stage.id.in_([snap.stage_id for snap in snapshots]))
            .options(joinedload(Stage.project).joinedload(Project.organization))
        )
    }
    rows = []
    for snap in snapshots:
        data = snap.data
        if data.get("version") != VERSION:
            continue
        stage = stages[snap.stage_id]
        dims = {
            d["dimension"]: d.get("dissimilarity") for d in data["representation"]["dimensions"]
        }
        themes = sorted(data["themes"], key=lambda t: t["share"] or 0, reverse=True)[:3]
        rows.append(
            {
                "stage": stage,
                "project": stage.project,
                "organization": stage.project.organization,
                "participants": suppress_value(int(data["totals"]["participants"])),
                "contributions": int(data["totals"]["contributions"]),
                "per_1000": data["representation"].get("per_1000"),
                "dissimilarity": dims,
                "themes": themes,
                "answer_rate": data["answers"].get("answer_rate"),
                "level": data["coverage"].get("level"),
                "labels": data["labels"],
            }
        )
    rows.sort(key=lambda r: (r["organization"].name, r["project"].slug, r["stage"].position))
    return rows


@bp.get("/analysis/regional")
@login_required
def regional() -> str:
    """Indicators of all organizations' projects side by side (aggregates only)."""
    if not can(actor_from(current_user), Action.VIEW_REGIONAL, None):
        abort(403)
    return render_template("analysis_ui/regional.html", rows=regional_rows())
