"""A real Chromium loads the catalogue and switches language."""

from playwright.sync_api import Page, expect


def test_catalogue_in_swedish_then_english(page: Page, live_server):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Svenska")).to_be_visible()
