"""On a Pixel 7 at 360 px, in Swedish and English: follow a project from its page and
confirm by the mailed link; a stage lists its meetings with an .ics link; the unsubscribe
link shows a confirmation and stops only on the button. Every page is axe clean."""

from __future__ import annotations

import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from app.core import jobs
from app.core.models import utcnow
from app.extensions import db
from app.follow import services
from app.follow.models import Follow
from app.meetings.models import Meeting
from app.projects.models import ActivityKind
from tests.e2e.test_axe_resident import AXE, RUN, SMALL_TARGETS

TEXTS = {
    "sv": {
        "follow": "Följ",
        "following": "Du följer det här projektet",
        "check": "Titta i din inkorg",
        "confirmed": "Du följer Hamnparken",
        "meetings": "Samrådsmöten",
        "ics": "Lägg till i min kalender (.ics)",
        "stop": "Ja, sluta skicka e-post",
        "stopped": "Du följer inte längre projektet",
        "title": "Hamnparken",
    },
    "en": {
        "follow": "Follow",
        "following": "You follow this project",
        "check": "Check your inbox",
        "confirmed": "You follow The harbour park",
        "meetings": "Consultation meetings",
        "ics": "Add to my calendar (.ics)",
        "stop": "Yes, stop the mails",
        "stopped": "You no longer follow the project",
        "title": "The harbour park",
    },
}


@pytest.fixture()
def world(app: Any, make_org: Any, make_project: Any, make_activity: Any) -> dict[str, Any]:
    org = make_org(slug="nynashamn", name="Nynäshamns kommun")
    project = make_project(
        org, slug="hamnparken", title={"sv": "Hamnparken", "en": "The harbour park"}
    )
    stage = project.current_stage
    make_activity(stage, ActivityKind.DISCUSSION)
    start = (utcnow() + timedelta(days=10)).replace(hour=17, minute=0, second=0, microsecond=0)
    meeting = Meeting(
        stage=stage,
        title={"sv": "Samrådsmöte i Folkets hus", "en": "Consultation meeting at Folkets hus"},
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Folkets hus, Centralgatan 1, Nynäshamn",
        accessibility={"sv": "Entré utan trappsteg, hörslinga.", "en": "Step-free, hearing loop."},
        online_url="https://mote.example.se/hamnparken",
    )
    db.session.add(meeting)
    db.session.commit()
    return {
        "project": "/p/nynashamn/hamnparken",
        "stage": f"/p/nynashamn/hamnparken/{stage.id}",
        "meeting": meeting.id,
    }


def _phone(browser: Any, playwright: Any) -> Any:
    device = dict(playwright.devices["Pixel 7"])
    device["viewport"] = {"width": 360, "height": 800}
    return browser.new_context(**device)


def _clean(page: Any, where: str) -> None:
    page.evaluate(AXE.read_text())
    assert page.evaluate(RUN) == [], where
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, where
    assert page.evaluate(SMALL_TARGETS) == [], where


def _confirmation_path(mail_dir: str, address: str) -> str:
    assert jobs.drain(timeout=30)
    parser = BytesParser(policy=policy.default)
    for path in sorted(Path(mail_dir).glob("*.eml")):
        mail = parser.parsebytes(path.read_bytes())
        if mail["To"] == address:
            found = re.search(r"https?://\S+/follow/confirm/\S+", mail.get_content())
            assert found
            return urlsplit(found.group(0)).path
    raise AssertionError("no confirmation mail")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_follow_confirm_and_see_meetings_on_a_phone(
    browser, playwright, live_server, live_app, world, lang
):
    t = TEXTS[lang]
    address = f"boende-{lang}@example.se"
    context = _phone(browser, playwright)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/?lang={lang}")
        page.goto(live_server.url + world["project"])
        box = page.locator("#follow")
        expect(box).to_be_visible()
        _clean(page, "project page with the follow form")
        box.get_by_label(re.compile("e-postadress|e-mail address")).fill(address)
        box.get_by_role("button", name=t["follow"], exact=True).click()
        expect(page.get_by_text(t["check"]).first).to_be_visible()
        assert page.url.endswith(world["project"] + "#follow")
        _clean(page, "project page after following")

        page.goto(live_server.url + _confirmation_path(live_app.config["MAIL_DIR"], address))
        _clean(page, "confirmation page")
        page.locator("main form button[type=submit]").click()
        expect(page.get_by_role("heading", name=t["confirmed"])).to_be_visible()
        page.goto(live_server.url + world["project"])
        expect(page.locator("#follow").get_by_text(t["following"])).to_be_visible()

        page.goto(live_server.url + world["stage"])
        section = page.locator("#meetings")
        expect(section.get_by_role("heading", name=t["meetings"])).to_be_visible()
        link = section.get_by_role("link", name=t["ics"])
        expect(link).to_have_attribute("href", f"/meetings/{world['meeting']}.ics")
        _clean(page, "stage page with meetings")
        calendar = page.request.get(live_server.url + f"/meetings/{world['meeting']}.ics")
        assert calendar.headers["content-type"].startswith("text/calendar")
        assert calendar.body().startswith(b"BEGIN:VCALENDAR\r\n")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_unsubscribe_page_asks_first_then_stops(browser, playwright, live_server, world, lang):
    t = TEXTS[lang]
    from app.projects.models import Project

    project = db.session.scalar(db.select(Project).where(Project.slug == "hamnparken"))
    follow = services.follow_with_address(project, "stopp@example.se", None, lang)
    services.confirm(follow)
    db.session.commit()
    token = services.unsubscribe_token(follow)
    context = _phone(browser, playwright)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/?lang={lang}")
        page.goto(f"{live_server.url}/unsubscribe/{token}")
        expect(page.get_by_role("button", name=t["stop"])).to_be_visible()
        _clean(page, "unsubscribe confirmation")
        db.session.expire_all()
        assert db.session.get(Follow, follow.id) is not None  # looking stops nothing
        page.get_by_role("button", name=t["stop"]).click()
        expect(page.get_by_role("heading", name=t["stopped"])).to_be_visible()
        _clean(page, "unsubscribed")
        db.session.expire_all()
        assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0
    finally:
        context.close()


def test_staff_add_a_meeting_in_the_stage_manager(browser, live_server, make_user, world):
    from app.organizations.models import Organization, Role
    from tests.conftest import TEST_PASSWORD

    org = db.session.scalar(db.select(Organization).where(Organization.slug == "nynashamn"))
    make_user("planerare@nynashamn.se", role=Role.PLANNER, org=org)
    stage_id = int(world["stage"].rsplit("/", 1)[1])
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(base + "/login?lang=en")
        page.locator("#email").fill("planerare@nynashamn.se")
        page.locator("#password").fill(TEST_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(base + "/")
        page.goto(f"{base}/manage/stages/{stage_id}")
        panel = page.locator("#meetings")
        expect(panel.get_by_text("Consultation meeting at Folkets hus")).to_be_visible()
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN) == [], "staff stage page"
        panel.get_by_role("link", name="Add a meeting").click()
        expect(page.get_by_role("heading", name="Add a meeting")).to_be_visible()
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN) == [], "meeting form"
        page.locator("#title_sv").fill("Öppet hus i biblioteket")
        page.get_by_label("Starts", exact=True).fill("2027-02-03T17:00")
        page.get_by_label("Ends", exact=True).fill("2027-02-03T19:00")
        page.get_by_label("Place and address").fill("Biblioteket, Nynäshamn")
        page.get_by_role("button", name="Save the meeting").click()
        expect(page.locator("#meetings").get_by_text("Öppet hus i biblioteket")).to_be_visible()
        link = page.locator("#meetings").get_by_role("link", name="Register notes from the meeting")
        expect(link.first).to_be_visible()
    finally:
        context.close()
