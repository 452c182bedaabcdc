"""Geometry parsing and validation with shapely (GeoJSON in WGS84, lon/lat order)."""

from __future__ import annotations

import functools
from typing import Any

import numpy
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

ALLOWED_TYPES = {"Point", "LineString", "Polygon", "MultiPolygon", "MultiLineString", "MultiPoint"}
MAX_VERTICES = 2000


class GeometryError(ValueError):
    """A geometry is not acceptable; ``code`` is stable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_geometry(
    value: Any,
    *,
    allowed: set[str] | None = None,
    within: BaseGeometry | None = None,
    max_vertices: int = MAX_VERTICES,
) -> BaseGeometry:
    """Turn a GeoJSON geometry dict into a valid shapely geometry or raise ``GeometryError``."""
    if not isinstance(value, dict) or "type" not in value or "coordinates" not in value:
        raise GeometryError("invalid_geojson", "Not a GeoJSON geometry.")
    gtype = value.get("type")
    if gtype not in ALLOWED_TYPES or (allowed is not None and gtype not in allowed):
        raise GeometryError("wrong_geometry_type", f"Geometry type {gtype!r} is not allowed here.")
    try:
        geom = shape(value)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise GeometryError("invalid_geojson", "The coordinates are malformed.") from exc
    if geom.is_empty:
        raise GeometryError("empty_geometry", "The geometry is empty.")
    coords = shapely.get_coordinates(geom)
    if len(coords) > max_vertices:
        raise GeometryError("too_many_vertices", f"At most {max_vertices} vertices are allowed.")
    if not numpy.isfinite(coords).all():
        raise GeometryError("out_of_range", "Coordinates must be finite numbers.")
    for lon, lat in coords:
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise GeometryError("out_of_range", "Coordinates are outside the valid range.")
    if not geom.is_valid:
        raise GeometryError("invalid_geometry", "The shape crosses itself or is otherwise invalid.")
    if within is not None and not _cover(within).covers(geom):
        raise GeometryError("outside_area", "The place is outside the project area.")
    return geom


@functools.lru_cache(maxsize=64)
def _cover(area: BaseGeometry) -> Any:
    """The area grown by a hair (points on its edge count as inside), prepared for fast
    repeated tests; computed once per area, not once per submitted place."""
    return prep(area.buffer(1e-9))


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    data = mapping(geom)
    return {"type": data["type"], "coordinates": _lists(data["coordinates"])}


def _lists(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_lists(v) for v in value]
    return float(value)


def from_geojson(value: dict[str, Any]) -> BaseGeometry:
    return shape(value)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Parse ``minLon,minLat,maxLon,maxLat``; raise ``GeometryError`` if malformed."""
    parts = text.split(",")
    if len(parts) != 4:
        raise GeometryError("invalid_bbox", "bbox must be minLon,minLat,maxLon,maxLat.")
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError as exc:
        raise GeometryError("invalid_bbox", "bbox must contain four numbers.") from exc
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise GeometryError("invalid_bbox", "bbox is outside the valid range or inverted.")
    return min_lon, min_lat, max_lon, max_lat
