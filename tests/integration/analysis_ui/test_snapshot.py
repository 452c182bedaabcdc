"""The stored indicators of a small stage that can be checked by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from analysis.indicators import wilson_interval
from app.analysis_ui import services
from app.comments.models import CommentStatus
from app.extensions import db

UNSAFE = "Det känns otryggt att gå här på kvällen, belysningen är dålig och det är mörkt."
DARK = "Otryggt och mörkt vid tunneln, jag vågar inte gå där ensam på natten längre."
PARK_NEED = "Parken behöver fler träd och grönska, det är för lite natur här."
PARK_LIKE = "Jag tycker om de stora träden och den fina grönskan i parken."

POPULATION = [
    ("Alby", "18-29", "woman", 300),
    ("Alby", "30-44", "man", 300),
    ("Fittja", "18-29", "man", 200),
    ("Fittja", "65-79", "woman", 200),
]


@pytest.fixture()
def small_stage(
    make_project: Any, make_survey: Any, make_response: Any, make_population: Any
) -> Any:
    """Six participants: five young women in Alby, one older man in Fittja."""
    project = make_project()
    stage = project.current_stage
    make_population(project.organization, POPULATION)
    setup = make_survey(stage)
    day1 = datetime(2026, 11, 1, 10, tzinfo=UTC)
    day2 = datetime(2026, 11, 2, 10, tzinfo=UTC)
    texts = [UNSAFE, UNSAFE + " Hemskt.", DARK, PARK_NEED, PARK_LIKE]
    for i, text in enumerate(texts):
        make_response(
            setup,
            text=text,
            demographics={"district": "Alby", "age_band": "18-29", "gender": "woman"},
            submitted_at=day1 if i < 3 else day2,
        )
    make_response(
        setup,
        text=PARK_LIKE + " Bra!",
        demographics={"district": "Fittja", "age_band": "65-79", "gender": "man"},
        submitted_at=day2,
    )
    services.code_contributions(stage)
    snap = services.recompute(stage)
    db.session.commit()
    return snap.data


def test_totals_and_timeline(small_stage: dict[str, Any]) -> None:
    assert small_stage["totals"] == {
        "participants": 6,
        "contributions": 6,
        "comments": 0,
        "answers": 6,
        "markings": 0,
        "responses": 6,
        "coded_items": 6,
    }
    assert small_stage["timeline"] == [
        {"date": "2026-11-01", "contributions": 3, "participants": 3},
        {"date": "2026-11-02", "contributions": 3, "participants": 3},
    ]


def test_representation_is_suppressed_and_names_missing_groups(small_stage: dict[str, Any]) -> None:
    rep = small_stage["representation"]
    assert rep["population"] == 1000 and rep["population_year"] == 2025
    assert rep["per_1000"] == 6.0
    dims = {d["dimension"]: d for d in rep["dimensions"]}

    district = dims["district"]
    shown = {g["group"]: g["participants"] for g in district["groups"]}
    # Fittja's single participant is "<5"; Alby's 5 would reveal it from the total of 6.
    assert shown == {"Alby": "x", "Fittja": "<5", "unknown": "0"}
    assert district["total"] == "6"
    assert district["dissimilarity"] == pytest.approx(0.2333, abs=1e-4)
    assert district["under_represented"] == ["Fittja"]
    assert all(
        g["participant_share"] is None for g in district["groups"] if g["group"] != "unknown"
    )
    assert all(g["per_1000"] is None for g in district["groups"])

    ages = {g["group"]: g for g in dims["age_band"]["groups"]}
    assert [g for g in ages] == ["18-29", "30-44", "65-79", "unknown"]
    assert ages["30-44"]["participants"] == "0"
    assert ages["65-79"]["participants"] == "<5"
    assert ages["18-29"]["participants"] == "x"
    assert ages["30-44"]["population_share"] == 0.3
    # 65-79: 1/6 of participants vs 0.2 of the population, a ratio of 0.83 (not below 0.8).
    assert dims["age_band"]["under_represented"] == ["30-44"]
    assert {g["group"]: g["participants"] for g in dims["gender"]["groups"]} == {
        "woman": "x",
        "man": "<5",
        "unknown": "0",
    }


def test_themes_with_interval_and_valence(small_stage: dict[str, Any]) -> None:
    themes = {t["theme"]: t for t in small_stage["themes"]}
    low, high = wilson_interval(3, 6)
    assert themes["safety"]["count"] == 3 and themes["safety"]["share"] == 0.5
    assert themes["safety"]["low"] == round(low, 4) and themes["safety"]["high"] == round(high, 4)
    assert themes["safety"]["net_valence"] == -1.0
    assert themes["safety"]["participants"] == "<5"
    assert themes["green"]["count"] == 3
    assert themes["green"]["net_valence"] == pytest.approx(1 / 3, abs=1e-3)  # 2 pos, 1 neg
    assert themes["safety"]["need_intensity"] == 0.5  # 3 negative of 6, no supports
    assert themes["mobility"]["count"] == 0


def test_youth_quality_answers_and_quotes(small_stage: dict[str, Any]) -> None:
    assert small_stage["youth"]["young_participants"] == "0"
    assert small_stage["youth"]["participants_with_age"] == "6"
    assert small_stage["quality"] == {
        "items": 6,
        "coded": 6,
        "reviewed": 0,
        "share_coded": 1.0,
        "share_reviewed": 0.0,
    }
    assert small_stage["agreement"] == {"items": 0, "themes": []}
    assert small_stage["answers"]["threads"] == 0
    quotes = small_stage["quotes"]
    assert {q["id"][0] for qs in quotes.values() for q in qs} == {"A"}
    assert all(len(qs) <= 3 for qs in quotes.values())
    assert small_stage["coverage"]["stages"] >= 1


def test_pending_comments_count_once_published_and_are_never_quoted(
    make_project: Any, make_comment: Any
) -> None:
    stage = make_project().current_stage
    pending = make_comment(stage, DARK, status=CommentStatus.PENDING)
    make_comment(stage, UNSAFE)
    services.code_contributions(stage)
    data = services.recompute(stage).data
    # Every figure counts what can be published: the pending comment waits for moderation.
    assert data["totals"]["contributions"] == 1
    assert data["totals"]["participants"] == 1
    assert [q["text"] for q in data["quotes"]["safety"]] == [UNSAFE]
    pending.status = CommentStatus.PUBLISHED
    db.session.commit()
    assert services.recompute(stage).data["totals"]["contributions"] == 2


def test_hotspot_cells_are_rectangles_in_wgs84(make_project: Any, make_comment: Any) -> None:
    stage = make_project().current_stage
    # A cluster of unsafe pins in one spot and scattered other pins around it.
    for i in range(12):
        make_comment(
            stage, UNSAFE, geometry={"type": "Point", "coordinates": [17.95 + i * 1e-5, 59.22]}
        )
    for i in range(20):
        make_comment(
            stage,
            PARK_LIKE,
            geometry={
                "type": "Point",
                "coordinates": [17.90 + (i % 5) * 0.02, 59.20 + (i // 5) * 0.01],
            },
        )
    services.code_contributions(stage)
    data = services.recompute(stage).data
    safety = data["hotspots"]["themes"]["safety"]
    hot = [c for c in safety["cells"] if c["kind"] == "hot"]
    assert hot, safety
    inside = [
        c
        for c in hot
        if c["bounds"][0][0] < 59.22 < c["bounds"][1][0]
        and c["bounds"][0][1] < 17.9501 < c["bounds"][1][1]
    ]
    assert len(inside) == 1
    assert inside[0]["count"] == "12"
    assert all(c["count"] in ("0", "<5", "x") for c in hot if c is not inside[0])
