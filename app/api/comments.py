"""JSON API v1: a stage's comments (DESIGN.md section 8).

- ``GET /stages/<id>/comments?bbox=minLon,minLat,maxLon,maxLat``: a GeoJSON
  FeatureCollection of the published comments placed in the box, with an ETag (304 on a
  matching ``If-None-Match``). Without ``bbox``: ``{"comments", "page", "pages", "total"}``.
- ``POST /stages/<id>/comments`` ``{body, geometry?, parent_id?, client_id}``: 201 with the
  comment; 200 with the same body when ``client_id`` was already stored for the stage.
  Errors: 400 malformed, 403 not allowed (closed stage, policy), 404 unknown stage or parent
  not visible, 409 ``client_id`` used by someone else or parent no longer open, 422 invalid.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from typing import Any

from flask import Response, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.comments import queries, services
from app.comments.models import Comment
from app.core.errors import api_error
from app.core.geo import GeometryError, parse_bbox
from app.core.i18n import current_language
from app.core.participants import current_participant
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


#: Recently built map GeoJSON by (stage, box, version), per application (so per database):
#: residents looking at the same map get the same bytes without rebuilding them. Small and per
#: process; the version in the key keeps it fresh.
_MAP_CACHE_SIZE = 16
_MAP_CACHE_LOCK = threading.Lock()


def _map_cache() -> OrderedDict[tuple[Any, ...], tuple[bytes, str]]:
    cache: OrderedDict[tuple[Any, ...], tuple[bytes, str]]
    cache = current_app.extensions.setdefault("platsdialog_map_cache", OrderedDict())
    return cache


def _feature_collection(stage: Stage, bbox: tuple[float, float, float, float]) -> Any:
    # The ETag comes from a one-query fingerprint of the comments in the box, so an
    # unchanged map answers 304 (or from the cache) without reading and encoding every comment.
    key = (stage.id, bbox, queries.map_version(stage.id, bbox))
    etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    if etag in request.if_none_match:
        return _geojson_response(b"", etag, status=304)
    cache = _map_cache()
    with _MAP_CACHE_LOCK:
        cached = cache.get(key)
        if cached is not None:
            cache.move_to_end(key)
    if cached is None:
        cached = (_build_collection(stage, bbox), etag)
        with _MAP_CACHE_LOCK:
            cache[key] = cached
            while len(cache) > _MAP_CACHE_SIZE:
                cache.popitem(last=False)
    return _geojson_response(cached[0], etag)


def _geojson_response(payload: bytes, etag: str, status: int = 200) -> Response:
    response = Response(payload, status=status, mimetype="application/geo+json")
    response.set_etag(etag)
    # Browsers must ask again (the ETag makes that cheap); shared caches must not keep it.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _build_collection(stage: Stage, bbox: tuple[float, float, float, float]) -> bytes:
    rows = queries.in_bbox(stage.id, bbox)
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row.id,
                "geometry": queries.point_of(row),
                "properties": {
                    "id": row.id,
                    "body": row.body,
                    "created_at": _iso(row.created_at),
                    "supports": row.supports_count,
                    "official": row.is_official,
                    "parent_id": row.parent_id,
                },
            }
            for row in rows
        ],
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def _field_error(message: str, name: str) -> Any:
    return api_error(422, message, fields={name: message})


@bp.post("/stages/<int:stage_id>/comments")
def create_comment(stage_id: int) -> Any:
    """Post a comment (idempotent by ``client_id``)."""
    if request.content_length is not None and request.content_length > MAX_REQUEST_BYTES:
        return api_error(413)
    stage = _visible_stage(stage_id)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return api_error(400, _("Send a JSON object."))
    unknown = set(data) - {"body", "geometry", "parent_id", "client_id"}
    if unknown:
        message = _("Unknown fields: %(names)s.", names=", ".join(sorted(unknown)))
        return api_error(422, message, fields={name: message for name in unknown})
    if data.get("client_id") in (None, ""):
        return _field_error(_("client_id is required."), "client_id")
    geometry = data.get("geometry")
    if geometry is not None and not isinstance(geometry, dict):
        return _field_error(_("geometry must be a GeoJSON Point."), "geometry")
    parent = None
    parent_id = data.get("parent_id")
    if parent_id is not None:
        if isinstance(parent_id, bool) or not isinstance(parent_id, int):
            return _field_error(_("parent_id must be a comment id."), "parent_id")
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.stage_id != stage.id:
            return _field_error(_("There is no such comment in this stage."), "parent_id")
    participant = current_participant(create=True)
    if participant is None:  # pragma: no cover - create=True always gives one
        abort(500)
    try:
        comment, created = services.post_comment(
            actor_from(current_user, participant),
            participant,
            stage,
            body=data.get("body"),
            geometry=geometry,
            parent=parent,
            client_id=services.valid_client_id(data.get("client_id")),
            language=current_language(),
        )
    except services.CommentError as exc:
        return api_error(exc.status, exc.message, code=exc.code, fields=exc.fields)
    return jsonify(comment_document(comment)), 201 if created else 200
