"""Geodata exports: GeoJSON in WGS84 (RFC 7946) and a GIS file in SWEREF 99 TM (EPSG:3006).

The GIS file is a GeoPackage written with pyogrio (GDAL bundled in its wheel), one layer per
geometry type, as GIS tools expect; where pyogrio is missing it falls back to GeoJSON with the
CRS named in the file (the pre-2016 ``crs`` member that QGIS and ArcGIS still read).
Themes and valence of each place are attributes, as are category and comment.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape

from app.analysis_ui.services import Final as Result
from app.core.models import translated
from app.exports.cells import clean_text
from app.exports.queries import Dataset, option_label
from app.exports.tables import local_time

SWEREF99TM = "EPSG:3006"
LAYERS = {"Point": "points", "LineString": "lines", "Polygon": "polygons"}
FIELDS = [
    "id",
    "source",
    "response_id",
    "question_id",
    "question",
    "category",
    "text",
    "themes",
    "valence",
    "created_at",
    "parent_id",
    "supports",
    "official",
    "status",
    "photo",
    "photo_alt",
]

try:  # pragma: no cover - import guard exercised only where pyogrio is absent
    import pyogrio  # noqa: F401

    HAVE_PYOGRIO = True
except ImportError:  # pragma: no cover
    HAVE_PYOGRIO = False


@dataclass
class GeoFeature:
    geometry: dict[str, Any]
    properties: dict[str, Any]


@lru_cache(maxsize=1)
def _to_sweref() -> Transformer:
    return Transformer.from_crs("EPSG:4326", SWEREF99TM, always_xy=True)


def answer_features(data: Dataset, results: dict[str, Result], lang: str) -> list[GeoFeature]:
    """The places drawn in map answers, with category, comment, themes and valence."""
    out = []
    for f in data.features:
        if not f.geometry:
            continue
        q = data.question(f.question_id)
        category = data.options.get(f.category_id) if f.category_id else None
        res = results.get(f"F{f.id}")
        out.append(
            GeoFeature(
                f.geometry,
                {
                    "id": f"F{f.id}",
                    "source": "answer",
                    "response_id": f.response_id,
                    "question_id": f.question_id,
                    "question": translated(q.prompt, lang) if q else "",
                    "category": option_label(category, lang) if category else "",
                    "text": clean_text(f.comment),
                    "themes": ";".join(res.themes) if res else "",
                    "valence": res.valence if res else "",
                    "created_at": local_time(f.submitted_at),
                    **_photo_properties(data, f"F{f.id}"),
                },
            )
        )
    return out


def _photo_properties(data: Dataset, contribution_id: str) -> dict[str, str | None]:
    """``photo`` (the full size's address) and ``photo_alt``; null without a photo."""
    photo = data.photos.get(contribution_id)
    return {"photo": photo.url if photo else None, "photo_alt": photo.alt if photo else None}


def comment_features(data: Dataset, results: dict[str, Result]) -> list[GeoFeature]:
    """Comments placed on the map (as loaded: hidden ones only for those who may see them)."""
    out = []
    for c in data.comments:
        if not c.geometry:
            continue
        res = results.get(f"C{c.id}")
        out.append(
            GeoFeature(
                c.geometry,
                {
                    "id": f"C{c.id}",
                    "source": "comment",
                    "text": "" if c.deleted_at else clean_text(c.body),
                    "themes": ";".join(res.themes) if res else "",
                    "valence": res.valence if res else "",
                    "created_at": local_time(c.created_at),
                    "parent_id": c.parent_id,
                    "supports": c.supports_count,
                    "official": c.is_official,
                    "status": str(c.status),
                    **_photo_properties(data, f"C{c.id}"),
                },
            )
        )
    return out


#: Decimals of WGS84 degrees in every export: 6 is about 0.1 m, finer than any drawn place
#: (RFC 7946 section 11.2 recommends not to publish more precision than is meaningful).
DECIMALS = 6


def round_coordinates(value: Any, decimals: int = DECIMALS) -> Any:
    """GeoJSON coordinates (nested lists) rounded to ``decimals``."""
    if isinstance(value, (list, tuple)):
        return [round_coordinates(v, decimals) for v in value]
    if isinstance(value, float):
        return round(value, decimals)
    return value


def rounded(geometry: dict[str, Any]) -> dict[str, Any]:
    """A copy of a GeoJSON geometry with its coordinates rounded for export."""
    return {**geometry, "coordinates": round_coordinates(geometry.get("coordinates"))}


def geojson_bytes(features: list[GeoFeature], name: str) -> bytes:
    """RFC 7946 GeoJSON: WGS84 longitude/latitude (6 decimals), no ``crs`` member."""
    collection = {
        "type": "FeatureCollection",
        "name": name,
        "features": [
            {"type": "Feature", "geometry": rounded(f.geometry), "properties": f.properties}
            for f in features
        ],
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_sweref(geometry: dict[str, Any]) -> Any:
    """A GeoJSON geometry in WGS84 as a shapely geometry in SWEREF 99 TM metres."""

    def project(coords: Any) -> Any:
        import numpy as np

        x, y = _to_sweref().transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(shape(geometry), project)


def sweref_geojson_bytes(features: list[GeoFeature], name: str) -> bytes:
    """GeoJSON with coordinates in SWEREF 99 TM and the CRS stated in the file."""
    collection = {
        "type": "FeatureCollection",
        "name": name,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
        "features": [
            {
                "type": "Feature",
                "geometry": mapping(shapely.set_precision(to_sweref(f.geometry), 0.01)),
                "properties": f.properties,
            }
            for f in features
        ],
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _field_arrays(features: list[GeoFeature]) -> list[Any]:
    import numpy as np

    arrays = []
    for name in FIELDS:
        values = [f.properties.get(name) for f in features]
        if name in ("response_id", "question_id", "parent_id", "supports"):
            arrays.append(np.array([-1 if v is None else int(v) for v in values], dtype="int64"))
        elif name == "official":
            arrays.append(np.array([1 if v else 0 for v in values], dtype="int32"))
        else:
            arrays.append(np.array(["" if v is None else str(v) for v in values], dtype=object))
    return arrays


def gpkg_bytes(features: list[GeoFeature], name: str) -> tuple[bytes, str]:
    """A GeoPackage in EPSG:3006 with a layer per geometry type; returns (data, extension).

    Without pyogrio, GeoJSON in EPSG:3006 (extension ``geojson``) instead. Missing integer
    attributes are -1 in the GeoPackage (GDAL writes no nulls from plain arrays).
    """
    if not HAVE_PYOGRIO:  # pragma: no cover
        return sweref_geojson_bytes(features, name), "geojson"
    import numpy as np
    from pyogrio.raw import write

    groups: dict[str, list[tuple[Any, GeoFeature]]] = {}
    for f in features:
        geom = to_sweref(f.geometry)
        base = geom.geom_type.replace("Multi", "")
        groups.setdefault(base, []).append((geom, f))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.gpkg"
        if not groups:
            groups["Point"] = []
        for base, members in groups.items():
            multi = any(g.geom_type.startswith("Multi") for g, _f in members)
            geoms = [
                shapely.multipolygons([g])
                if multi and g.geom_type == "Polygon"
                else shapely.multilinestrings([g])
                if multi and g.geom_type == "LineString"
                else shapely.multipoints([g])
                if multi and g.geom_type == "Point"
                else g
                for g, _f in members
            ]
            wkb = (
                np.array(shapely.to_wkb(geoms), dtype=object)
                if geoms
                else np.array([], dtype=object)
            )
            write(
                str(path),
                wkb,
                _field_arrays([f for _g, f in members]),
                FIELDS,
                layer=LAYERS.get(base, base.lower()),
                driver="GPKG",
                geometry_type=("Multi" + base) if multi else base,
                crs=SWEREF99TM,
            )
        return path.read_bytes(), "gpkg"
