"""On a phone the header is one row, no page scrolls sideways, the menu button opens the
navigation, and the stage page offers the ways to take part within the first screen."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.demo.seed import seed
from app.extensions import db
from app.projects.models import Activity, ActivityKind, Project

WIDTHS = (320, 360, 412)
HEADER = "() => document.querySelector('body > header').getBoundingClientRect().height"
WIDEST = "() => document.documentElement.scrollWidth"


@pytest.fixture()
def demo_paths(app, live_server) -> dict[str, str]:
    seed("demo-losen-2026")
    db.session.commit()
    project = db.session.scalars(
        sa.select(Project).where(Project.slug == "flemingsberg-stationsomrade")
    ).one()
    stage = project.current_stage
    survey = db.session.scalars(
        sa.select(Activity).where(
            Activity.stage_id == stage.id, Activity.kind == ActivityKind.SURVEY
        )
    ).first()
    base = f"/p/{project.organization.slug}/{project.slug}"
    return {
        "catalogue": "/",
        "project": base,
        "stage": f"{base}/{stage.id}",
        "survey": f"/s/{survey.survey_id}",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_header_is_one_row_and_nothing_scrolls_sideways(
    browser, playwright, live_server, demo_paths, width
):
    device = dict(playwright.devices["Pixel 7"])
    device["viewport"] = {"width": width, "height": 800}
    context = browser.new_context(**device)
    page = context.new_page()
    try:
        for name, path in demo_paths.items():
            page.goto(live_server.url + path)
            height = page.evaluate(HEADER)
            assert height <= 64, (name, width, height)
            widest = page.evaluate(WIDEST)
            assert widest <= width, (name, width, widest)
        # The menu button opens the rest of the navigation.
        page.goto(live_server.url + "/")
        expect(page.get_by_role("link", name="Mina bidrag")).to_be_hidden()
        page.get_by_text("Meny", exact=True).click()
        expect(page.get_by_role("link", name="Mina bidrag")).to_be_visible()
        expect(page.get_by_role("link", name="English")).to_be_visible()
    finally:
        context.close()


def test_stage_page_offers_the_ways_to_take_part_in_the_first_screen(
    browser, playwright, live_server, demo_paths
):
    device = dict(playwright.devices["Pixel 7"])
    device["viewport"] = {"width": 360, "height": 780}
    context = browser.new_context(**device)
    page = context.new_page()
    try:
        page.goto(live_server.url + demo_paths["stage"])
        survey_link = page.locator(f"a[href='{demo_paths['survey']}']").first
        expect(survey_link).to_be_visible()
        top = survey_link.evaluate("e => e.getBoundingClientRect().top + window.scrollY")
        assert top <= 640, top
    finally:
        context.close()


def test_wide_screens_keep_the_navigation_in_the_header(browser, live_server, demo_paths):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        expect(page.get_by_role("link", name="Mina bidrag")).to_be_visible()
        expect(page.get_by_text("Meny", exact=True)).to_be_hidden()
    finally:
        context.close()
