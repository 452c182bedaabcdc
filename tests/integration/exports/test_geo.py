"""GeoJSON in WGS84 and the GIS file in SWEREF 99 TM, read back as GIS tools would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyproj import Transformer

from tests.integration.exports.conftest import POINTS


def _cli(runner: Any, *args: str) -> None:
    result = runner.invoke(args=["export", *args])
    assert result.exit_code == 0, result.output


def test_geojson_is_wgs84_lon_lat_with_themes(dataset: Any, runner: Any, tmp_path: Path) -> None:
    out = tmp_path / "platser.geojson"
    _cli(
        runner,
        "responses",
        "--survey",
        str(dataset.survey.id),
        "--format",
        "geojson",
        "--out",
        str(out),
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data  # RFC 7946: WGS84 is implied
    coords = sorted(tuple(f["geometry"]["coordinates"]) for f in data["features"])
    assert coords == sorted(POINTS)
    for f in data["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 17.9 < lon < 18.0 and 59.2 < lat < 59.3
        assert f["properties"]["valence"] in {"positive", "negative", "neutral", "mixed"}
    unsafe = [f for f in data["features"] if f["properties"]["category"] == "Känns otryggt"]
    assert unsafe and all("safety" in f["properties"]["themes"] for f in unsafe)


def test_comment_geojson_has_only_placed_comments(
    dataset: Any, runner: Any, tmp_path: Path
) -> None:
    out = tmp_path / "kommentarer.geojson"
    _cli(
        runner,
        "comments",
        "--stage",
        str(dataset.stage.id),
        "--format",
        "geojson",
        "--out",
        str(out),
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [f["properties"]["id"] for f in data["features"]] == [f"C{dataset.comments.c1.id}"]
    assert data["features"][0]["properties"]["supports"] == 4


def test_geopackage_is_in_sweref99tm_and_transforms_back(
    dataset: Any, runner: Any, tmp_path: Path
) -> None:
    pyogrio = pytest.importorskip("pyogrio")
    out = tmp_path / "platser.gpkg"
    _cli(
        runner,
        "responses",
        "--survey",
        str(dataset.survey.id),
        "--format",
        "gpkg",
        "--out",
        str(out),
    )
    layers = pyogrio.list_layers(out)
    assert [list(layer) for layer in layers] == [["points", "Point"]]
    meta, _fids, geometries, fields = pyogrio.raw.read(out, layer="points")
    assert meta["crs"] == "EPSG:3006"
    import shapely

    points = shapely.from_wkb(geometries)
    names = list(meta["fields"])
    themes = fields[names.index("themes")]
    categories = fields[names.index("category")]
    assert "safety" in ";".join(themes)
    assert set(categories) == {"Bra plats", "Känns otryggt"}
    back = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    got = []
    for p in points:
        # Stockholm area in SWEREF 99 TM.
        assert 660_000 < p.x < 690_000
        assert 6_560_000 < p.y < 6_590_000
        got.append(back.transform(p.x, p.y))
    for (lon, lat), (want_lon, want_lat) in zip(sorted(got), sorted(POINTS), strict=True):
        assert lon == pytest.approx(want_lon, abs=1e-6)
        assert lat == pytest.approx(want_lat, abs=1e-6)


def test_sweref_geojson_fallback_names_its_crs(dataset: Any, app: Any) -> None:
    from app.analysis_ui import dataset as analysis_dataset
    from app.exports import geo
    from app.exports.queries import load_dataset, resolve_scope

    scope = resolve_scope("survey", dataset.survey.id)
    data = load_dataset(scope)
    results = analysis_dataset.coded(analysis_dataset.scope_data(scope), scope.project)
    features = geo.answer_features(data, results, "sv")
    doc = json.loads(geo.sweref_geojson_bytes(features, "test"))
    assert doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::3006"
    for f in doc["features"]:
        x, y = f["geometry"]["coordinates"]
        assert 660_000 < x < 690_000 and 6_560_000 < y < 6_590_000
