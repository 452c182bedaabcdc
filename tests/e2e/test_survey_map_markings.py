"""Map questions on a phone: the pin's tip is the stored point, pins take their category's
colour, and every map control and drawing hint speaks the resident's language."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.projects.models import ActivityKind
from app.surveys.models import OptionKind, Question, QuestionOption, QuestionType


@pytest.fixture()
def survey_path(app, live_server, make_project, make_activity) -> str:
    """One page: a point question with two coloured categories, and a line question."""
    project = make_project()
    survey = make_activity(project.current_stage, ActivityKind.SURVEY).survey
    categories = [("Bra plats", "#1e6b32"), ("Känns otryggt", "#6b2c91")]
    point = Question(
        type=QuestionType.MAP_POINT,
        page=1,
        position=0,
        max_count=3,
        prompt={"sv": "Var?", "en": "Where?"},
        settings={"restrict_to_area": False},
        options=[
            QuestionOption(kind=OptionKind.CATEGORY, position=i, label={"sv": label}, color=colour)
            for i, (label, colour) in enumerate(categories)
        ],
    )
    line = Question(
        type=QuestionType.MAP_LINE,
        page=1,
        position=1,
        prompt={"sv": "Vilken väg?", "en": "Which route?"},
        settings={"restrict_to_area": False},
        options=[QuestionOption(kind=OptionKind.CATEGORY, label={"sv": "Bra väg"})],
    )
    survey.questions.extend([point, line])
    db.session.commit()
    return f"{live_server.url}/s/{survey.id}"


def test_pin_tip_is_the_stored_point_in_the_category_colour(browser, playwright, survey_path):
    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    try:
        page.goto(survey_path)
        point_map = page.locator("[data-map-draw][data-geometry=Point]").first
        canvas = point_map.locator(".map-canvas.leaflet-container")
        expect(canvas).to_be_visible()
        # Leaflet's zoom buttons are named in Swedish.
        zoom_in = canvas.locator(".leaflet-control-zoom-in")
        assert zoom_in.get_attribute("aria-label") == "Zooma in"
        assert canvas.locator(".leaflet-control-zoom-out").get_attribute("title") == "Zooma ut"
        # Choose the second category and tap the middle of the map.
        second = point_map.locator(".category-button").nth(1)
        second.click()
        colour = second.locator("[data-color]").get_attribute("data-color")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        canvas.tap(position={"x": box["width"] / 2, "y": box["height"] / 2})
        pin = canvas.locator(".map-pin").first
        expect(pin).to_be_visible()
        tip = pin.evaluate(
            "e => { const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.bottom]; }"
        )
        assert abs(tip[0] - x) <= 2 and abs(tip[1] - y) <= 2, (tip, x, y)
        assert pin.locator("[data-pin-fill]").get_attribute("fill") == colour
        # The stored feature is where the tip points, in the chosen category.
        stored = json.loads(
            point_map.evaluate("e => document.getElementById(e.dataset.input).value")
        )
        category = second.get_attribute("data-category")
        assert str(stored[0]["properties"]["category"]) == category
    finally:
        context.close()


def test_drawing_hints_are_swedish_and_say_tap_on_a_phone(browser, playwright, survey_path):
    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    try:
        page.goto(survey_path)
        line = page.locator("[data-map-draw][data-geometry=LineString]").first
        line.scroll_into_view_if_needed()
        line.locator("[data-action=draw]").click()
        hint = line.locator(".leaflet-tooltip").first
        expect(hint).to_be_visible()
        text = hint.inner_text()
        assert "Click" not in text and "Klicka" not in text, text
        assert "Tryck" in text, text
    finally:
        context.close()
