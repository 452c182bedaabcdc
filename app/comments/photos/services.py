"""Photos on comments: check and clean an upload, store it with its comment, show it only
to those who may see the comment, remove it (moderator, author, erasure).

An upload is sniffed from its bytes (JPEG, PNG or WebP; the name and the browser's type are
ignored), decoded, turned upright by its EXIF orientation and re-encoded as a JPEG without
any metadata (no EXIF, no GPS, no ICC profile), at most ``PHOTO_MAX_SIDE`` pixels on its long
side, with a thumbnail of at most ``PHOTO_THUMB_SIDE``. Checking happens before the comment is
written (:func:`prepare`), so a refused photo leaves nothing behind.

Files follow the transaction: a file written by a transaction that rolls back is removed,
and a file of a deleted photo is removed once the deletion is committed.
"""

from __future__ import annotations

import io
import secrets
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event

from app.accounts.models import Participant, User
from app.audit.services import record
from app.comments.models import Comment, CommentStatus
from app.comments.photos.models import Photo
from app.core.errors import Invalid, TooLarge
from app.core.models import utcnow
from app.core.permissions import Action, Actor, can
from app.extensions import db

#: The formats accepted, by what Pillow reads in the bytes.
FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MAX_ALT = 300
_NEW_FILES = "pd_photo_new_files"
_GONE_FILES = "pd_photo_gone_files"
_listening = False


@dataclass
class Prepared:
    """A checked, cleaned photo waiting for its comment to be stored."""

    full: bytes
    thumb: bytes
    width: int
    height: int
    thumb_width: int
    thumb_height: int
    alt: str | None


def _refuse(message: str, code: str = "photo_invalid") -> Invalid:
    return Invalid(message, code=code, fields={"photo": message})


def max_bytes() -> int:
    return int(current_app.config["PHOTO_MAX_BYTES"])


def read_upload(storage: Any) -> bytes | None:
    """The bytes of an uploaded file (a werkzeug ``FileStorage``), None when no file was
    chosen; reads at most one byte more than the limit, so an oversize file is not kept."""
    if storage is None or not getattr(storage, "filename", ""):
        return None
    try:
        data = bytes(storage.stream.read(max_bytes() + 1))
    finally:
        storage.close()
    return data or None


def _jpeg(image: Any, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, no icc_profile=: Pillow writes none of the original's metadata.
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def prepare(data: bytes | None, alt: str | None) -> Prepared | None:
    """Check and clean an uploaded photo; None when there is none.

    Raises ``TooLarge`` (over ``PHOTO_MAX_BYTES``) or ``Invalid`` (not a JPEG, PNG or WebP
    image, too many pixels, description too long), each with the message on ``photo``
    (``photo_alt`` for the description).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        return None
    config = current_app.config
    if len(data) > max_bytes():
        message = _("The photo is too large (at most %(mb)s MB).", mb=max_bytes() // (1024 * 1024))
        raise TooLarge(message, code="photo_too_large", fields={"photo": message})
    text = " ".join((alt or "").split()) or None
    if text is not None and len(text) > MAX_ALT:
        message = _("The description is too long (at most %(n)s characters).", n=MAX_ALT)
        raise Invalid(message, fields={"photo_alt": message})
    # Lazy: the demo seeds photos outside any request, where no locale is chosen.
    wrong_type = _l("Choose a photo in JPEG, PNG or WebP format.")
    too_many = _l("The photo has too many pixels. Choose a smaller one.")
    max_pixels = int(config.get("COVER_MAX_PIXELS", 40_000_000))
    side, thumb_side = int(config["PHOTO_MAX_SIDE"]), int(config["PHOTO_THUMB_SIDE"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                width, height = probe.size
                if kind not in FORMATS:
                    raise _refuse(str(wrong_type))
                if width * height > max_pixels:
                    raise _refuse(str(too_many))
                probe.verify()
            with Image.open(io.BytesIO(data)) as original:
                if kind == "JPEG":
                    original.draft("RGB", (side, side))  # decode at a reduced size
                # Upright first: the orientation lives in the EXIF that is dropped.
                image = ImageOps.exif_transpose(original)
                if image.mode in ("RGBA", "LA", "P"):
                    image = image.convert("RGBA")
                    flat = Image.new("RGB", image.size, (255, 255, 255))
                    flat.paste(image, mask=image.getchannel("A"))
                    image = flat
                image = image.convert("RGB")
                image.thumbnail((side, side), Image.Resampling.LANCZOS)
                full = _jpeg(image, 82)
                thumb_image = image.copy()
                thumb_image.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
                thumb = _jpeg(thumb_image, 75)
    except Invalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse(str(too_many)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse(str(wrong_type)) from exc
    return Prepared(
        full=full,
        thumb=thumb,
        width=image.width,
        height=image.height,
        thumb_width=thumb_image.width,
        thumb_height=thumb_image.height,
        alt=text,
    )


def root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def attach(comment: Comment, prepared: Prepared) -> Photo:
    """Store ``prepared`` as ``comment``'s photo (the comment is flushed). The files are
    removed again if the transaction rolls back."""
    token = secrets.token_hex(16)
    folder = f"photos/{comment.stage_id}"
    photo = Photo(
        comment_id=comment.id,
        token=token,
        path=f"{folder}/{token}.jpg",
        thumb_path=f"{folder}/{token}.thumb.jpg",
        width=prepared.width,
        height=prepared.height,
        thumb_width=prepared.thumb_width,
        thumb_height=prepared.thumb_height,
        size=len(prepared.full),
        alt=prepared.alt,
    )
    base = root()
    (base / folder).mkdir(parents=True, exist_ok=True)
    written = []
    for relative, content in ((photo.path, prepared.full), (photo.thumb_path, prepared.thumb)):
        assert relative is not None  # noqa: S101 - set just above
        target = base / relative
        target.write_bytes(content)
        written.append(target)
    _track(_NEW_FILES, written)
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
    _track(_GONE_FILES, files_of(photo))
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
    photos = list(db.session.scalars(sa.select(Photo).where(Photo.comment_id.in_(ids))))
    for photo in photos:
        _track(_GONE_FILES, files_of(photo))
        db.session.delete(photo)
    db.session.flush()
    return len(photos)


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


# --- files follow the transaction ---------------------------------------------------------


def _track(key: str, paths: Iterable[Path]) -> None:
    global _listening
    db.session.info.setdefault(key, []).extend(paths)
    if _listening:
        return

    def after_commit(session: Any) -> None:
        session.info.pop(_NEW_FILES, None)
        for path in session.info.pop(_GONE_FILES, []):
            path.unlink(missing_ok=True)

    def after_soft_rollback(session: Any, previous: Any) -> None:
        if previous.parent is not None:
            return
        session.info.pop(_GONE_FILES, None)
        for path in session.info.pop(_NEW_FILES, []):
            path.unlink(missing_ok=True)

    event.listen(db.session, "after_commit", after_commit)
    event.listen(db.session, "after_soft_rollback", after_soft_rollback)
    _listening = True
