"""The photo files, served only to those who may see them, and a moderator's removal of a
photo (without the comment)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.participants import current_participant
from app.comments.photos import bp, services
from app.comments.photos.models import Photo
from app.core.auth import login_required
from app.core.forms import FlaskForm
from app.core.permissions import Action, actor_from, require_staff
from app.core.security import safe_next
from app.extensions import db


@bp.app_template_global("photo_url")
def photo_url(photo: Photo, size: str = "thumb") -> str:
    return url_for("photos.image", photo_id=photo.id, token=photo.token, size=size)


@bp.get("/photos/<int:photo_id>/<token>/<any(thumb, full):size>.jpg")
def image(photo_id: int, token: str, size: str) -> Any:
    """A photo or its thumbnail: 404 unless the viewer may see the comment (a pending
    comment's photo is its author's and the moderators' until approved; a hidden or
    deleted comment's, or a removed photo, nobody's)."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.token != token:
        abort(404)
    participant = current_participant()
    if not services.may_see(actor_from(current_user, participant), participant, photo):
        abort(404)
    path = services.path_of(photo, size)
    if path is None or not path.is_file():
        abort(404)
    # Read whole (a thumbnail is a few kB, a photo a few hundred): no file handle outlives
    # the request.
    response = Response(path.read_bytes(), mimetype="image/jpeg")
    response.add_etag()
    response.make_conditional(request)
    # Only the viewer's browser may keep it, briefly: a photo hidden later must not linger
    # in a shared cache, and one not yet public is not kept at all.
    response.headers["Cache-Control"] = (
        "private, max-age=600" if services.is_public(photo) else "private, no-store"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/manage/moderation/<int:comment_id>/photo/remove")
@login_required
def remove(comment_id: int) -> Any:
    """A moderator removes the photo of a comment and keeps the comment."""
    photo = db.session.scalar(db.select(Photo).where(Photo.comment_id == comment_id))
    require_staff(actor_from(current_user), Action.MODERATE, photo.comment if photo else None)
    assert photo is not None  # noqa: S101 - require_staff aborted otherwise
    if not FlaskForm().validate():
        abort(400)
    services.remove(photo, moderator=current_user, reason=request.form.get("reason"))
    flash(_("The photo was removed. The comment stays."), "success")
    back = safe_next(request.form.get("next"), url_for("moderation.queue"))
    return redirect(back, code=303)
