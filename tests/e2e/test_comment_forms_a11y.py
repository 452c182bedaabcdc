"""Reply and edit boxes have names of their own, and after posting the focus lands on what
was posted, with the result announced (issue 16 item 9)."""

from __future__ import annotations

from playwright.sync_api import expect

UNIQUE_LABELLED = """() => Array.from(document.querySelectorAll('textarea')).map(t => ({
  id: t.id, labels: document.querySelectorAll('label[for="' + t.id + '"]').length,
  same: document.querySelectorAll('[id="' + t.id + '"]').length}))"""


def test_reply_box_has_its_own_name_and_focus_follows_the_reply(
    browser, playwright, live_server, discussion_with_comment
):
    path = discussion_with_comment("Fler bänkar vid dammen")

    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    try:
        page.goto(live_server.url + path)
        page.get_by_role("link", name="Svara").first.click()
        reply_box = page.get_by_role("textbox", name="Ditt svar")
        expect(reply_box).to_be_focused()
        for box in page.evaluate(UNIQUE_LABELLED):
            assert box["labels"] == 1 and box["same"] == 1, box
        reply_box.fill("Håller med, gärna med ryggstöd")
        page.get_by_role("button", name="Skicka svar").click()
        reply = page.locator(".comment", has_text="Håller med, gärna med ryggstöd").last
        expect(reply).to_be_visible()
        # The focus moves to the reply itself (not <body>).
        page.wait_for_function(
            "t => document.activeElement && document.activeElement !== document.body"
            " && document.activeElement.textContent.includes(t)",
            arg="Håller med, gärna med ryggstöd",
        )
        expect(page.locator("#discussion-status")).to_have_text("Ditt svar har publicerats.")
    finally:
        context.close()
