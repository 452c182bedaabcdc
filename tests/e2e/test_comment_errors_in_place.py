"""A refused comment (too fast for the bot trap, too many, not allowed) says why beside the
form and keeps what was typed; the discussion and the comment being replied to stay
(issue 16 item 7)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer

TOO_FAST = "Vänta en stund"


@pytest.fixture()
def strict_server(make_app):
    """The app as in production: CSRF on, and the bot trap's two seconds."""
    server = LiveServer(make_app(WTF_CSRF_ENABLED=True, BOT_TRAP_MIN_SECONDS=30))
    server.start()
    yield server
    server.stop()


def test_a_comment_sent_too_fast_is_kept_with_the_reason_beside_it(
    browser, playwright, strict_server, discussion_with_comment
):
    path = discussion_with_comment("Bygg en lekplats vid skolan")

    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    try:
        page.goto(strict_server.url + path)
        form = page.locator("#discussion form.comment-form").first
        form.locator("textarea[name=body]").fill("Fler träd längs gatan")
        form.locator("[type=submit]").click()
        alert = form.locator("[role=alert]")
        expect(alert).to_contain_text(TOO_FAST)
        expect(form.locator("textarea[name=body]")).to_have_value("Fler träd längs gatan")
        expect(page.locator("#thread")).to_contain_text("Bygg en lekplats vid skolan")

        # A reply refused the same way stays in its box, under the comment it answers.
        page.get_by_role("link", name="Svara").first.click()
        reply = page.locator("form.reply-form")
        reply.locator("textarea").fill("Ja, gärna med gungor")
        reply.locator("[type=submit]").click()
        expect(reply.locator("[role=alert]")).to_contain_text(TOO_FAST)
        expect(reply.locator("textarea")).to_have_value("Ja, gärna med gungor")
        expect(page.locator("#thread")).to_contain_text("Bygg en lekplats vid skolan")
    finally:
        context.close()
