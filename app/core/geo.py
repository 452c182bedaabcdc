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


#: Names of the CRS a GeoJSON file may declare in its (pre-2016) ``crs`` member.
_WGS84_NAMES = {"4326", "CRS84", "OGC:CRS84"}


def crs_epsg(crs: Any) -> str:
    """The EPSG code (or "4326" for WGS84 / CRS84) named by a GeoJSON ``crs`` member, e.g.
    ``{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}``.
    Raises ``GeometryError("unknown_crs")`` for anything else."""
    name = ""
    if isinstance(crs, dict):
        props = crs.get("properties")
        if isinstance(props, dict):
            name = str(props.get("name") or props.get("code") or "")
    elif isinstance(crs, str):
        name = crs
    code = name.strip().upper().rsplit(":", 1)[-1] if name else ""
    if code in _WGS84_NAMES or name.upper().endswith("CRS84"):
        return "4326"
    if code.isdigit():
        return code
    raise GeometryError("unknown_crs", f"Unknown coordinate reference system {name!r}.")


#: Coordinate systems converted on upload: SWEREF 99 TM and the SWEREF 99 local zones.
CONVERTIBLE_EPSG = {"3006", *(str(code) for code in range(3007, 3019))}


def to_wgs84(geometry: dict[str, Any], epsg: str) -> dict[str, Any]:
    """A copy of a GeoJSON geometry in WGS84 longitude/latitude, converted from ``epsg``
    (SWEREF 99 TM or a SWEREF 99 zone). Raises ``GeometryError("unknown_crs")``."""
    if epsg == "4326":
        return geometry
    if epsg not in CONVERTIBLE_EPSG:
        raise GeometryError("unknown_crs", f"EPSG:{epsg} cannot be converted.")
    from pyproj import Transformer

    transformer = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)

    def convert(value: Any) -> Any:
        if isinstance(value, list) and value and isinstance(value[0], (int, float)):
            if len(value) < 2:
                raise GeometryError("invalid_geojson", "The coordinates are malformed.")
            lon, lat = transformer.transform(float(value[0]), float(value[1]))
            return [lon, lat]
        if isinstance(value, list):
            return [convert(v) for v in value]
        raise GeometryError("invalid_geojson", "The coordinates are malformed.")

    if "coordinates" not in geometry:
        raise GeometryError("invalid_geojson", "Not a GeoJSON geometry.")
    return {"type": geometry.get("type"), "coordinates": convert(geometry["coordinates"])}


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


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
