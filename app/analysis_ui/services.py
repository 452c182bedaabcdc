"""Writes of the analysis_ui domain: automatic coding, human review decisions, stored
indicators and the population reference.

Machine codings (source like ``rule:v1``) and human decisions (source ``human:<user id>``)
are separate ``Coding`` rows. Recoding replaces the machine rows of the coder's own source and
never touches a human decision; when the indicators are computed a human decision always wins.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

import sqlalchemy as sa

from analysis.codebook import CodebookError, load_codebook
from analysis.coder import Coder, default_coder
from analysis.models import VALENCES, CodedContribution, ThemeAssignment
from analysis.valence import valence as score_valence
from app.analysis_ui import dataset
from app.analysis_ui.dataset import Item
from app.analysis_ui.models import (
    Coding,
    ContributionReview,
    IndicatorSnapshot,
    PendingCoding,
    ReviewState,
    TargetType,
)
from app.codebook import themes
from app.core.models import utcnow
from app.extensions import db
from app.projects.models import Stage

log = logging.getLogger(__name__)

HUMAN_PREFIX = "human:"
#: Confidence given to a theme that comes only from the question's theme hint.
HINT_CONFIDENCE = 0.6


class AnalysisError(Exception):
    """A request the analysis services refuse; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- The coder ----------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _coder_from_extra(extra_json: str) -> Coder:
    return Coder(load_codebook(extra=json.loads(extra_json)))


class CodingScope(Protocol):
    """Whose themes and model a coder uses: a project, or an organization's own scope."""

    @property
    def id(self) -> int: ...

    @property
    def organization_id(self) -> int: ...


def coder_for(project: CodingScope | None) -> Coder:
    """The coder of ``project``: the default codebook plus its organization's and its own
    themes and patterns (stored ``Codebook`` rows), combined with the model learned from its
    reviews where that beat the rules (``learning.with_model``). Falls back to the default
    codebook when an extension is malformed, so coding never blocks a resident's submission."""
    from app.analysis_ui.learning import with_model

    return with_model(project, _rules_coder_for(project))


def _rules_coder_for(project: CodingScope | None) -> Coder:
    if project is None:
        return default_coder()
    extra = themes.extension(themes.extension_rows(project), with_patterns_only=True)
    if not extra:
        return default_coder()
    try:
        return _coder_from_extra(json.dumps(extra, sort_keys=True))
    except (CodebookError, TypeError, ValueError):
        log.warning("malformed codebook extension for project %s; using the default", project.id)
        return default_coder()


def theme_labels(coder: Coder) -> dict[str, dict[str, str]]:
    return {t.id: dict(t.label) for t in coder.codebook.themes}


# --- Automatic coding ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodingCounts:
    contributions: int
    codings: int


def _code_one(coder: Coder, item: Item) -> CodedContribution:
    c = item.contribution
    coded = coder.code(c.text, c.lang, c.category, c.id) if c.text.strip() else None
    themes = list(coded.themes) if coded else []
    val = coded.valence if coded else "neutral"
    if item.valence_hint in VALENCES and val == "neutral":
        val = item.valence_hint  # the resident's own map category speaks for itself
    if coded is None and c.category:
        val = coder.scorer.category_valence(c.category) or val
    if item.theme_hint and item.theme_hint not in {t.theme for t in themes}:
        if item.target_type == TargetType.FEATURE:
            themes.append(ThemeAssignment(item.theme_hint, HINT_CONFIDENCE, ("question",)))
    return CodedContribution(
        c.id, coded.lang if coded else (c.lang or coder.default_lang), tuple(themes),
        val, coder.source, coder.version,
    )  # fmt: skip


def code_items(items: Sequence[Item], coder: Coder) -> CodingCounts:
    """Code ``items`` and store machine codings, replacing earlier ones of the same codebook
    (with or without a model).

    Human decisions (other sources) are never touched. Returns how many contributions were
    coded and how many coding rows were stored.
    """
    by_type: dict[TargetType, list[int]] = defaultdict(list)
    for it in items:
        by_type[it.target_type].append(it.target_id)
    for target_type, ids in by_type.items():
        for start in range(0, len(ids), dataset.CHUNK):
            db.session.execute(
                sa.delete(Coding).where(
                    Coding.target_type == target_type,
                    Coding.target_id.in_(ids[start : start + dataset.CHUNK]),
                    # This codebook's rows, with or without a model ("rule:v1+model:…").
                    sa.or_(
                        Coding.source == coder.rule_source,
                        Coding.source.like(coder.rule_source + "+%"),
                    ),
                    Coding.review_state == ReviewState.MACHINE,
                )
            )
    rows = []
    now = utcnow()
    for it in items:
        coded = _code_one(coder, it)
        for t in coded.themes:
            rows.append(
                {
                    "target_type": it.target_type,
                    "target_id": it.target_id,
                    "stage_id": it.stage_id or None,
                    "theme_key": t.theme,
                    "source": coder.source,
                    "confidence": max(0.0, min(1.0, float(t.confidence))),
                    "valence": coded.valence,
                    "review_state": ReviewState.MACHINE,
                    "created_at": now,
                }
            )
    if rows:
        db.session.execute(sa.insert(Coding), rows)
    db.session.flush()
    return CodingCounts(len(items), len(rows))


def code_contributions(stage: Stage) -> CodingCounts:
    """Code every contribution of ``stage`` again (comments, free-text answers, map features)."""
    return code_items(dataset.stage_items(stage, dataset.CODING), coder_for(stage.project))


def code_targets(target_type: TargetType | str, ids: Sequence[int]) -> CodingCounts:
    """Code the given contributions; ids that are not codable (deleted, official) are skipped."""
    items = dataset.target_items(target_type, list(ids))
    if not items:
        return CodingCounts(0, 0)
    total = CodingCounts(0, 0)
    by_stage: dict[int, list[Item]] = defaultdict(list)
    for it in items:
        by_stage[it.stage_id].append(it)
    for stage_id, stage_items in by_stage.items():
        stage = db.session.get(Stage, stage_id) if stage_id else None
        counts = code_items(stage_items, coder_for(stage.project if stage else None))
        total = CodingCounts(
            total.contributions + counts.contributions, total.codings + counts.codings
        )
    return total


def code_now(target_type: TargetType | str, ids: Iterable[int]) -> None:
    """Code contributions inside the current transaction (``AUTO_CODING=sync`` and commands).

    Runs in a savepoint: a failure is logged and never breaks the submission;
    ``flask analysis recode`` fixes it later."""
    id_list = [int(i) for i in ids]
    if not id_list:
        return
    try:
        with db.session.begin_nested():
            code_targets(target_type, id_list)
    except Exception:  # noqa: BLE001 - coding is best effort; recode fixes it later
        log.exception("automatic coding of %s %s failed", target_type, id_list)


#: At most this many waiting contributions are coded in one transaction.
PENDING_BATCH = 500
#: ``flask analysis sweep`` leaves younger waiting rows to the jobs already queued for them.
SWEEP_AGE = timedelta(minutes=5)


def code_pending(before: datetime | None = None, *, batch: int = PENDING_BATCH) -> int:
    """Code the contributions waiting in ``PendingCoding`` and delete their rows; returns how
    many rows were done. The background job of ``AUTO_CODING=background``.

    Each batch is one transaction. Whatever is waiting is coded, not only what the
    triggering request wrote, so under load one job codes many requests' contributions (the
    job is enqueued with ``coalesce=True``). On PostgreSQL concurrent jobs skip each other's
    rows (``SKIP LOCKED``); SQLite serialises writers. ``before`` limits it to older rows (the
    sweep). Idempotent: coding replaces the machine codings of the same source.
    """
    done = 0
    while True:
        stmt = sa.select(PendingCoding).order_by(PendingCoding.id).limit(batch)
        if before is not None:
            stmt = stmt.where(PendingCoding.created_at < before)
        rows = db.session.scalars(stmt.with_for_update(skip_locked=True)).all()
        if not rows:
            return done
        row_ids = [row.id for row in rows]
        try:
            _code_rows(rows)
            db.session.commit()
        except Exception:  # noqa: BLE001 - retried one by one, so one bad row blocks nothing
            log.exception("coding %d waiting contributions together failed", len(rows))
            db.session.rollback()
            for row_id in row_ids:
                _code_one_pending(row_id)
        done += len(rows)


def _code_rows(rows: Sequence[PendingCoding]) -> None:
    """Code the rows' contributions and delete the rows (no commit). Reads come before the
    first write, so on SQLite the write lock is held only while the codings are written."""
    by_target: dict[TargetType, set[int]] = defaultdict(set)
    for row in rows:
        by_target[TargetType(row.target_type)].add(row.target_id)
    for target, ids in by_target.items():
        code_targets(target, sorted(ids))
    db.session.execute(
        sa.delete(PendingCoding).where(PendingCoding.id.in_([row.id for row in rows]))
    )


def _code_one_pending(row_id: int) -> None:
    """Code one waiting contribution in its own transaction; if even that fails, log it and
    drop the row (``flask analysis recode`` can code it later) rather than retry forever."""
    row = db.session.get(PendingCoding, row_id)
    if row is None:
        return
    try:
        _code_rows([row])
        db.session.commit()
    except Exception:  # noqa: BLE001 - logged; the contribution itself is stored
        log.exception("automatic coding of %s %s failed", row.target_type, row.target_id)
        db.session.rollback()
        db.session.execute(sa.delete(PendingCoding).where(PendingCoding.id == row_id))
        db.session.commit()


def sweep(now: datetime | None = None, age: timedelta = SWEEP_AGE) -> int:
    """Code what a killed worker left uncoded: waiting rows older than ``age``."""
    return code_pending(before=(now or utcnow()) - age)


# --- Final codings (human decisions win) --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Final:
    """A contribution's final coding: machine themes with human decisions applied."""

    themes: tuple[str, ...]
    confidence: Mapping[str, float]
    valence: str
    machine: tuple[str, ...]
    reviewed: bool
    #: theme → the human decision that settles it ("accepted", "rejected", "human").
    decisions: Mapping[str, str]


def is_human(row: Coding) -> bool:
    return row.source.startswith(HUMAN_PREFIX) or row.review_state != ReviewState.MACHINE


def final_coding(rows: Sequence[Coding], item: Item, source: str) -> Final:
    """Machine themes of ``source`` (any machine source when it has none), minus themes a
    human rejected, plus themes a human accepted or added; the latest human decision wins."""
    machine_rows = [r for r in rows if not is_human(r)]
    own = [r for r in machine_rows if r.source == source]
    machine_rows = own or machine_rows
    decisions: dict[str, str] = {}
    for r in sorted((r for r in rows if is_human(r)), key=lambda r: (r.created_at, r.id)):
        decisions[r.theme_key] = str(r.review_state)
    confidence = {r.theme_key: r.confidence for r in machine_rows}
    machine = tuple(sorted(confidence, key=lambda t: -confidence[t]))
    themes = [t for t in machine if decisions.get(t) != ReviewState.REJECTED]
    for theme, state in decisions.items():
        if state != ReviewState.REJECTED and theme not in themes:
            themes.append(theme)
            confidence.setdefault(theme, 1.0)
    val = next((r.valence for r in machine_rows if r.valence in VALENCES), None)
    if val is None:
        c = item.contribution
        if item.valence_hint in VALENCES:
            val = item.valence_hint
        else:
            val = score_valence(c.text, c.lang, c.category) if c.text.strip() else "neutral"
    return Final(tuple(themes), confidence, val, machine, bool(decisions), decisions)


def finals(
    items: Sequence[Item],
    coder: Coder | str,
    stored: Mapping[str, Sequence[Coding]] | None = None,
) -> dict[str, Final]:
    """Final codings of ``items``: stored rows with human decisions applied; an item nobody
    has coded yet is coded now by ``coder`` (nothing stored), so every figure and document
    codes a contribution the same way whether or not the coding job has run. A reviewer's
    valence correction (``ContributionReview``) replaces the valence (``reviewed`` stays about
    themes: it feeds the theme agreement). (A coder's source string instead of the coder codes
    uncoded items with the default codebook; ``stored`` is ``dataset.codings_of(items)`` when
    the caller has read it already.)"""
    if isinstance(coder, str):
        source = coder
        coder = default_coder()
        if coder.source != source:
            log.debug("finals: coding uncoded items with %s, not %s", coder.source, source)
    if stored is None:
        stored = dataset.codings_of(items)
    out: dict[str, Final] = {}
    for it in items:
        rows = stored.get(it.key, [])
        if rows:
            out[it.key] = final_coding(rows, it, coder.source)
            continue
        fresh = _code_one(coder, it)
        confidence = {t.theme: float(t.confidence) for t in fresh.themes}
        themes = tuple(t.theme for t in fresh.themes)
        out[it.key] = Final(themes, confidence, fresh.valence, themes, False, {})
    for key, val in valence_corrections(items).items():
        if key in out:
            out[key] = replace(out[key], valence=val)
    return out


def valence_corrections(items: Sequence[Item]) -> dict[str, str]:
    """key → the valence a reviewer set on it (only contributions that have one)."""
    ids: dict[TargetType, list[int]] = defaultdict(list)
    for it in items:
        ids[it.target_type].append(it.target_id)
    out: dict[str, str] = {}
    for target_type, target_ids in ids.items():
        for start in range(0, len(target_ids), dataset.CHUNK):
            chunk = target_ids[start : start + dataset.CHUNK]
            for target_id, val in db.session.execute(
                sa.select(ContributionReview.target_id, ContributionReview.valence).where(
                    ContributionReview.target_type == target_type,
                    ContributionReview.target_id.in_(chunk),
                    ContributionReview.valence.is_not(None),
                )
            ):
                if val is not None:  # excluded by the query; for the type checker
                    out[dataset.key_of(target_type, target_id)] = val
    return out


# --- Human review -------------------------------------------------------------------------


def decide(
    item: Item, theme: str, decision: ReviewState | str, reviewer_id: int, known: Iterable[str]
) -> Coding:
    """Store a reviewer's decision on one theme of one contribution (flushed).

    ``decision`` is accepted, rejected or human (added). One row per reviewer and theme: a
    later decision by the same reviewer replaces the earlier one. Raises ``AnalysisError``
    (422) for an unknown theme or decision.
    """
    try:
        state = ReviewState(decision)
    except ValueError:
        raise AnalysisError(422, "unknown decision") from None
    if state == ReviewState.MACHINE:
        raise AnalysisError(422, "unknown decision")
    if theme not in set(known):
        raise AnalysisError(422, "unknown theme")
    source = f"{HUMAN_PREFIX}{reviewer_id}"
    row = db.session.scalar(
        sa.select(Coding).where(
            Coding.target_type == item.target_type,
            Coding.target_id == item.target_id,
            Coding.theme_key == theme,
            Coding.source == source,
        )
    )
    if row is None:
        row = Coding(
            target_type=item.target_type,
            target_id=item.target_id,
            stage_id=item.stage_id or None,
            theme_key=theme,
            source=source,
        )
        db.session.add(row)
    row.review_state = state
    row.confidence = 1.0
    row.reviewer_id = reviewer_id
    row.created_at = utcnow()
    db.session.flush()
    return row


# --- Snapshots ----------------------------------------------------------------------------


def store_snapshot(stage: Stage, data: dict[str, Any]) -> IndicatorSnapshot:
    snap = db.session.scalar(
        sa.select(IndicatorSnapshot).where(IndicatorSnapshot.stage_id == stage.id)
    )
    if snap is None:
        snap = IndicatorSnapshot(stage_id=stage.id)
        db.session.add(snap)
    snap.data = data
    snap.computed_at = utcnow()
    db.session.flush()
    return snap


def recompute(stage: Stage) -> IndicatorSnapshot:
    """Compute the stage's indicators from its stored codings and store them (flushed)."""
    from app.analysis_ui.indicators import compute

    return store_snapshot(stage, compute(stage))


def recode_and_recompute(stage: Stage) -> tuple[CodingCounts, IndicatorSnapshot]:
    """Code the whole stage again, then store fresh indicators."""
    counts = code_contributions(stage)
    return counts, recompute(stage)


def snapshot_of(stage: Stage) -> IndicatorSnapshot | None:
    return db.session.scalar(
        sa.select(IndicatorSnapshot).where(IndicatorSnapshot.stage_id == stage.id)
    )


def day_counts(events: Sequence[dataset.Event]) -> list[dict[str, Any]]:
    """Per day (UTC): contributions and distinct participants."""
    contributions: Counter[str] = Counter()
    people: dict[str, set[str]] = defaultdict(set)
    for e in events:
        day = _day(e.at)
        contributions[day] += 1
        people[day].add(e.participant)
    return [
        {"date": d, "contributions": contributions[d], "participants": len(people[d])}
        for d in sorted(contributions)
    ]


def _day(at: datetime) -> str:
    return at.date().isoformat()


# --- Population reference -----------------------------------------------------------------

POPULATION_COLUMNS = ("district", "age_band", "gender", "count")
AGE_BANDS = ("0-17", "18-29", "30-44", "45-64", "65-79", "80+")
GENDERS = ("woman", "man", "other", "no_answer")


@dataclass(frozen=True, slots=True)
class PopulationLine:
    district: str
    age_band: str
    gender: str
    count: int
    year: int | None


def parse_population_csv(raw: bytes) -> tuple[list[PopulationLine], list[tuple[int, str]]]:
    """Parse ``district,age_band,gender,count[,year]`` (UTF-8 with or without BOM, comma or
    semicolon). Returns (lines, errors); each error is (line number, message) and the
    caller stores nothing when there is any."""
    import csv
    import io

    from flask_babel import gettext as _

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [(0, _("The file is not UTF-8 text."))]
    lines_in = text.splitlines()
    if not lines_in or not lines_in[0].strip():
        return [], [(1, _("The file is empty."))]
    delimiter = ";" if lines_in[0].count(";") > lines_in[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    if header[:4] != list(POPULATION_COLUMNS) or header[4:] not in ([], ["year"]):
        return [], [
            (
                1,
                _(
                    "The first line must be: %(columns)s",
                    columns="district,age_band,gender,count[,year]",
                ),
            )
        ]
    has_year = len(header) == 5
    out: list[PopulationLine] = []
    errors: list[tuple[int, str]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append((number, _("Expected %(n)s columns.", n=len(header))))
            continue
        line, problems = _population_line(row, has_year)
        key = (line.district.casefold(), line.age_band, line.gender, line.year)
        if not problems and key in seen:
            problems.append(_("Same district, age band and gender as line %(n)s.", n=seen[key]))
        if problems:
            errors.append((number, " ".join(problems)))
            continue
        seen[key] = number
        out.append(line)
    if not out and not errors:
        errors.append((2, _("The file has no rows.")))
    return out, errors


def _population_line(row: Sequence[str], has_year: bool) -> tuple[PopulationLine, list[str]]:
    """One data row of the population file and what is wrong with it (the line is only
    meaningful when the list is empty)."""
    from flask_babel import gettext as _

    district, age, gender, count_text = (c.strip() for c in row[:4])
    problems = []
    if not district:
        problems.append(_("The district is empty."))
    elif len(district) > 100:
        problems.append(_("The district name is too long."))
    if age not in AGE_BANDS:
        problems.append(_("Unknown age band “%(value)s”.", value=age))
    if gender not in GENDERS:
        problems.append(_("Unknown gender “%(value)s”.", value=gender))
    try:
        count = int(count_text)
    except ValueError:
        count = -1
        problems.append(_("The count must be a whole number."))
    else:
        if count < 0:
            problems.append(_("The count cannot be negative."))
    year = None
    if has_year:
        year_text = row[4].strip()
        if year_text:
            if year_text.isdigit() and 1900 <= int(year_text) <= 2100:
                year = int(year_text)
            else:
                problems.append(_("The year must be between 1900 and 2100."))
    return PopulationLine(district, age, gender, count, year), problems


def replace_population(
    organization_id: int, default_year: int, lines: Sequence[PopulationLine]
) -> dict[int, int]:
    """Replace the organization's rows for every year in ``lines`` (flushed).

    Returns rows stored per year."""
    from app.organizations.models import PopulationRow

    by_year: dict[int, list[PopulationLine]] = defaultdict(list)
    for line in lines:
        by_year[line.year or default_year].append(line)
    for year, rows in by_year.items():
        db.session.execute(
            sa.delete(PopulationRow).where(
                PopulationRow.organization_id == organization_id, PopulationRow.year == year
            )
        )
        db.session.add_all(
            PopulationRow(
                organization_id=organization_id,
                year=year,
                district=r.district,
                age_band=r.age_band,
                gender=r.gender,
                count=r.count,
            )
            for r in rows
        )
    db.session.flush()
    return {year: len(rows) for year, rows in by_year.items()}
