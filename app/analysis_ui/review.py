"""The coding review a facilitator can finish: filters, pages, bulk accept, valence
corrections and the planner's decision (tillgodoses / delvis / inte) on each contribution.

Human decisions stay apart from machine output: theme decisions are ``Coding`` rows of source
``human:<user id>`` (see ``services.decide``), the valence correction and the planner's
decision one ``ContributionReview`` row per contribution. Machine rows are never changed here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from analysis.models import VALENCES
from app.analysis_ui import dataset, duplicates
from app.analysis_ui.dataset import Item
from app.analysis_ui.models import ContributionReview, Disposition, ReviewState, TargetType
from app.analysis_ui.services import (
    AnalysisError,
    Final,
    coder_for,
    decide,
    finals,
    is_human,
)
from app.core.models import utcnow
from app.extensions import db
from app.projects.models import Stage
from app.surveys.models import Question

PER_PAGE = 25
#: Below this many reviewed contributions the agreement figures are only indicative.
MIN_REVIEWED_FOR_AGREEMENT = 30
SOURCES = ("rule", "model", "human")
CONFIDENCE_BANDS = {"low": (0.0, 0.5), "medium": (0.5, 0.8), "high": (0.8, 1.01)}
REVIEWED = ("yes", "no")


@dataclass(frozen=True, slots=True)
class Filters:
    """What the review list is narrowed to (query string parameters, all optional)."""

    theme: str = ""
    source: str = ""
    reviewed: str = ""
    confidence: str = ""
    channel: str = ""
    question: int | None = None
    #: "exclude": leave out possible duplicates (participants made in a burst).
    duplicates: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> Filters:
        question = str(args.get("question") or "")
        return cls(
            theme=str(args.get("theme") or ""),
            source=str(args.get("source") or "") if args.get("source") in SOURCES else "",
            reviewed=str(args.get("reviewed") or "") if args.get("reviewed") in REVIEWED else "",
            confidence=(
                str(args.get("confidence") or "")
                if args.get("confidence") in CONFIDENCE_BANDS
                else ""
            ),
            channel=str(args.get("channel") or ""),
            question=int(question) if question.isdigit() else None,
            duplicates="exclude" if args.get("duplicates") == "exclude" else "",
        )

    def args(self) -> dict[str, Any]:
        """The non-empty filters as query string parameters."""
        out: dict[str, Any] = {
            "theme": self.theme,
            "source": self.source,
            "reviewed": self.reviewed,
            "confidence": self.confidence,
            "channel": self.channel,
            "question": self.question,
            "duplicates": self.duplicates,
        }
        return {k: v for k, v in out.items() if v not in ("", None)}

    @property
    def active(self) -> bool:
        return bool(self.args())


@dataclass
class Row:
    """One contribution of the review list."""

    item: Item
    final: Final
    #: Machine coding sources of the contribution ("rule:v1", ...).
    sources: frozenset[str]
    question_id: int | None
    review: ContributionReview | None

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def valence(self) -> str:
        """The final valence: a reviewer's correction wins over the machine."""
        if self.review is not None and self.review.valence in VALENCES:
            return self.review.valence
        return self.final.valence

    @property
    def reviewed(self) -> bool:
        return self.final.reviewed or (self.review is not None and self.review.valence is not None)

    @property
    def min_confidence(self) -> float | None:
        values = [self.final.confidence[t] for t in self.final.machine]
        return min(values) if values else None

    @property
    def disposition(self) -> str | None:
        return str(self.review.disposition) if self.review and self.review.disposition else None


@dataclass
class Review:
    themes: list[str]
    labels: dict[str, dict[str, str]]
    rows: list[Row]
    filtered: list[Row]
    page: int
    pages: int
    questions: dict[int, Question] = field(default_factory=dict)
    channels: list[str] = field(default_factory=list)
    #: Keys of the contributions of possible duplicates (burst suspects) in ``rows``.
    burst_suspects: set[str] = field(default_factory=set)

    @property
    def page_rows(self) -> list[Row]:
        start = (self.page - 1) * PER_PAGE
        return self.filtered[start : start + PER_PAGE]

    @property
    def reviewed(self) -> int:
        return sum(1 for r in self.rows if r.reviewed)


def reviews_of(items: Iterable[Item]) -> dict[str, ContributionReview]:
    """The stored ``ContributionReview`` of each contribution that has one (chunked reads)."""
    ids: dict[TargetType, list[int]] = defaultdict(list)
    for it in items:
        ids[it.target_type].append(it.target_id)
    return reviews_by_ids(ids)


def reviews_by_ids(ids: Mapping[TargetType, Sequence[int]]) -> dict[str, ContributionReview]:
    out: dict[str, ContributionReview] = {}
    for target_type, target_ids in ids.items():
        target_ids = list(target_ids)
        for start in range(0, len(target_ids), dataset.CHUNK):
            chunk = target_ids[start : start + dataset.CHUNK]
            for row in db.session.scalars(
                sa.select(ContributionReview).where(
                    ContributionReview.target_type == target_type,
                    ContributionReview.target_id.in_(chunk),
                )
            ):
                out[dataset.key_of(target_type, row.target_id)] = row
    return out


def _matches(row: Row, f: Filters) -> bool:
    if f.theme and f.theme not in row.final.themes and f.theme not in row.final.machine:
        return False
    if f.source == "human" and not row.reviewed:
        return False
    if f.source == "rule" and not any(s.startswith("rule:") for s in row.sources):
        return False
    if f.source == "model" and not any(
        not s.startswith("rule:") or "+model:" in s for s in row.sources
    ):
        return False
    if f.reviewed == "yes" and not row.reviewed:
        return False
    if f.reviewed == "no" and row.reviewed:
        return False
    if f.confidence:
        low, high = CONFIDENCE_BANDS[f.confidence]
        conf = row.min_confidence
        # No machine theme at all: the machine is unsure, so it counts as low confidence.
        value = 0.0 if conf is None else conf
        if not low <= value < high:
            return False
    if f.channel and (row.item.contribution.channel or "") != f.channel:
        return False
    return not (f.question is not None and row.question_id != f.question)


def load_review(stage: Stage, filters: Filters, page: int = 1) -> Review:
    """The stage's contributions with their codings, filtered and cut into pages."""
    coder = coder_for(stage.project)
    # What the coder reads (pending comments too, so they are reviewed before publishing),
    # with the final codings every figure and document uses.
    items = dataset.stage_items(stage, dataset.CODING)
    stored = dataset.codings_of(items)
    final = finals(items, coder, stored)
    reviews = reviews_of(items)
    rows: list[Row] = []
    for it in items:
        codings = stored.get(it.key, [])
        rows.append(
            Row(
                item=it,
                final=final[it.key],
                sources=frozenset(r.source for r in codings if not is_human(r)),
                question_id=it.question_id,
                review=reviews.get(it.key),
            )
        )
    suspects = duplicates.burst_suspect_items(items)
    filtered = [
        r
        for r in rows
        if _matches(r, filters) and not (filters.duplicates and r.item.key in suspects)
    ]
    pages = max(1, -(-len(filtered) // PER_PAGE))
    page = min(max(page, 1), pages)
    question_ids = sorted({it.question_id for it in items if it.question_id is not None})
    questions = (
        {
            q.id: q
            for q in db.session.scalars(sa.select(Question).where(Question.id.in_(question_ids)))
        }
        if question_ids
        else {}
    )
    channels = sorted({r.item.contribution.channel or "" for r in rows} - {""})
    labels = {t.id: dict(t.label) for t in coder.codebook.themes}
    return Review(
        list(coder.codebook.theme_ids),
        labels,
        rows,
        filtered,
        page,
        pages,
        questions,
        channels,
        suspects,
    )


def agreement(review: Review) -> dict[str, Any]:
    """Machine vs human themes over the reviewed contributions, with a flag when there are
    too few of them for the figures to mean much."""
    from analysis.agreement import multilabel_agreement

    reviewed = {r.key: r.final.themes for r in review.rows if r.final.reviewed}
    if not reviewed:
        return {"items": 0, "themes": [], "too_few": True, "minimum": MIN_REVIEWED_FOR_AGREEMENT}
    machine = {r.key: r.final.machine for r in review.rows if r.final.reviewed}
    report = multilabel_agreement(reviewed, machine, review.themes)
    return {
        "items": report.n_items,
        "micro_f1": round(report.micro_f1, 3),
        "too_few": report.n_items < MIN_REVIEWED_FOR_AGREEMENT,
        "minimum": MIN_REVIEWED_FOR_AGREEMENT,
        "themes": [
            {
                "theme": s.theme,
                "kappa": round(s.kappa, 3),
                "f1": round(s.f1, 3),
                "support": s.support,
            }
            for s in report.per_theme
            if s.tp + s.fp + s.fn
        ],
    }


def bulk_accept(rows: Sequence[Row], reviewer_id: int, known: Iterable[str]) -> int:
    """Accept every machine theme not yet decided on of ``rows``; returns how many themes.

    A theme a person has already accepted, rejected or added keeps that decision.
    """
    known = list(known)
    count = 0
    for row in rows:
        for theme in row.final.machine:
            if theme in row.final.decisions or theme not in known:
                continue
            decide(row.item, theme, ReviewState.ACCEPTED, reviewer_id, known)
            count += 1
    return count


def _review_row(item: Item) -> ContributionReview:
    row = db.session.scalar(
        sa.select(ContributionReview).where(
            ContributionReview.target_type == item.target_type,
            ContributionReview.target_id == item.target_id,
        )
    )
    if row is None:
        row = ContributionReview(
            target_type=item.target_type,
            target_id=item.target_id,
            stage_id=item.stage_id or None,
        )
        db.session.add(row)
    return row


def set_valence(item: Item, valence: str | None, reviewer_id: int) -> ContributionReview:
    """A reviewer's valence for ``item`` (None or "" removes the correction). Flushed.

    Raises ``AnalysisError`` (422) for an unknown valence.
    """
    if valence and valence not in VALENCES:
        raise AnalysisError(422, "unknown valence")
    row = _review_row(item)
    row.valence = valence or None
    row.valence_by_id = reviewer_id if valence else None
    row.updated_at = utcnow()
    db.session.flush()
    return row


def set_disposition(item: Item, disposition: str | None, user_id: int) -> ContributionReview:
    """The planner's decision on ``item``: met, partly or not_met (None or "" clears it).

    Raises ``AnalysisError`` (422) for an unknown decision. Flushed.
    """
    try:
        value = Disposition(disposition) if disposition else None
    except ValueError:
        raise AnalysisError(422, "unknown disposition") from None
    row = _review_row(item)
    row.disposition = value
    row.disposition_by_id = user_id if value else None
    row.updated_at = utcnow()
    db.session.flush()
    return row
