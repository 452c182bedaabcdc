"""A planner starts an export in a real Chromium; the job fragment polls itself (htmx) until
it turns into a download link, and the file downloads."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.comments.models import Comment
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind
from tests.conftest import TEST_PASSWORD


def test_planner_exports_a_summary(
    page: Page, live_server, make_org, make_user, make_project, make_activity
):
    org = make_org(slug="huddinge", name="Huddinge kommun")
    make_user("planerare@huddinge.se", role=Role.PLANNER, org=org)
    project = make_project(org, title={"sv": "Flemingsbergs centrum"})
    stage = project.stages[2]
    activity = make_activity(stage, ActivityKind.DISCUSSION)
    db.session.add(
        Comment(activity_id=activity.id, stage_id=stage.id, body="Trygghet vid gångtunneln")
    )
    db.session.commit()

    base = live_server.url
    page.goto(base + "/login")
    page.locator("#email").fill("planerare@huddinge.se")
    page.locator("#password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/")

    page.goto(base + "/manage/exports/?lang=en")
    expect(page.get_by_role("heading", name="Exports", exact=True)).to_be_visible()
    page.get_by_label("What to export from").select_option(f"stage:{stage.id}")
    page.get_by_label("Export", exact=True).select_option("summary")
    page.get_by_label("Format").select_option("html")
    page.get_by_role("button", name="Start export").click()

    link = page.get_by_role("link", name="Download platsdialog-summary-stage")
    expect(link).to_be_visible(timeout=12_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".html")
    with open(download.path(), encoding="utf-8") as fh:
        html = fh.read()
    assert "Flemingsbergs centrum" in html and "Dialogsammanställning" in html
