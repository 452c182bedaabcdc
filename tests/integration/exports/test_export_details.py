"""Exports round coordinates to 6 decimals and job pages name what they cover (issue 17)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from app.extensions import db
from app.surveys.models import AnswerFeature
from tests.integration.exports.test_web_and_jobs import _job_id, _start

LONG = 17.94512345678901
LAT = 59.21801234567891


def _long_decimals(dataset: Any) -> None:
    feature = db.session.scalars(db.select(AnswerFeature)).first()
    feature.geometry = {"type": "Point", "coordinates": [LONG, LAT]}
    db.session.commit()


def test_geojson_and_wkt_exports_have_six_decimals(
    dataset: Any, runner: Any, tmp_path: Path
) -> None:
    _long_decimals(dataset)
    out = tmp_path / "platser.geojson"
    args = ["export", "responses", "--survey", str(dataset.survey.id), "--format", "geojson"]
    assert runner.invoke(args=[*args, "--out", str(out)]).exit_code == 0
    coords = [f["geometry"]["coordinates"] for f in json.loads(out.read_text())["features"]]
    assert [17.945123, 59.218012] in coords
    assert max(len(repr(c).split(".")[1]) for pair in coords for c in pair) <= 6

    table = tmp_path / "platser.csv"
    args = ["export", "responses", "--survey", str(dataset.survey.id), "--format", "csv"]
    assert runner.invoke(args=[*args, "--out", str(table)]).exit_code == 0
    text = table.read_text(encoding="utf-8-sig")
    assert "POINT (17.945123 59.218012)" in text
    assert not re.search(r"\d+\.\d{7,}", text)


def test_job_page_names_the_survey_not_its_id(dataset: Any, client: Any, login: Any) -> None:
    login(dataset.planner)
    job_id = _job_id(_start(client, f"survey:{dataset.survey.id}"))
    page = client.get(f"/manage/exports/jobs/{job_id}").get_data(as_text=True)
    title = dataset.survey.title["sv"]
    assert f"Enkät: {title}" in page
    assert f"survey {dataset.survey.id}<" not in page
    index = client.get("/manage/exports/").get_data(as_text=True)
    assert f"Enkät: {title}" in index
