"""The plan map on a phone: the overlay over the stage's maps, its opacity slider, comments
placed on it, markings moved after placing, and the organization's base-map switcher.
No remote map layer is ever reached: every request off this machine is answered here."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from app.comments.models import Comment
from app.extensions import db
from app.plans import services
from app.plans.models import LayerKind, MapLayer
from app.projects.models import ActivityKind
from app.surveys.models import AnswerFeature, Question, QuestionType

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RUN_AXE = (
    "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
    ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"
)
STREET = "https://street.tiles.test/{z}/{x}/{y}.png"
AERIAL = "https://aerial.tiles.test/{z}/{x}/{y}.jpg"


def _png(colour: tuple[int, int, int], size: tuple[int, int] = (256, 256)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


TILE = _png((230, 230, 230))


@pytest.fixture()
def live_app(make_app: Any) -> Any:
    """A street map configured (as in production) at a host the browser never reaches."""
    return make_app(WTF_CSRF_ENABLED=True, JOBS_INLINE=False, TILE_URL=STREET)


@pytest.fixture()
def plan_stage(live_server: Any, make_project: Any, make_activity: Any) -> Any:
    """A stage with a discussion, a point question and a plan placed over the project area."""
    project = make_project()
    stage = project.current_stage
    make_activity(stage, ActivityKind.DISCUSSION)
    survey = make_activity(stage, ActivityKind.SURVEY).survey
    survey.questions.append(
        Question(
            type=QuestionType.MAP_POINT,
            page=1,
            position=0,
            max_count=3,
            prompt={"sv": "Var?", "en": "Where?"},
            settings={"restrict_to_area": False},
        )
    )
    plan = services.upload_plan(stage, _png((200, 30, 30), (200, 100)), actor=None)
    services.place_plan(
        plan, stage, [(59.225, 17.94), (59.225, 17.96), (59.215, 17.94)], actor=None
    )
    db.session.add(
        MapLayer(
            organization_id=project.organization_id,
            name="Flygfoto",
            kind=LayerKind.XYZ,
            url=AERIAL,
            attribution="Kommunen <b>test</b>",
        )
    )
    db.session.commit()
    stage.path = f"/p/{project.organization.slug}/{project.slug}/{stage.id}"
    stage.survey_path = f"/s/{survey.id}"
    return stage


def _phone(browser: Any, playwright: Any, requests: list[str]) -> Any:
    # A service worker's own fetches would pass the route below: keep it out of these tests.
    context = browser.new_context(**playwright.devices["Pixel 7"], service_workers="block")

    def answer(route: Any) -> None:
        url = route.request.url
        if url.startswith("http://127.0.0.1"):
            route.continue_()
            return
        requests.append(url)
        if ".tiles.test/" in url:
            route.fulfill(status=200, content_type="image/png", body=TILE)
        else:
            route.abort()

    context.route("**/*", answer)
    return context


def _drag(page: Any, locator: Any, dx: float, dy: float) -> None:
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(x + dx * step / 5, y + dy * step / 5)
    page.mouse.up()


def test_overlay_slider_and_a_comment_placed_on_the_plan_then_moved(
    browser, playwright, live_server, plan_stage
):
    requests: list[str] = []
    context = _phone(browser, playwright, requests)
    page = context.new_page()
    try:
        page.goto(live_server.url + plan_stage.path)
        stage_map = page.locator("#stage-map")
        overlay = stage_map.locator("img.plan-overlay")
        expect(overlay).to_be_visible()
        assert "/plans/" in overlay.get_attribute("src")
        # The plan lies over the project area: roughly square on the map, as its corners say.
        box = overlay.bounding_box()
        assert box["width"] > 50 and box["height"] > 50
        # The slider is labelled, starts at 70 % and works with the keyboard.
        slider = page.get_by_label("Hur tydligt plankartan syns").first
        expect(slider).to_have_value("70")
        assert overlay.evaluate("e => e.style.opacity") == "0.7"
        slider.focus()
        page.keyboard.press("ArrowLeft")
        expect(slider).to_have_value("65")
        assert overlay.evaluate("e => e.style.opacity") == "0.65"
        page.keyboard.press("Home")
        assert overlay.evaluate("e => e.style.opacity") == "0"

        # The comment map shows the plan too, and a tap on the plan places the comment.
        picker = page.locator("[data-picker]")
        expect(picker.locator("img.plan-overlay")).to_be_visible()
        page.get_by_label("Din kommentar").fill("Huset i norr är för högt")
        picker.scroll_into_view_if_needed()
        pbox = picker.bounding_box()
        picker.tap(position={"x": pbox["width"] / 2, "y": pbox["height"] / 2})
        expect(page.locator("[data-picker-status]")).to_have_text("Plats vald.")
        first = (
            float(page.locator("input[name=lat]").input_value()),
            float(page.locator("input[name=lon]").input_value()),
        )
        assert 59.215 < first[0] < 59.225 and 17.94 < first[1] < 17.96
        # Dragged after placing: the form follows the pin.
        _drag(page, picker.locator(".leaflet-marker-icon"), 40, 0)
        expect(page.locator("[data-picker-status]")).to_have_text("Platsen är flyttad.")
        moved = (
            float(page.locator("input[name=lat]").input_value()),
            float(page.locator("input[name=lon]").input_value()),
        )
        assert moved[1] > first[1] + 0.0005 and abs(moved[0] - first[0]) < 0.0005
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN_AXE) == []
        page.get_by_role("button", name="Skicka kommentar").click()
        expect(page.locator("#thread").get_by_text("Huset i norr är för högt")).to_be_visible()
    finally:
        context.close()
    posted = db.session.scalars(db.select(Comment).order_by(Comment.id.desc())).first()
    db.session.refresh(posted)
    lon, lat = posted.geometry["coordinates"]
    assert abs(lat - moved[0]) < 1e-5 and abs(lon - moved[1]) < 1e-5
    # Only the two tile hosts were asked, and they were answered here.
    assert requests and all(".tiles.test/" in url for url in requests), requests


def test_base_map_switch_in_english(browser, playwright, live_server, plan_stage):
    requests: list[str] = []
    context = _phone(browser, playwright, requests)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/lang/en")
        page.goto(live_server.url + plan_stage.path)
        stage_map = page.locator("#stage-map")
        expect(stage_map.locator("img.plan-overlay")).to_be_visible()
        expect(page.get_by_label("How clearly the plan map shows").first).to_be_visible()
        expect(
            stage_map.locator("img.leaflet-tile[src*='street.tiles.test']").first
        ).to_be_attached()
        assert not any("aerial" in url for url in requests)
        toggle = stage_map.get_by_role("button", name="Choose the map")
        # A keyboard user opens the switcher with Enter.
        toggle.press("Enter")
        aerial = stage_map.get_by_label("Flygfoto")
        expect(aerial).to_be_visible()
        # Leaflet ignores clicks in the list until a timer it set on opening has run (so the
        # Enter that opened it cannot also choose a layer): a later timer runs after it.
        page.evaluate("() => new Promise(done => setTimeout(done, 0))")
        aerial.focus()
        page.keyboard.press("Space")
        expect(aerial).to_be_checked()
        # Aerial tiles load (answered by the route above); the street tiles are gone.
        expect(
            stage_map.locator("img.leaflet-tile-loaded[src*='aerial.tiles.test']").first
        ).to_be_attached()
        expect(stage_map.locator("img.leaflet-tile[src*='street.tiles.test']")).to_have_count(0)
        # The organization's attribution is text, never markup.
        attribution = stage_map.locator(".leaflet-control-attribution")
        expect(attribution).to_contain_text("Kommunen <b>test</b>")
        # The plan stays on top of the new base map.
        expect(stage_map.locator("img.plan-overlay")).to_be_visible()
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN_AXE) == []
    finally:
        context.close()
    assert any("aerial.tiles.test" in url for url in requests)
    assert all(".tiles.test/" in url for url in requests), requests


def test_survey_pin_dragged_then_sent_is_stored_at_the_new_place(
    browser, playwright, live_server, plan_stage
):
    requests: list[str] = []
    context = _phone(browser, playwright, requests)
    page = context.new_page()
    try:
        page.goto(live_server.url + plan_stage.survey_path)
        canvas = page.locator(".map-canvas")
        expect(canvas.locator("img.plan-overlay")).to_be_visible()
        expect(page.get_by_label("Hur tydligt plankartan syns")).to_be_visible()
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        canvas.tap(position={"x": box["width"] / 2, "y": box["height"] / 2})
        pin = canvas.locator(".map-pin")
        expect(pin).to_have_count(1)
        stored = page.locator("input[type=hidden][name$=_features]")
        before = json.loads(stored.input_value())[0]["geometry"]["coordinates"]
        _drag(page, pin, 0, 40)
        expect(page.locator("[data-status]")).to_have_text("Flyttat.")
        after = json.loads(stored.input_value())[0]["geometry"]["coordinates"]
        assert after[1] < before[1] - 0.0003 and abs(after[0] - before[0]) < 0.0003
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN_AXE) == []
        page.get_by_role("button", name=re.compile("Granska dina svar|Skicka dina svar")).click()
        send = page.get_by_role("button", name="Skicka dina svar")
        send.click()
        expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    finally:
        context.close()
    feature = db.session.scalars(db.select(AnswerFeature)).one()
    lon, lat = feature.geometry["coordinates"]
    assert abs(lon - after[0]) < 1e-6 and abs(lat - after[1]) < 1e-6


def test_keyboard_users_move_a_pin_to_the_middle_of_the_map(
    browser, playwright, live_server, plan_stage
):
    requests: list[str] = []
    context = _phone(browser, playwright, requests)
    page = context.new_page()
    try:
        page.goto(live_server.url + plan_stage.survey_path)
        canvas = page.locator(".map-canvas")
        expect(canvas).to_be_visible()
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        canvas.tap(position={"x": box["width"] / 4, "y": box["height"] / 4})
        stored = page.locator("input[type=hidden][name$=_features]")
        before = json.loads(stored.input_value())[0]["geometry"]["coordinates"]
        page.get_by_role("button", name="Flytta till kartans mitt (Markering 1)").press("Enter")
        expect(page.locator("[data-status]")).to_have_text("Flyttat.")
        after = json.loads(stored.input_value())[0]["geometry"]["coordinates"]
        centre = page.evaluate(
            "() => { const el = document.querySelector('.map-canvas');"
            " const r = el.getBoundingClientRect(); return [r.width, r.height]; }"
        )
        assert after != before and centre[0] > 0
        assert after[0] > before[0] and after[1] < before[1]
    finally:
        context.close()


def test_overlay_after_a_boosted_navigation_and_back(browser, playwright, live_server, plan_stage):
    requests: list[str] = []
    context = _phone(browser, playwright, requests)
    page = context.new_page()
    try:
        project_path = plan_stage.path.rsplit("/", 1)[0]
        page.goto(live_server.url + project_path)
        page.locator(f"a[href='{plan_stage.path}']").first.click()
        expect(page).to_have_url(live_server.url + plan_stage.path)
        # Both maps of the stage page carry the plan and one slider each, as on a fresh load.
        expect(page.locator("img.plan-overlay")).to_have_count(2)
        expect(page.locator("[data-plan-controls]")).to_have_count(2)
        page.go_back()
        page.go_forward()
        expect(page.locator("img.plan-overlay")).to_have_count(2)
        expect(page.locator("[data-plan-controls]")).to_have_count(2)
    finally:
        context.close()


def test_planner_drags_a_corner_and_saves_the_placement(
    browser, playwright, live_server, make_org, make_user, make_project
):
    from app.organizations.models import Role
    from app.plans.models import StagePlan
    from tests.conftest import TEST_PASSWORD

    org = make_org(slug="tyreso", name="Tyresö kommun")
    make_user("planerare@tyreso.se", role=Role.PLANNER, org=org)
    stage = make_project(org).current_stage
    services.upload_plan(stage, _png((30, 30, 200), (300, 200)), actor=None)
    db.session.commit()

    requests: list[str] = []
    context = _phone(browser, playwright, requests)
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(base + "/login")
        page.locator("#email").fill("planerare@tyreso.se")
        page.locator("#password").fill(TEST_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(base + "/")
        page.goto(f"{base}/manage/stages/{stage.id}/plan")
        place_map = page.locator("#plan-place-map")
        expect(place_map.locator("img.plan-overlay")).to_be_visible()
        expect(place_map.locator(".plan-handle")).to_have_count(3)
        # Not placed yet: the fields start filled with an upright placement in view.
        tr_lon = page.get_by_label("Övre högra hörnet, longitud")
        before = float(tr_lon.input_value())
        overlay_width = place_map.locator("img.plan-overlay").bounding_box()["width"]
        place_map.scroll_into_view_if_needed()
        _drag(page, place_map.locator(".plan-handle-tr"), 30, 0)
        expect(page.locator("#plan-place-status")).to_have_text(
            "Hörnet är flyttat. Spara placeringen för att behålla den."
        )
        after = float(tr_lon.input_value())
        assert after > before
        assert place_map.locator("img.plan-overlay").bounding_box()["width"] > overlay_width
        # Typing a corner moves its handle too.
        tl_lat = page.get_by_label("Övre vänstra hörnet, latitud")
        handle = place_map.locator(".plan-handle-tl")
        y0 = handle.bounding_box()["y"]
        tl_lat.fill(str(float(tl_lat.input_value()) + 0.001))
        assert handle.bounding_box()["y"] < y0
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN_AXE) == []
        page.get_by_role("button", name="Spara placeringen").click()
        expect(page.get_by_text("Placeringen är sparad.", exact=False)).to_be_visible()
    finally:
        context.close()
    db.session.expire_all()
    plan = db.session.scalar(db.select(StagePlan).where(StagePlan.stage_id == stage.id))
    assert plan.corners is not None and abs(plan.corners[1][1] - after) < 1e-6


def test_own_placed_comment_moved_in_the_edit_form(browser, playwright, live_server, plan_stage):
    requests: list[str] = []
    context = _phone(browser, playwright, requests)
    page = context.new_page()
    try:
        page.goto(live_server.url + plan_stage.path)
        page.get_by_label("Din kommentar").fill("Flytta mig sedan")
        picker = page.locator("form.comment-form:not(.edit-form) [data-picker]")
        picker.scroll_into_view_if_needed()
        box = picker.bounding_box()
        picker.tap(position={"x": box["width"] / 2, "y": box["height"] / 2})
        page.get_by_role("button", name="Skicka kommentar").click()
        comment = page.locator("#thread article, #thread li").filter(has_text="Flytta mig sedan")
        expect(comment.first).to_be_visible()
        posted = db.session.scalars(db.select(Comment).order_by(Comment.id.desc())).first()
        db.session.refresh(posted)
        before = posted.geometry["coordinates"]
        page.locator(f"a[href='/comments/{posted.id}/edit']").click()
        form = page.locator("form.edit-form")
        edit_map = form.locator("[data-picker]")
        marker = edit_map.locator(".leaflet-marker-icon")
        expect(marker).to_be_visible()
        # The plan is on the edit map too.
        expect(edit_map.locator("img.plan-overlay")).to_be_visible()
        edit_map.scroll_into_view_if_needed()
        _drag(page, marker, -40, 0)
        expect(form.locator("[data-picker-status]")).to_have_text("Platsen är flyttad.")
        form.get_by_role("button", name="Spara ändringar").click()
        expect(page.locator("form.edit-form")).to_have_count(0)
    finally:
        context.close()
    db.session.expire_all()
    moved = db.session.get(Comment, posted.id)
    assert moved.geometry["coordinates"][0] < before[0] - 0.0005
    assert abs(moved.geometry["coordinates"][1] - before[1]) < 0.0005
