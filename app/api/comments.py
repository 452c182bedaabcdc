"""JSON API v1: a stage's comments (docs/design.md section 8).

- ``GET /stages/<id>/comments?bbox=minLon,minLat,maxLon,maxLat``: a GeoJSON
  FeatureCollection of the published comments placed in the box, with an ETag (304 on a
  matching ``If-None-Match``); Flask-Compress (or the proxy) compresses it.
  Without ``bbox``: ``{"comments", "page", "pages", "total"}``.
- ``POST /stages/<id>/comments`` ``{body, geometry?, parent_id?, client_id, nickname?}``: 201
  with the comment; 200 with the same body when ``client_id`` was already stored for the stage.
  The body is the ``NewComment`` schema (``app/comments/schemas.py``), as for the page's form.
  Errors: 400 malformed, 403 not allowed (closed stage, policy), 404 unknown stage,
  409 ``client_id`` used by someone else or parent no longer open, 422 invalid (also an
  unknown parent).
  As ``multipart/form-data`` (the offline outbox sending a photo): the same JSON in the part
  ``comment``, the file in ``photo`` and its description in ``photo_alt`` (docs/photos.md);
  413 when the photo is over ``PHOTO_MAX_BYTES``, 422 when it is not a JPEG, PNG or WebP.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Response, abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.participants import created_participant, current_participant
from app.api import bp
from app.comments import queries, services
from app.comments.models import Comment
from app.comments.photos import services as photos
from app.comments.schemas import NewComment
from app.core.errors import api_error
from app.core.geo import GeometryError, parse_bbox
from app.core.i18n import current_language
from app.core.permissions import Action, actor_from, require
from app.extensions import db
from app.projects.models import Stage

PER_PAGE = 50
MAX_PAGE_SIZE = 200
#: A comment request needs no more than this (2,000 characters and a point).
MAX_REQUEST_BYTES = 64 * 1024


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def comment_document(comment: Comment) -> dict[str, Any]:
    """A comment as the API returns it."""
    return {
        "id": comment.id,
        "stage_id": comment.stage_id,
        "parent_id": comment.parent_id,
        "body": comment.body,
        "geometry": comment.geometry,
        "status": comment.status.value,
        "created_at": _iso(comment.created_at),
        "edited_at": _iso(comment.edited_at),
        "supports": comment.supports_count,
        "official": comment.is_official,
        "client_id": comment.client_id,
        "photo": _photo_document(comment),
    }


def _photo_document(comment: Comment) -> dict[str, Any] | None:
    """The comment's photo (thumbnail and full size URLs, description), when public."""
    photo = getattr(comment, "photo", None)
    if photo is None or not photos.is_public(photo):
        return None
    from app.comments.photos.routes import photo_url

    return {
        "thumbnail": photo_url(photo, "thumb"),
        "url": photo_url(photo, "full"),
        "alt": photo.alt,
    }


def _visible_stage(stage_id: int) -> Stage:
    stage = db.session.get(Stage, stage_id)
    if stage is None:
        abort(404)
    require(actor_from(current_user, current_participant()), Action.VIEW, stage)
    return stage


def _page() -> int:
    raw = request.args.get("page", "1")
    try:
        page = int(raw)
    except ValueError:
        abort(400, description=_("page must be a positive whole number."))
    if page < 1:
        abort(400, description=_("page must be a positive whole number."))
    return page


@bp.get("/stages/<int:stage_id>/comments")
def stage_comments(stage_id: int) -> Any:
    """The stage's published comments: GeoJSON in a bounding box, or a paginated list."""
    stage = _visible_stage(stage_id)
    bbox_text = request.args.get("bbox")
    if bbox_text is not None:
        try:
            bbox = parse_bbox(bbox_text)
        except GeometryError as exc:
            return api_error(400, exc.message, code=exc.code, fields={"bbox": exc.message})
        return _feature_collection(stage, bbox)
    page = _page()
    items, total = queries.published_page(stage.id, page, PER_PAGE)
    return jsonify(
        {
            "comments": [comment_document(c) for c in items],
            "page": page,
            "pages": max(1, math.ceil(total / PER_PAGE)),
            "total": total,
        }
    )


GEOJSON = "application/geo+json"
#: Part of the ETag: raise it when the map's GeoJSON changes shape, so that browsers holding
#: a map in the old shape fetch it again.
MAP_FORMAT = 2


def map_etag(stage: Stage) -> str:
    """The stage map's ETag: the stage's count of comment changes (``comments_revision``,
    bumped in the transaction of every change), so every worker gives the same tag and a
    304 needs no comment read. The same for every box (an ETag belongs to one URL). The
    stage's creation time tells a stage of a reset database (say, the demo seeded again)
    from the one a browser saw under the same id."""
    created = int(stage.created_at.timestamp() * 1_000_000)
    return f"map{MAP_FORMAT}-{stage.id}-{created}-{stage.comments_revision}"


def _feature_collection(stage: Stage, bbox: tuple[float, float, float, float]) -> Any:
    etag = map_etag(stage)
    # Weak: a compressed answer (Flask-Compress or a proxy) is the same map, and Flask-Compress
    # leaves a weak tag as it is, so the tag a browser sends back matches either way.
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = Response(queries.map_geojson(stage.id, bbox), mimetype=GEOJSON)
    response.set_etag(etag, weak=True)
    # Browsers must ask again (the ETag makes that cheap); shared caches must not keep it.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/stages/<int:stage_id>/comments")
def create_comment(stage_id: int) -> Any:
    """Post a comment (idempotent by ``client_id``); refusals are the services' domain errors,
    answered as JSON errors by ``app/core/errors.py``."""
    multipart = request.mimetype == "multipart/form-data"
    limit = MAX_REQUEST_BYTES + (photos.max_bytes() + 64 * 1024 if multipart else 0)
    if request.content_length is not None and request.content_length > limit:
        return api_error(413)
    stage = _visible_stage(stage_id)
    photo = None
    if multipart:
        # With a photo (the offline outbox): the comment's JSON in "comment", the file in
        # "photo", its description in "photo_alt"; checked before anything is written.
        new = NewComment.parse(_json_part(request.form.get("comment")))
        photo = photos.prepare(
            photos.read_upload(request.files.get("photo")), request.form.get("photo_alt")
        )
    else:
        new = NewComment.parse(request.get_json(silent=True))
    participant = current_participant()
    comment, created = services.post_comment(
        actor_from(current_user, participant),
        participant,
        stage,
        new,
        language=current_language(),
        new_participant=created_participant,
    )
    if created and photo is not None:
        photos.attach(comment, photo)
    return jsonify(comment_document(comment)), 201 if created else 200


def _json_part(text: str | None) -> Any:
    try:
        return json.loads(text or "")
    except ValueError:
        return None
