"""The resident pages have no serious or critical axe-core violations on a phone, fit a
360 px screen without horizontal scrolling, and the catalogue map shows the projects."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from app.accounts.models import Participant
from app.comments.models import Comment
from app.extensions import db
from tests.factories import INSIDE

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RUN = "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"


def _serious(page):
    page.evaluate(AXE.read_text())
    result = page.evaluate(RUN)
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_resident_pages_pass_axe_and_fit_a_small_phone(
    browser, playwright, live_server, make_org, make_project, make_activity
):
    org = make_org(name="Huddinge kommun")
    square = [[18.10, 59.30], [18.12, 59.30], [18.12, 59.31], [18.10, 59.31], [18.10, 59.30]]
    make_project(org, title={"sv": "Torget"}, area={"type": "Polygon", "coordinates": [square]})
    project = make_project(org, title={"sv": "Flemingsbergsparken"})
    stage = project.current_stage
    activity = make_activity(stage, "discussion")
    make_activity(stage, "survey")
    person = Participant(token_hash="a11y" * 16, nickname="Cyklisten")
    db.session.add(person)
    db.session.flush()
    top = Comment(
        activity_id=activity.id,
        stage_id=stage.id,
        participant_id=person.id,
        body="Fler cykelställ vid stationen",
        supports_count=2,
    )
    top.set_geometry(INSIDE)
    db.session.add(top)
    db.session.flush()
    db.session.add(
        Comment(
            activity_id=activity.id,
            stage_id=stage.id,
            participant_id=person.id,
            parent_id=top.id,
            body="Och tak över dem",
        )
    )
    db.session.commit()

    device = dict(playwright.devices["Pixel 7"])
    device["viewport"] = {"width": 360, "height": 780}
    context = browser.new_context(**device)
    page = context.new_page()
    try:
        pages = [
            "/",
            f"/p/{org.slug}/{project.slug}",
            f"/p/{org.slug}/{project.slug}/{stage.id}",
            f"/comments/{top.id}/reply",
            f"/comments/{top.id}/flag",
            "/my",
        ]
        for path in pages:
            page.goto(live_server.url + path)
            if path == "/":
                expect(page.locator("#catalogue-map .leaflet-marker-icon")).to_have_count(2)
            assert _serious(page) == [], path
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, (path, width)
    finally:
        context.close()
