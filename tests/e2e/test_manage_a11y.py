"""Staff pages on a tablet: no serious axe violations, and reordering stages by keyboard."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from app.organizations.models import Role
from app.projects.models import ActivityKind
from tests.conftest import TEST_PASSWORD

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_RUN = (
    "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
    ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))"
)


def test_staff_pages_are_accessible_and_keyboard_operable(
    browser, live_server, make_org, make_user, make_project, make_activity
):
    org = make_org(slug="tyreso", name="Tyresö kommun")
    make_user("admin@tyreso.se", role=Role.ADMIN, org=org)
    project = make_project(org, open_stage=False, title={"sv": "Tyresö centrum"})
    stage = project.current_stage
    make_activity(stage, ActivityKind.DISCUSSION)
    first = project.stages[0]

    context = browser.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(base + "/login")
        page.locator("#email").fill("admin@tyreso.se")
        page.locator("#password").fill(TEST_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(base + "/")
        for path in (
            "/manage/",
            f"/manage/projects/{project.id}",
            f"/manage/projects/{project.id}/edit",
            f"/manage/projects/{project.id}/area",
            f"/manage/projects/{project.id}/stages",
            f"/manage/stages/{stage.id}",
            f"/manage/stages/{stage.id}/feedback",
            "/manage/audit",
            f"/manage/projects/new?org={org.slug}",
        ):
            page.goto(base + path)
            expect(page.locator("h1")).to_be_visible()
            page.evaluate(AXE.read_text())
            assert page.evaluate(AXE_RUN) == [], path
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 768, path

        # Reorder with the keyboard only: focus the button, press Enter, focus follows.
        page.goto(f"{base}/manage/projects/{project.id}/stages")
        page.get_by_role("button", name=re.compile(r"^Flytta ned\W+Start$")).focus()
        page.keyboard.press("Enter")
        moved = page.locator(f"#stage-{first.id}")
        expect(moved).to_be_focused()
        expect(page.locator(".stage-item").nth(1)).to_have_id(f"stage-{first.id}")
    finally:
        context.close()
