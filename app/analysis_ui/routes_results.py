"""Staff results views: per-question survey results (a section of the analysis pages) and
the results map of every contribution with its filters (``/analysis/stages/<id>/map``)."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from analysis.hotspots import CELL_SIZE, FDR_Q
from app.analysis_ui import bp
from app.analysis_ui.question_results import Results, question_results, surveys_of
from app.core.i18n import current_language
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


__all__: list[Any] = ["hotspot_parameters", "question_results_for"]
