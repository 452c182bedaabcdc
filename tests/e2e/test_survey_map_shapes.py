"""Lines and areas in a survey's map questions can be moved and reshaped after placing (issue
19 item 3): a corner dragged on a phone, the whole shape dragged with a mouse, "Move here" from
the keyboard; a change outside the project area or one that makes an area cross itself is
refused and the shape goes back. The answer sent, and the draft on the device, carry the new
shape. Pixel 7 profile, real Chromium, no remote map layer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.projects.models import ActivityKind
from app.surveys.models import AnswerFeature, Question, QuestionType

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RUN_AXE = (
    "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
    ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"
)
Box = dict[str, float]
#: Shapes are kept to six decimals of a degree, as Leaflet gives a drawn shape.
TEN_CM = 1.1e-6


@pytest.fixture()
def shapes_survey(app: Any, make_project: Any, make_activity: Any) -> Any:
    """One page: an area inside the project area, then a line anywhere."""
    project = make_project()
    survey = make_activity(project.current_stage, ActivityKind.SURVEY).survey
    area = Question(
        type=QuestionType.MAP_POLYGON,
        page=1,
        position=0,
        max_count=3,
        prompt={"sv": "Vilket område?", "en": "Which area?"},
        settings={"restrict_to_area": True},
    )
    line = Question(
        type=QuestionType.MAP_LINE,
        page=1,
        position=1,
        max_count=3,
        prompt={"sv": "Vilken väg?", "en": "Which route?"},
        settings={"restrict_to_area": False},
    )
    survey.questions.extend([area, line])
    db.session.commit()
    return survey


@pytest.fixture()
def phone(browser: Any, playwright: Any) -> Any:
    """A Pixel 7 whose requests off this machine are refused (no tiles are configured)."""
    context = browser.new_context(**playwright.devices["Pixel 7"], service_workers="block")
    yield context.new_page()
    context.close()


def _stored(page: Page, question: Question) -> list[dict[str, Any]]:
    value = page.locator(f"#q{question.id}_features").input_value()
    return json.loads(value) if value else []


def _box(locator: Any) -> Box:
    box = locator.bounding_box()
    assert box is not None
    return box


def _frame(page: Page, question: Question) -> tuple[Any, Box]:
    """The question's map, scrolled into view, and the on-screen box of the project area."""
    canvas = page.locator(f"#q{question.id}-map")
    expect(canvas).to_have_class(re.compile("leaflet-container"))
    canvas.scroll_into_view_if_needed()
    return canvas, _box(canvas.locator("path[stroke-dasharray='6 4']"))


def _draw(page: Page, question: Question, points: list[tuple[float, float]], labels: dict) -> None:
    """Draw a shape through ``points`` (x, y on screen) with the draw button and taps."""
    section = page.locator(f"#question-{question.id}")
    section.get_by_role("button", name=labels["draw"]).click()
    for x, y in points:
        page.mouse.click(x, y)
    section.get_by_role("button", name=labels["finish"]).click()
    expect(section.locator("[data-status]")).to_contain_text(labels["added"])


def _handle_at(canvas: Any, x: float, y: float) -> Any:
    """The corner handle drawn at x, y on screen."""
    handles = canvas.locator(".marker-icon:not(.marker-icon-middle)")
    for i in range(handles.count()):
        box = _box(handles.nth(i))
        if abs(box["x"] + box["width"] / 2 - x) < 4 and abs(box["y"] + box["height"] / 2 - y) < 4:
            return handles.nth(i)
    raise AssertionError(f"no handle at {x}, {y}")


def _drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(
            start[0] + (end[0] - start[0]) * step / 8, start[1] + (end[1] - start[1]) * step / 8
        )
    page.mouse.up()


def _ring(features: list[dict[str, Any]]) -> list[list[float]]:
    ring = features[0]["geometry"]["coordinates"][0]
    assert isinstance(ring, list)
    return ring


SV = {
    "draw": "Rita ett område",
    "finish": "Avsluta ritningen",
    "added": "Tillagd.",
    "changed": "Formen är ändrad.",
    "moved": "Flyttat.",
    "outside": "Platsen ligger utanför projektområdet. Markera en plats inom området.",
    "crosses": "Ett område kan inte korsa sig självt. Ändringen är ångrad.",
    "move_here": "Flytta till kartans mitt (Markering 1)",
}


def test_area_reshaped_on_a_phone_then_moved_here_is_what_is_sent(
    phone, live_server, shapes_survey
):
    area = shapes_survey.questions[0]
    page = phone
    page.goto(f"{live_server.url}/s/{shapes_survey.id}")
    canvas, bounds = _frame(page, area)
    status = page.locator(f"#question-{area.id} [data-status]")

    def at(fx: float, fy: float) -> tuple[float, float]:
        return bounds["x"] + bounds["width"] * fx, bounds["y"] + bounds["height"] * fy

    corners = [at(0.15, 0.15), at(0.35, 0.15), at(0.35, 0.35), at(0.15, 0.35)]
    _draw(page, area, corners, SV)
    drawn = _ring(_stored(page, area))
    expect(canvas.locator(".marker-icon:not(.marker-icon-middle)")).to_have_count(4)
    # The handles are big enough for a finger.
    handle = _handle_at(canvas, *corners[2])
    assert _box(handle)["width"] >= 24

    # One finger drags a corner out: the area grows, and that is what the page keeps.
    _drag(page, corners[2], at(0.45, 0.45))
    expect(status).to_have_text(SV["changed"])
    reshaped = _ring(_stored(page, area))
    assert len(reshaped) == len(drawn)
    assert reshaped[2][0] > drawn[2][0] + 0.001 and reshaped[2][1] < drawn[2][1] - 0.0005
    assert reshaped[0] == drawn[0] and reshaped[1] == drawn[1]

    # A corner dragged out of the project area: refused, and the corner goes back.
    _drag(page, at(0.45, 0.45), (at(0.45, 0)[0], bounds["y"] + bounds["height"] + 8))
    expect(status).to_have_text(SV["outside"])
    assert _ring(_stored(page, area)) == reshaped
    _handle_at(canvas, *at(0.45, 0.45))

    # A corner dragged across the area so that it would cross itself: refused too.
    _drag(page, corners[0], at(0.6, 0.3))
    expect(status).to_have_text(SV["crosses"])
    assert _ring(_stored(page, area)) == reshaped
    _handle_at(canvas, *corners[0])

    # The keyboard way: the whole area to the middle of the map.
    page.get_by_role("button", name=SV["move_here"]).press("Enter")
    expect(status).to_have_text(SV["moved"])
    moved = _ring(_stored(page, area))
    dlon, dlat = moved[0][0] - reshaped[0][0], moved[0][1] - reshaped[0][1]
    assert dlon > 0.001 and dlat < -0.0003
    for before, after in zip(reshaped, moved, strict=True):
        assert (
            abs(after[0] - before[0] - dlon) < TEN_CM and abs(after[1] - before[1] - dlat) < TEN_CM
        )
    shape = _box(canvas.locator("path.leaflet-interactive").first)
    middle = _box(canvas)
    assert abs(shape["x"] + shape["width"] / 2 - (middle["x"] + middle["width"] / 2)) < 3
    assert abs(shape["y"] + shape["height"] / 2 - (middle["y"] + middle["height"] / 2)) < 3

    page.evaluate(AXE.read_text())
    assert page.evaluate(RUN_AXE) == []

    # The draft on the device has the moved area: a reload shows it where it was moved to.
    page.reload()
    expect(page.get_by_role("button", name=SV["move_here"])).to_be_visible()
    assert _ring(_stored(page, area)) == moved

    page.get_by_role("button", name=re.compile("Granska dina svar|Skicka dina svar")).click()
    page.get_by_role("button", name="Skicka dina svar").click()
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    db.session.expire_all()
    feature = db.session.scalars(db.select(AnswerFeature)).one()
    assert feature.geometry["type"] == "Polygon"
    for sent, kept in zip(feature.geometry["coordinates"][0], moved, strict=True):
        assert abs(sent[0] - kept[0]) < 1e-9 and abs(sent[1] - kept[1]) < 1e-9


EN = {
    "draw": "Draw a line",
    "finish": "Finish drawing",
    "added": "Added.",
    "changed": "The shape is changed.",
    "moved": "Moved.",
    "move_here": "Move to the middle of the map (Marking 1)",
}


def test_line_moved_here_and_reshaped_in_english_is_what_is_sent(phone, live_server, shapes_survey):
    line = shapes_survey.questions[1]
    page = phone
    page.goto(f"{live_server.url}/lang/en")
    page.goto(f"{live_server.url}/s/{shapes_survey.id}")
    canvas, bounds = _frame(page, line)
    status = page.locator(f"#question-{line.id} [data-status]")
    start = (bounds["x"] + bounds["width"] * 0.1, bounds["y"] + bounds["height"] * 0.1)
    end = (bounds["x"] + bounds["width"] * 0.3, bounds["y"] + bounds["height"] * 0.2)
    _draw(page, line, [start, end], EN)
    drawn = _stored(page, line)[0]["geometry"]["coordinates"]
    assert len(drawn) == 2

    page.get_by_role("button", name=EN["move_here"]).click()
    expect(status).to_have_text(EN["moved"])
    moved = _stored(page, line)[0]["geometry"]["coordinates"]
    assert moved[0][0] > drawn[0][0] and moved[0][1] < drawn[0][1]
    # Moved, not stretched: both ends went the same way.
    assert abs((moved[1][0] - moved[0][0]) - (drawn[1][0] - drawn[0][0])) < TEN_CM
    assert abs((moved[1][1] - moved[0][1]) - (drawn[1][1] - drawn[0][1])) < TEN_CM

    # The end of the line dragged a little further along.
    canvas.scroll_into_view_if_needed()
    ends = canvas.locator(".marker-icon:not(.marker-icon-middle)")
    expect(ends).to_have_count(2)
    tip = max((_box(ends.nth(i)) for i in range(2)), key=lambda b: b["x"])
    x, y = tip["x"] + tip["width"] / 2, tip["y"] + tip["height"] / 2
    _drag(page, (x, y), (x + 30, y + 20))
    expect(status).to_have_text(EN["changed"])
    reshaped = _stored(page, line)[0]["geometry"]["coordinates"]
    assert reshaped[0] == moved[0]
    assert reshaped[1][0] > moved[1][0] and reshaped[1][1] < moved[1][1]

    page.evaluate(AXE.read_text())
    assert page.evaluate(RUN_AXE) == []
    page.get_by_role("button", name=re.compile("Review your answers|Send your answers")).click()
    page.get_by_role("button", name="Send your answers").click()
    expect(page.get_by_role("heading", name="Thank you for your answers")).to_be_visible()
    db.session.expire_all()
    feature = db.session.scalars(db.select(AnswerFeature)).one()
    assert feature.geometry["type"] == "LineString"
    for sent, kept in zip(feature.geometry["coordinates"], reshaped, strict=True):
        assert abs(sent[0] - kept[0]) < 1e-9 and abs(sent[1] - kept[1]) < 1e-9


def test_with_a_mouse_the_whole_area_is_dragged_but_not_out_of_the_project_area(
    browser, live_server, shapes_survey
):
    area = shapes_survey.questions[0]
    context = browser.new_context(viewport={"width": 1024, "height": 800}, service_workers="block")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/s/{shapes_survey.id}")
        canvas, bounds = _frame(page, area)
        status = page.locator(f"#question-{area.id} [data-status]")

        def at(fx: float, fy: float) -> tuple[float, float]:
            return bounds["x"] + bounds["width"] * fx, bounds["y"] + bounds["height"] * fy

        _draw(page, area, [at(0.2, 0.2), at(0.4, 0.2), at(0.4, 0.4), at(0.2, 0.4)], SV)
        drawn = _ring(_stored(page, area))
        # Grab the area by its inside, away from the handles, and drag it down and right.
        _drag(page, at(0.3, 0.27), at(0.6, 0.57))
        expect(status).to_have_text(SV["moved"])
        moved = _ring(_stored(page, area))
        dlon, dlat = moved[0][0] - drawn[0][0], moved[0][1] - drawn[0][1]
        assert dlon > 0.003 and dlat < -0.002
        for before, after in zip(drawn, moved, strict=True):
            assert abs(after[0] - before[0] - dlon) < TEN_CM
            assert abs(after[1] - before[1] - dlat) < TEN_CM
        # Dragged half out of the project area: it goes back to where it was.
        _drag(page, at(0.6, 0.57), at(1.0, 0.57))
        expect(status).to_have_text(SV["outside"])
        assert _ring(_stored(page, area)) == moved
        shape = _box(canvas.locator("path.leaflet-interactive").first)
        x, y = at(0.6, 0.6)
        assert abs(shape["x"] + shape["width"] / 2 - x) < 3
        assert abs(shape["y"] + shape["height"] / 2 - y) < 3
        # A new area is still drawn by clicking, also where it starts inside the first one.
        _draw(page, area, [at(0.62, 0.62), at(0.9, 0.62), at(0.9, 0.9)], SV)
        stored = _stored(page, area)
        assert len(stored) == 2 and _ring(stored) == moved
        assert len(stored[1]["geometry"]["coordinates"][0]) == 4
    finally:
        context.close()


def _finger(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """One finger on the touch screen from ``start`` to ``end``."""
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": "touchStart", "touchPoints": [{"x": start[0], "y": start[1]}]},
    )
    for step in range(1, 11):
        x = start[0] + (end[0] - start[0]) * step / 10
        y = start[1] + (end[1] - start[1]) * step / 10
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_on_a_phone_one_finger_on_an_area_scrolls_the_page_and_on_a_corner_moves_it(
    phone, live_server, shapes_survey
):
    area = shapes_survey.questions[0]
    page = phone
    page.goto(f"{live_server.url}/s/{shapes_survey.id}")
    canvas, bounds = _frame(page, area)
    status = page.locator(f"#question-{area.id} [data-status]")

    def at(fx: float, fy: float) -> tuple[float, float]:
        return bounds["x"] + bounds["width"] * fx, bounds["y"] + bounds["height"] * fy

    _draw(page, area, [at(0.2, 0.2), at(0.8, 0.2), at(0.8, 0.8), at(0.2, 0.8)], SV)
    drawn = _ring(_stored(page, area))
    # A finger on a corner drags it.
    corner = at(0.8, 0.8)
    _handle_at(canvas, *corner)
    _finger(page, corner, at(0.6, 0.6))
    expect(status).to_have_text(SV["changed"])
    reshaped = _ring(_stored(page, area))
    assert reshaped[2][0] < drawn[2][0] and reshaped[2][1] > drawn[2][1]
    assert reshaped[0] == drawn[0]
    # A finger on the area, moving up: the page scrolls on, the area stays.
    scrolled = page.evaluate("() => window.scrollY")
    _finger(page, at(0.4, 0.55), at(0.4, 0.05))
    page.wait_for_function(f"() => window.scrollY > {scrolled + 50}")
    assert _ring(_stored(page, area)) == reshaped


#: A U-shaped project area: the square above with a notch cut from the middle of its top.
U_AREA = {
    "type": "Polygon",
    "coordinates": [
        [
            [17.94, 59.215],
            [17.96, 59.215],
            [17.96, 59.225],
            [17.953, 59.225],
            [17.953, 59.219],
            [17.947, 59.219],
            [17.947, 59.225],
            [17.94, 59.225],
            [17.94, 59.215],
        ]
    ],
}


def test_an_area_reaching_across_the_gap_of_a_u_shaped_project_area_is_refused(
    phone, live_server, make_project, make_activity
):
    """Every corner inside is not enough: an edge across the notch leaves the area, so the
    phone refuses it at once instead of the server refusing the whole survey when it is sent
    (the server's check, shapely's covers, is the same)."""
    project = make_project(area=U_AREA)
    survey = make_activity(project.current_stage, ActivityKind.SURVEY).survey
    area = Question(
        type=QuestionType.MAP_POLYGON,
        page=1,
        position=0,
        max_count=3,
        prompt={"sv": "Vilket område?", "en": "Which area?"},
        settings={"restrict_to_area": True},
    )
    survey.questions.append(area)
    db.session.commit()
    page = phone
    page.goto(f"{live_server.url}/s/{survey.id}")
    section = page.locator(f"#question-{area.id}")
    status = section.locator("[data-status]")

    def draw(fractions: list[tuple[float, float]]) -> None:
        """Draw through points given as fractions of the project area's box on screen,
        measured once drawing has begun (the button's new label may move the map)."""
        section.get_by_role("button", name=SV["draw"]).click()
        _canvas, bounds = _frame(page, area)
        for fx, fy in fractions:
            page.mouse.click(
                bounds["x"] + bounds["width"] * fx, bounds["y"] + bounds["height"] * fy
            )
        section.get_by_role("button", name=SV["finish"]).click()

    # The two arms' tops and the bottom: all three corners inside, the top edge across the gap.
    draw([(0.15, 0.2), (0.85, 0.2), (0.5, 0.8)])
    expect(status).to_have_text(SV["outside"])
    assert _stored(page, area) == []

    # Below the notch the same shape is inside: kept.
    draw([(0.15, 0.7), (0.85, 0.7), (0.5, 0.9)])
    expect(status).to_contain_text(SV["added"])
    kept = _ring(_stored(page, area))
    # A corner dragged up into an arm, the edge to it through the notch: refused, put back.
    canvas, bounds = _frame(page, area)

    def at(fx: float, fy: float) -> tuple[float, float]:
        return bounds["x"] + bounds["width"] * fx, bounds["y"] + bounds["height"] * fy

    _drag(page, at(0.85, 0.7), at(0.85, 0.2))
    expect(status).to_have_text(SV["outside"])
    assert _ring(_stored(page, area)) == kept
    _handle_at(canvas, *at(0.85, 0.7))
