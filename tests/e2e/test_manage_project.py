"""A planner sets up a detaljplan project in a real Chromium: template, area drawn on the
map with geoman, samråd made current with dates, a discussion, publish, catalogue."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from app.organizations.models import Role
from tests.conftest import TEST_PASSWORD


def _login(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/")
    page.goto(base + "/manage/?lang=en")


def test_planner_sets_up_and_publishes_a_project(page: Page, live_server, make_org, make_user):
    org = make_org(
        slug="huddinge", name="Huddinge kommun", map_lat=59.22, map_lon=17.95, map_zoom=14
    )
    make_user("planerare@huddinge.se", role=Role.PLANNER, org=org)
    base = live_server.url
    _login(page, base, "planerare@huddinge.se")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("link", name="New project").click()
    page.get_by_label("Process template").select_option("detaljplan_standard")
    page.get_by_label("Kind of project").select_option("detaljplan")
    page.get_by_label("Address name (slug)").fill("flemingsberg-centrum")
    page.get_by_label("Title (Swedish)").fill("Flemingsbergs centrum")
    page.get_by_label("Summary (Swedish)").fill("Nya bostäder och ett torg.")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="Flemingsbergs centrum")).to_be_visible()

    # Draw the area with geoman: polygon tool, four corners, back to the first.
    page.get_by_role("link", name="Area", exact=True).click()
    map_box = page.locator("#area-map")
    expect(map_box.locator(".leaflet-pm-icon-polygon")).to_be_visible()
    map_box.locator(".leaflet-pm-icon-polygon").click()
    box = map_box.bounding_box()
    assert box is not None
    corners = [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7), (0.3, 0.3)]
    for fx, fy in corners:
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        page.wait_for_timeout(100)
    field = page.locator("#geojson")
    value = field.input_value()
    geometry = json.loads(value)
    assert geometry["type"] == "Polygon"
    assert len(geometry["coordinates"][0]) == 5
    page.get_by_role("button", name="Save area").click()
    expect(page.get_by_text("The area was saved.")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Set")

    # Samråd: dates, make current, a discussion.
    page.get_by_role("link", name="Stages and activities", exact=True).click()
    page.get_by_role("link", name=re.compile(r"^Edit\W+Consultation$")).click()
    page.get_by_label("Opens").fill("2026-01-10T08:00")
    page.get_by_label("Closes").fill("2099-02-10T17:00")
    page.get_by_role("button", name="Save stage").click()
    expect(page.get_by_text("The stage was saved.")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Make current\W+Consultation$")).click()
    current = page.locator(".stage-item.is-current")
    expect(current).to_contain_text("Consultation")
    expect(current).to_be_focused()
    current.get_by_role("link", name=re.compile(r"^Edit\W+Consultation$")).click()
    page.get_by_label("Kind of activity").select_option("discussion")
    page.get_by_label("Activity name (Swedish)").fill("Vad tycker du om torget?")
    page.get_by_role("button", name="Add activity").click()
    expect(page.get_by_text("The discussion was added.")).to_be_visible()
    expect(page.locator("#activities")).to_contain_text("Vad tycker du om torget?")

    # Publish with a confirmation, then find it in the catalogue.
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Publish", exact=True).click()
    page.get_by_role("button", name="Yes, make it: Published").click()
    expect(page.locator("#project-status")).to_have_text("Published")
    page.goto(base + "/")
    expect(page.get_by_role("link", name="Flemingsbergs centrum")).to_be_visible()
