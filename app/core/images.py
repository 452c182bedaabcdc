"""Uploaded images and the files of uploads (docs/photos.md).

One place opens an uploaded image, whatever it becomes (a resident's photo, a project's
cover, an organization's logo, a stage's plan map): :func:`open_image` sniffs the format from
the bytes (the name and the browser's type are ignored) among those the caller allows,
refuses too many pixels from the header before decoding (and Pillow's decompression-bomb
warning), decodes and turns the image upright by its EXIF orientation. Each caller keeps its
own output and its own words for a refusal (:class:`ImageRefused`); :func:`encode` writes an
image again without the original's EXIF.

A resident's photo (:func:`prepare_photo`, for a comment or a marking in a map answer) is
re-encoded as a JPEG without any metadata (no EXIF, no GPS, no ICC profile), at most
``PHOTO_MAX_SIDE`` pixels on the long side, with a thumbnail of at most ``PHOTO_THUMB_SIDE``.

Files under ``UPLOAD_DIR`` follow the database transaction: a file written by a transaction
that rolls back is removed again (:func:`write_new`), and a file whose row went away is
removed once that is committed (:func:`unlink_after_commit`), never before.
"""

from __future__ import annotations

import io
import secrets
import warnings
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event

from app.core.errors import Invalid, TooLarge
from app.core.extensions import db

if TYPE_CHECKING:
    from PIL.Image import Image

#: The formats accepted, by what Pillow reads in the bytes.
FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
#: The longest description (alt text) a resident may write for a photo.
MAX_ALT = 300
_NEW_FILES = "pd_upload_new_files"
_GONE_FILES = "pd_upload_gone_files"
_listening = False


@dataclass
class Prepared:
    """A checked, cleaned photo waiting for the row it belongs to."""

    full: bytes
    thumb: bytes
    width: int
    height: int
    thumb_width: int
    thumb_height: int
    alt: str | None


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def photo_max_bytes() -> int:
    return int(current_app.config["PHOTO_MAX_BYTES"])


def read_upload(storage: Any) -> bytes | None:
    """The bytes of an uploaded file (a werkzeug ``FileStorage``), None when no file was
    chosen; reads at most one byte more than the photo limit, so an oversize file is not
    kept in memory."""
    if storage is None or not getattr(storage, "filename", ""):
        return None
    try:
        data = bytes(storage.stream.read(photo_max_bytes() + 1))
    finally:
        storage.close()
    return data or None


def _jpeg(image: Any, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, no icc_profile=: Pillow writes none of the original's metadata.
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def clean_alt(alt: str | None, field: str = "photo_alt") -> str | None:
    """A photo's description with its white space folded; None when empty."""
    text = " ".join((alt or "").split()) or None
    if text is not None and len(text) > MAX_ALT:
        message = _("The description is too long (at most %(n)s characters).", n=MAX_ALT)
        raise Invalid(message, fields={field: message})
    return text


class ImageRefused(Exception):
    """An upload refused by :func:`open_image`: ``reason`` is ``"wrong_type"`` (not an image
    of an allowed format) or ``"too_many_pixels"``. The caller words it for its own field."""

    def __init__(self, reason: Literal["wrong_type", "too_many_pixels"]) -> None:
        super().__init__(reason)
        self.reason = reason


def open_image(
    data: bytes,
    formats: Collection[str] = FORMATS,
    *,
    max_pixels: int | None = None,
    draft_side: int | None = None,
) -> tuple[Image, str]:
    """Sniff, check and decode an uploaded image; returns it, upright, with its format.

    The format is Pillow's reading of the bytes and must be one of ``formats`` (names as
    Pillow gives them: ``JPEG``, ``PNG``, ``WEBP``). An image of more than ``max_pixels``
    (default ``COVER_MAX_PIXELS``) is refused from its header, before any decoding: a small
    file can declare a huge image. A JPEG is decoded at a reduced size when ``draft_side``
    allows it. The EXIF orientation is applied here, as every caller drops the EXIF when it
    encodes. Raises :class:`ImageRefused`.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if max_pixels is None:
        max_pixels = int(current_app.config.get("COVER_MAX_PIXELS", 40_000_000))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format or ""
                width, height = probe.size
                if kind not in formats:
                    raise ImageRefused("wrong_type")
                if width * height > max_pixels:
                    raise ImageRefused("too_many_pixels")
                probe.verify()
            with Image.open(io.BytesIO(data)) as original:
                if kind == "JPEG" and draft_side:
                    original.draft("RGB", (draft_side, draft_side))  # decode at a reduced size
                # Upright first: the orientation lives in the EXIF that is dropped. This is a
                # decoded copy, usable once the file is closed.
                image = ImageOps.exif_transpose(original)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused("too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRefused("wrong_type") from exc
    return image, kind


def encode(image: Image, kind: str, box: tuple[int, int], *, quality: int = 85) -> bytes:
    """``image`` scaled down (in place) to fit ``box`` and encoded as ``kind`` (``JPEG``,
    ``PNG`` or ``WEBP``) without the original's EXIF; a PNG keeps its transparency."""
    from PIL import Image

    image.thumbnail(box, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)
    elif kind == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=quality)
    return out.getvalue()


def prepare_photo(data: bytes | None, alt: str | None, *, field: str = "photo") -> Prepared | None:
    """Check and clean an uploaded photo; None when there is none.

    Raises ``TooLarge`` (over ``PHOTO_MAX_BYTES``) or ``Invalid`` (not a JPEG, PNG or WebP
    image, too many pixels, description too long), each with its message on ``field``
    (``<field>_alt`` for the description).
    """
    from PIL import Image

    if not data:
        return None
    config = current_app.config
    if len(data) > photo_max_bytes():
        message = _(
            "The photo is too large (at most %(mb)s MB).", mb=photo_max_bytes() // (1024 * 1024)
        )
        raise TooLarge(message, code="photo_too_large", fields={field: message})
    text = clean_alt(alt, f"{field}_alt")
    # Lazy: the demo seeds photos outside any request, where no locale is chosen.
    wrong_type = _l("Choose a photo in JPEG, PNG or WebP format.")
    too_many = _l("The photo has too many pixels. Choose a smaller one.")

    def refuse(message: Any) -> Invalid:
        return Invalid(str(message), code="photo_invalid", fields={field: str(message)})

    max_pixels = int(config.get("COVER_MAX_PIXELS", 40_000_000))
    side, thumb_side = int(config["PHOTO_MAX_SIDE"]), int(config["PHOTO_THUMB_SIDE"])
    try:
        image, _kind = open_image(data, FORMATS, max_pixels=max_pixels, draft_side=side)
    except ImageRefused as exc:
        raise refuse(too_many if exc.reason == "too_many_pixels" else wrong_type) from exc
    try:
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
    except (OSError, ValueError) as exc:
        raise refuse(wrong_type) from exc
    return Prepared(
        full=full,
        thumb=thumb,
        width=image.width,
        height=image.height,
        thumb_width=thumb_image.width,
        thumb_height=thumb_image.height,
        alt=text,
    )


def store_photo(folder: str, prepared: Prepared) -> dict[str, Any]:
    """Write a cleaned photo and its thumbnail under ``folder`` with a random token (files
    follow the transaction); returns the columns of its row: token, paths, sizes, alt."""
    token = secrets.token_hex(16)
    path, thumb_path = f"{folder}/{token}.jpg", f"{folder}/{token}.thumb.jpg"
    write_new(path, prepared.full)
    write_new(thumb_path, prepared.thumb)
    return {
        "token": token,
        "path": path,
        "thumb_path": thumb_path,
        "width": prepared.width,
        "height": prepared.height,
        "thumb_width": prepared.thumb_width,
        "thumb_height": prepared.thumb_height,
        "size": len(prepared.full),
        "alt": prepared.alt,
    }


# --- files follow the transaction ---------------------------------------------------------


def write_new(relative: str, data: bytes) -> Path:
    """Write an upload under ``UPLOAD_DIR``; removed again if the transaction rolls back.
    ``relative`` must be a fresh name: a rollback deletes what is there."""
    target = write_derived(relative, data)
    _track(_NEW_FILES, [target])
    return target


def write_derived(relative: str, data: bytes) -> Path:
    """Write a file made from an upload (a smaller copy) under ``UPLOAD_DIR``. Not tied to
    the transaction: it is made again whenever it is missing."""
    target = upload_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def unlink_after_commit(relatives: Iterable[str | None]) -> None:
    """Delete these uploads once the change that dropped them is committed (never before: a
    rollback would leave a row pointing at a deleted file)."""
    _track(_GONE_FILES, [upload_root() / r for r in relatives if r])


def delete_photos(photos: Iterable[Any]) -> int:
    """Delete these photo rows (``PhotoMixin``; flushed) and, once that is committed, their
    files. Returns how many were deleted."""
    count = 0
    for photo in photos:
        unlink_after_commit([photo.path, photo.thumb_path])
        db.session.delete(photo)
        count += 1
    db.session.flush()
    return count


def _track(key: str, paths: Iterable[Path]) -> None:
    global _listening
    db.session.info.setdefault(key, []).extend(paths)
    if _listening:
        return

    def after_commit(session: Any) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released, not the commit: the transaction may still roll back
        session.info.pop(_NEW_FILES, None)
        for path in session.info.pop(_GONE_FILES, []):
            path.unlink(missing_ok=True)

    def after_soft_rollback(session: Any, previous: Any) -> None:
        if previous.parent is not None:  # a savepoint, not the whole transaction
            return
        session.info.pop(_GONE_FILES, None)
        for path in session.info.pop(_NEW_FILES, []):
            path.unlink(missing_ok=True)

    event.listen(db.session, "after_commit", after_commit)
    event.listen(db.session, "after_soft_rollback", after_soft_rollback)
    _listening = True
