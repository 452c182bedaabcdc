"""Reply and edit boxes have names of their own, and after posting the focus lands on what
was posted, with the result announced (issue 16 item 9)."""

from __future__ import annotations

from playwright.sync_api import expect

from app.accounts.models import Participant
from app.comments.models import Comment
from app.extensions import db

UNIQUE_LABELLED = """() => Array.from(document.querySelectorAll('textarea')).map(t => ({
  id: t.id, labels: document.querySelectorAll('label[for="' + t.id + '"]').length,
  same: document.querySelectorAll('[id="' + t.id + '"]').length}))"""


def test_reply_box_has_its_own_name_and_focus_follows_the_reply(
    browser, playwright, live_server, make_project, make_activity
):
    project = make_project()
    stage = project.current_stage
    activity = make_activity(stage, "discussion")
    other = Participant(token_hash="a9" * 32)
    db.session.add(other)
    db.session.flush()
    db.session.add(
        Comment(
            activity_id=activity.id,
            stage_id=stage.id,
            participant_id=other.id,
            body="Fler bänkar vid dammen",
        )
    )
    db.session.commit()
    path = f"/p/{project.organization.slug}/{project.slug}/{stage.id}"

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
