"""Photos on comments: check and clean an upload, store it with its comment, show it only
to those who may see the comment, remove it (moderator, author, erasure).

Checking and cleaning is ``app.core.images`` (shared with the photos on map markings); it
happens before the comment is written (:func:`prepare`), so a refused photo leaves nothing
behind. Files follow the transaction (``images.write_new``, ``images.unlink_after_commit``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa

from app.accounts.models import Participant, User
from app.audit.services import record
from app.comments.models import Comment, CommentStatus
from app.comments.photos.models import Photo
from app.core import images
from app.core.images import Prepared, read_upload
from app.core.models import utcnow
from app.core.permissions import Action, Actor, can
from app.extensions import db

__all__ = ["Prepared", "attach", "prepare", "read_upload", "remove"]


def max_bytes() -> int:
    return images.photo_max_bytes()


def prepare(data: bytes | None, alt: str | None) -> Prepared | None:
    """Check and clean an uploaded photo (``app.core.images.prepare_photo``); None when
    there is none. Errors name the ``photo`` and ``photo_alt`` fields."""
    return images.prepare_photo(data, alt, field="photo")


def root() -> Path:
    return images.upload_root()


def attach(comment: Comment, prepared: Prepared) -> Photo:
    """Store ``prepared`` as ``comment``'s photo (the comment is flushed). The files are
    removed again if the transaction rolls back."""
    photo = Photo(
        comment_id=comment.id, **images.store_photo(f"photos/{comment.stage_id}", prepared)
    )
    db.session.add(photo)
    db.session.flush()
    return photo


def files_of(photo: Photo) -> list[Path]:
    return [root() / p for p in (photo.path, photo.thumb_path) if p]


def path_of(photo: Photo, size: str) -> Path | None:
    relative = photo.thumb_path if size == "thumb" else photo.path
    return root() / relative if relative else None


def remove(photo: Photo, *, moderator: User, reason: str | None = None) -> None:
    """A moderator removes only the photo: its files go (after the commit), the row stays
    as the trace that there was one, and an audit row says who did it."""
    if photo.removed_at is not None:
        return
    images.unlink_after_commit([photo.path, photo.thumb_path])
    photo.path = photo.thumb_path = None
    photo.alt = None
    photo.removed_at = utcnow()
    photo.removed_by_id = moderator.id
    photo.removed_reason = (reason or "").strip()[:300] or None
    from app.comments.services import comments_changed

    comments_changed(photo.comment.stage_id)
    db.session.flush()
    record(
        "photo.remove",
        actor=moderator,
        organization_id=photo.comment.stage.project.organization_id,
        obj=photo.comment,
        reason=photo.removed_reason,
    )


def delete_of_comments(comment_ids: Iterable[int]) -> int:
    """Delete the photos (rows and files) of these comments: the author deleted a comment,
    or an erasure. Returns how many photos were deleted."""
    ids = list(comment_ids)
    if not ids:
        return 0
    return images.delete_photos(
        db.session.scalars(sa.select(Photo).where(Photo.comment_id.in_(ids))).all()
    )


def delete_of_participant(participant: Participant) -> int:
    """Delete every photo on the participant's comments (any organization)."""
    ids = db.session.scalars(sa.select(Comment.id).where(Comment.participant_id == participant.id))
    return delete_of_comments(ids)


def is_public(photo: Photo) -> bool:
    """Would anyone who may see the stage see this photo?"""
    comment = photo.comment
    return (
        photo.removed_at is None
        and comment.deleted_at is None
        and comment.status == CommentStatus.PUBLISHED
    )


def may_see(actor: Actor, participant: Participant | None, photo: Photo) -> bool:
    """May this viewer see the photo? Those who may see the stage, once the comment is
    published; the author while it waits for approval; moderators of the stage always (the
    queue shows hidden and pending comments' photos). Never once removed or deleted."""
    comment = photo.comment
    if photo.removed_at is not None or comment.deleted_at is not None:
        return False
    if not can(actor, Action.VIEW, comment.stage):
        return False
    if comment.status == CommentStatus.PUBLISHED:
        return True
    own = participant is not None and comment.participant_id == participant.id
    if comment.status == CommentStatus.PENDING and own:
        return True
    return can(actor, Action.MODERATE, comment)
