"""A resident answers a map survey in a real Chromium: on a phone by tapping the map, and
with the keyboard only through the text alternative."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.projects.models import ActivityKind
from app.surveys.models import (
    Answer,
    AnswerFeature,
    OptionKind,
    Question,
    QuestionOption,
    QuestionType,
    Response,
)
from tests.factories import AREA


@pytest.fixture()
def map_survey(app: Any, make_project: Any, make_activity: Any) -> Any:
    """Page 1: a required map question (point) with categories and places; page 2: a choice
    and a short text."""
    project = make_project()
    activity = make_activity(project.current_stage, ActivityKind.SURVEY)
    survey = activity.survey
    survey.title = {"sv": "Trygghetsvandring", "en": "Safety walk"}
    point = Question(
        type=QuestionType.MAP_POINT,
        page=1,
        position=0,
        required=True,
        max_count=3,
        prompt={"sv": "Var känns det otryggt?", "en": "Where does it feel unsafe?"},
        settings={"restrict_to_area": True, "require_comment": False, "max_comment_length": 500},
        options=[
            QuestionOption(
                kind=OptionKind.CATEGORY,
                position=0,
                label={"sv": "Bra plats"},
                icon="star",
                color="#1e6b32",
            ),
            QuestionOption(
                kind=OptionKind.CATEGORY,
                position=1,
                label={"sv": "Känns otryggt"},
                icon="alert",
                color="#b00020",
                valence_hint="negative",
            ),
            QuestionOption(kind=OptionKind.PLACE, position=2, label={"sv": "Torget"}),
            QuestionOption(kind=OptionKind.PLACE, position=3, label={"sv": "Tunneln"}),
        ],
    )
    choice = Question(
        type=QuestionType.SINGLE_CHOICE,
        page=2,
        position=1,
        required=True,
        prompt={"sv": "Hur ofta är du där?", "en": "How often are you there?"},
        options=[
            QuestionOption(kind=OptionKind.OPTION, position=i, label={"sv": label})
            for i, label in enumerate(["Varje dag", "Varje vecka", "Sällan"])
        ],
    )
    text = Question(
        type=QuestionType.SHORT_TEXT,
        page=2,
        position=2,
        prompt={"sv": "Något mer?", "en": "Anything else?"},
    )
    survey.questions.extend([point, choice, text])
    db.session.commit()
    return survey


def _stored() -> tuple[list[Response], list[Answer], list[AnswerFeature]]:
    db.session.expire_all()
    return (
        list(db.session.scalars(db.select(Response))),
        list(db.session.scalars(db.select(Answer))),
        list(db.session.scalars(db.select(AnswerFeature))),
    )


def test_phone_resident_drops_a_pin_and_submits(browser, playwright, live_server, map_survey):
    context = browser.new_context(
        **playwright.devices["Pixel 7"],
        geolocation={"latitude": 59.2201, "longitude": 17.9501},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/s/{map_survey.id}")
        expect(page.get_by_text("Sida 1 av 2")).to_be_visible()
        page.get_by_role("button", name="Känns otryggt").click()
        expect(page.get_by_role("button", name="Känns otryggt")).to_have_attribute(
            "aria-pressed", "true"
        )
        canvas = page.locator(".map-canvas")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
        comment = page.get_by_label("Kommentar", exact=True)
        expect(comment).to_be_visible()
        expect(page.get_by_label("Kategori", exact=True)).to_have_value(
            str(map_survey.questions[0].options_of(OptionKind.CATEGORY)[1].id)
        )
        comment.fill("Mörkt och ingen belysning")
        expect(page.get_by_text("1 av högst 3 markerade.")).to_be_visible()
        page.get_by_role("button", name="Använd min position").click()
        expect(page.get_by_text("2 av högst 3 markerade.")).to_be_visible()
        page.get_by_role("button", name="Ta bort (Markering 2)").click()
        expect(page.get_by_text("1 av högst 3 markerade.")).to_be_visible()
        page.get_by_role("button", name="Nästa").click()
        expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
        page.get_by_label("Varje vecka").check()
        page.get_by_label("Något mer?").fill("Fler lampor")
        page.get_by_role("button", name="Granska dina svar").click()
        expect(page.get_by_role("heading", name="Granska dina svar")).to_be_visible()
        expect(page.get_by_text("Mörkt och ingen belysning")).to_be_visible()
        page.get_by_role("button", name="Skicka dina svar").click()
        expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
        expect(page.locator(".reference")).to_have_text(re.compile(r"^\d{5}-[0-9A-F]{4}$"))
    finally:
        context.close()
    responses, answers, features = _stored()
    assert len(responses) == 1 and len(features) == 1
    feature = features[0]
    assert feature.geometry["type"] == "Point"
    lon, lat = feature.geometry["coordinates"]
    ring = AREA["coordinates"][0]
    assert ring[0][0] <= lon <= ring[1][0] and ring[0][1] <= lat <= ring[2][1]
    assert feature.comment == "Mörkt och ingen belysning"
    assert feature.category.label["sv"] == "Känns otryggt"
    # The marking's comment is stored once, on the marking, not again as the answer's text.
    assert {a.text for a in answers} == {"Fler lampor", None}


def _tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"could not reach {selector} with Tab")


def test_keyboard_only_resident_uses_the_text_alternative(page: Page, live_server, map_survey):
    point = map_survey.questions[0]
    page.goto(f"{live_server.url}/s/{map_survey.id}")
    expect(page.get_by_role("group", name="Beskriv platsen i text istället")).to_be_visible()
    _tab_to(page, f"#q{point.id}_place")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "Tunneln"
    _tab_to(page, f"#q{point.id}_description")
    page.keyboard.type("Gångtunneln under vägen")
    _tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
    _tab_to(page, "input[type=radio]")
    page.keyboard.press("Space")
    _tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Granska dina svar")).to_be_visible()
    expect(page.get_by_text("Tunneln – Gångtunneln under vägen")).to_be_visible()
    _tab_to(page, "button[value=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    responses, answers, features = _stored()
    assert len(responses) == 1 and features == []
    map_answer = next(a for a in answers if a.question_id == point.id)
    tunnel = point.options_of(OptionKind.PLACE)[1].id
    assert map_answer.value == {"place": tunnel, "description": "Gångtunneln under vägen"}


AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_RUN = (
    "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
    ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))"
)


def test_survey_pages_have_no_serious_axe_violations_and_fit_360px(
    browser, live_server, map_survey
):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/s/{map_survey.id}")
        expect(page.locator(".map-canvas")).to_be_visible()
        page.locator(".map-canvas").click()
        expect(page.get_by_label("Kommentar", exact=True)).to_be_visible()
        page.evaluate(AXE.read_text())
        assert page.evaluate(AXE_RUN) == []
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        page.get_by_role("button", name="Nästa").click()
        expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
        page.evaluate(AXE.read_text())
        assert page.evaluate(AXE_RUN) == []
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_survey_opened_from_the_stage_page_has_a_working_map(page: Page, live_server, map_survey):
    """The stage page's link is hx-boosted (only the body is swapped): styles must follow."""
    stage = map_survey.activity.stage
    project = stage.project
    page.goto(f"{live_server.url}/p/{project.organization.slug}/{project.slug}/{stage.id}")
    page.locator(f"a[href$='/s/{map_survey.id}']").first.click()
    expect(page.get_by_text("Sida 1 av 2")).to_be_visible()
    expect(page.locator(".map-canvas.leaflet-container")).to_be_visible()
    assert page.locator(".map-canvas").bounding_box()["height"] > 100


def test_resident_draws_an_area_with_the_drawing_tool(page: Page, live_server, map_survey):
    area = Question(
        type=QuestionType.MAP_POLYGON,
        page=1,
        position=5,
        prompt={"sv": "Vilket område?", "en": "Which area?"},
        settings={"restrict_to_area": True},
        options=[QuestionOption(kind=OptionKind.CATEGORY, label={"sv": "Idé"}, icon="bulb")],
    )
    map_survey.questions.append(area)
    db.session.commit()
    page.goto(f"{live_server.url}/s/{map_survey.id}")
    canvas = page.locator(f"#q{area.id}-map")
    canvas.scroll_into_view_if_needed()
    draw = page.locator(f"#question-{area.id}").get_by_role("button", name="Rita ett område")
    draw.click()
    box = canvas.bounding_box()
    for dx, dy in [(0.47, 0.4), (0.53, 0.4), (0.53, 0.6)]:
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    page.locator(f"#question-{area.id}").get_by_role("button", name="Avsluta ritningen").click()
    status = page.locator(f"#question-{area.id} [data-status]")
    expect(status).to_have_text("Tillagd. Välj kategori och skriv en kommentar under kartan.")
    stored = json.loads(page.locator(f"#q{area.id}_features").input_value())
    assert stored[0]["geometry"]["type"] == "Polygon"
    assert len(stored[0]["geometry"]["coordinates"][0]) == 4
