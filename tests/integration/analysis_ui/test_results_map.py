"""The staff results map: every placed contribution (points, lines, areas) with filters, a
density grid and the Gi* hotspots; a helpful empty state; partners get no exact places."""

from __future__ import annotations

from typing import Any

import pytest

from app.analysis_ui import services
from app.extensions import db
from app.organizations.models import Role
from tests.integration.analysis_ui.conftest import point

LINE = {"type": "LineString", "coordinates": [[17.950, 59.220], [17.952, 59.221]]}
AREA = {
    "type": "Polygon",
    "coordinates": [[[17.955, 59.223], [17.956, 59.223], [17.956, 59.224], [17.955, 59.223]]],
}


@pytest.fixture()
def mapped(
    make_project: Any, make_survey: Any, make_response: Any, make_comment: Any, make_user: Any
) -> Any:
    """Eight unsafe pins of women in a tight cluster, four good places of men spread out, a
    comment with a line and one with an area."""
    project = make_project()
    stage = project.current_stage
    setup = make_survey(stage)
    for i in range(8):
        make_response(
            setup,
            demographics={"gender": "woman"},
            pins=[(point(17.9450 + i * 0.0001, 59.2180), "unsafe", "Mörkt och otryggt")],
        )
    for i in range(4):
        make_response(
            setup,
            demographics={"gender": "man"},
            pins=[(point(17.90 + i * 0.03, 59.19 + i * 0.02), "like", "Fin plats")],
        )
    make_comment(stage, "Cykelbanan här är farlig", geometry=LINE)
    make_comment(stage, "Det här torget borde bli en park med träd", geometry=AREA)
    services.recode_and_recompute(stage)
    db.session.commit()
    return {
        "stage": stage,
        "project": project,
        "setup": setup,
        "planner": make_user(role=Role.PLANNER, org=project.organization),
    }


def url(stage: Any, suffix: str = "") -> str:
    return f"/manage/analysis/stages/{stage.id}/map{suffix}"


def test_every_place_with_lines_areas_density_and_hotspots(
    mapped: Any, client: Any, login: Any
) -> None:
    login(mapped["planner"])
    data = client.get(url(mapped["stage"], ".json")).get_json()
    kinds = sorted(f["geometry"]["type"] for f in data["features"])
    assert kinds == ["LineString"] + ["Point"] * 12 + ["Polygon"]
    assert data["total"] == 14 and data["markings"] == 12 and data["comments"] == 2
    pin = next(f for f in data["features"] if f["properties"]["category"] == "Känns otryggt")
    assert pin["properties"]["valence"] == "negative"
    assert pin["properties"]["question"] == "Markera"
    assert sum(c["count"] for c in data["density"]) == 14
    assert any(c["kind"] == "hot" for c in data["hotspots"])
    assert data["cell_size"] == 250 and data["q"] == 0.05

    page = client.get(url(mapped["stage"])).get_data(as_text=True)
    assert 'id="results-map"' in page and "results-map.js" in page
    assert "<script>" not in page  # the CSP forbids inline scripts
    assert "rutor om 250 m" in page.lower() and "5 %" in page
    assert "Hotspot" in page and "Känns otryggt" in page


def test_filters_narrow_the_places(mapped: Any, client: Any, login: Any) -> None:
    login(mapped["planner"])
    stage, setup = mapped["stage"], mapped["setup"]
    like = setup.categories["like"].id
    data = client.get(url(stage, ".json"), query_string={"category": like}).get_json()
    assert data["total"] == 4
    assert {f["properties"]["category"] for f in data["features"]} == {"Bra plats"}
    negative = client.get(url(stage, ".json"), query_string={"valence": "negative"}).get_json()
    assert negative["total"] >= 8
    assert {f["properties"]["valence"] for f in negative["features"]} == {"negative"}
    question = client.get(url(stage, ".json"), query_string={"question": setup.map.id}).get_json()
    assert question["total"] == 12
    safety = client.get(url(stage, ".json"), query_string={"theme": "safety"}).get_json()
    assert 0 < safety["total"] < 14
    women = client.get(url(stage, ".json"), query_string={"group": "gender:woman"}).get_json()
    assert women["total"] == 8 and len(women["features"]) == 8


def test_a_small_group_shows_no_places_and_no_hotspots(
    mapped: Any, client: Any, login: Any
) -> None:
    login(mapped["planner"])
    stage = mapped["stage"]
    men = client.get(url(stage, ".json"), query_string={"group": "gender:man"}).get_json()
    assert men["features"] == [] and men["hotspots"] == [] and men["density"] == []
    assert men["participants_text"] == "<5"
    page = client.get(url(stage), query_string={"group": "gender:man"}).get_data(as_text=True)
    assert "färre än 5 deltagare" in page.lower()
    assert 'id="results-map"' not in page


def test_no_significant_hotspot_gives_a_helpful_empty_state(
    mapped: Any, client: Any, login: Any
) -> None:
    login(mapped["planner"])
    stage, setup = mapped["stage"], mapped["setup"]
    like = setup.categories["like"].id  # four pins far apart: fewer than 5 participants
    page = client.get(url(stage), query_string={"category": like}).get_data(as_text=True)
    assert "Inga hotspots" in page or "Ingen ruta sticker ut" in page
    assert 'id="results-map"' in page  # the places are still shown
    none = client.get(url(stage), query_string={"valence": "mixed"}).get_data(as_text=True)
    assert "Inget bidrag med en plats matchar" in none


def test_partners_get_density_but_no_exact_places(
    mapped: Any, client: Any, login: Any, make_partner: Any
) -> None:
    login(make_partner(mapped["project"]))
    data = client.get(url(mapped["stage"], ".json")).get_json()
    assert data["features"] == []
    assert data["density"] and all(c["count"] >= 5 for c in data["density"])
    assert "Mörkt och otryggt" not in str(data)


def test_other_organizations_get_404(mapped: Any, client: Any, login: Any, make_user: Any) -> None:
    login(make_user())
    assert client.get(url(mapped["stage"])).status_code == 404
    assert client.get(url(mapped["stage"], ".json")).status_code == 404
