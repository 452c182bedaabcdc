"""The staff results map of a stage: every contribution with a place (points, lines, areas)
with filters, a density grid and the Gi* hotspots of the filtered selection.

Contributions and their final coding (human decisions and valence corrections applied) come
from the analysis dataset (``app.analysis_ui.dataset``, published content only) and
``services.finals``, the same ones the indicators use; the place of a line or an area is the
dataset's. Hotspots use ``analysis.hotspots.CELL_SIZE`` and ``FDR_Q``, the parameters every
page and document states.

Privacy: a selection crossed with a demographic group that holds fewer than the threshold of
distinct participants shows no places at all; hotspots need at least the threshold of
participants; project partners never get exact places or texts, only the density grid and
hotspot cells, with counts below the threshold left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sqlalchemy as sa
from babel.numbers import format_decimal
from flask import current_app
from flask_babel import gettext as _
from pyproj import Transformer

from analysis.hotspots import CELL_SIZE, FDR_Q, SWEREF99TM, WGS84, Grid, hotspots, to_sweref
from analysis.suppression import suppress_value
from app.analysis_ui import dataset
from app.analysis_ui.evidence import dimension_label, valence_label
from app.analysis_ui.models import TargetType
from app.analysis_ui.services import coder_for, finals, theme_labels
from app.comments.models import Comment
from app.core.models import translated
from app.extensions import db
from app.projects.models import Stage
from app.surveys.models import (
    DEMOGRAPHIC_TYPES,
    MAP_TYPES,
    Answer,
    AnswerFeature,
    OptionKind,
)

VALENCES = ("positive", "negative", "neutral", "mixed")
DIMENSIONS = ("age_band", "gender", "district", "relation")


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(SWEREF99TM, WGS84, always_xy=True)


@dataclass
class Place:
    """One contribution on the map."""

    key: str
    kind: str  # "comment" or "feature"
    geometry: dict[str, Any]
    lon: float
    lat: float
    participant: str
    text: str
    themes: tuple[str, ...]
    valence: str
    question_id: int | None = None
    category_id: int | None = None


@dataclass
class Filters:
    question: int | None = None
    category: int | None = None
    theme: str | None = None
    valence: str | None = None
    group: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        def as_int(name: str) -> int | None:
            value = (args.get(name) or "").strip()
            return int(value) if value.isdigit() else None

        valence = args.get("valence") or None
        return cls(
            question=as_int("question"),
            category=as_int("category"),
            theme=(args.get("theme") or "").strip() or None,
            valence=valence if valence in VALENCES else None,
            group=(args.get("group") or "").strip() or None,
        )

    def as_args(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v not in (None, "")}


@dataclass
class Choices:
    """What the filter form offers: (value, label) pairs."""

    questions: list[tuple[int, str]] = field(default_factory=list)
    categories: list[tuple[int, str]] = field(default_factory=list)
    themes: list[tuple[str, str]] = field(default_factory=list)
    valences: list[tuple[str, str]] = field(default_factory=list)
    groups: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)


@dataclass
class MapData:
    places: list[Place]
    choices: Choices
    labels: dict[str, str]
    #: participant key → dimension → group code
    demographics: dict[str, dict[str, str]]
    question_labels: dict[int, str]
    category_labels: dict[int, str]


def threshold() -> int:
    return int(current_app.config.get("SUPPRESSION_THRESHOLD", 5))


def load(stage: Stage, lang: str) -> MapData:
    """Every placed contribution of ``stage`` with its final themes and valence."""
    items = [
        it
        for it in dataset.stage_items(stage, dataset.PUBLISHED)
        if it.target_type in (TargetType.COMMENT, TargetType.FEATURE)
        and it.contribution.lon is not None
        and it.contribution.lat is not None
    ]
    coder = coder_for(stage.project)
    final = finals(items, coder) if items else {}
    labels = {k: translated(v, lang) or k for k, v in theme_labels(coder).items()}

    comment_ids = [it.target_id for it in items if it.target_type == TargetType.COMMENT]
    feature_ids = [it.target_id for it in items if it.target_type == TargetType.FEATURE]
    geometry: dict[tuple[str, int], dict[str, Any]] = {}
    feature_info: dict[int, tuple[int, int | None]] = {}
    for chunk in _chunks(comment_ids):
        for cid, geom in db.session.execute(
            sa.select(Comment.id, Comment.geometry).where(Comment.id.in_(chunk))
        ):
            if geom:
                geometry[("comment", cid)] = geom
    for chunk in _chunks(feature_ids):
        for fid, geom, question_id, category_id in db.session.execute(
            sa.select(
                AnswerFeature.id,
                AnswerFeature.geometry,
                Answer.question_id,
                AnswerFeature.category_id,
            )
            .join(Answer, Answer.id == AnswerFeature.answer_id)
            .where(AnswerFeature.id.in_(chunk))
        ):
            if geom:
                geometry[("feature", fid)] = geom
                feature_info[fid] = (question_id, category_id)

    places = []
    for it in items:
        kind = "comment" if it.target_type == TargetType.COMMENT else "feature"
        geom = geometry.get((kind, it.target_id))
        lon, lat = it.contribution.lon, it.contribution.lat
        if geom is None or lon is None or lat is None:
            continue
        question_id, category_id = feature_info.get(it.target_id, (None, None))
        f = final[it.key]
        places.append(
            Place(
                key=it.key,
                kind=kind,
                geometry=geom,
                lon=float(lon),
                lat=float(lat),
                participant=it.contribution.participant_id or it.key,
                text=it.contribution.text if it.quotable else "",
                themes=tuple(f.themes),
                valence=f.valence,
                question_id=question_id if kind == "feature" else None,
                category_id=category_id if kind == "feature" else None,
            )
        )

    surveys = [a.survey for a in stage.activities if a.survey is not None]
    questions = [q for s in surveys for q in s.questions]
    question_labels = {q.id: translated(q.prompt, lang) for q in questions if q.type in MAP_TYPES}
    category_labels = {
        o.id: translated(o.label, lang)
        for q in questions
        if q.type in MAP_TYPES
        for o in q.options
        if o.kind == OptionKind.CATEGORY
    }
    group_labels: dict[str, dict[str, str]] = defaultdict(dict)
    for q in questions:
        if q.type in DEMOGRAPHIC_TYPES:
            for o in q.options_of(OptionKind.OPTION):
                code = o.code or translated(o.label, "sv")
                group_labels[str(q.type)].setdefault(code, translated(o.label, lang) or code)
    demographics = dataset.demographics([s.id for s in surveys]) if surveys else {}

    present_themes = {t for p in places for t in p.themes}
    choices = Choices(
        questions=[
            (qid, label)
            for qid, label in question_labels.items()
            if any(p.question_id == qid for p in places)
        ],
        categories=[
            (cid, label)
            for cid, label in category_labels.items()
            if any(p.category_id == cid for p in places)
        ],
        themes=[(k, labels.get(k, k)) for k in labels if k in present_themes],
        valences=[(v, valence_label(v)) for v in VALENCES if any(p.valence == v for p in places)],
        groups=[
            (dimension_label(dim), [(f"{dim}:{c}", lab) for c, lab in group_labels[dim].items()])
            for dim in DIMENSIONS
            if group_labels.get(dim)
        ],
    )
    return MapData(places, choices, labels, demographics, question_labels, category_labels)


def _chunks(ids: Sequence[int], size: int = 900) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def select(data: MapData, filters: Filters) -> list[Place]:
    dim, code = None, None
    if filters.group and ":" in filters.group:
        dim, code = filters.group.split(":", 1)
    out = []
    for p in data.places:
        if filters.question is not None and p.question_id != filters.question:
            continue
        if filters.category is not None and p.category_id != filters.category:
            continue
        if filters.theme and filters.theme not in p.themes:
            continue
        if filters.valence and p.valence != filters.valence:
            continue
        if dim is not None and data.demographics.get(p.participant, {}).get(dim) != code:
            continue
        out.append(p)
    return out


def _corners(x: float, y: float, half: float) -> list[list[float]]:
    xs = np.array([x - half, x + half, x + half, x - half])
    ys = np.array([y - half, y - half, y + half, y + half])
    lons, lats = _to_wgs84().transform(xs, ys)
    return [[round(float(la), 6), round(float(lo), 6)] for lo, la in zip(lons, lats, strict=True)]


def result(stage: Stage, filters: Filters, lang: str, *, exact: bool) -> dict[str, Any]:
    """The map document for the page and its JSON endpoint.

    ``exact``: the viewer may see exact places and texts (the stage's own staff)."""
    limit = threshold()
    data = load(stage, lang)
    chosen = select(data, filters)
    people = len({p.participant for p in chosen})
    small = people < limit
    grouped = bool(filters.group)
    show_places = exact and not (grouped and small)

    features = []
    if show_places:
        # Translated once, not per feature (gettext costs ~60 µs a call).
        kinds = {"comment": _("Comment"), "feature": _("Map marking")}
        valences = {v: valence_label(v) for v in VALENCES}
        for p in chosen:
            features.append(
                {
                    "type": "Feature",
                    "geometry": p.geometry,
                    "properties": {
                        "id": p.key,
                        "kind": kinds[p.kind],
                        "question": data.question_labels.get(p.question_id or 0, ""),
                        "category": data.category_labels.get(p.category_id or 0, ""),
                        "themes": [data.labels.get(t, t) for t in p.themes],
                        "valence": p.valence,
                        "valence_label": valences.get(p.valence, p.valence),
                        "text": p.text,
                    },
                }
            )

    density: list[dict[str, Any]] = []
    hot: list[dict[str, Any]] = []
    all_xy = (
        to_sweref([p.lon for p in data.places], [p.lat for p in data.places])
        if data.places
        else np.empty((0, 2))
    )
    if chosen and not (grouped and small):
        xy = to_sweref([p.lon for p in chosen], [p.lat for p in chosen])
        grid = Grid.covering(all_xy, CELL_SIZE)
        counts = grid.counts(xy)
        centres = grid.centres()
        half = CELL_SIZE / 2
        for idx in np.nonzero(counts)[0]:
            count = int(counts[idx])
            if not exact and count < limit:
                continue
            density.append(
                {
                    "corners": _corners(float(centres[idx, 0]), float(centres[idx, 1]), half),
                    "count": count,
                    "text": suppress_value(count, limit) if not exact else str(count),
                }
            )
        if not small and len(all_xy) >= 2:
            res = hotspots(xy, area_xy=all_xy, cell_size=CELL_SIZE, q=FDR_Q)
            for c in res.cells:
                if not c.kind:
                    continue
                hot.append(
                    {
                        "kind": c.kind,
                        "corners": _corners(c.x, c.y, half),
                        "count": suppress_value(c.count, limit),
                        "z": round(c.z, 2),
                        "z_text": format_decimal(round(c.z, 2), format="0.00", locale=lang),
                    }
                )
            hot.sort(key=lambda c: -abs(c["z"]))
    by_kind = Counter(p.kind for p in chosen)
    return {
        "features": features,
        "density": density,
        "hotspots": hot,
        "total": len(chosen),
        "comments": by_kind["comment"],
        "markings": by_kind["feature"],
        "participants": people,
        "participants_text": str(people) if people >= limit or not people else f"<{limit}",
        "small": small,
        "places_hidden": not show_places,
        "grouped_small": grouped and small,
        "cell_size": CELL_SIZE,
        "q": FDR_Q,
        "threshold": limit,
        "choices": data.choices,
        "all_places": len(data.places),
    }
