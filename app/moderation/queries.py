"""Reads of the moderation queue and the official-answer list."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import joinedload, selectinload

from app.comments.models import Comment, CommentStatus, Flag
from app.extensions import db
from app.projects.models import Project, Stage

KINDS = ("open", "flagged", "pending", "hidden", "recent")
PAGE_SIZE = 50


@dataclass
class QueueItem:
    comment: Comment
    flags: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def flag_count(self) -> int:
        return sum(self.flags.values())


def organization_ids(user: Any) -> list[int] | None:
    """Organizations whose comments ``user`` may see in the queue (None: all, superadmin)."""
    if user.is_superadmin:
        return None
    return sorted({m.organization_id for m in user.memberships})


def _scoped(stmt: Any, org_ids: list[int] | None) -> Any:
    stmt = stmt.join(Stage, Comment.stage_id == Stage.id).join(
        Project, Stage.project_id == Project.id
    )
    if org_ids is not None:
        stmt = stmt.where(Project.organization_id.in_(org_ids))
    return stmt


def projects_for(org_ids: list[int] | None) -> list[Project]:
    stmt = db.select(Project).options(selectinload(Project.stages)).order_by(Project.id)
    if org_ids is not None:
        stmt = stmt.where(Project.organization_id.in_(org_ids))
    return list(db.session.scalars(stmt))


def _open_flag_exists() -> Any:
    return (
        db.select(Flag.id).where(Flag.comment_id == Comment.id, Flag.resolved_at.is_(None)).exists()
    )


def queue(
    org_ids: list[int] | None,
    *,
    kind: str = "open",
    project_id: int | None = None,
    stage_id: int | None = None,
    page: int = 1,
) -> tuple[list[QueueItem], bool]:
    """Comments to moderate, oldest waiting first (newest first for "recent" and "hidden").

    Returns the items of ``page`` and whether there is a next page."""
    stmt = _scoped(db.select(Comment), org_ids).where(Comment.deleted_at.is_(None))
    if kind == "flagged":
        stmt = stmt.where(_open_flag_exists())
    elif kind == "pending":
        stmt = stmt.where(Comment.status == CommentStatus.PENDING)
    elif kind == "hidden":
        stmt = stmt.where(Comment.status == CommentStatus.HIDDEN)
    elif kind == "recent":
        stmt = stmt.where(Comment.is_official.is_(False))
    else:
        stmt = stmt.where(db.or_(Comment.status == CommentStatus.PENDING, _open_flag_exists()))
    if project_id:
        stmt = stmt.where(Stage.project_id == project_id)
    if stage_id:
        stmt = stmt.where(Comment.stage_id == stage_id)
    newest_first = kind in ("recent", "hidden")
    order = Comment.created_at.desc() if newest_first else Comment.created_at.asc()
    stmt = (
        stmt.options(
            joinedload(Comment.stage).joinedload(Stage.project),
            joinedload(Comment.parent),
            joinedload(Comment.participant),
        )
        .order_by(order, Comment.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    comments = list(db.session.scalars(stmt).unique())
    more = len(comments) > PAGE_SIZE
    comments = comments[:PAGE_SIZE]
    return with_flags(comments), more


def with_flags(comments: list[Comment]) -> list[QueueItem]:
    """Wrap comments with their open flags, counted by reason (one query)."""
    items = {c.id: QueueItem(c) for c in comments}
    if items:
        flags = db.session.execute(
            db.select(Flag.comment_id, Flag.reason, Flag.note).where(
                Flag.comment_id.in_(items), Flag.resolved_at.is_(None)
            )
        )
        notes: dict[int, list[str]] = defaultdict(list)
        for comment_id, reason, note in flags:
            items[comment_id].flags[str(reason)] += 1
            if note:
                notes[comment_id].append(note)
        for comment_id, texts in notes.items():
            items[comment_id].notes = texts
    return list(items.values())


def needing_answer(
    org_ids: list[int] | None, *, answered: bool = False, project_id: int | None = None
) -> list[Comment]:
    """Comments marked as needing an official answer (open, or answered most recent first)."""
    stmt = _scoped(db.select(Comment), org_ids).where(
        Comment.needs_answer.is_(True), Comment.deleted_at.is_(None)
    )
    if answered:
        stmt = stmt.where(Comment.answered_at.is_not(None)).order_by(Comment.answered_at.desc())
    else:
        stmt = stmt.where(Comment.answered_at.is_(None)).order_by(Comment.created_at.asc())
    if project_id:
        stmt = stmt.where(Stage.project_id == project_id)
    stmt = stmt.options(
        joinedload(Comment.stage).joinedload(Stage.project), joinedload(Comment.parent)
    ).limit(200)
    return list(db.session.scalars(stmt).unique())


def official_answers(comment: Comment) -> list[Comment]:
    return list(
        db.session.scalars(
            db.select(Comment)
            .where(Comment.parent_id == comment.id, Comment.is_official.is_(True))
            .options(joinedload(Comment.author_user))
            .order_by(Comment.created_at)
        )
    )
