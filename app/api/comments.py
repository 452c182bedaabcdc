"""JSON API v1: a stage's comments (DESIGN.md section 8).

- ``GET /stages/<id>/comments?bbox=minLon,minLat,maxLon,maxLat``: a GeoJSON
  FeatureCollection of the published comments placed in the box, with an ETag (304 on a
  matching ``If-None-Match``), compressed here (br or gzip) when the client accepts it.
  Without ``bbox``: ``{"comments", "page", "pages", "total"}``.
- ``POST /stages/<id>/comments`` ``{body, geometry?, parent_id?, client_id, nickname?}``: 201
  with the comment; 200 with the same body when ``client_id`` was already stored for the stage.
  The body is the ``NewComment`` schema (``app/comments/schemas.py``), as for the page's form.
  Errors: 400 malformed, 403 not allowed (closed stage, policy), 404 unknown stage,
  409 ``client_id`` used by someone else or parent no longer open, 422 invalid (also an
  unknown parent).
"""

from __future__ import annotations

import gzip
import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

import brotli  # type: ignore[import-untyped]
from flask import Response, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.comments import queries, services
from app.comments.models import Comment
from app.comments.schemas import NewComment
from app.core.errors import api_error
from app.core.geo import GeometryError, parse_bbox
from app.core.i18n import current_language
from app.core.participants import created_participant, current_participant
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


GEOJSON = "application/geo+json"

#: Recently built map GeoJSON by (stage, box), per application (so per database): residents
#: looking at the same map get the same bytes without rebuilding them. Small and per process;
#: every request checks the entry against the database's ``map_version`` first, so each gunicorn
#: worker stays correct on its own.
_MAP_CACHE_SIZE = 16
_MAP_CACHE_LOCK = threading.Lock()

_COLLECTION_HEAD = b'{"type":"FeatureCollection","features":['
_COLLECTION_TAIL = b"]}"
_FEATURE = (
    '{"type":"Feature","id":%d,"geometry":%s,"properties":{"id":%d,"body":%s,'
    '"created_at":"%s","supports":%d,"official":%s,"parent_id":%s}}'
)

#: Content codings the map answers compressed itself, once per built map (Flask-Compress
#: would compress the same megabytes again on every request, 304s included). Fast levels, as a
#: new comment means compressing again: for 10,000 comments (3 MB) brotli 1 took 4 ms for
#: 254 KiB where brotli 4 took 15 ms for 252 KiB; gzip 1 took 9 ms for 324 KiB, gzip 6 23 ms
#: for 287 KiB (browsers on HTTPS ask for br).
_ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "br": lambda data: brotli.compress(data, quality=1),
    "gzip": lambda data: gzip.compress(data, compresslevel=1, mtime=0),
}


@dataclass
class _MapEntry:
    """The GeoJSON of a box, with the fingerprint of exactly the comments in it."""

    version: queries.MapVersion
    #: The highest comment id in it (0 when empty): newer comments can be appended.
    max_id: int
    payload: bytes
    #: The payload compressed, by content coding, made when first asked for.
    encoded: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[queries.MapRow]) -> _MapEntry:
        features, version, max_id = _features(rows)
        return cls(version, max_id, _COLLECTION_HEAD + features + _COLLECTION_TAIL)

    def extended(self, rows: Iterable[queries.MapRow]) -> _MapEntry:
        """This entry with ``rows`` (all with higher ids) appended."""
        features, added, max_id = _features(rows)
        if not max_id:
            return self
        head = self.payload[: -len(_COLLECTION_TAIL)] + (b"," if self.version[0] else b"")
        version = queries.combine_versions(self.version, added)
        return _MapEntry(version, max_id, head + features + _COLLECTION_TAIL)

    def body(self, coding: str | None) -> bytes:
        if coding is None:
            return self.payload
        encoded = self.encoded.get(coding)
        if encoded is None:
            encoded = self.encoded[coding] = _ENCODERS[coding](self.payload)
        return encoded


def _features(rows: Iterable[queries.MapRow]) -> tuple[bytes, queries.MapVersion, int]:
    """The rows as comma-separated GeoJSON Features, their fingerprint and their highest id.

    The text is what ``json.dumps`` made of one dict per comment, written directly (10,000
    dicts cost more than the query); each row is dropped once written.
    """
    iso, text = queries.utc_iso, encode_basestring
    ids: list[int] = []
    supports: list[int] = []
    edits: list[datetime] = []
    parts: list[str] = []
    add_id, add_supports, add_part = ids.append, supports.append, parts.append
    for id_, body, created_at, supports_count, official, parent_id, geometry, edited_at in rows:
        add_id(id_)
        add_supports(supports_count)
        if edited_at is not None:
            edits.append(edited_at)
        add_part(
            _FEATURE
            % (
                id_,
                geometry.replace(" ", "") if geometry else "null",
                id_,
                text(body),
                iso(created_at),
                supports_count,
                "true" if official else "false",
                "null" if parent_id is None else parent_id,
            )
        )
    version = queries.map_fingerprint(ids, supports, edits)
    return ",".join(parts).encode(), version, ids[-1] if ids else 0


def _map_cache() -> OrderedDict[tuple[Any, ...], _MapEntry]:
    cache: OrderedDict[tuple[Any, ...], _MapEntry]
    cache = current_app.extensions.setdefault("platsdialog_map_cache", OrderedDict())
    return cache


def _current_entry(
    stage_id: int,
    bbox: tuple[float, float, float, float],
    version: queries.MapVersion,
    cached: _MapEntry | None,
) -> _MapEntry:
    """The box's GeoJSON for ``version``: the cached entry with only the new comments
    appended when nothing else changed, otherwise built anew."""
    if cached is not None and version[0] > cached.version[0] and version[5] == cached.version[5]:
        # More comments and no new edit: perhaps only new ones. Read the comments above the
        # cached ids; if with them the fingerprint is the database's, the cached ones are as
        # they were (same ids, supports and edits), so appending the new ones is exact.
        rows = queries.map_rows(stage_id, bbox, after_id=cached.max_id)
        entry = cached.extended(rows)
        if entry.version == version:
            return entry
    return _MapEntry.of(queries.map_rows(stage_id, bbox))


def _content_coding() -> str | None:
    """The content coding to answer with, following the Flask-Compress settings (even for a
    small map: a 304 must name the same coding without knowing the size)."""
    config = current_app.config
    if not config.get("COMPRESS_REGISTER", True) or GEOJSON not in config.get(
        "COMPRESS_MIMETYPES", ()
    ):
        return None
    offered = config.get("COMPRESS_ALGORITHM", ())
    if isinstance(offered, str):
        offered = offered.split(",")
    return request.accept_encodings.best_match(
        [name.strip() for name in offered if name.strip() in _ENCODERS]
    )


def _etag(stage_id: int, bbox: tuple[float, float, float, float], version: Any) -> str:
    return hashlib.sha256(repr((stage_id, bbox, version)).encode()).hexdigest()[:32]


def _feature_collection(stage: Stage, bbox: tuple[float, float, float, float]) -> Any:
    # The ETag comes from a one-query fingerprint of the comments in the box, so an
    # unchanged map answers 304 (or from the cache) without reading and encoding every comment.
    version = queries.map_version(stage.id, bbox)
    etag = _etag(stage.id, bbox, version)
    # Compressed answers carry "<etag>:<coding>" (as Flask-Compress writes them); proxies that
    # compress may weaken the tag.
    tags = (etag, *(f"{etag}:{coding}" for coding in _ENCODERS))
    if any(request.if_none_match.contains_weak(tag) for tag in tags):
        return _geojson_response(b"", etag, _content_coding(), status=304)
    key = (stage.id, bbox)
    cache = _map_cache()
    with _MAP_CACHE_LOCK:
        cached = cache.get(key)
        if cached is not None:
            cache.move_to_end(key)
    entry = cached
    if entry is None or entry.version != version:
        entry = _current_entry(stage.id, bbox, version, cached)
        with _MAP_CACHE_LOCK:
            cache[key] = entry
            cache.move_to_end(key)
            while len(cache) > _MAP_CACHE_SIZE:
                cache.popitem(last=False)
    coding = _content_coding()
    # The ETag of what is sent: a comment that arrived between the two queries is in it.
    return _geojson_response(entry.body(coding), _etag(stage.id, bbox, entry.version), coding)


def _geojson_response(payload: bytes, etag: str, coding: str | None, status: int = 200) -> Response:
    response = Response(payload, status=status, mimetype=GEOJSON)
    if coding is not None:
        if status == 200:
            response.headers["Content-Encoding"] = coding
        etag = f"{etag}:{coding}"
    response.set_etag(etag)
    response.vary.add("Accept-Encoding")
    # Browsers must ask again (the ETag makes that cheap); shared caches must not keep it.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/stages/<int:stage_id>/comments")
def create_comment(stage_id: int) -> Any:
    """Post a comment (idempotent by ``client_id``); refusals are the services' domain errors,
    answered as JSON errors by ``app/core/errors.py``."""
    if request.content_length is not None and request.content_length > MAX_REQUEST_BYTES:
        return api_error(413)
    stage = _visible_stage(stage_id)
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
    return jsonify(comment_document(comment)), 201 if created else 200
