"""A long pasted comment is never cut without warning: a counter says how much room is left
and when the text is too long, and nothing typed is lost (issue 16 item 13)."""

from __future__ import annotations

from playwright.sync_api import expect


def test_a_counter_warns_before_the_limit_and_keeps_the_text(
    browser, playwright, live_server, discussion_with_comment
):
    path = discussion_with_comment("Fler träd på torget")
    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    try:
        page.goto(live_server.url + path)
        box = page.locator("#discussion form.comment-form textarea[name=body]")
        counter = page.locator("#discussion form.comment-form [data-char-count]")
        box.fill("Bänkar. ")
        expect(counter).to_have_text("8 av 2 000 tecken")
        box.fill("a" * 2050)  # as if pasted
        expect(box).to_have_value("a" * 2050)  # nothing cut off
        expect(counter).to_have_text("50 tecken för mycket (högst 2 000)")
        assert box.get_attribute("aria-describedby").count("-count") == 1
    finally:
        context.close()
