"""Maps survive in-app navigation on a phone: boosted links, Back and history restore."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from app.demo.seed import seed
from app.extensions import db
from app.projects.models import Activity, ActivityKind, Project

SHAPES = ".leaflet-overlay-pane path, .leaflet-marker-icon"
# Every visible Leaflet map, with whether it has panes and a drawn shape (area or markers).
MAPS = """() => Array.from(document.querySelectorAll('.leaflet-container'))
  .filter(m => m.offsetParent !== null)
  .map(m => ({panes: m.querySelectorAll('.leaflet-map-pane').length,
              shapes: m.querySelectorAll(SHAPES).length}))""".replace("SHAPES", repr(SHAPES))


def _maps_drawn(page, expected: int) -> None:
    page.wait_for_function(
        """n => { const maps = Array.from(document.querySelectorAll('.leaflet-container'))
              .filter(m => m.offsetParent !== null);
              return maps.length >= n && maps.every(m =>
                m.querySelectorAll('.leaflet-map-pane').length === 1 &&
                m.querySelectorAll(SHAPES).length > 0); }""".replace("SHAPES", repr(SHAPES)),
        arg=expected,
        timeout=10_000,
    )
    maps = page.evaluate(MAPS)
    assert len(maps) >= expected and all(m["panes"] == 1 and m["shapes"] for m in maps), maps


def test_every_map_is_drawn_after_boosted_navigation_and_back(
    app, browser, playwright, live_server
):
    seed("demo-losen-2026")
    db.session.commit()
    project = db.session.scalars(
        sa.select(Project).where(Project.slug == "flemingsberg-stationsomrade")
    ).one()
    stage = project.current_stage
    survey_id = db.session.scalars(
        sa.select(Activity.survey_id).where(
            Activity.stage_id == stage.id, Activity.kind == ActivityKind.SURVEY
        )
    ).first()
    project_path = f"/p/{project.organization.slug}/{project.slug}"
    stage_path = f"{project_path}/{stage.id}"

    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        # On a phone the catalogue opens as a list; the map is one tap away.
        page.locator("#view-toggle button[data-view='map']").click()
        _maps_drawn(page, 1)
        page.locator("#view-toggle button[data-view='list']").click()
        expect(page.locator("#catalogue-map")).to_be_hidden()
        # Catalogue -> project by a boosted link: the project's area map is drawn.
        page.locator(f"main a[href='{project_path}']").first.click()
        page.wait_for_url(live_server.url + project_path)
        _maps_drawn(page, 1)
        # Back: the restored catalogue's toggle still switches, its map is alive again, and
        # its zoom button zooms, not navigates.
        page.go_back()
        page.wait_for_url(live_server.url + "/")
        page.locator("#view-toggle button[data-view='map']").click()
        _maps_drawn(page, 1)
        page.locator("#catalogue-map .leaflet-control-zoom-in").click()
        assert page.url == live_server.url + "/"
        page.locator("#view-toggle button[data-view='list']").click()
        # Catalogue -> project -> stage -> survey, all boosted.
        page.locator(f"main a[href='{project_path}']").first.click()
        page.wait_for_url(live_server.url + project_path)
        page.locator(f"main a[href='{stage_path}']").first.click()
        page.wait_for_url(live_server.url + stage_path)
        _maps_drawn(page, 2)
        page.locator(f"main a[href='/s/{survey_id}']").first.click()
        page.wait_for_url(f"{live_server.url}/s/{survey_id}")
        page.wait_for_function("() => document.querySelector('.map-canvas.leaflet-container')")
        # Back to the stage: the comment map and the place picker are alive.
        page.go_back()
        page.wait_for_url(live_server.url + stage_path)
        _maps_drawn(page, 2)
        picker = page.locator("[data-picker]")
        picker.scroll_into_view_if_needed()
        box = picker.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(page.locator("input[name=lat]")).not_to_have_value("")
    finally:
        context.close()
