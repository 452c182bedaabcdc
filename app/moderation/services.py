"""Moderation decisions and official answers.

Each function changes one comment, writes a :class:`ModerationDecision` (for moderation)
and an audit event, flushes and returns what it created. Nothing is ever deleted: a hidden
comment keeps its text and its replies, and shows its reason publicly.
Raises :class:`ModerationError` for invalid input (422) and :class:`ModerationConflict`
when the action does not apply to the comment's state (409).
"""

from __future__ import annotations

from typing import Any, Protocol

from flask_babel import gettext as _

from app.audit.services import record
from app.comments import signals as comment_signals
from app.comments.models import Comment, CommentStatus, Flag
from app.comments.services import comments_changed
from app.core.models import utcnow
from app.extensions import db
from app.moderation.models import ModerationAction, ModerationDecision

REASON_MAX = 300
ANSWER_MAX = 4000


class ModerationError(ValueError):
    """Invalid input; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ModerationConflict(ValueError):
    """The action does not apply to the comment as it is now."""


def _organization_id(comment: Comment) -> int:
    return comment.stage.project.organization_id


def _clean_reason(reason: str | None, *, required: bool) -> str | None:
    text = " ".join((reason or "").split())
    if required and not text:
        raise ModerationError("reason", _("Give a reason. It is shown publicly."))
    if len(text) > REASON_MAX:
        raise ModerationError("reason", _("Keep the reason under %(n)s characters.", n=REASON_MAX))
    return text or None


def open_flags(comment: Comment) -> list[Flag]:
    return list(
        db.session.scalars(
            db.select(Flag).where(Flag.comment_id == comment.id, Flag.resolved_at.is_(None))
        )
    )


def _resolve_flags(comment: Comment, moderator: Any) -> int:
    flags = open_flags(comment)
    now = utcnow()
    for flag in flags:
        flag.resolved_at = now
        flag.resolved_by_id = moderator.id
    return len(flags)


def _decide(
    comment: Comment, moderator: Any, action: ModerationAction, reason: str | None, **data: Any
) -> ModerationDecision:
    decision = ModerationDecision(
        comment_id=comment.id, moderator_id=moderator.id, action=action, reason=reason
    )
    db.session.add(decision)
    record(
        f"comment.{action.value}",
        actor=moderator,
        organization_id=_organization_id(comment),
        obj=comment,
        reason=reason,
        **data,
    )
    db.session.flush()
    return decision


def hide(comment: Comment, *, moderator: Any, reason: str | None) -> ModerationDecision:
    """Hide a comment with a public reason; its open flags are resolved, replies stay."""
    text = _clean_reason(reason, required=True)
    if comment.status == CommentStatus.HIDDEN:
        raise ModerationConflict(_("The comment is already hidden."))
    comments_changed(comment.stage_id)
    previous = comment.status.value
    comment.status = CommentStatus.HIDDEN
    comment.hidden_reason = text
    comment.rejected = previous == CommentStatus.PENDING.value
    resolved = _resolve_flags(comment, moderator)
    return _decide(
        comment, moderator, ModerationAction.HIDE, text, previous=previous, flags=resolved
    )


def restore(comment: Comment, *, moderator: Any, reason: str | None = None) -> ModerationDecision:
    """Publish a hidden comment again."""
    text = _clean_reason(reason, required=False)
    if comment.status != CommentStatus.HIDDEN:
        raise ModerationConflict(_("Only a hidden comment can be restored."))
    comments_changed(comment.stage_id)
    comment.status = CommentStatus.PUBLISHED
    comment.hidden_reason = None
    comment.rejected = False
    return _decide(comment, moderator, ModerationAction.RESTORE, text)


def approve(comment: Comment, *, moderator: Any, reason: str | None = None) -> ModerationDecision:
    """Publish a comment waiting for pre-moderation."""
    text = _clean_reason(reason, required=False)
    if comment.status != CommentStatus.PENDING:
        raise ModerationConflict(_("Only a comment waiting for approval can be approved."))
    comments_changed(comment.stage_id)
    comment.status = CommentStatus.PUBLISHED
    comment_signals.comment_published.send(comment)  # an approved reply: its parent's author
    return _decide(comment, moderator, ModerationAction.APPROVE, text)


def dismiss_flags(
    comment: Comment, *, moderator: Any, reason: str | None = None
) -> ModerationDecision:
    """Resolve the comment's open flags and leave it as it is."""
    text = _clean_reason(reason, required=False)
    resolved = _resolve_flags(comment, moderator)
    if not resolved:
        raise ModerationConflict(_("The comment has no open flags."))
    return _decide(comment, moderator, ModerationAction.DISMISS_FLAGS, text, flags=resolved)


class Decide(Protocol):
    """A moderator's decision on one comment (see :data:`ACTIONS`)."""

    def __call__(
        self, comment: Comment, *, moderator: Any, reason: str | None
    ) -> ModerationDecision: ...


ACTIONS: dict[str, Decide] = {
    "hide": hide,
    "restore": restore,
    "approve": approve,
    "dismiss": dismiss_flags,
}


def bulk(
    comments: list[Comment], action: str, *, moderator: Any, reason: str | None
) -> tuple[int, int]:
    """Apply ``action`` to each comment; returns (done, skipped as not applicable).

    Raises ModerationError for a missing reason (nothing is changed then)."""
    if action not in ACTIONS:
        raise ModerationError("action", _("Choose an action."))
    if not comments:
        raise ModerationError("ids", _("Select at least one comment."))
    _clean_reason(reason, required=action == "hide")
    done = skipped = 0
    for comment in comments:
        try:
            with db.session.begin_nested():
                ACTIONS[action](comment, moderator=moderator, reason=reason)
        except ModerationConflict:
            skipped += 1
        else:
            done += 1
    return done, skipped


def set_needs_answer(comment: Comment, value: bool, *, user: Any) -> Comment:
    """Mark or unmark a comment as needing an official answer."""
    if comment.is_official:
        raise ModerationConflict(_("An official answer does not need an answer."))
    comment.needs_answer = value
    record(
        "comment.needs_answer" if value else "comment.needs_answer_cleared",
        actor=user,
        organization_id=_organization_id(comment),
        obj=comment,
    )
    db.session.flush()
    return comment


def answer(comment: Comment, *, author: Any, body: str | None, language: str) -> Comment:
    """Write an official answer to ``comment`` on behalf of the municipality.

    Sets the comment's ``answered_at`` the first time. Returns the answer."""
    text = (body or "").strip()
    if not text:
        raise ModerationError("body", _("Write the answer."))
    if len(text) > ANSWER_MAX:
        raise ModerationError("body", _("Keep the answer under %(n)s characters.", n=ANSWER_MAX))
    if comment.is_official:
        raise ModerationConflict(_("An official answer cannot be answered officially."))
    if comment.status != CommentStatus.PUBLISHED or comment.deleted_at is not None:
        raise ModerationConflict(_("Only a published comment can be answered."))
    comments_changed(comment.stage_id)
    reply = Comment(
        activity_id=comment.activity_id,
        stage_id=comment.stage_id,
        parent_id=comment.id,
        participant_id=None,
        author_user_id=author.id,
        body=text,
        language=language,
        status=CommentStatus.PUBLISHED,
        is_official=True,
    )
    db.session.add(reply)
    if comment.answered_at is None:
        comment.answered_at = utcnow()
    db.session.flush()
    record(
        "comment.answer",
        actor=author,
        organization_id=_organization_id(comment),
        obj=reply,
        parent_id=comment.id,
    )
    db.session.flush()
    comment_signals.comment_published.send(reply)  # the comment's author hears of the answer
    return reply
