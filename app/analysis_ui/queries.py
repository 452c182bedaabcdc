"""Reads of the analysis screens that are more than one line."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from analysis.suppression import MIN_COUNT, suppress_value
from app.analysis_ui import dataset
from app.analysis_ui.models import IndicatorSnapshot, TargetType
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.projects.models import Project
from app.surveys.models import Answer, AnswerFeature


def quotable_now(keys: Iterable[str]) -> set[str]:
    """The keys whose content may still be quoted: published, not deleted comments with no
    open flag, and answers and features that still exist (a snapshot may predate a
    moderation decision)."""
    ids: dict[TargetType, list[int]] = {t: [] for t in TargetType}
    for key in keys:
        parsed = dataset.parse_key(key)
        if parsed:
            ids[parsed[0]].append(parsed[1])
    out: set[str] = set()
    if ids[TargetType.COMMENT]:
        flagged = dataset._open_flags(ids[TargetType.COMMENT])
        out |= {
            dataset.key_of(TargetType.COMMENT, i)
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
                dataset.key_of(target_type, i)
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


def for_partner(data: dict[str, Any], threshold: int = MIN_COUNT) -> dict[str, Any]:
    """The indicator document as a partner may see it: a theme that fewer than ``threshold``
    distinct participants spoke about shows "<5" and no share, interval or valence, exactly as
    the aggregate export and the dialogue summary do (a share would give the count back)."""
    out = copy.deepcopy(data)
    for theme in out.get("themes", []):
        people = theme.get("participants")
        small = isinstance(people, str) and not people.isdigit()
        if isinstance(people, int) or (isinstance(people, str) and people.isdigit()):
            small = 0 < int(people) < threshold
        if not small:
            continue
        count = theme.get("count")
        theme["count"] = suppress_value(int(count)) if isinstance(count, int) else count
        theme["participants"] = suppress_value(int(people)) if str(people).isdigit() else people
        for key in ("share", "low", "high", "net_valence", "need_intensity"):
            if key in theme:
                theme[key] = None
    return out
