"""The indicators of one stage, computed from its stored codings into a JSON document.

The document is what ``IndicatorSnapshot.data`` stores and what the screens render, so every
figure crossed with demographics or small areas is already suppressed here (fewer than five
distinct participants show as "<5", with secondary suppression "x"): nothing downstream can
leak a small count by accident. Formulas: docs/indicators.md.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pyproj import Transformer

from analysis.agreement import multilabel_agreement
from analysis.hotspots import CELL_SIZE, FDR_Q, hotspots_by_theme
from analysis.indicators import (
    coded_items,
    coding_quality,
    distinct_participants,
    need_intensity,
    net_valence,
    official_answers,
    stage_coverage,
    theme_shares,
    valence_counts,
    youth_share,
)
from analysis.models import CodedContribution, ThemeAssignment
from analysis.quotes import representative_quotes
from analysis.representativeness import DIMENSIONS, representativeness
from analysis.suppression import MIN_COUNT, suppress_table, suppress_value
from app.analysis_ui import dataset
from app.analysis_ui.models import TargetType
from app.analysis_ui.services import coder_for, day_counts, finals, theme_labels
from app.core.models import utcnow
from app.projects.models import Project, Stage

#: Bump when the document's shape changes; screens show "recompute" for older documents.
VERSION = 2
#: Age bands of the demographic question, in display order.
AGE_BANDS = ("0-17", "18-29", "30-44", "45-64", "65-79", "80+")
GENDERS = ("woman", "man", "other", "no_answer")
UNKNOWN = "unknown"


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def compute(stage: Stage) -> dict[str, Any]:
    """The stage's indicator document (see the module docstring)."""
    return _compute(stage.project, dataset.stage_data(stage), stage)


def compute_scope(scope: Any, data: dataset.ScopeData | None = None) -> dict[str, Any]:
    """The same document for an export scope (survey, stage or project): what the summary,
    the report and partner aggregates show, so they match the analysis pages. ``data`` is the
    scope's dataset when the caller has read it already (``dataset.scope_data(scope)``)."""
    if scope.project is None:
        return {}
    if data is None:
        if scope.type == "stage":
            return compute(scope.obj)
        if scope.type == "project":
            return compute_project(scope.obj)
        data = dataset.scope_data(scope)
    return _compute(scope.project, data, None if scope.type == "project" else scope.stage)


def compute_project(project: Project) -> dict[str, Any]:
    """The same document over all stages of ``project`` (participants counted once)."""
    first = project.stages[0] if project.stages else None
    data = dataset.stages_data(first, [s.id for s in project.stages])
    return _compute(project, data, None)


def _compute(project: Project, data: dataset.StageData, stage: Stage | None) -> dict[str, Any]:
    coder = coder_for(project)
    themes = list(coder.codebook.theme_ids)
    items = data.items
    final = finals(items, coder)
    for it in items:
        # Themes of a project's own codebook rows count even when the coder lacks them.
        for t in final[it.key].themes:
            if t not in themes:
                themes.append(t)
    with_demo = [
        it.contribution
        if not data.demographics.get(it.contribution.participant_id or "")
        else _with_demographics(it, data.demographics)
        for it in items
    ]
    coded = {
        it.key: CodedContribution(
            it.key,
            it.contribution.lang or coder.default_lang,
            tuple(
                ThemeAssignment(t, final[it.key].confidence.get(t, 1.0))
                for t in final[it.key].themes
            ),
            final[it.key].valence,  # type: ignore[arg-type]  # one of VALENCES, typed str
            coder.source,
            coder.version,
        )
        for it in items
    }
    reviewed = {it.key: frozenset(final[it.key].themes) for it in items if final[it.key].reviewed}
    supports = {it.key: it.supports for it in items}
    citems = coded_items(with_demo, coded, reviewed, supports)

    participants = data.participants
    year, population = dataset.population(project.organization_id)
    kinds = Counter(str(it.target_type) for it in items)
    doc: dict[str, Any] = {
        "version": VERSION,
        "computed_at": utcnow().isoformat(),
        "stage_id": stage.id if stage is not None else None,
        "coder": coder.source,
        "labels": theme_labels(coder),
        "totals": {
            "participants": len(participants),
            # Every contribution (bidrag) once: comments, free-text answers, map markings.
            "contributions": len(items),
            "comments": kinds.get("comment", 0),
            "answers": kinds.get("answer", 0),
            "markings": kinds.get("feature", 0),
            "responses": data.responses,
            "coded_items": len(items),
        },
        "timeline": day_counts(data.events),
        "representation": _representation(participants, data.demographics, population, year),
        "themes": _themes(citems, themes),
        "hotspots": _hotspots(items, coded, themes, len(participants)),
        "quotes": _quotes(items, coded, themes),
        "coverage": _coverage(project, stage),
        "answers": _answers(data),
        "youth": _youth(citems),
        "quality": _quality(citems),
        "agreement": _agreement(items, final, themes),
    }
    return doc


def _with_demographics(it: dataset.Item, demographics: dict[str, dict[str, str]]) -> Any:
    from dataclasses import replace

    return replace(it.contribution, demographics=demographics[it.contribution.participant_id or ""])


def _representation(
    participants: set[str],
    demographics: dict[str, dict[str, str]],
    population: list[Any],
    year: int | None,
) -> dict[str, Any]:
    """Who took part vs who lives there, per dimension, with suppressed participant counts."""
    answers = {p: demographics.get(p, {}) for p in participants}
    report = representativeness(answers, population) if population else None
    inhabitants = sum(r.count for r in population)
    out: dict[str, Any] = {
        "population_year": year,
        "population": inhabitants,
        # Distinct participants (not only those who stated anything about themselves).
        "per_1000": _r(1000 * len(participants) / inhabitants, 2) if inhabitants else None,
        "dimensions": [],
    }
    for dim in (*DIMENSIONS, "relation"):
        counts: Counter[str] = Counter()
        for a in answers.values():
            counts[a.get(dim) or UNKNOWN] += 1
        dim_report = report.dimension(dim) if report and dim in DIMENSIONS else None
        pop_groups = {g.group: g for g in dim_report.groups} if dim_report else {}
        order = {"age_band": AGE_BANDS, "gender": GENDERS}.get(dim, ())
        groups = [g for g in order if g in counts or g in pop_groups]
        groups += sorted(
            g for g in set(counts) | set(pop_groups) if g not in groups and g != UNKNOWN
        )
        if dim_report is not None:
            # Answers that match no group of the reference count as unknown, as in the report.
            for g in [g for g in groups if g not in pop_groups]:
                counts[UNKNOWN] += counts.pop(g, 0)
            groups = [g for g in groups if g in pop_groups]
        if dim == "relation" and not groups:
            continue  # nobody was asked about their relation to the area
        rows = groups + [UNKNOWN]
        table = suppress_table([[counts.get(g, 0)] for g in rows], MIN_COUNT)
        stated = sum(counts.get(g, 0) for g in groups)
        # Below five participants who stated the dimension no comparison is claimed.
        compared = dim_report is not None and stated >= MIN_COUNT
        lines = []
        for g, shown in zip(rows, table.cells, strict=True):
            count = counts.get(g, 0)
            visible = shown[0] == str(count)
            pg = pop_groups.get(g)
            lines.append(
                {
                    "group": g,
                    "participants": shown[0],
                    "participant_share": _r(count / stated, 4)
                    if visible and stated >= MIN_COUNT and g != UNKNOWN
                    else None,
                    "population": pg.population if pg else None,
                    "population_share": _r(pg.population_share) if pg else None,
                    "per_1000": _r(pg.per_1000, 2) if pg and visible else None,
                    "ratio": _r(pg.ratio, 3) if pg and visible else None,
                }
            )
        claimed = dim_report if compared else None
        out["dimensions"].append(
            {
                "dimension": dim,
                "dissimilarity": _r(claimed.dissimilarity, 4) if claimed else None,
                "total": table.col_totals[0],
                "stated": suppress_value(stated),
                "groups": lines,
                "under_represented": list(claimed.under_represented) if claimed else [],
            }
        )
    return out


def _themes(citems: list[Any], themes: list[str]) -> list[dict[str, Any]]:
    shares = theme_shares(citems, themes)
    out: list[dict[str, Any]] = []
    for t in themes:
        p = shares[t]
        out.append(
            {
                "theme": t,
                "count": p.k,
                "n": p.n,
                # A share of nothing (0 / 0) is no share: shown as "–".
                "share": _r(p.share) if p.n else None,
                "low": _r(p.low) if p.n else None,
                "high": _r(p.high) if p.n else None,
                "net_valence": _r(net_valence(citems, t), 3),
                "valence": dict(valence_counts(citems, t)),
                "need_intensity": _r(need_intensity(citems, t)),
                "participants": suppress_value(
                    distinct_participants(it for it in citems if t in it.themes)
                ),
            }
        )
    out.sort(key=lambda r: (-r["count"], themes.index(r["theme"])))
    return out


_TO_WGS84: Transformer | None = None


def _to_wgs84() -> Transformer:
    global _TO_WGS84  # noqa: PLW0603 - one transformer per process is enough
    if _TO_WGS84 is None:
        _TO_WGS84 = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    return _TO_WGS84


def _hotspots(
    items: list[dataset.Item],
    coded: dict[str, CodedContribution],
    themes: list[str],
    participants: int,
) -> dict[str, Any]:
    """Significant Gi* cells per theme as WGS84 rectangles; cell counts are small areas and
    pass through suppression over the theme's whole grid. Below five participants there are
    no hotspots at all (a cell would point at one person's places)."""
    out: dict[str, Any] = {"cell_size": int(CELL_SIZE), "q": FDR_Q, "themes": {}}
    if participants < MIN_COUNT:
        out["suppressed"] = True
        return out
    contributions = [it.contribution for it in items]
    result = hotspots_by_theme(contributions, coded, themes, cell_size=CELL_SIZE, q=FDR_Q)
    tf = _to_wgs84()
    for theme, th in result.items():
        grid = th.result.grid
        matrix = [[0] * grid.ny for _ in range(grid.nx)]
        for c in th.result.cells:
            matrix[c.i][c.j] = c.count
        table = suppress_table(matrix, MIN_COUNT)
        cells: list[dict[str, Any]] = []
        for c in th.result.cells:
            if not c.kind:
                continue
            half = grid.size / 2
            xs = [c.x - half, c.x + half, c.x + half, c.x - half]
            ys = [c.y - half, c.y - half, c.y + half, c.y + half]
            lons, lats = tf.transform(xs, ys)
            w, e, s, n = min(lons), max(lons), min(lats), max(lats)
            cells.append(
                {
                    "kind": c.kind,
                    "count": table.cells[c.i][c.j],
                    "z": _r(c.z, 2),
                    "p": _r(c.p, 5),
                    "bounds": [[_r(s, 6), _r(w, 6)], [_r(n, 6), _r(e, 6)]],
                    # The exact cell: a square in SWEREF 99 TM is slightly turned in WGS84.
                    "corners": [[_r(la, 6), _r(lo, 6)] for lo, la in zip(lons, lats, strict=True)],
                }
            )
        cells.sort(key=lambda c: -abs(c["z"] or 0))
        out["themes"][theme] = {
            "points": suppress_value(th.points),
            "normalized_hhi": _r(th.normalized_hhi),
            "gini": _r(th.gini),
            "cells": cells,
        }
    return out


def _quotes(
    items: list[dataset.Item], coded: dict[str, CodedContribution], themes: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Up to three quotes per theme: published comments with no open flag, and survey free
    text marked ``"survey": true`` (staff only; partners never see it). A text is quoted
    under one theme at most."""
    candidates = [
        it.contribution for it in items if it.quotable or it.target_type != TargetType.COMMENT
    ]
    survey = {it.key for it in items if it.target_type != TargetType.COMMENT}
    used: set[str] = set()
    out: dict[str, list[dict[str, Any]]] = {}
    for t in themes:
        fresh = [c for c in candidates if c.id not in used and quote_key(c.text) not in used]
        quotes = representative_quotes(fresh, coded, t, k=3)
        if quotes:
            out[t] = [
                {
                    "id": q.contribution_id,
                    "text": q.text,
                    "confidence": _r(q.confidence, 3),
                    "survey": q.contribution_id in survey,
                }
                for q in quotes
            ]
            used |= {q.contribution_id for q in quotes} | {quote_key(q.text) for q in quotes}
    return out


def quote_key(text: str) -> str:
    """The same words quoted twice count as one quote, whatever their case or spacing."""
    return "text:" + " ".join(text.lower().split())


def _coverage(project: Project, stage: Stage | None) -> dict[str, Any]:
    cov = stage_coverage(dataset.stage_infos(project))
    return {
        "stages": cov.stages,
        "with_dialogue": cov.with_dialogue,
        "coverage": _r(cov.coverage),
        "highest_level": cov.highest_level,
        "mean_level": _r(cov.mean_level, 2),
        "level": str(stage.participation_level) if stage is not None else cov.highest_level,
    }


def _answers(data: dataset.StageData) -> dict[str, Any]:
    stats = official_answers(data.threads)
    return {
        "threads": stats.threads,
        "answered": stats.answered,
        "answer_rate": _r(stats.answer_rate),
        "median_hours": _r(stats.median_hours, 1),
    }


def _youth(citems: list[Any]) -> dict[str, Any]:
    y = youth_share(citems)
    young = suppress_value(y.young_participants)
    visible = young == str(y.young_participants)
    p = y.participant_share
    c = y.children_theme_share
    return {
        "participants_with_age": suppress_value(y.participants_with_age),
        "young_participants": young,
        "share": _r(p.share) if visible and y.participants_with_age >= MIN_COUNT else None,
        "low": _r(p.low) if visible and y.participants_with_age >= MIN_COUNT else None,
        "high": _r(p.high) if visible and y.participants_with_age >= MIN_COUNT else None,
        "children_theme_share": _r(c.share) if c.n else None,
        "children_theme_low": _r(c.low) if c.n else None,
        "children_theme_high": _r(c.high) if c.n else None,
    }


def _quality(citems: list[Any]) -> dict[str, Any]:
    q = coding_quality(citems)
    return {
        "items": q.items,
        "coded": q.coded,
        "reviewed": q.reviewed,
        "share_coded": _r(q.share_coded) if q.items else None,
        "share_reviewed": _r(q.share_reviewed) if q.items else None,
    }


def _agreement(
    items: list[dataset.Item], final: dict[str, Any], themes: list[str]
) -> dict[str, Any]:
    """Machine vs human on the reviewed contributions only."""
    reviewed = {it.key: final[it.key].themes for it in items if final[it.key].reviewed}
    if not reviewed:
        return {"items": 0, "themes": []}
    machine = {k: final[k].machine for k in reviewed}
    report = multilabel_agreement(reviewed, machine, themes)
    return {
        "items": report.n_items,
        "micro_f1": _r(report.micro_f1, 3),
        "macro_f1": _r(report.macro_f1, 3),
        "themes": [
            {
                "theme": s.theme,
                "support": s.support,
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
                "kappa": _r(s.kappa, 3),
                "f1": _r(s.f1, 3),
            }
            for s in report.per_theme
            if s.tp + s.fp + s.fn
        ],
    }
