"""Reads of the comments domain: threads, map boxes and a participant's own comments.

Every list here loads in a fixed number of queries whatever its length (threads: the page,
its count, two reply levels and the viewer's supports).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import url_for
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
    viewer's own pending ones. Comments rejected in pre-moderation were never public and
    are not shown at all."""
    shown = sa.or_(
        Comment.status == CommentStatus.PUBLISHED,
        sa.and_(Comment.status == CommentStatus.HIDDEN, Comment.rejected.is_(False)),
    )
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


#: The map's FeatureCollection of a stage's published, placed comments in a bounding box, by
#: id, built by the database's JSON functions in one query. A box intersects another when
#: neither lies wholly to one side of it (the indexed bounding-box columns). ``created_at`` is
#: written as Python's ``isoformat`` writes a UTC time (the API's other timestamps). A
#: comment's photo comes from one LEFT JOIN on ``comment_photos.comment_id`` (unique, so
#: indexed): its thumbnail and full-size URLs as ``photo_url`` writes them (``:photos`` is
#: their common start), the resident's description and the thumbnail's size; null when it
#: has none or a moderator removed it.
_MAP_SQL = {
    "sqlite": sa.text(
        """
        SELECT json_object('type', 'FeatureCollection', 'features', json_group_array(json(f)))
        FROM (
            SELECT json_object(
                'type', 'Feature', 'id', c.id, 'geometry', json(c.geometry),
                'properties', json_object(
                    'id', c.id, 'body', c.body,
                    'created_at',
                    replace(replace(c.created_at, ' ', 'T'), '.000000', '') || '+00:00',
                    'supports', c.supports_count,
                    'official', json(CASE WHEN c.is_official THEN 'true' ELSE 'false' END),
                    'parent_id', c.parent_id,
                    'photo', json(CASE WHEN p.id IS NULL THEN 'null' ELSE json_object(
                        'thumbnail', :photos || p.id || '/' || p.token || '/thumb.jpg',
                        'url', :photos || p.id || '/' || p.token || '/full.jpg',
                        'alt', p.alt, 'w', p.thumb_width, 'h', p.thumb_height) END))) AS f
            FROM comments AS c
            LEFT JOIN comment_photos AS p
              ON p.comment_id = c.id AND p.removed_at IS NULL AND p.thumb_path IS NOT NULL
            WHERE c.stage_id = :stage_id AND c.status = :published AND c.deleted_at IS NULL
              AND c.min_lon IS NOT NULL AND c.min_lon <= :max_lon AND c.max_lon >= :min_lon
              AND c.min_lat <= :max_lat AND c.max_lat >= :min_lat
            ORDER BY c.id)
        """
    ),
    "postgresql": sa.text(
        """
        SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
            json_build_object(
                'type', 'Feature', 'id', c.id, 'geometry', c.geometry,
                'properties', json_build_object(
                    'id', c.id, 'body', c.body,
                    'created_at', replace(
                        to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
                        '.000000', '') || '+00:00',
                    'supports', c.supports_count,
                    'official', c.is_official,
                    'parent_id', c.parent_id,
                    'photo', CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object(
                        'thumbnail',
                        CAST(:photos AS text) || p.id || '/' || p.token || '/thumb.jpg',
                        'url', CAST(:photos AS text) || p.id || '/' || p.token || '/full.jpg',
                        'alt', p.alt, 'w', p.thumb_width, 'h', p.thumb_height) END))
            ORDER BY c.id), '[]'::json))::text
        FROM comments AS c
        LEFT JOIN comment_photos AS p
          ON p.comment_id = c.id AND p.removed_at IS NULL AND p.thumb_path IS NOT NULL
        WHERE c.stage_id = :stage_id AND c.status = :published AND c.deleted_at IS NULL
          AND c.min_lon IS NOT NULL AND c.min_lon <= :max_lon AND c.max_lon >= :min_lon
          AND c.min_lat <= :max_lat AND c.max_lat >= :min_lat
        """
    ),
}


_SAMPLE = "sample"


def _photo_url_start() -> str:
    """What every ``photo_url`` begins with (``/photos/`` under the app's script root): the
    map's SQL appends ``<id>/<token>/<size>.jpg``, so its URLs are the thread's."""
    sample = url_for("photos.image", photo_id=1, token=_SAMPLE, size="thumb")
    start = sample.removesuffix(f"1/{_SAMPLE}/thumb.jpg")
    if start == sample:  # pragma: no cover - the route's shape changed
        raise RuntimeError(f"photos.image no longer ends in <id>/<token>/<size>.jpg: {sample}")
    return start


def map_geojson(stage_id: int, bbox: tuple[float, float, float, float]) -> str:
    """The GeoJSON FeatureCollection (as text) of the published comments placed in the box:
    each a Feature with the comment's id, its place and the properties id, body, created_at,
    supports, official, parent_id and photo (``{"thumbnail", "url", "alt", "w", "h"}``,
    ``w``/``h`` the thumbnail's size, or null).

    The database writes the JSON: for 10,000 comments this costs a few tens of milliseconds,
    where building 10,000 feature dicts in Python and encoding them cost several times that
    (docs/performance.md).
    """
    min_lon, min_lat, max_lon, max_lat = bbox
    statement = _MAP_SQL[db.session.get_bind().dialect.name]
    return str(
        db.session.execute(
            statement,
            {
                "stage_id": stage_id,
                "published": CommentStatus.PUBLISHED.value,
                "photos": _photo_url_start(),
                "min_lon": min_lon,
                "min_lat": min_lat,
                "max_lon": max_lon,
                "max_lat": max_lat,
            },
        ).scalar_one()
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
