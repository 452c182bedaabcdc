"""Pages of the discussion have their own URL: the view starts at the discussion's top, a
reload keeps the page, and Back returns to the first page of the same stage (issue 16
item 10)."""

from __future__ import annotations

from playwright.sync_api import expect

from app.accounts.models import Participant
from app.comments.models import Comment
from app.comments.queries import PER_PAGE
from app.extensions import db


def test_next_page_of_comments_has_a_url_and_back_returns(
    browser, playwright, live_server, make_project, make_activity
):
    project = make_project()
    stage = project.current_stage
    activity = make_activity(stage, "discussion")
    person = Participant(token_hash="p10" * 21 + "x")
    db.session.add(person)
    db.session.flush()
    for n in range(PER_PAGE + 3):
        db.session.add(
            Comment(
                activity_id=activity.id,
                stage_id=stage.id,
                participant_id=person.id,
                body=f"Kommentar nummer {n}",
            )
        )
    db.session.commit()
    path = f"/p/{project.organization.slug}/{project.slug}/{stage.id}"

    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    try:
        page.goto(live_server.url + path)
        pager = page.locator("nav.pagination")
        pager.scroll_into_view_if_needed()
        pager.get_by_role("link", name="Nästa").click()
        page.wait_for_url(f"{live_server.url}{path}?sort=newest&page=2", timeout=5000)
        expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
        # The view starts at the top of the discussion, not at the bottom of the new page.
        page.wait_for_function(
            "() => Math.abs(document.getElementById('discussion').getBoundingClientRect().top) < 80"
        )
        # A reload shows the same page of comments in a whole page.
        page.reload()
        expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
        expect(page.locator("h1")).to_be_visible()
        # Back returns to the first page of the same stage.
        page.go_back()
        page.wait_for_url(live_server.url + path)
        expect(page.get_by_text("Sida 1 av 2")).to_be_visible()
        expect(page.locator("h1")).to_be_visible()
    finally:
        context.close()
