"""On a phone (Pixel 7): catalogue search and the list/map toggle, the share button (Web
Share API, copy-link fallback, hidden without JavaScript), the cover and the municipality's
colour on its project page; axe clean in Swedish and English. No remote map layer is used
(``TILE_URL`` is empty in tests)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from app.extensions import db

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RUN = "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"


def _serious(page: Any) -> list[Any]:
    page.evaluate(AXE.read_text())
    result = page.evaluate(RUN)
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture()
def projects(app, live_app, make_org, make_project) -> dict[str, Any]:
    from PIL import Image

    from app.organizations.services import set_logo
    from app.projects.services import set_cover_image

    live_app.config["BASE_URL"] = "https://dialog.example.se"
    org = make_org(slug="nynashamn", name="Nynäshamns kommun", primary_color="#6a1b4d")
    other = make_org(slug="tyreso", name="Tyresö kommun")
    square = [[18.10, 59.30], [18.12, 59.30], [18.12, 59.31], [18.10, 59.31], [18.10, 59.30]]
    park = make_project(
        org,
        title={"sv": "Östra parken", "en": "East park"},
        summary={"sv": "En ny park vid vattnet", "en": "A new park by the water"},
        area={"type": "Polygon", "coordinates": [square]},
    )
    make_project(other, title={"sv": "Stationen", "en": "The station"})
    for stage in park.stages:
        stage.title = {**stage.title, "en": stage.title.get("en") or stage.title["sv"]}
    cover, logo = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (1600, 900), (40, 120, 60)).save(cover, "JPEG")
    Image.new("RGB", (300, 100), (106, 27, 77)).save(logo, "PNG")
    with app.test_request_context():
        set_cover_image(park, cover.getvalue(), actor=None, alt={"sv": "Parken", "en": "The park"})
        set_logo(org, logo.getvalue(), actor=None)
    db.session.commit()
    return {"park": park, "path": f"/p/nynashamn/{park.slug}"}


def _phone(browser: Any, playwright: Any, **extra: Any) -> Any:
    device = dict(playwright.devices["Pixel 7"])
    return browser.new_context(**device, **extra)


def test_search_and_the_list_map_toggle_on_a_phone(browser, playwright, live_server, projects):
    context = _phone(browser, playwright)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        cards = page.locator(".project-item h3")
        expect(cards).to_have_count(2)
        page.get_by_label("Sök").fill("park")
        page.get_by_label("Sök").press("Enter")
        expect(cards).to_have_count(1)
        expect(cards.first).to_have_text("Östra parken")
        assert "q=park" in page.url
        # The toggle shows the list or the map, one at a time.
        toggle = page.get_by_role("group", name="Visa projekten som")
        expect(toggle).to_be_visible()
        expect(page.locator("#catalogue-map")).to_be_hidden()
        toggle.get_by_role("button", name="Karta").click()
        expect(page.locator("#catalogue-map")).to_be_visible()
        expect(page.locator("#catalogue-results")).to_be_hidden()
        expect(toggle.get_by_role("button", name="Karta")).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#catalogue-map .leaflet-marker-icon")).to_have_count(1)
        toggle.get_by_role("button", name="Lista").click()
        expect(page.locator("#catalogue-results")).to_be_visible()
        expect(page.locator("#catalogue-map")).to_be_hidden()
        assert _serious(page) == []
    finally:
        context.close()


def test_without_javascript_list_and_map_show_and_no_share_button(
    browser, playwright, live_server, projects
):
    context = _phone(browser, playwright, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/?q=park")
        expect(page.locator(".project-item h3")).to_have_count(1)
        expect(page.locator("#view-toggle")).to_be_hidden()
        expect(page.locator(".catalogue-map-wrap")).to_be_visible()
        page.goto(live_server.url + projects["path"])
        expect(page.locator("[data-share]")).to_be_hidden()
    finally:
        context.close()


def test_share_uses_the_web_share_api(browser, playwright, live_server, projects):
    context = _phone(browser, playwright)
    context.add_init_script(
        "navigator.share = (data) => { window.__shared = data; return Promise.resolve(); };"
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + projects["path"])
        page.get_by_role("button", name="Dela sidan").click()
        shared = page.evaluate("() => window.__shared")
        assert shared["url"] == "https://dialog.example.se" + projects["path"]
        assert shared["title"] == "Östra parken"
    finally:
        context.close()


def test_share_falls_back_to_copying_the_link(browser, playwright, live_server, projects):
    context = _phone(browser, playwright, permissions=["clipboard-read", "clipboard-write"])
    context.add_init_script("delete Navigator.prototype.share; delete navigator.share;")
    page = context.new_page()
    try:
        page.goto(live_server.url + projects["path"] + "?lang=en")
        page.get_by_role("button", name="Share this page").click()
        expect(page.get_by_role("status").filter(has_text="The link is copied")).to_be_visible()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == "https://dialog.example.se" + projects["path"]
    finally:
        context.close()


def test_without_a_clipboard_the_link_is_shown_to_copy(browser, playwright, live_server, projects):
    context = _phone(browser, playwright)
    context.add_init_script(
        "delete Navigator.prototype.share; delete navigator.share;"
        "Object.defineProperty(navigator, 'clipboard', {value: undefined});"
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + projects["path"])
        page.get_by_role("button", name="Dela sidan").click()
        link = page.get_by_label("Länk till den här sidan")
        expect(link).to_be_visible()
        expect(link).to_be_focused()
        expect(link).to_have_value("https://dialog.example.se" + projects["path"])
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_cover_logo_and_colour_on_the_project_page(
    browser, playwright, live_server, projects, lang
):
    context = _phone(browser, playwright)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{projects['path']}?lang={lang}")
        cover = page.locator("img.project-cover")
        expect(cover).to_have_attribute("alt", "Parken" if lang == "sv" else "The park")
        assert cover.evaluate("img => img.complete && img.naturalWidth") == 640
        logo = page.locator("img.org-logo")
        assert logo.evaluate("img => img.complete && img.naturalWidth") > 0
        share = page.locator("[data-share-button]")
        expect(share).to_have_css("color", "rgb(106, 27, 77)")  # the organization's colour
        expect(page.locator(".site-header")).to_have_css("background-color", "rgb(106, 27, 77)")
        assert _serious(page) == []
        stage = projects["park"].current_stage
        page.goto(f"{live_server.url}{projects['path']}/{stage.id}?lang={lang}")
        expect(page.locator(".site-header")).to_have_css("background-color", "rgb(106, 27, 77)")
        assert _serious(page) == []
        page.goto(f"{live_server.url}/?lang={lang}")
        expect(page.locator("img.card-cover")).to_have_attribute("loading", "lazy")
        # Other organizations' pages keep the platform's colour.
        expect(page.locator(".site-header")).to_have_css("background-color", "rgb(0, 90, 156)")
        assert _serious(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_staff_pages_for_cover_logo_and_translations_pass_axe(
    browser, live_server, projects, make_user, lang
):
    from app.organizations.models import Role
    from app.projects.services import update_project
    from tests.conftest import TEST_PASSWORD

    park = projects["park"]
    with live_server.app.test_request_context():
        update_project(park, slug=park.slug, kind="park", actor=None, body={},
                       title={"sv": "Östra parken vid vattnet", "en": "East park"},
                       summary={"sv": "En ny park"})  # fmt: skip
    db.session.commit()
    make_user("admin@nynashamn.se", role=Role.ADMIN, org=park.organization)
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(base + "/login")
        page.locator("#email").fill("admin@nynashamn.se")
        page.locator("#password").fill(TEST_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(base + "/")
        page.goto(f"{base}/lang/{lang}")
        page.goto(f"{base}/manage/projects/{park.id}/edit")
        older = "Engelska: äldre än svenskan" if lang == "sv" else "English: older than the"
        missing = "Engelska: saknas" if lang == "sv" else "English: missing"
        expect(page.get_by_text(older)).to_be_visible()
        expect(page.get_by_text(missing)).to_be_visible()
        for path in (
            f"/manage/projects/{park.id}/edit",
            f"/manage/projects/{park.id}",
            f"/admin/organizations/{park.organization_id}",
            "/manage/moderation",
        ):
            page.goto(base + path)
            expect(page.locator("h1")).to_be_visible()
            assert _serious(page) == [], path
        page.goto(f"{base}/manage/projects/{park.id}")
        expect(page.locator("img.cover-preview")).to_have_attribute(
            "alt", "Parken" if lang == "sv" else "The park"
        )
    finally:
        context.close()
