"""JSON API v1: a stage's indicators for staff and partners (docs/design.md section 8).

``GET /stages/<id>/indicators`` answers the stored snapshot (computed now when none is
stored or it is from an older version). Cells crossed with demographics or small areas are
already suppressed in the snapshot; quotes are re-checked so content hidden since the
snapshot never appears.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user

from app.analysis_ui import queries as analysis_queries
from app.analysis_ui.indicators import VERSION, compute
from app.analysis_ui.services import snapshot_of
from app.api import bp
from app.core.errors import api_error
from app.core.permissions import Action, actor_from, require_staff
from app.extensions import db
from app.organizations.rules import is_staff_of
from app.projects.models import Stage


@bp.get("/stages/<int:stage_id>/indicators")
def stage_indicators(stage_id: int) -> Any:
    """The stage's aggregated indicators (staff with analysis rights, and partners)."""
    if not current_user.is_authenticated:
        return api_error(401)
    stage = db.session.get(Stage, stage_id)
    require_staff(actor_from(current_user), Action.VIEW_ANALYSIS, stage)
    assert stage is not None  # noqa: S101 (require_staff aborted otherwise)
    snapshot = snapshot_of(stage)
    if snapshot is not None and snapshot.data.get("version") == VERSION:
        data, computed_at = dict(snapshot.data), snapshot.computed_at
    else:
        from app.core.models import utcnow

        data, computed_at = compute(stage), utcnow()
    # Partners never get survey free text nor theme figures of fewer than five people (as in
    # their aggregate export and on their analysis page); staff of the organization do.
    staff = is_staff_of(current_user, stage)
    data["quotes"] = analysis_queries.visible_quotes(data, staff=staff)
    if not staff:
        data = analysis_queries.for_partner(data)
    return jsonify(
        {"stage_id": stage.id, "computed_at": computed_at.isoformat(), "indicators": data}
    )
