"""Staff results views: per-question survey results (a section of the analysis pages) and
the results map of every contribution with its filters (``/analysis/stages/<id>/map``)."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal
from flask import jsonify, render_template, request, url_for
from flask_login import current_user

from analysis.hotspots import CELL_SIZE, FDR_Q
from app.analysis_ui import bp, results_map
from app.analysis_ui.question_results import Results, question_results, surveys_of
from app.analysis_ui.routes import _stage
from app.core.auth import login_required
from app.core.i18n import current_language
from app.organizations.rules import is_staff_of
from app.projects.models import Project, Stage


@bp.app_template_global()
def question_results_for(obj: Stage | Project | None, group: str | None = None) -> Results | None:
    """Per-question results of a stage's or project's surveys for the analysis pages.

    The page that includes ``analysis_ui/_question_results.html`` has already checked that
    the user may see the analysis of ``obj``."""
    if obj is None:
        return None
    return question_results(surveys_of(obj), lang=current_language(), group=group or None)


@bp.app_template_global()
def hotspot_parameters() -> dict[str, str]:
    """The hotspot cell size (metres) and false discovery rate (per cent), formatted for the
    current language: every page and document states these, from ``analysis.hotspots``."""
    lang = current_language()
    return {
        "cell_size": format_decimal(CELL_SIZE, locale=lang),
        "q": format_decimal(FDR_Q * 100, locale=lang),
    }


def _map_document(stage: Stage) -> dict[str, Any]:
    filters = results_map.Filters.from_args(request.args)
    exact = is_staff_of(current_user, stage)
    doc = results_map.result(stage, filters, current_language(), exact=exact)
    doc["filters"] = filters
    doc["exact"] = exact
    return doc


@bp.get("/analysis/stages/<int:stage_id>/map")
@login_required
def results_map_view(stage_id: int) -> Any:
    """Every contribution with a place, filtered, with density and Gi* hotspots."""
    stage = _stage(stage_id)
    doc = _map_document(stage)
    return render_template(
        "analysis_ui/results_map.html",
        stage=stage,
        project=stage.project,
        doc=doc,
        data_url=url_for(
            "analysis_ui.results_map_data", stage_id=stage.id, **doc["filters"].as_args()
        ),
    )


@bp.get("/analysis/stages/<int:stage_id>/map.json")
@login_required
def results_map_data(stage_id: int) -> Any:
    """The results map as JSON: GeoJSON features, density cells and hotspot cells."""
    stage = _stage(stage_id)
    doc = _map_document(stage)
    body = {k: v for k, v in doc.items() if k not in ("choices", "filters")}
    body["type"] = "FeatureCollection"
    return jsonify(body)


__all__: list[Any] = ["hotspot_parameters", "question_results_for"]
