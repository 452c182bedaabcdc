"""Staff results views: per-question survey results (a section of the analysis pages) and
the results map of every contribution with its filters (``/analysis/stages/<id>/map``)."""

from __future__ import annotations

from typing import Any

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


__all__: list[Any] = ["question_results_for"]
