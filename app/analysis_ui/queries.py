"""Reads of the analysis screens that are more than one line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from analysis.agreement import multilabel_agreement
from analysis.coder import Coder
from app.analysis_ui import dataset as adapter
from app.analysis_ui.dataset import Item
from app.analysis_ui.models import IndicatorSnapshot, TargetType
from app.analysis_ui.services import Final, coder_for, finals
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.projects.models import Project, Stage
from app.surveys.models import Answer, AnswerFeature


@dataclass
class ReviewData:
    coder: Coder
    themes: list[str]
    items: list[Item]
    finals: dict[str, Final]

    def index_of(self, key: str | None) -> int | None:
        return next((i for i, it in enumerate(self.items) if it.key == key), None)

    def first_unreviewed(self) -> int | None:
        return next(
            (i for i, it in enumerate(self.items) if not self.finals[it.key].reviewed), None
        )


def review_data(stage: Stage) -> ReviewData:
    """The stage's contributions with their machine themes and human decisions (bulk reads)."""
    coder = coder_for(stage.project)
    items = adapter.stage_items(stage)
    fin = finals(items, coder)
    themes = list(coder.codebook.theme_ids)
    return ReviewData(coder, themes, items, fin)


def live_agreement(data: ReviewData) -> dict[str, Any]:
    """Machine vs human over the reviewed contributions, computed now."""
    reviewed = {k: f.themes for k, f in data.finals.items() if f.reviewed}
    if not reviewed:
        return {"items": 0, "themes": []}
    machine = {k: data.finals[k].machine for k in reviewed}
    report = multilabel_agreement(reviewed, machine, data.themes)
    return {
        "items": report.n_items,
        "micro_f1": round(report.micro_f1, 3),
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


def quotable_now(keys: Iterable[str]) -> set[str]:
    """The keys whose content may still be quoted: published, not deleted comments with no
    open flag, and answers and features that still exist (a snapshot may predate a
    moderation decision)."""
    ids: dict[TargetType, list[int]] = {t: [] for t in TargetType}
    for key in keys:
        parsed = adapter.parse_key(key)
        if parsed:
            ids[parsed[0]].append(parsed[1])
    out: set[str] = set()
    if ids[TargetType.COMMENT]:
        flagged = adapter._open_flags(ids[TargetType.COMMENT])
        out |= {
            adapter.key_of(TargetType.COMMENT, i)
            for i in db.session.scalars(
                sa.select(Comment.id).where(
                    Comment.id.in_(ids[TargetType.COMMENT]),
                    Comment.status == CommentStatus.PUBLISHED,
                    Comment.deleted_at.is_(None),
                )
            )
            if i not in flagged
        }
    for target_type, model in ((TargetType.ANSWER, Answer), (TargetType.FEATURE, AnswerFeature)):
        if ids[target_type]:
            out |= {
                adapter.key_of(target_type, i)
                for i in db.session.scalars(
                    sa.select(model.id).where(model.id.in_(ids[target_type]))
                )
            }
    return out


def visible_quotes(data: dict[str, Any], *, staff: bool) -> dict[str, list[dict[str, Any]]]:
    """A document's quotes that may be shown now: published comments with no open flag, and
    survey free text only to ``staff`` (never to partners)."""
    quotes = data.get("quotes", {})
    ok = quotable_now([q["id"] for qs in quotes.values() for q in qs])
    return {
        t: [q for q in qs if q["id"] in ok and (staff or not q.get("survey"))]
        for t, qs in quotes.items()
    }


def snapshots_of(project: Project) -> dict[int, IndicatorSnapshot]:
    """The stored snapshot of each stage of ``project`` (one query)."""
    stage_ids = [s.id for s in project.stages]
    if not stage_ids:
        return {}
    rows = db.session.scalars(
        sa.select(IndicatorSnapshot).where(IndicatorSnapshot.stage_id.in_(stage_ids))
    )
    return {s.stage_id: s for s in rows}
