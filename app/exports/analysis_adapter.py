"""The one place where export rows become inputs of the pure-Python ``analysis`` package.

Contributions are comments, free-text answers and map features, each with a stable key
("C12" comment 12, "A34" answer 34, "F5" map feature 5) that reports and exports show as the
contribution id. Their themes and valence come from stored ``Coding`` rows when there are
any (a human decision always wins over the machine); contributions nobody has coded yet are
coded on the fly with the analysis coder, so a report never waits for a coding run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from analysis import Coder, Contribution
from analysis.coder import default_coder
from analysis.indicators import CodedItem
from analysis.models import VALENCES, CodedContribution, ThemeAssignment, Valence
from analysis.valence import valence as score_valence
from app.analysis_ui.models import Coding, ReviewState, TargetType
from app.core.models import translated
from app.exports.queries import Dataset, participant_key
from app.extensions import db

PREFIX = {TargetType.COMMENT: "C", TargetType.ANSWER: "A", TargetType.FEATURE: "F"}


@dataclass(frozen=True, slots=True)
class Item:
    """A contribution with what reports need besides the analysis record."""

    key: str
    target_type: TargetType
    target_id: int
    contribution: Contribution
    #: Where it came from: the question (answers, features) or None for comments.
    question_id: int | None = None
    response_id: int | None = None
    supports: int = 0
    #: The question's theme hint (applied to map features, which often carry no text).
    theme_hint: str | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """Final themes (human decisions applied) and valence of one contribution."""

    themes: tuple[str, ...]
    valence: Valence
    reviewed: bool = False
    source: str = ""


def _representative_point(geometry: dict | None) -> tuple[float | None, float | None]:
    if not geometry:
        return None, None
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        return float(lon), float(lat)
    from app.core.geo import from_geojson

    point = from_geojson(geometry).representative_point()
    return float(point.x), float(point.y)


def build_items(data: Dataset, *, include_empty_features: bool = True) -> list[Item]:
    """Every contribution of ``data``: non-official live comments, text answers, map features.

    Map features without a comment are kept (with empty text) when ``include_empty_features``:
    their category alone carries a valence and their place counts for hotspots.
    """
    demographics: dict[str, dict[str, str]] = {}
    if any(data.responses.values()):
        from app.exports.queries import demographics_by_participant

        demographics = demographics_by_participant(data)
    items: list[Item] = []
    questions = {q.id: q for qs in data.questions.values() for q in qs}
    for survey_id, rows in data.responses.items():
        stage_id = data.stage_of_survey.get(survey_id)
        for r in rows:
            pkey = participant_key(r.participant_id, f"response:{r.id}")
            for qid, (_value, text) in data.answers.get(r.id, {}).items():
                if not text or not text.strip():
                    continue
                q = questions.get(qid)
                aid = data.answer_ids[(r.id, qid)]
                items.append(
                    Item(
                        key=f"A{aid}",
                        target_type=TargetType.ANSWER,
                        target_id=aid,
                        contribution=Contribution(
                            id=f"A{aid}",
                            text=text,
                            lang=r.language,
                            channel=r.channel,
                            participant_id=pkey,
                            created_at=r.submitted_at,
                            stage_id=str(stage_id) if stage_id else None,
                            demographics=demographics.get(pkey, {}),
                        ),
                        question_id=qid,
                        response_id=r.id,
                        theme_hint=q.theme_hint if q else None,
                    )
                )
    languages = {r.id: r.language for rows in data.responses.values() for r in rows}
    stage_by_question = {
        q.id: data.stage_of_survey.get(sid) for sid, qs in data.questions.items() for q in qs
    }
    for f in data.features:
        if not include_empty_features and not (f.comment or "").strip():
            continue
        lon, lat = _representative_point(f.geometry)
        category = data.options.get(f.category_id) if f.category_id else None
        pkey = participant_key(f.participant_id, f"response:{f.response_id}")
        q = questions.get(f.question_id)
        stage_id = stage_by_question.get(f.question_id)
        items.append(
            Item(
                key=f"F{f.id}",
                target_type=TargetType.FEATURE,
                target_id=f.id,
                contribution=Contribution(
                    id=f"F{f.id}",
                    text=f.comment or "",
                    lang=languages.get(f.response_id),
                    category=translated(category.label, "sv") if category else None,
                    participant_id=pkey,
                    created_at=f.submitted_at,
                    lon=lon,
                    lat=lat,
                    stage_id=str(stage_id) if stage_id else None,
                    demographics=demographics.get(pkey, {}),
                ),
                question_id=f.question_id,
                response_id=f.response_id,
                theme_hint=q.theme_hint if q else None,
            )
        )
    for c in data.comments:
        if c.is_official or c.deleted_at is not None:
            continue
        lon, lat = _representative_point(c.geometry)
        items.append(
            Item(
                key=f"C{c.id}",
                target_type=TargetType.COMMENT,
                target_id=c.id,
                contribution=Contribution(
                    id=f"C{c.id}",
                    text=c.body,
                    lang=c.language,
                    participant_id=participant_key(c.participant_id, f"comment:{c.id}"),
                    created_at=c.created_at,
                    lon=lon,
                    lat=lat,
                    stage_id=str(c.stage_id),
                ),
                supports=c.supports_count,
            )
        )
    return items


def _stored_codings(items: list[Item]) -> dict[str, list[Coding]]:
    """Stored coding rows per contribution key, read in chunks of ids per target type."""
    ids: dict[TargetType, list[int]] = defaultdict(list)
    for it in items:
        ids[it.target_type].append(it.target_id)
    out: dict[str, list[Coding]] = defaultdict(list)
    for target_type, target_ids in ids.items():
        for start in range(0, len(target_ids), 900):
            chunk = target_ids[start : start + 900]
            for row in db.session.scalars(
                sa.select(Coding).where(
                    Coding.target_type == target_type, Coding.target_id.in_(chunk)
                )
            ):
                out[f"{PREFIX[target_type]}{row.target_id}"].append(row)
    return out


def _from_stored(rows: list[Coding], item: Item) -> Result:
    """Apply human decisions: rejected themes go, human-added and accepted themes stay."""
    rejected = {r.theme_key for r in rows if r.review_state == ReviewState.REJECTED}
    themes: list[str] = []
    for r in sorted(rows, key=lambda r: -r.confidence):
        if r.theme_key in rejected or r.theme_key in themes:
            continue
        themes.append(r.theme_key)
    human = [r for r in rows if r.review_state != ReviewState.MACHINE and r.valence]
    machine = [r for r in rows if r.valence]
    chosen = (human or machine or [None])[0]
    val: str
    if chosen is not None and chosen.valence in VALENCES:
        val = chosen.valence
    else:
        c = item.contribution
        val = score_valence(c.text, c.lang, c.category) if c.text or c.category else "neutral"
    reviewed = any(r.review_state != ReviewState.MACHINE for r in rows)
    source = ",".join(sorted({r.source for r in rows}))
    return Result(tuple(themes), val, reviewed, source)  # type: ignore[arg-type]


def code_items(items: list[Item], coder: Coder | None = None) -> dict[str, Result]:
    """Themes and valence of every item: stored codings first, the coder for the rest."""
    stored = _stored_codings(items)
    coder = coder or default_coder()
    out: dict[str, Result] = {}
    for it in items:
        rows = stored.get(it.key)
        if rows:
            out[it.key] = _from_stored(rows, it)
            continue
        coded = coder.code_contribution(it.contribution)
        themes = list(coded.theme_ids)
        if it.theme_hint and it.target_type == TargetType.FEATURE and it.theme_hint not in themes:
            themes.append(it.theme_hint)
        out[it.key] = Result(tuple(themes), coded.valence, False, coded.source)
    return out


def as_coded(items: list[Item], results: dict[str, Result]) -> dict[str, CodedContribution]:
    """Results in the shape ``analysis.quotes`` expects (confidence 1 for final themes)."""
    out: dict[str, CodedContribution] = {}
    for it in items:
        res = results[it.key]
        out[it.key] = CodedContribution(
            id=it.key,
            lang=it.contribution.lang or "sv",
            themes=tuple(ThemeAssignment(t, 1.0) for t in res.themes),
            valence=res.valence,
            source=res.source,
            version="",
        )
    return out


def as_indicator_items(items: list[Item], results: dict[str, Result]) -> list[CodedItem]:
    """Results as ``analysis.indicators.CodedItem`` records."""
    return [
        CodedItem(
            id=it.key,
            themes=frozenset(results[it.key].themes),
            valence=results[it.key].valence,
            participant_id=it.contribution.participant_id,
            supports=it.supports,
            reviewed=results[it.key].reviewed,
            demographics=it.contribution.demographics,
        )
        for it in items
    ]


def created(item: Item) -> datetime | None:
    return item.contribution.created_at
