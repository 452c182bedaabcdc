"""The project area: SWEREF 99 TM files are converted, areas far away are refused (issue 17)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.extensions import db
from app.projects.models import ProjectStatus

#: The Flemingsberg square of tests/factories.py, in SWEREF 99 TM metres (EPSG:3006).
SWEREF_SQUARE = [
    [667820.545, 6567692.996],
    [668961.699, 6567743.517],
    [668912.262, 6568856.353],
    [667771.442, 6568805.842],
    [667820.545, 6567692.996],
]
PARIS = {
    "type": "Polygon",
    "coordinates": [[[2.34, 48.85], [2.36, 48.85], [2.36, 48.86], [2.34, 48.86], [2.34, 48.85]]],
}


@pytest.fixture()
def project(make_project: Any, org: Any) -> Any:
    return make_project(org, status=ProjectStatus.DRAFT, area=None)


def _upload(client: Any, project: Any, payload: dict[str, Any]) -> Any:
    return client.post(
        f"/manage/projects/{project.id}/area",
        data={"geojson": json.dumps(payload)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    "name", ["urn:ogc:def:crs:EPSG::3006", "EPSG:3006", "urn:ogc:def:crs:EPSG:6.3:3006"]
)
def test_sweref_file_with_crs_member_is_converted(client, as_planner, project, name):
    payload = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": name}},
        "features": [
            {
                "type": "Feature",
                "properties": {"namn": "Planområde"},
                "geometry": {"type": "Polygon", "coordinates": [SWEREF_SQUARE]},
            }
        ],
    }
    response = _upload(client, project, payload)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    ring = project.geometry["coordinates"][0]
    expected = [[17.94, 59.215], [17.96, 59.215], [17.96, 59.225], [17.94, 59.225]]
    for (lon, lat), (want_lon, want_lat) in zip(ring, expected, strict=False):
        assert abs(lon - want_lon) < 1e-5 and abs(lat - want_lat) < 1e-5


def test_unknown_crs_is_refused_with_a_clear_message(client, as_planner, project):
    payload = {
        "type": "Polygon",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
        "coordinates": [SWEREF_SQUARE],
    }
    response = _upload(client, project, payload)
    assert response.status_code == 422
    assert "SWEREF 99 TM (EPSG:3006)" in response.get_data(as_text=True)
    db.session.expire_all()
    assert project.geometry is None


def test_an_area_in_paris_is_refused_for_a_huddinge_project(client, as_planner, project, org):
    org.boundary = {
        "type": "Polygon",
        "coordinates": [[[17.8, 59.15], [18.1, 59.15], [18.1, 59.3], [17.8, 59.3], [17.8, 59.15]]],
    }
    db.session.commit()
    response = _upload(client, project, PARIS)
    assert response.status_code == 422
    assert "The area lies far outside Huddinge kommun" in response.get_data(as_text=True)
    db.session.expire_all()
    assert project.geometry is None


def test_without_a_boundary_the_map_centre_decides(client, as_planner, project, org):
    assert org.boundary is None
    assert _upload(client, project, PARIS).status_code == 422
    swapped = {  # latitude and longitude swapped: lands in the Indian Ocean
        "type": "Polygon",
        "coordinates": [
            [[59.215, 17.94], [59.215, 17.96], [59.225, 17.96], [59.225, 17.94], [59.215, 17.94]]
        ],
    }
    assert _upload(client, project, swapped).status_code == 422
    near = {
        "type": "Polygon",
        "coordinates": [
            [[17.94, 59.215], [17.96, 59.215], [17.96, 59.225], [17.94, 59.225], [17.94, 59.215]]
        ],
    }
    assert _upload(client, project, near).status_code == 302
