"""The photos of marked places in map answers, served only to those who may see them
(``app.surveys.photos``): the resident who sent them and staff who may read individual
responses. Staff reading one is audited with the response it belongs to."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, request, url_for
from flask_login import current_user

from app.accounts.participants import current_participant
from app.audit.services import record
from app.core.permissions import actor_from
from app.extensions import db
from app.surveys import bp
from app.surveys import photos as services
from app.surveys.models import MarkingPhoto


@bp.app_template_global("marking_photo_url")
def marking_photo_url(photo: MarkingPhoto, size: str = "thumb") -> str:
    return url_for("surveys.marking_photo", photo_id=photo.id, token=photo.token, size=size)


@bp.get("/s/photos/<int:photo_id>/<token>/<any(thumb, full):size>.jpg")
def marking_photo(photo_id: int, token: str, size: str) -> Any:
    """A marking's photo or its thumbnail: 404 unless the viewer may see it."""
    photo = db.session.get(MarkingPhoto, photo_id)
    if photo is None or photo.token != token:
        abort(404)
    participant = current_participant()
    actor = actor_from(current_user, participant)
    if not services.may_see(actor, participant, photo):
        abort(404)
    path = services.path_of(photo, size)
    if not path.is_file():
        abort(404)
    response = photo.feature.answer.response
    own = participant is not None and response.participant_id == participant.id
    if not own and size == "full":
        # Opening a resident's photo is reading their response (thumbnails come with the
        # response page, which is audited itself).
        record(
            "response.photo_view",
            actor=current_user,
            organization_id=response.survey.organization_id,
            obj=response,
            survey_id=response.survey_id,
        )
        db.session.commit()
    body = Response(path.read_bytes(), mimetype="image/jpeg")
    body.add_etag()
    body.make_conditional(request)
    # Personal data: only the viewer's browser keeps it, briefly; no shared cache.
    body.headers["Cache-Control"] = "private, max-age=600"
    body.headers["X-Content-Type-Options"] = "nosniff"
    return body
