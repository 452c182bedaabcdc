"""Staff views of the analysis: stage and project indicators, the comparison of two stages,
the coding review and the population reference upload (all under /manage/analysis).

Pages render from the stored ``IndicatorSnapshot``; only the "Recompute" button recomputes.
``Action.VIEW_ANALYSIS`` opens the indicator pages (project partners included), ``Action.CODE``
the review screen. Nothing here shows who wrote a contribution.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from analysis.indicators import stage_coverage
from app.analysis_ui import bp, evidence, queries, services
from app.analysis_ui.dataset import population as population_rows
from app.analysis_ui.dataset import stage_infos
from app.analysis_ui.forms import PopulationForm, RecomputeForm
from app.analysis_ui.indicators import VERSION, compute_project
from app.audit.services import record
from app.core.auth import login_required
from app.core.i18n import tr
from app.core.permissions import Action, actor_from, can, project_of
from app.extensions import db
from app.organizations.models import Organization
from app.organizations.rules import is_staff_of
from app.projects.models import Project, Stage
from app.projects.rules import is_partner

_TEMPLATE_GLOBALS: dict[str, Callable[..., Any]] = {
    "fmt_number": evidence.number,
    "fmt_percent": evidence.percent,
    "fmt_count": evidence.count,
    "fmt_fraction": evidence.fraction,
    "fmt_interval": evidence.interval,
    "analysis_glossary": evidence.glossary,
}
for _name, _fn in _TEMPLATE_GLOBALS.items():
    bp.add_app_template_global(_fn, _name)


def require_staff(action: Action, obj: Any) -> None:
    """Allow ``action`` or abort: 403 for the object's own staff and partners, else 404, so
    staff pages of another organization never reveal what exists there."""
    if obj is None:
        abort(404)
    if can(actor_from(current_user), action, obj):
        return
    if is_staff_of(current_user, obj) or is_partner(current_user, project_of(obj)):
        abort(403)
    abort(404)


def _stage(stage_id: int, action: Action = Action.VIEW_ANALYSIS) -> Stage:
    stage = db.session.get(Stage, stage_id)
    require_staff(action, stage)
    assert stage is not None  # noqa: S101 (require_staff aborted otherwise)
    return stage


def kind_label(kind: str) -> str:
    return evidence.source_label(kind)


def level_label(level: str | None) -> str:
    return {
        "information": _("Information"),
        "consultation": _("Consultation"),
        "dialogue": _("Dialogue"),
        "influence": _("Influence"),
        "codecision": _("Co-decision"),
    }.get(level or "", level or "–")


def _theme_label(labels: dict[str, dict[str, str]]) -> Any:
    def label(key: str) -> str:
        return tr(labels.get(key)) or _("Other theme")

    return label


def _helpers(labels: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {
        "theme_label": _theme_label(labels),
        "dimension_label": evidence.dimension_label,
        "group_label": evidence.group_label,
        "valence_label": evidence.valence_label,
        "kind_label": kind_label,
        "level_label": level_label,
    }


def _visible_quotes(data: dict[str, Any], obj: Any) -> dict[str, list[dict[str, Any]]]:
    """Quotes still publishable now; survey free text only for the organization's staff."""
    return queries.visible_quotes(data, staff=is_staff_of(current_user, obj))


def _map_theme(data: dict[str, Any] | None) -> str | None:
    """The theme whose hotspots the map shows: asked for, else the first with places."""
    if data is None:
        return None
    mapped = data["hotspots"]["themes"]
    theme = request.args.get("theme")
    return theme if theme in mapped else next(iter(mapped), None)


@bp.get("/analysis/stages/<int:stage_id>")
@login_required
def stage_view(stage_id: int) -> Any:
    """Indicators of one stage, rendered from its stored snapshot."""
    stage = _stage(stage_id)
    snap = services.snapshot_of(stage)
    data = snap.data if snap is not None and snap.data.get("version") == VERSION else None
    if data is not None and not is_staff_of(current_user, stage):
        data = queries.for_partner(data)
    return render_template(
        "analysis_ui/stage.html",
        stage=stage,
        project=stage.project,
        snap=snap,
        data=data,
        quotes=_visible_quotes(data, stage) if data else {},
        map_theme=_map_theme(data),
        map_url=lambda key: url_for("analysis_ui.stage_view", stage_id=stage.id, theme=key),
        form=RecomputeForm(),
        may_code=can(actor_from(current_user), Action.CODE, stage),
        **_helpers(data["labels"] if data else {}),
    )


@bp.post("/analysis/stages/<int:stage_id>/recompute")
@login_required
def stage_recompute(stage_id: int) -> Any:
    """Code the stage again and store fresh indicators (coders only: it rewrites codings)."""
    stage = _stage(stage_id, Action.CODE)
    form = RecomputeForm()
    if not form.validate_on_submit():
        abort(400)
    counts, _snap = services.recode_and_recompute(stage)
    record(
        "analysis.recompute",
        actor=current_user,
        organization_id=stage.project.organization_id,
        obj=stage,
    )
    flash(
        ngettext(
            "Indicators recomputed from %(num)d contribution.",
            "Indicators recomputed from %(num)d contributions.",
            counts.contributions,
        ),
        "success",
    )
    return redirect(url_for("analysis_ui.stage_view", stage_id=stage.id))


@bp.get("/analysis/projects/<int:project_id>")
@login_required
def project_view(project_id: int) -> Any:
    """The project's stages with their stored key figures, and indicators over all stages.

    The whole-project figures are computed on each visit (participants are counted once across
    stages, so stage snapshots cannot simply be added up)."""
    project = db.session.get(Project, project_id)
    require_staff(Action.VIEW_ANALYSIS, project)
    assert project is not None  # noqa: S101
    snaps = queries.snapshots_of(project)
    labels: dict[str, dict[str, str]] = {}
    for s in snaps.values():
        labels.update(s.data.get("labels", {}))
    counts = {sid: s.data.get("totals", {}).get("contributions", 0) for sid, s in snaps.items()}
    coverage = stage_coverage(stage_infos(project, counts))
    data = compute_project(project) if project.stages else None
    if data is not None:
        labels.update(data["labels"])
        if not is_staff_of(current_user, project):
            data = queries.for_partner(data)
    return render_template(
        "analysis_ui/project.html",
        project=project,
        snaps=snaps,
        coverage=coverage,
        data=data,
        quotes=_visible_quotes(data, project) if data else {},
        map_theme=_map_theme(data),
        map_url=lambda key: url_for("analysis_ui.project_view", project_id=project.id, theme=key),
        **_helpers(labels),
    )


@bp.get("/analysis/projects/<int:project_id>/compare")
@login_required
def compare(project_id: int) -> Any:
    """Two stages of a project side by side: participation and themes."""
    project = db.session.get(Project, project_id)
    require_staff(Action.VIEW_ANALYSIS, project)
    assert project is not None  # noqa: S101
    stages = {s.id: s for s in project.stages}
    snaps = queries.snapshots_of(project)
    with_data = [s for s in project.stages if s.id in snaps]
    a_id = request.args.get("a", type=int)
    b_id = request.args.get("b", type=int)
    if a_id is None and len(with_data) >= 2:
        a_id, b_id = with_data[-2].id, with_data[-1].id
    if (a_id is not None and a_id not in stages) or (b_id is not None and b_id not in stages):
        abort(404)
    a = snaps.get(a_id) if a_id else None
    b = snaps.get(b_id) if b_id else None
    labels: dict[str, dict[str, str]] = {}
    rows = []
    if a is not None and b is not None:
        labels = {**a.data.get("labels", {}), **b.data.get("labels", {})}
        ta = {t["theme"]: t for t in a.data.get("themes", [])}
        tb = {t["theme"]: t for t in b.data.get("themes", [])}
        for key in list(dict.fromkeys([*ta, *tb])):
            rows.append({"theme": key, "a": ta.get(key), "b": tb.get(key)})
        rows.sort(
            key=lambda r: -max((r["a"] or {}).get("share") or 0, (r["b"] or {}).get("share") or 0)
        )
    return render_template(
        "analysis_ui/compare.html",
        project=project,
        stages=project.stages,
        a_stage=stages.get(a_id) if a_id else None,
        b_stage=stages.get(b_id) if b_id else None,
        a=a.data if a else None,
        b=b.data if b else None,
        rows=rows,
        **_helpers(labels),
    )


def _population_table(rows: list[Any]) -> dict[str, Any]:
    """Inhabitants per district (rows) and age band (columns), genders summed."""
    bands = sorted({r.age_band for r in rows}, key=lambda b: (len(b) > 5, b))
    districts: dict[str, dict[str, int]] = {}
    for r in rows:
        cells = districts.setdefault(r.district, {})
        cells[r.age_band] = cells.get(r.age_band, 0) + r.count
    return {"bands": bands, "districts": dict(sorted(districts.items()))}


@bp.route("/analysis/organizations/<int:org_id>/population", methods=["GET", "POST"])
@login_required
def population(org_id: int) -> Any:
    """The population reference (district × age band × gender): everyone who analyses reads
    it; planners upload it as CSV."""
    org = db.session.get(Organization, org_id)
    if org is None:
        abort(404)
    actor = actor_from(current_user)
    may_upload = can(actor, Action.MANAGE_PROJECT, org)
    if not (may_upload or can(actor, Action.VIEW_ANALYSIS, org)):
        abort(403 if is_staff_of(current_user, org) else 404)
    if request.method == "POST" and not may_upload:
        abort(403)
    form = PopulationForm()
    if request.method == "GET":
        form.year.data = date.today().year
    errors: list[tuple[int, str]] = []
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read() if upload else b""
        if not raw:
            form.file.errors = [_("Choose a CSV file.")]
        else:
            lines, errors = services.parse_population_csv(raw)
            if not errors:
                stored = services.replace_population(org.id, form.year.data, lines)
                record(
                    "population.upload",
                    actor=current_user,
                    organization_id=org.id,
                    obj=org,
                    reason=", ".join(f"{y}: {n}" for y, n in sorted(stored.items())),
                )
                flash(
                    ngettext(
                        "%(num)d population row stored.",
                        "%(num)d population rows stored.",
                        sum(stored.values()),
                    ),
                    "success",
                )
                return redirect(url_for("analysis_ui.population", org_id=org.id))
    year, rows = population_rows(org.id)
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "analysis_ui/population.html",
            org=org,
            form=form,
            errors=errors,
            year=year,
            total=sum(r.count for r in rows),
            row_count=len(rows),
            table=_population_table(rows),
            may_upload=may_upload,
        ),
        status,
    )
