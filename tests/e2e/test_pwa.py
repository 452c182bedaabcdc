"""The PWA: installable, visited pages open offline, other pages show the offline page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS


def _wait_for_service_worker(page) -> None:
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
        timeout=10_000,
    )


def test_manifest_and_service_worker_make_the_site_installable(playwright, live_server, tmp_path):
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        _wait_for_service_worker(page)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
    finally:
        context.close()


def test_visited_page_opens_offline_and_unknown_page_shows_offline_notice(
    browser, live_server, make_project
):
    project = make_project(title={"sv": "Parken i Handen", "en": "The park in Handen"})
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.reload()  # the first load is not yet controlled by the new service worker
    _wait_for_service_worker(page)
    page.goto(live_server.url + "/")
    expect(page.get_by_text("Parken i Handen")).to_be_visible()

    context.set_offline(True)
    page.reload()
    expect(page.get_by_text("Parken i Handen")).to_be_visible()
    page.goto(live_server.url + f"/p/{project.organization.slug}/{project.slug}?never-seen=1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("offline")
    context.set_offline(False)
    context.close()
