"""The population reference upload: validation per line, nothing stored on error."""

from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.organizations.models import PopulationRow, Role


def upload(client: Any, org_id: int, text: str | bytes, year: int = 2025) -> Any:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        f"/manage/analysis/organizations/{org_id}/population?lang=en",
        data={"file": (io.BytesIO(raw), "population.csv"), "year": str(year)},
        content_type="multipart/form-data",
    )


def stored(org_id: int) -> list[tuple[Any, ...]]:
    return [
        (r.year, r.district, r.age_band, r.gender, r.count)
        for r in db.session.scalars(
            sa.select(PopulationRow)
            .where(PopulationRow.organization_id == org_id)
            .order_by(PopulationRow.year, PopulationRow.district, PopulationRow.age_band)
        )
    ]


@pytest.fixture()
def planner(make_org: Any, make_user: Any, login: Any) -> Any:
    org = make_org()
    user = make_user(role=Role.PLANNER, org=org)
    login(user)
    return org


def test_upload_with_bom_and_semicolons_replaces_the_year(
    client: Any, planner: Any, make_population: Any
) -> None:
    make_population(planner, [("Gamla", "18-29", "man", 1)], year=2025)
    make_population(planner, [("Kvar", "18-29", "man", 7)], year=2024)
    text = "\ufeffdistrict;age_band;gender;count\nAlby;18-29;woman;310\nFittja;80+;man;42\n"
    response = upload(client, planner.id, text)
    assert response.status_code == 302
    assert stored(planner.id) == [
        (2024, "Kvar", "18-29", "man", 7),
        (2025, "Alby", "18-29", "woman", 310),
        (2025, "Fittja", "80+", "man", 42),
    ]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "352" in page


def test_year_column_wins_over_the_form(client: Any, planner: Any) -> None:
    text = "district,age_band,gender,count,year\nAlby,0-17,other,5,2023\n"
    assert upload(client, planner.id, text, year=2025).status_code == 302
    assert stored(planner.id) == [(2023, "Alby", "0-17", "other", 5)]


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("distrikt,age,gender,count\nAlby,18-29,woman,3\n", ["Line 1:"]),
        (
            "district,age_band,gender,count\nAlby,18-29,woman,3\nAlby,18-29,man,-4\n",
            ["Line 3:", "cannot be negative"],
        ),
        (
            "district,age_band,gender,count\nAlby,20-29,woman,3\nAlby,18-29,woman,x\n",
            ["Line 2:", "20-29", "Line 3:", "whole number"],
        ),
        (
            "district,age_band,gender,count\nAlby,18-29,woman,3\nAlby,18-29,woman,4\n",
            ["Line 3:", "line 2"],
        ),
        ("district,age_band,gender,count\nAlby,18-29,female,3\n", ["Line 2:", "female"]),
    ],
)
def test_bad_files_are_refused_with_line_numbers(
    client: Any, planner: Any, make_population: Any, text: str, messages: list[str]
) -> None:
    make_population(planner, [("Alby", "18-29", "man", 9)])
    response = upload(client, planner.id, text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in messages:
        assert message in page
    assert stored(planner.id) == [(2025, "Alby", "18-29", "man", 9)]  # nothing changed


def test_not_utf8_and_missing_file(client: Any, planner: Any) -> None:
    response = upload(
        client, planner.id, "district,age_band,gender,count\nÖ,18-29,man,1\n".encode("latin-1")
    )
    assert response.status_code == 422
    response = client.post(
        f"/manage/analysis/organizations/{planner.id}/population", data={"year": "2025"}
    )
    assert response.status_code == 422
    assert stored(planner.id) == []


def test_facilitators_may_not_upload(
    client: Any, make_org: Any, make_user: Any, login: Any
) -> None:
    org = make_org()
    login(make_user(role=Role.FACILITATOR, org=org))
    text = "district,age_band,gender,count\nAlby,18-29,woman,3\n"
    assert upload(client, org.id, text).status_code == 403
    assert stored(org.id) == []


def test_facilitators_read_the_figures_the_planner_uploaded(
    client: Any, make_org: Any, make_user: Any, login: Any, make_population: Any, app: Any
) -> None:
    org = make_org()
    make_population(
        org,
        [
            ("Alby", "18-29", "woman", 310),
            ("Alby", "18-29", "man", 290),
            ("Fittja", "80+", "man", 42),
        ],
    )
    login(make_user(role=Role.FACILITATOR, org=org))
    page = client.get(f"/manage/analysis/organizations/{org.id}/population?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Inhabitants per district and age band" in html
    assert '<th scope="row">Alby</th>' in html and ">600<" in html  # genders summed
    assert 'type="file"' not in html  # reading, not uploading
    assert "Planners of the organization upload" in html
    # A moderator does not analyse: still refused.
    moderator_client = app.test_client()
    login(make_user(role=Role.MODERATOR, org=org), test_client=moderator_client)
    refused = moderator_client.get(f"/manage/analysis/organizations/{org.id}/population")
    assert refused.status_code == 403
