"""Answers as work: who answers a comment and by when, internal notes, preset hide reasons and
the "Att besvara" list with its filters.

Kept apart from :mod:`app.moderation.services` (decisions) so that other changes there do not
collide. Every change is audited; internal notes are staff-only and never rendered on a public
page, in an export or for partners.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.audit.services import record
from app.comments.models import Comment, CommentStatus
from app.core.models import utcnow
from app.core.permissions import Action, Actor, can
from app.extensions import db
from app.moderation.models import AnswerAssignment, CommentNote
from app.moderation.services import ModerationError
from app.organizations.models import Membership
from app.projects.models import Project, Stage

NOTE_MAX = 2000
LIST_LIMIT = 200

#: Preset reasons for hiding (the text shown publicly), plus free text.
HIDE_REASONS: dict[str, Any] = {
    "personal_data": _l("Contains personal data"),
    "offensive": _l("Offensive"),
    "off_topic": _l("Off topic"),
    "spam": _l("Spam or advertising"),
    "duplicate": _l("Duplicate of another comment"),
}
SORTS = ("oldest", "newest")


def hide_reason(preset: str | None, text: str | None) -> str | None:
    """The public reason for hiding from a preset and/or free text ("Preset: details")."""
    preset = (preset or "").strip()
    details = " ".join((text or "").split())
    if preset and preset != "other" and preset not in HIDE_REASONS:
        raise ModerationError("reason", _("Choose one of the reasons in the list."))
    if preset in HIDE_REASONS:
        label = str(HIDE_REASONS[preset])
        return f"{label}: {details}" if details else label
    return details or None


# --- assignment -----------------------------------------------------------------------------


def _organization_id(comment: Comment) -> int:
    return comment.stage.project.organization_id


def colleagues(comment: Comment) -> list[User]:
    """Staff of the comment's organization who may answer it officially."""
    users = db.session.scalars(
        db.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == _organization_id(comment), User.active.is_(True))
        .order_by(User.display_name, User.email)
    ).unique()
    return [u for u in users if can(Actor(u), Action.ANSWER_OFFICIALLY, comment)]


def assignment_of(comment: Comment) -> AnswerAssignment | None:
    return db.session.scalar(
        sa.select(AnswerAssignment).where(AnswerAssignment.comment_id == comment.id)
    )


def parse_due(value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        due = date.fromisoformat(value)
    except ValueError as exc:
        raise ModerationError("due_on", _("Give the date as YYYY-MM-DD.")) from exc
    if due < utcnow().date():
        raise ModerationError("due_on", _("The due date has already passed."))
    return due


def assign(
    comment: Comment, *, assignee_id: int | None, due_on: date | None, by: Any
) -> AnswerAssignment | None:
    """Give the comment's answer to a colleague with a due date (or clear it). Audited."""
    if not comment.needs_answer or comment.is_official:
        raise ModerationError("assignee", _("Only a comment that needs an answer can be assigned."))
    assignee = None
    if assignee_id is not None:
        assignee = next((u for u in colleagues(comment) if u.id == assignee_id), None)
        if assignee is None:
            raise ModerationError("assignee", _("Choose a colleague who may answer officially."))
    current = assignment_of(comment)
    org_id = _organization_id(comment)
    if assignee is None and due_on is None:
        if current is not None:
            db.session.delete(current)
            record("comment.unassign", actor=by, organization_id=org_id, obj=comment)
            db.session.flush()
        return None
    if current is None:
        current = AnswerAssignment(comment_id=comment.id)
        db.session.add(current)
    current.assignee_id = assignee.id if assignee else None
    current.due_on = due_on
    current.assigned_by_id = by.id
    current.assigned_at = utcnow()
    record(
        "comment.assign",
        actor=by,
        organization_id=org_id,
        obj=comment,
        assignee_id=current.assignee_id,
        due_on=due_on.isoformat() if due_on else None,
    )
    db.session.flush()
    return current


# --- internal notes -------------------------------------------------------------------------


def add_note(comment: Comment, *, author: Any, body: str | None) -> CommentNote:
    text = (body or "").strip()
    if not text:
        raise ModerationError("body", _("Write the note."))
    if len(text) > NOTE_MAX:
        raise ModerationError("body", _("Keep the note under %(n)s characters.", n=NOTE_MAX))
    note = CommentNote(comment_id=comment.id, author_id=author.id, body=text)
    db.session.add(note)
    db.session.flush()
    # The audit log records that a note was written, not its text.
    record(
        "comment.note",
        actor=author,
        organization_id=_organization_id(comment),
        obj=comment,
        note_id=note.id,
    )
    db.session.flush()
    return note


def notes_of(comment: Comment) -> list[CommentNote]:
    return list(
        db.session.scalars(
            db.select(CommentNote)
            .where(CommentNote.comment_id == comment.id)
            .options(joinedload(CommentNote.author))
            .order_by(CommentNote.created_at, CommentNote.id)
        )
    )


def note_counts(comment_ids: list[int]) -> dict[int, int]:
    if not comment_ids:
        return {}
    rows = db.session.execute(
        db.select(CommentNote.comment_id, sa.func.count(CommentNote.id))
        .where(CommentNote.comment_id.in_(comment_ids))
        .group_by(CommentNote.comment_id)
    )
    return {int(cid): int(n) for cid, n in rows}


# --- "Att besvara" -------------------------------------------------------------------------


@dataclass
class AnswerRow:
    comment: Comment
    assignment: AnswerAssignment | None
    notes: int = 0

    @property
    def overdue(self) -> bool:
        a = self.assignment
        return bool(a and a.due_on and not self.comment.answered_at and a.due_on < utcnow().date())


def answer_list(
    org_ids: list[int] | None,
    *,
    answered: bool = False,
    project_id: int | None = None,
    assignee: str | None = None,
    sort: str = "oldest",
    viewer_id: int | None = None,
) -> list[AnswerRow]:
    """Comments needing (or given) an official answer, filtered and sorted by age.

    ``assignee`` is a user id, ``"me"`` (``viewer_id``) or ``"none"`` (not assigned)."""
    stmt = (
        db.select(Comment, AnswerAssignment)
        .join(Stage, Comment.stage_id == Stage.id)
        .join(Project, Stage.project_id == Project.id)
        .outerjoin(AnswerAssignment, AnswerAssignment.comment_id == Comment.id)
        .where(Comment.needs_answer.is_(True), Comment.deleted_at.is_(None))
    )
    if org_ids is not None:
        stmt = stmt.where(Project.organization_id.in_(org_ids or [-1]))
    if answered:
        stmt = stmt.where(Comment.answered_at.is_not(None))
    else:
        stmt = stmt.where(Comment.answered_at.is_(None), Comment.status != CommentStatus.HIDDEN)
    if project_id:
        stmt = stmt.where(Stage.project_id == project_id)
    if assignee == "none":
        stmt = stmt.where(
            sa.or_(AnswerAssignment.id.is_(None), AnswerAssignment.assignee_id.is_(None))
        )
    elif assignee == "me" and viewer_id is not None:
        stmt = stmt.where(AnswerAssignment.assignee_id == viewer_id)
    elif assignee and assignee.isdigit():
        stmt = stmt.where(AnswerAssignment.assignee_id == int(assignee))
    if answered:
        order = [Comment.answered_at.desc(), Comment.id.desc()]
    elif sort == "newest":
        order = [Comment.created_at.desc(), Comment.id.desc()]
    else:
        order = [Comment.created_at.asc(), Comment.id.asc()]
    stmt = (
        stmt.options(
            joinedload(Comment.stage).joinedload(Stage.project), joinedload(Comment.parent)
        )
        .order_by(*order)
        .limit(LIST_LIMIT)
    )
    pairs = db.session.execute(stmt).unique().all()
    counts = note_counts([c.id for c, _a in pairs])
    if pairs:
        users = {a.assignee_id for _c, a in pairs if a is not None and a.assignee_id}
        if users:  # load the assignees at once
            db.session.scalars(db.select(User).where(User.id.in_(users))).all()
    return [AnswerRow(c, a, counts.get(c.id, 0)) for c, a in pairs]


def assignee_choices(org_ids: list[int] | None) -> list[User]:
    """Everyone a comment in these organizations is assigned to, for the filter."""
    stmt = (
        db.select(User)
        .join(AnswerAssignment, AnswerAssignment.assignee_id == User.id)
        .join(Comment, Comment.id == AnswerAssignment.comment_id)
        .join(Stage, Comment.stage_id == Stage.id)
        .join(Project, Stage.project_id == Project.id)
        .order_by(User.display_name, User.email)
    )
    if org_ids is not None:
        stmt = stmt.where(Project.organization_id.in_(org_ids or [-1]))
    return list(db.session.scalars(stmt).unique())
