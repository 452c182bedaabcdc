"""On a phone (Pixel 7, 412 px) the staff pages do not scroll sideways: their wide tables
scroll inside their boxes, and nothing in a table (the trend cells' hidden texts) escapes
the box and widens the page."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from playwright.sync_api import Page

from app.demo import seed as demo
from app.extensions import db
from app.projects.models import Activity, ActivityKind, Project
from app.surveys.models import Response
from tests.conftest import TEST_PASSWORD
from tests.e2e.test_builder_flow import _login

#: The page's width and the layout viewport's: a page wider than the phone makes Chromium
#: widen the layout viewport (innerWidth) too, so both are compared with the phone's width.
WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def test_staff_pages_fit_a_pixel_7(
    app: Any, browser: Any, playwright: Any, live_server: Any
) -> None:
    demo.seed(TEST_PASSWORD)
    db.session.commit()
    project = db.session.scalars(
        sa.select(Project).where(Project.slug == "flemingsberg-stationsomrade")
    ).one()
    survey_id = db.session.scalars(
        sa.select(Activity.survey_id).where(
            Activity.stage_id == project.current_stage.id, Activity.kind == ActivityKind.SURVEY
        )
    ).first()
    response_id = db.session.scalars(
        sa.select(Response.id).where(Response.survey_id == survey_id)
    ).first()
    paths = {
        "dashboard": "/manage/",
        "moderation queue": "/moderation",
        "intake form": f"/manage/projects/{project.id}/intake/new",
        "builder": f"/manage/surveys/{survey_id}",
        "response browser": f"/manage/surveys/{survey_id}/responses",
        "one response": f"/manage/surveys/{survey_id}/responses/{response_id}",
    }
    device = dict(playwright.devices["Pixel 7"])
    context = browser.new_context(**device)
    page: Page = context.new_page()
    try:
        _login(page, live_server.url, "planerare@huddinge.demo")
        for name, path in paths.items():
            page.goto(live_server.url + path)
            assert page.url.startswith(live_server.url + path.rstrip("/")), (name, page.url)
            page.wait_for_load_state("networkidle")
            scroll_width, inner_width = page.evaluate(WIDTHS)
            assert scroll_width <= inner_width, (name, scroll_width, inner_width)
            assert inner_width == 412 and scroll_width <= 412, (name, scroll_width, inner_width)
    finally:
        context.close()
