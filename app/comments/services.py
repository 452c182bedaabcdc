"""Writes of the comments domain: post, reply, support, flag, edit and delete.

Every decision goes through :func:`app.core.permissions.can`; the functions here validate,
``flush`` and return objects, and raise :class:`CommentError` (with an HTTP status the views
and the API pass on) when something cannot be done. Nothing here commits.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Participant
from app.comments.models import Comment, CommentStatus, Flag, FlagReason, Support
from app.core.geo import GeometryError
from app.core.models import utcnow
from app.core.permissions import Action, Actor, can, is_staff_of
from app.extensions import db
from app.projects.models import Activity, ActivityKind, ModerationMode, ParticipationPolicy, Stage

#: Longest comment body, in characters.
MAX_BODY = 2000
#: Longest flag note and nickname.
MAX_NOTE = 500
MAX_NICKNAME = 60
#: Replies are shown (and stored) at most this many levels below a top-level comment.
MAX_DEPTH = 2

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,36}$")


@dataclass
class CommentError(Exception):
    """A comment action cannot be done: ``status`` for the response, ``fields`` for forms."""

    status: int
    message: str
    code: str = "invalid"
    fields: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


def discussion_of(stage: Stage) -> Activity | None:
    """The stage's discussion activity (the first one), or None when it has none."""
    return next((a for a in stage.activities if a.kind == ActivityKind.DISCUSSION), None)


def depth_of(comment: Comment) -> int:
    """How many ancestors ``comment`` has (0 for a top-level comment)."""
    depth, node = 0, comment
    while node.parent_id is not None and node.parent is not None:
        depth += 1
        node = node.parent
    return depth


def root_of(comment: Comment) -> Comment:
    """The top-level comment of ``comment``'s thread."""
    node = comment
    while node.parent is not None:
        node = node.parent
    return node


def clean_body(body: Any, field_name: str = "body") -> str:
    """Strip and check a comment text; raises ``CommentError`` (422) when empty or too long."""
    if not isinstance(body, str):
        raise CommentError(
            422, _("Write your comment."), fields={field_name: _("Write your comment.")}
        )
    text = body.replace("\r\n", "\n").strip()
    if not text:
        raise CommentError(
            422, _("Write your comment."), fields={field_name: _("Write your comment.")}
        )
    if len(text) > MAX_BODY:
        message = _("The comment can be at most %(n)s characters long.", n=MAX_BODY)
        raise CommentError(422, message, fields={field_name: message})
    return text


def _forbidden(actor: Actor, stage: Stage, activity: Activity | None) -> CommentError:
    """The clearest refusal for a comment the actor may not post."""
    if activity is None:
        return CommentError(403, _("This stage has no discussion."), code="forbidden")
    if not stage.is_open:
        return CommentError(403, _("The discussion in this stage is closed."), code="stage_closed")
    if activity.policy == ParticipationPolicy.ACCOUNT and (
        actor.user is None or actor.user.email_verified_at is None
    ):
        return CommentError(
            403,
            _("Log in with a verified account to take part in this discussion."),
            code="account_required",
        )
    return CommentError(403, _("You cannot comment in this stage."), code="forbidden")


def _place(
    actor: Actor, stage: Stage, activity: Activity, geometry: dict[str, Any] | None, c: Comment
) -> None:
    if geometry is None:
        return
    if not can(actor, Action.PLACE_ON_MAP, stage, activity=activity):
        raise CommentError(
            403,
            _("Comments cannot be placed on the map in this stage."),
            code="place_not_allowed",
        )
    area = stage.project.shape
    try:
        c.set_geometry(geometry, allowed={"Point"}, within=area)
    except GeometryError as exc:
        message = (
            _("The place is outside the project area. Choose a place inside the outline.")
            if exc.code == "outside_area"
            else _("The place on the map is not valid. Choose a point on the map.")
        )
        raise CommentError(422, message, code=exc.code, fields={"geometry": message}) from exc


def _resolve_parent(stage: Stage, parent: Comment | None) -> Comment | None:
    """Check the parent and keep replies at most ``MAX_DEPTH`` levels deep."""
    if parent is None:
        return None
    if parent.stage_id != stage.id:
        message = _("You can only reply to a comment in the same discussion.")
        raise CommentError(422, message, fields={"parent_id": message})
    if parent.deleted_at is not None or parent.status != CommentStatus.PUBLISHED:
        message = _("That comment can no longer be replied to.")
        raise CommentError(409, message, code="parent_unavailable")
    # A reply to a level-2 reply becomes its sibling, so threads never grow deeper.
    while depth_of(parent) >= MAX_DEPTH and parent.parent is not None:
        parent = parent.parent
    return parent


def _nickname_to_set(
    participant: Participant | None, activity: Activity, nickname: str | None
) -> str | None:
    """The nickname the participant must get before commenting, or None when none is needed."""
    if activity.policy != ParticipationPolicy.NICKNAME or (participant and participant.nickname):
        return None
    name = (nickname or "").strip()
    if not name:
        message = _("Choose a nickname to show with your comments.")
        raise CommentError(422, message, fields={"nickname": message})
    if len(name) > MAX_NICKNAME:
        message = _("The nickname can be at most %(n)s characters long.", n=MAX_NICKNAME)
        raise CommentError(422, message, fields={"nickname": message})
    return name


def valid_client_id(value: Any) -> str | None:
    """A client id as stored, or None when absent; raises ``CommentError`` when malformed."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _CLIENT_ID.match(value):
        message = _("client_id must be a UUID or 8 to 36 letters, digits, - or _.")
        raise CommentError(422, message, fields={"client_id": message})
    return value


def post_comment(
    actor: Actor,
    participant: Participant | None,
    stage: Stage,
    *,
    body: Any,
    geometry: dict[str, Any] | None = None,
    parent: Comment | None = None,
    client_id: str | None = None,
    language: str | None = None,
    nickname: str | None = None,
    official: bool = False,
    new_participant: Callable[[], Participant] | None = None,
) -> tuple[Comment, bool]:
    """Store a comment or reply in ``stage``'s discussion.

    Returns ``(comment, created)``; ``created`` is False when ``client_id`` was already
    stored for this stage by the same participant (the earlier comment is returned).
    Raises ``CommentError``: 403 not allowed, 409 conflict, 422 invalid input.
    With ``participant`` None, ``new_participant`` is called to create one once every check
    has passed (so a refused comment creates nobody, and the first write comes last).
    """
    activity = discussion_of(stage)
    if client_id is not None:
        existing = _by_client_id(stage, client_id)
        if existing is not None:
            return _same_author(existing, participant), False
    if activity is None or not can(actor, Action.COMMENT, stage, activity=activity):
        raise _forbidden(actor, stage, activity)
    if official and not can(actor, Action.ANSWER_OFFICIALLY, stage):
        raise CommentError(403, _("Only staff can answer on behalf of the municipality."))
    text = clean_body(body)
    parent = _resolve_parent(stage, parent)
    comment = Comment(
        activity_id=activity.id,
        stage_id=stage.id,
        parent_id=parent.id if parent else None,
        body=text,
        language=language,
        client_id=client_id,
    )
    # Only many-to-one links: appending to parent.replies would cascade a failed insert.
    comment.activity, comment.stage = activity, stage
    _place(actor, stage, activity, geometry, comment)
    name = None if official else _nickname_to_set(participant, activity, nickname)
    if participant is None:
        if new_participant is None:
            raise CommentError(403, _("You cannot comment in this stage."), code="forbidden")
        participant = new_participant()
    if name:
        participant.nickname = name
    comment.participant_id = participant.id
    if official and actor.user is not None:
        comment.is_official = True
        comment.author_user_id = actor.user.id
        comment.participant_id = None
    elif activity.moderation == ModerationMode.PRE and not is_staff_of(actor.user, stage):
        comment.status = CommentStatus.PENDING
    if official and parent is not None and parent.needs_answer:
        parent.answered_at = utcnow()
    comments_changed(stage.id)
    if client_id is None:
        db.session.add(comment)
        db.session.flush()
    else:
        try:
            # A concurrent request with the same client id may win the race: the unique
            # constraint tells, and the savepoint keeps the rest of the transaction usable.
            with db.session.begin_nested():
                db.session.add(comment)
                db.session.flush()
        except IntegrityError:
            existing = _by_client_id(stage, client_id)
            if existing is None:
                raise
            return _same_author(existing, participant), False
    return comment, True


def comments_changed(stage_id: int) -> None:
    """Count a change to a stage's comments (``Stage.comments_revision``), in the same
    transaction as the change.

    Every write that adds, publishes, hides, edits, deletes or supports a comment calls this:
    the stage map's ETag is made from the counter, so every worker answers 304 exactly while
    nothing changed. The stage's ``updated_at`` stays: a comment is not an edit of the stage.

    Call it before the comments are written; pending changes are not flushed first. So every
    writer takes the stage's row before any comment's (PostgreSQL), and two writers never wait
    for each other in opposite orders.
    """
    with db.session.no_autoflush:
        db.session.execute(
            sa.update(Stage)
            .where(Stage.id == stage_id)
            .values(comments_revision=Stage.comments_revision + 1, updated_at=Stage.updated_at)
        )


def _by_client_id(stage: Stage, client_id: str) -> Comment | None:
    return db.session.scalar(
        db.select(Comment).where(Comment.stage_id == stage.id, Comment.client_id == client_id)
    )


def _same_author(comment: Comment, participant: Participant | None) -> Comment:
    if participant is None or comment.participant_id != participant.id:
        raise CommentError(
            409, _("That client_id is already used for another comment."), code="conflict"
        )
    return comment


def new_client_id() -> str:
    """A fresh client id for forms, so a double-submitted form stores one comment."""
    return str(uuid.uuid4())


def support(actor: Actor, participant: Participant, comment: Comment) -> Comment:
    """Add the participant's "Håller med" to ``comment``; returns it with the new count.

    Raises ``CommentError`` 403 when not allowed and 409 when already supported.
    """
    if not can(actor, Action.SUPPORT, comment):
        raise CommentError(403, _("You cannot support this comment."), code="forbidden")
    if comment.participant_id == participant.id:
        raise CommentError(403, _("You cannot support your own comment."), code="own_comment")
    comments_changed(comment.stage_id)
    try:
        with db.session.begin_nested():
            db.session.add(Support(comment_id=comment.id, participant_id=participant.id))
            db.session.flush()
    except IntegrityError as exc:
        raise CommentError(
            409, _("You already agree with this comment."), code="already_supported"
        ) from exc
    # Counted in SQL (supports_count + 1) so that two simultaneous supports are both counted.
    comment.supports_count = Comment.supports_count + 1
    db.session.flush()
    return comment


def flag(
    actor: Actor, participant: Participant, comment: Comment, reason: Any, note: str | None
) -> Flag:
    """Report ``comment`` to the moderators; returns the flag.

    Raises ``CommentError`` 403 not allowed, 409 already flagged by this participant,
    422 unknown reason or too long note.
    """
    if not can(actor, Action.FLAG, comment):
        raise CommentError(403, _("You cannot report this comment."), code="forbidden")
    try:
        reason = FlagReason(reason)
    except ValueError as exc:
        message = _("Choose a reason.")
        raise CommentError(422, message, fields={"reason": message}) from exc
    text = (note or "").strip() or None
    if text and len(text) > MAX_NOTE:
        message = _("The note can be at most %(n)s characters long.", n=MAX_NOTE)
        raise CommentError(422, message, fields={"note": message})
    item = Flag(comment_id=comment.id, participant_id=participant.id, reason=reason, note=text)
    try:
        with db.session.begin_nested():
            db.session.add(item)
            db.session.flush()
    except IntegrityError as exc:
        raise CommentError(
            409, _("You have already reported this comment."), code="already_flagged"
        ) from exc
    comment.flags_count = Comment.flags_count + 1
    db.session.flush()
    return item


def edit(actor: Actor, comment: Comment, body: Any) -> Comment:
    """Change the text of the actor's own comment within the edit window; returns it.

    Raises ``CommentError`` 403 when it is not theirs or the window has passed, 422 invalid.
    """
    if not can(actor, Action.EDIT_COMMENT, comment):
        raise CommentError(
            403,
            _("You can only edit your own comment, within 15 minutes of posting it."),
            code="forbidden",
        )
    text = clean_body(body)
    comments_changed(comment.stage_id)
    comment.body = text
    comment.edited_at = utcnow()
    db.session.flush()
    return comment


def delete(actor: Actor, comment: Comment) -> Comment:
    """Soft-delete the actor's own comment: its text and place go, its replies stay.

    Raises ``CommentError`` 403 when it is not theirs.
    """
    if not can(actor, Action.DELETE_COMMENT, comment):
        raise CommentError(403, _("You can only delete your own comment."), code="forbidden")
    comments_changed(comment.stage_id)
    comment.deleted_at = utcnow()
    comment.body = ""
    comment.set_geometry(None)
    db.session.flush()
    return comment
