"""Writes of the comments domain: post, reply, support, flag, edit and delete.

Every decision goes through :func:`app.core.permissions.can`. The functions take the parsed
input schemas of ``app/comments/schemas.py``, check what needs stored data, ``flush`` and
return objects; they raise the domain errors of ``app/core/errors.py`` (``Invalid``,
``Forbidden``, ``Conflict``; no HTTP statuses) when something cannot be done. A participant is
created (``new_participant``) only once every check has passed. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Participant
from app.comments import signals
from app.comments.models import Comment, CommentStatus, Flag, FlagReason, Support
from app.comments.schemas import (  # MAX_BODY and new_client_id re-exported for callers
    MAX_BODY as MAX_BODY,
)
from app.comments.schemas import EditComment, FlagComment, NewComment
from app.comments.schemas import new_client_id as new_client_id
from app.core import pii
from app.core.errors import Conflict, Forbidden, Invalid
from app.core.geo import GeometryError
from app.core.models import MAX_ID, utcnow
from app.core.permissions import Action, Actor, can
from app.core.signals import contribution_created, contribution_edited
from app.extensions import db
from app.organizations.rules import is_staff_of
from app.projects import signals as project_signals
from app.projects.models import Activity, ActivityKind, ModerationMode, ParticipationPolicy, Stage

#: Replies are shown (and stored) at most this many levels below a top-level comment.
MAX_DEPTH = 2


def screen_personal_data(comment: Comment) -> list[pii.Match]:
    """Note the personal data in a comment being stored, and hold it back for moderation
    (status pending) when it has a phone number, an e-mail address or a personnummer."""
    matches = pii.find(comment.body)
    comment.personal_data = pii.kinds(matches)
    if pii.holds_back(matches) and comment.status in (None, CommentStatus.PUBLISHED):
        comment.status = CommentStatus.PENDING
    return matches


def flag_personal_data(comment: Comment) -> None:
    """A published comment naming a street address gets a system flag (no participant,
    reason personal data) so a moderator looks at it; dismissing the flag ends that."""
    found = (comment.personal_data or "").split(",")
    if pii.STREET not in found or comment.status != CommentStatus.PUBLISHED:
        return
    exists = db.session.scalar(
        db.select(Flag.id).where(
            Flag.comment_id == comment.id,
            Flag.participant_id.is_(None),
            Flag.reason == FlagReason.PERSONAL_DATA,
            Flag.resolved_at.is_(None),
        )
    )
    if exists is None:
        db.session.add(Flag(comment_id=comment.id, reason=FlagReason.PERSONAL_DATA))
        db.session.flush()


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


def _forbidden(actor: Actor, stage: Stage, activity: Activity | None) -> Forbidden:
    """The clearest refusal for a comment the actor may not post."""
    if activity is None:
        return Forbidden(_("This stage has no discussion."))
    if not stage.is_open:
        return Forbidden(_("The discussion in this stage is closed."), code="stage_closed")
    if activity.policy == ParticipationPolicy.ACCOUNT and (
        actor.user is None or actor.user.email_verified_at is None
    ):
        return Forbidden(
            _("Log in with a verified account to take part in this discussion."),
            code="account_required",
        )
    return Forbidden(_("You cannot comment in this stage."))


def _place(
    actor: Actor, stage: Stage, activity: Activity, geometry: dict[str, Any] | None, c: Comment
) -> None:
    if geometry is None:
        return
    if not can(actor, Action.PLACE_ON_MAP, stage, activity=activity):
        raise Forbidden(
            _("Comments cannot be placed on the map in this stage."), code="place_not_allowed"
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
        raise Invalid(message, code=exc.code, fields={"geometry": message}) from exc


def _resolve_parent(stage: Stage, parent_id: int | None) -> Comment | None:
    """The comment replied to, checked, with replies kept at most ``MAX_DEPTH`` levels deep."""
    if parent_id is None:
        return None
    parent = db.session.get(Comment, parent_id) if 0 < parent_id <= MAX_ID else None
    if parent is None or parent.stage_id != stage.id:
        message = _("There is no such comment in this stage.")
        raise Invalid(message, fields={"parent_id": message})
    if parent.deleted_at is not None or parent.status != CommentStatus.PUBLISHED:
        message = _("That comment can no longer be replied to.")
        raise Conflict(message, code="parent_unavailable")
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
        raise Invalid(message, fields={"nickname": message})
    return name


def _participant(
    participant: Participant | None, new_participant: Callable[[], Participant] | None
) -> Participant:
    """The acting participant, created now (every check has passed) when there is none."""
    if participant is not None:
        return participant
    if new_participant is None:
        raise Forbidden(_("You cannot comment in this stage."))
    return new_participant()


def post_comment(
    actor: Actor,
    participant: Participant | None,
    stage: Stage,
    new: NewComment,
    *,
    language: str | None = None,
    new_participant: Callable[[], Participant] | None = None,
) -> tuple[Comment, bool]:
    """Store ``new`` (a comment, or a reply with ``parent_id``) in ``stage``'s discussion.

    Returns ``(comment, created)``; ``created`` is False when ``client_id`` was already
    stored for this stage by the same participant (the earlier comment is returned).
    Raises ``Forbidden`` (not allowed), ``Conflict`` (client id of another, parent no longer
    open) or ``Invalid`` (no such parent, place outside the area, nickname missing).
    With ``participant`` None, ``new_participant`` is called to create one once every check
    has passed (so a refused comment creates nobody, and the first write comes last).
    """
    body, geometry, client_id = new.body, new.geometry, new.client_id
    nickname, official = new.nickname, new.official
    activity = discussion_of(stage)
    if client_id is not None:
        existing = _by_client_id(stage, client_id)
        if existing is not None:
            return _same_author(existing, participant), False
    if activity is None or not can(actor, Action.COMMENT, stage, activity=activity):
        raise _forbidden(actor, stage, activity)
    if official and not can(actor, Action.ANSWER_OFFICIALLY, stage):
        raise Forbidden(_("Only staff can answer on behalf of the municipality."))
    parent = _resolve_parent(stage, new.parent_id)
    comment = Comment(
        activity_id=activity.id,
        stage_id=stage.id,
        parent_id=parent.id if parent else None,
        body=body,
        language=language,
        client_id=client_id,
    )
    # Only many-to-one links: appending to parent.replies would cascade a failed insert.
    comment.activity, comment.stage = activity, stage
    _place(actor, stage, activity, geometry, comment)
    name = None if official else _nickname_to_set(participant, activity, nickname)
    participant = _participant(participant, new_participant)
    if name:
        participant.nickname = name
    comment.participant_id = participant.id
    if official and actor.user is not None:
        comment.is_official = True
        comment.author_user_id = actor.user.id
        comment.participant_id = None
    elif activity.moderation == ModerationMode.PRE and not is_staff_of(actor.user, stage):
        comment.status = CommentStatus.PENDING
    if not comment.is_official:
        screen_personal_data(comment)  # personal data: held back for moderation, or marked
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
    contribution_created.send(comment)
    if not comment.is_official:
        flag_personal_data(comment)
    _notify_pending(comment)
    if comment.status == CommentStatus.PUBLISHED:
        signals.comment_published.send(comment)
    return comment, True


def _notify_pending(comment: Comment) -> None:
    if comment.status == CommentStatus.PENDING:
        signals.comment_awaits_moderation.send(comment)


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
        sa.select(Comment).where(Comment.stage_id == stage.id, Comment.client_id == client_id)
    )


def _same_author(comment: Comment, participant: Participant | None) -> Comment:
    if participant is None or comment.participant_id != participant.id:
        raise Conflict(_("That client_id is already used for another comment."))
    return comment


def support(
    actor: Actor,
    participant: Participant | None,
    comment: Comment,
    *,
    new_participant: Callable[[], Participant] | None = None,
) -> Comment:
    """Add the participant's "Håller med" to ``comment``; returns it with the new count.

    Raises ``Forbidden`` when not allowed and ``Conflict`` when already supported. With
    ``participant`` None, ``new_participant`` creates one once the checks have passed.
    """
    if not can(actor, Action.SUPPORT, comment):
        raise Forbidden(_("You cannot support this comment."))
    if participant is not None and comment.participant_id == participant.id:
        raise Forbidden(_("You cannot support your own comment."), code="own_comment")
    participant = _participant(participant, new_participant)
    comments_changed(comment.stage_id)
    try:
        with db.session.begin_nested():
            db.session.add(Support(comment_id=comment.id, participant_id=participant.id))
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_("You already agree with this comment."), code="already_supported") from exc
    # Counted in SQL (supports_count + 1) so that two simultaneous supports are both counted.
    comment.supports_count = Comment.supports_count + 1
    db.session.flush()
    return comment


def withdraw_support(participant: Participant | None, comment: Comment) -> Comment:
    """Take back the participant's "Håller med"; nothing happens when there is none.
    Returns ``comment`` with its new count."""
    if participant is None:
        return comment
    support = db.session.scalar(
        sa.select(Support).where(
            Support.comment_id == comment.id, Support.participant_id == participant.id
        )
    )
    if support is None:
        return comment
    comments_changed(comment.stage_id)
    db.session.delete(support)
    # Counted in SQL, like adding one, so that simultaneous changes are all counted.
    comment.supports_count = Comment.supports_count - 1
    db.session.flush()
    return comment


def flag(
    actor: Actor,
    participant: Participant | None,
    comment: Comment,
    report: FlagComment,
    *,
    new_participant: Callable[[], Participant] | None = None,
) -> Flag:
    """Report ``comment`` to the moderators; returns the flag.

    Raises ``Forbidden`` when not allowed and ``Conflict`` when this participant already
    reported it. With ``participant`` None, ``new_participant`` creates one once allowed.
    """
    if not can(actor, Action.FLAG, comment):
        raise Forbidden(_("You cannot report this comment."))
    participant = _participant(participant, new_participant)
    item = Flag(
        comment_id=comment.id, participant_id=participant.id, reason=report.reason, note=report.note
    )
    try:
        with db.session.begin_nested():
            db.session.add(item)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            _("You have already reported this comment."), code="already_flagged"
        ) from exc
    comment.flags_count = Comment.flags_count + 1
    db.session.flush()
    signals.comment_flagged.send(item)
    return item


def edit(actor: Actor, comment: Comment, change: EditComment) -> Comment:
    """Change the text of the actor's own comment within the edit window, and its place if
    it has one; returns it.

    Raises ``Forbidden`` when it is not theirs or the window has passed, ``Invalid`` for a
    place outside the project area.
    """
    if not can(actor, Action.EDIT_COMMENT, comment):
        raise Forbidden(_("You can only edit your own comment, within 15 minutes of posting it."))
    comments_changed(comment.stage_id)
    if change.geometry is not None and comment.geometry is not None:
        # Only a placed comment moves: adding a place afterwards is not editing it.
        _place(actor, comment.stage, comment.activity, change.geometry, comment)
    changed = comment.body != change.body
    comment.body = change.body
    comment.edited_at = utcnow()
    if not comment.is_official:
        screen_personal_data(comment)
    db.session.flush()
    flag_personal_data(comment)
    if changed:
        contribution_edited.send(comment)
    return comment


def delete(actor: Actor, comment: Comment) -> Comment:
    """Soft-delete the actor's own comment: its text and place go, its replies stay.

    Raises ``Forbidden`` when it is not theirs.
    """
    if not can(actor, Action.DELETE_COMMENT, comment):
        raise Forbidden(_("You can only delete your own comment."))
    comments_changed(comment.stage_id)
    comment.deleted_at = utcnow()
    comment.body = ""
    comment.set_geometry(None)
    db.session.flush()
    from app.comments.photos.services import delete_of_comments

    delete_of_comments([comment.id])  # its photo goes with the text
    return comment


# --- answers to the projects domain (app/projects/signals.py) --------------------------------


def _count_comments(obj: Stage | Activity) -> tuple[str, int]:
    column = Comment.activity_id if isinstance(obj, Activity) else Comment.stage_id
    count = db.session.scalar(db.select(sa.func.count(Comment.id)).where(column == obj.id))
    return "comments", int(count or 0)


def _commenters(stage: Stage) -> sa.Select[Any]:
    return (
        sa.select(Participant.user_id)
        .join(Comment, Comment.participant_id == Participant.id)
        .where(Comment.stage_id == stage.id)
    )


def _photo_files(stage: Stage) -> list[str]:
    """The files of the photos on the stage's comments (the stage is being deleted)."""
    from app.comments.photos.models import Photo

    rows = db.session.execute(
        sa.select(Photo.path, Photo.thumb_path)
        .join(Comment, Comment.id == Photo.comment_id)
        .where(Comment.stage_id == stage.id)
    ).all()
    return [p for row in rows for p in row if p]


def subscribe() -> None:
    """Answer the projects domain's questions about comments (at app creation)."""
    project_signals.counting_contributions.connect(_count_comments)
    project_signals.deleting_stage.connect(_photo_files)
    project_signals.selecting_contributors.connect(_commenters)
