"""Reads of the comments domain: threads, map boxes and a participant's own comments.

Every list here loads in a fixed number of queries whatever its length (threads: the page,
its count, two reply levels and the viewer's supports).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.comments.models import Comment, CommentStatus, Support
from app.extensions import db
from app.projects.models import Project, Stage

PER_PAGE = 20
#: Replies shown under a comment before "show more replies".
REPLIES_SHOWN = 3
SORTS = ("newest", "supported")


@dataclass
class Thread:
    """Comments to show, with their replies, and what the viewer has already supported."""

    items: list[Comment]
    children: dict[int, list[Comment]] = field(default_factory=dict)
    #: How many more replies each comment has than are shown.
    more: dict[int, int] = field(default_factory=dict)
    supported: set[int] = field(default_factory=set)
    page: int = 1
    pages: int = 1
    total: int = 0
    sort: str = "newest"


def _visible(viewer_id: int | None) -> Any:
    """Published and hidden comments (hidden ones show the moderator's reason), and the
    viewer's own pending ones."""
    shown = Comment.status.in_([CommentStatus.PUBLISHED, CommentStatus.HIDDEN])
    if viewer_id is None:
        return shown
    return sa.or_(
        shown, sa.and_(Comment.status == CommentStatus.PENDING, Comment.participant_id == viewer_id)
    )


def _with_authors(stmt: Any) -> Any:
    return stmt.options(selectinload(Comment.participant), selectinload(Comment.author_user))


def thread(
    stage: Stage,
    *,
    sort: str = "newest",
    page: int = 1,
    per_page: int = PER_PAGE,
    viewer_id: int | None = None,
) -> Thread:
    """One page of ``stage``'s top-level comments with two levels of replies."""
    sort = sort if sort in SORTS else "newest"
    base = db.select(Comment).where(
        Comment.stage_id == stage.id, Comment.parent_id.is_(None), _visible(viewer_id)
    )
    total = db.session.scalar(db.select(sa.func.count()).select_from(base.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    order = (
        (Comment.supports_count.desc(), Comment.created_at.desc(), Comment.id.desc())
        if sort == "supported"
        else (Comment.created_at.desc(), Comment.id.desc())
    )
    items = list(
        db.session.scalars(
            _with_authors(base.order_by(*order).limit(per_page).offset((page - 1) * per_page))
        )
    )
    result = Thread(items=items, page=page, pages=pages, total=total, sort=sort)
    _load_replies(result, [c.id for c in items], viewer_id, limit=REPLIES_SHOWN)
    result.supported = supported_by(viewer_id, _all_ids(result))
    return result


def subtree(comment: Comment, *, viewer_id: int | None = None, limit: int | None = None) -> Thread:
    """``comment`` with its replies (all of them unless ``limit``), for fragments."""
    result = Thread(items=[comment], total=1)
    _load_replies(result, [comment.id], viewer_id, limit=limit)
    if comment.parent_id is not None:
        # A level-1 reply shown on its own: its replies are the last level.
        for child in result.children.get(comment.id, []):
            result.children.pop(child.id, None)
            result.more.pop(child.id, None)
        if _depth(comment) >= 2:
            result.children.pop(comment.id, None)
    result.supported = supported_by(viewer_id, _all_ids(result))
    return result


def _depth(comment: Comment) -> int:
    depth, node = 0, comment
    while node.parent is not None:
        depth, node = depth + 1, node.parent
    return depth


def _load_replies(
    result: Thread, parent_ids: list[int], viewer_id: int | None, *, limit: int | None
) -> None:
    level = parent_ids
    for _level in range(2):
        if not level:
            return
        replies = db.session.scalars(
            _with_authors(
                db.select(Comment)
                .where(Comment.parent_id.in_(level), _visible(viewer_id))
                .order_by(Comment.created_at, Comment.id)
            )
        ).all()
        grouped: dict[int, list[Comment]] = {}
        for reply in replies:
            grouped.setdefault(reply.parent_id or 0, []).append(reply)
        level = []
        for parent_id, children in grouped.items():
            shown = children if limit is None else children[:limit]
            result.children[parent_id] = shown
            if len(children) > len(shown):
                result.more[parent_id] = len(children) - len(shown)
            level.extend(c.id for c in shown)


def _all_ids(result: Thread) -> list[int]:
    ids = [c.id for c in result.items]
    for children in result.children.values():
        ids.extend(c.id for c in children)
    return ids


def supported_by(viewer_id: int | None, comment_ids: list[int]) -> set[int]:
    """Which of ``comment_ids`` the participant has already supported."""
    if viewer_id is None or not comment_ids:
        return set()
    return set(
        db.session.scalars(
            db.select(Support.comment_id).where(
                Support.participant_id == viewer_id, Support.comment_id.in_(comment_ids)
            )
        )
    )


def published(stage_id: int) -> Any:
    """The published, not deleted comments of a stage (a select to refine)."""
    return db.select(Comment).where(
        Comment.stage_id == stage_id,
        Comment.status == CommentStatus.PUBLISHED,
        Comment.deleted_at.is_(None),
    )


#: A comment as the map needs it, in this order: id, body, created_at, supports, official,
#: parent_id, geometry (its stored GeoJSON text), edited_at. Timestamps are as the driver returns
#: them (naive UTC on SQLite, aware on PostgreSQL): ``utc_iso`` formats them.
MapRow = tuple[int, str, datetime, int, bool, int | None, str | None, datetime | None]

#: A fingerprint of a set of map comments: their count, the sums of ids, of squared ids, of
#: supports and of supports weighted by id, and the latest edit (``utc_iso``: these strings
#: sort like the instants) or None. Plain values, so its ``repr`` is the same in every process.
MapVersion = tuple[int, int, int, int, int, str | None]

EMPTY_MAP: MapVersion = (0, 0, 0, 0, 0, None)


def utc_iso(value: datetime) -> str:
    """ISO 8601 in UTC, as ``UTCDateTime`` values give it (``...+00:00``), from a raw value."""
    if value.tzinfo is None:  # SQLite keeps UTC without the zone
        return value.isoformat() + "+00:00"
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat()


def map_rows(
    stage_id: int, bbox: tuple[float, float, float, float], *, after_id: int = 0
) -> Iterator[MapRow]:
    """Published comments whose place intersects the box (and whose id is above
    ``after_id``), by id, as tuple-like rows (``MapRow``).

    Uses the indexed bounding-box columns: a box intersects another when neither lies
    wholly to one side of it. Built for 10,000 comments in well under 100 ms: only the
    columns the map shows, the geometry as its stored JSON text (no parsing) and the
    timestamps without the per-value ``UTCDateTime`` conversion.
    """
    stmt = sa.select(
        Comment.id,
        Comment.body,
        sa.type_coerce(Comment.created_at, sa.DateTime()),
        Comment.supports_count,
        Comment.is_official,
        Comment.parent_id,
        sa.cast(Comment.geometry, sa.Text),
        sa.type_coerce(Comment.edited_at, sa.DateTime()),
    ).where(*_in_bbox_filter(stage_id, bbox))
    if after_id:
        stmt = stmt.where(Comment.id > after_id)
    # On the session's connection: a Core result, spared the ORM's per-row loading. Streamed:
    # a caller that handles each row and drops it never holds 10,000 row objects at once
    # (held, they grow the collector's oldest generation and bring a full pass, about 90 ms
    # with this application loaded, every few builds).
    result = db.session.connection().execute(stmt.order_by(Comment.id))
    return cast(Iterator[MapRow], iter(result))


def _in_bbox_filter(stage_id: int, bbox: tuple[float, float, float, float]) -> list[Any]:
    min_lon, min_lat, max_lon, max_lat = bbox
    return [
        Comment.stage_id == stage_id,
        Comment.status == CommentStatus.PUBLISHED,
        Comment.deleted_at.is_(None),
        Comment.min_lon.is_not(None),
        Comment.min_lon <= max_lon,
        Comment.max_lon >= min_lon,
        Comment.min_lat <= max_lat,
        Comment.max_lat >= min_lat,
    ]


def map_version(stage_id: int, bbox: tuple[float, float, float, float]) -> MapVersion:
    """A cheap fingerprint of everything ``map_rows`` returns, in one aggregate query.

    It changes when a comment in the box is added, published, hidden or deleted (the count and
    the sums of ids and of squared ids: two different sets of ids practically never share all
    three), edited (``edited_at``) or supported (the sums of supports, plain and weighted by
    id). Places are never moved after posting. Used as the ETag and cache key of
    ``GET /api/v1/stages/<id>/comments?bbox=``, so an unchanged map costs one small query.
    ``map_fingerprint`` computes the same from rows already read.
    """
    big_id = sa.cast(Comment.id, sa.BigInteger)
    count, ids, squares, supports, weighted, edited = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.sum(big_id),
            sa.func.sum(big_id * big_id),
            sa.func.sum(Comment.supports_count),
            sa.func.sum(big_id * Comment.supports_count),
            sa.func.max(Comment.edited_at),
        ).where(*_in_bbox_filter(stage_id, bbox))
    ).one()
    # PostgreSQL sums bigints as numeric (Decimal), SQLite sums nothing as NULL: plain ints.
    return (
        int(count or 0),
        int(ids or 0),
        int(squares or 0),
        int(supports or 0),
        int(weighted or 0),
        utc_iso(edited) if edited is not None else None,
    )


def map_fingerprint(ids: list[int], supports: list[int], edits: list[datetime]) -> MapVersion:
    """``map_version`` of the comments with these ids and supports (in the same order) and
    these edit times (of those edited), computed here from rows already read."""
    if not ids:
        return EMPTY_MAP
    return (
        len(ids),
        sum(ids),
        sum(map(operator.mul, ids, ids)),
        sum(supports),
        sum(map(operator.mul, ids, supports)),
        utc_iso(max(edits)) if edits else None,
    )


def combine_versions(a: MapVersion, b: MapVersion) -> MapVersion:
    """The fingerprint of the union of two disjoint sets of comments."""
    edits = [e for e in (a[5], b[5]) if e is not None]
    return (
        a[0] + b[0],
        a[1] + b[1],
        a[2] + b[2],
        a[3] + b[3],
        a[4] + b[4],
        max(edits, default=None),
    )


def published_page(stage_id: int, page: int, per_page: int) -> tuple[list[Comment], int]:
    """One page of a stage's published comments, newest first, and the total."""
    stmt = published(stage_id)
    total = db.session.scalar(db.select(sa.func.count()).select_from(stmt.subquery())) or 0
    items = db.session.scalars(
        stmt.order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(items), total


def of_participant(participant_id: int) -> list[Comment]:
    """A participant's own comments with their stage and project, newest first."""
    return list(
        db.session.scalars(
            db.select(Comment)
            .where(Comment.participant_id == participant_id)
            .options(
                selectinload(Comment.stage)
                .selectinload(Stage.project)
                .selectinload(Project.organization)
            )
            .order_by(Comment.created_at.desc())
        )
    )


def page_of(comment: Comment, *, viewer_id: int | None = None, per_page: int = PER_PAGE) -> int:
    """The page of its stage's thread (newest first) that shows the top-level ``comment``."""
    newer = (
        db.select(sa.func.count())
        .select_from(Comment)
        .where(
            Comment.stage_id == comment.stage_id,
            Comment.parent_id.is_(None),
            _visible(viewer_id),
            sa.or_(
                Comment.created_at > comment.created_at,
                sa.and_(Comment.created_at == comment.created_at, Comment.id > comment.id),
            ),
        )
    )
    return (db.session.scalar(newer) or 0) // per_page + 1
