"""Photos in staff exports (docs/exports.md): a marked place's and a comment's photo appear as
the address of the full size and the resident's description, on the map answers and comments
sheets and in the GIS files; the address opens for staff and for nobody else; a hidden
comment's photo and partners' aggregates carry none."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest

from app.comments.photos import services as comment_photos
from app.core.images import prepare_photo
from app.extensions import db
from app.surveys import photos as marking_photos
from app.surveys.models import AnswerFeature
from tests.integration.exports.test_web_and_jobs import _finished, _get, _job_id, _start
from tests.integration.photos.test_photos import jpeg_with_gps


@pytest.fixture()
def photos(dataset: Any) -> SimpleNamespace:
    feature = db.session.scalars(db.select(AnswerFeature).order_by(AnswerFeature.id).limit(1)).one()
    marking = marking_photos.store(
        feature, prepare_photo(jpeg_with_gps(), "Mörk gångtunnel", field="photo")
    )
    published = comment_photos.attach(
        dataset.comments.c1, comment_photos.prepare(jpeg_with_gps(), "Trasig lampa")
    )
    hidden = comment_photos.attach(
        dataset.comments.hidden, comment_photos.prepare(jpeg_with_gps(), None)
    )
    db.session.commit()
    return SimpleNamespace(feature=feature, marking=marking, published=published, hidden=hidden)


def _base(app: Any) -> str:
    return str(app.config["BASE_URL"]).rstrip("/")


def _workbook(client: Any, dataset: Any) -> Any:
    job = _finished(_job_id(_start(client, f"stage:{dataset.stage.id}")))
    response = _get(client, f"/manage/exports/jobs/{job.id}/download")
    assert response.status_code == 200
    body = response.data
    response.close()
    return openpyxl.load_workbook(io.BytesIO(body))


def _by_header(sheet: Any) -> list[dict[str, Any]]:
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_staff_workbook_links_each_photo_with_its_description(
    app: Any, dataset: Any, photos: Any, client: Any, login: Any
) -> None:
    login(dataset.planner)
    wb = _workbook(client, dataset)
    base = _base(app)

    places = {row["feature_id"]: row for row in _by_header(wb["Kartsvar"])}
    marking = photos.marking
    want = f"{base}/s/photos/{marking.id}/{marking.token}/full.jpg"
    assert places[photos.feature.id]["photo"] == want
    assert places[photos.feature.id]["photo_alt"] == "Mörk gångtunnel"
    link = next(c for row in wb["Kartsvar"].iter_rows(min_row=2) for c in row if c.value == want)
    assert link.hyperlink.target == want  # a click in Excel opens it
    others = [row for fid, row in places.items() if fid != photos.feature.id]
    assert others and all(not row["photo"] and not row["photo_alt"] for row in others)

    comments = {row["comment_id"]: row for row in _by_header(wb["Kommentarer"])}
    published = photos.published
    c1 = comments[dataset.comments.c1.id]
    assert c1["photo"] == f"{base}/photos/{published.id}/{published.token}/full.jpg"
    assert c1["photo_alt"] == "Trasig lampa"
    # The hidden comment is on the sheet, but its photo is nobody's: no dead link.
    assert not comments[dataset.comments.hidden.id]["photo"]
    readme = [c.value for row in wb["Läs mig"].iter_rows() for c in row]
    assert "photo" in readme and "photo_alt" in readme

    # The addresses open for the staff member who exported them ...
    for url in (want, c1["photo"]):
        image = _get(client, url.removeprefix(base))
        assert image.status_code == 200 and image.mimetype == "image/jpeg"
        image.close()
    # ... and a marked place's photo for nobody else: it is part of a response.
    stranger = app.test_client()
    assert stranger.get(want.removeprefix(base)).status_code == 404


def test_partner_aggregates_carry_no_photo(
    dataset: Any, photos: Any, client: Any, login: Any
) -> None:
    login(dataset.partner)
    wb = _workbook(client, dataset)
    texts = " ".join(
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    assert "/photos/" not in texts and "Mörk gångtunnel" not in texts


def test_gis_files_carry_the_photo_address(
    app: Any, dataset: Any, photos: Any, runner: Any, tmp_path: Path
) -> None:
    survey = str(dataset.survey.id)
    out = tmp_path / "platser.geojson"
    result = runner.invoke(
        args=["export", "responses", "--survey", survey, "--format", "geojson", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    by_id = {f["properties"]["id"]: f["properties"] for f in features}
    shown = by_id[f"F{photos.feature.id}"]
    assert shown["photo"].startswith(_base(app) + "/s/photos/")
    assert shown["photo_alt"] == "Mörk gångtunnel"
    assert sum(1 for p in by_id.values() if p["photo"] is None) == len(by_id) - 1

    pyogrio = pytest.importorskip("pyogrio")
    gpkg = tmp_path / "platser.gpkg"
    result = runner.invoke(
        args=["export", "responses", "--survey", survey, "--format", "gpkg", "--out", str(gpkg)]
    )
    assert result.exit_code == 0, result.output
    meta, _fids, _geometries, fields = pyogrio.raw.read(gpkg, layer="points")
    names = list(meta["fields"])
    ids = list(fields[names.index("id")])
    addresses = list(fields[names.index("photo")])
    assert addresses[ids.index(f"F{photos.feature.id}")] == shown["photo"]
    assert sorted(addresses).count("") == len(ids) - 1
