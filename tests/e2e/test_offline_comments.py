"""A comment written on a phone without a connection waits on the device and is stored once
when the connection returns."""

from __future__ import annotations

from playwright.sync_api import expect

from app.comments.models import Comment
from app.extensions import db
from app.projects.models import ActivityKind


def _comments() -> list[Comment]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Comment)))


def _offline_stage_page(context, url):
    """The stage page, once seen online (so the service worker keeps it), then opened again
    without a connection, from the worker's page cache."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.reload()
    return page


def test_offline_comment_is_queued_then_stored_once(
    browser, playwright, live_server, make_project, make_activity
):
    project = make_project(title={"sv": "Torgets framtid"})
    stage = project.current_stage
    make_activity(stage, ActivityKind.DISCUSSION)
    db.session.commit()
    url = f"{live_server.url}/p/{project.organization.slug}/{project.slug}/{stage.id}"
    context = browser.new_context(**playwright.devices["Pixel 7"])
    try:
        page = _offline_stage_page(context, url)
        form = page.locator("form.comment-form")
        form.locator("textarea[name=body]").fill("Fler bänkar vid fontänen")
        form.locator("[type=submit]").click()
        status = form.locator("[data-outbox-client-id] [data-state]")
        expect(status).to_have_attribute("data-state", "waiting")
        expect(form.locator("[data-comment-queued]")).to_contain_text("sparad på enheten")
        assert _comments() == []
        context.set_offline(False)
        expect(status).to_have_attribute("data-state", "sent", timeout=10_000)
        page.reload()
        expect(page.locator("#discussion")).to_contain_text("Fler bänkar vid fontänen")
    finally:
        context.close()
    comments = _comments()
    assert [c.body for c in comments] == ["Fler bänkar vid fontänen"]


def test_offline_comment_under_a_nickname_policy_is_delivered_with_its_signature(
    browser, playwright, live_server, make_project, make_activity
):
    project = make_project(title={"sv": "Parkens framtid"})
    stage = project.current_stage
    make_activity(stage, ActivityKind.DISCUSSION, policy="nickname")
    db.session.commit()
    url = f"{live_server.url}/p/{project.organization.slug}/{project.slug}/{stage.id}"
    context = browser.new_context(**playwright.devices["Pixel 7"])
    try:
        page = _offline_stage_page(context, url)
        form = page.locator("form.comment-form")
        form.locator("textarea[name=body]").fill("Belysning vid lekplatsen")
        form.locator("input[name=nickname]").fill("Pappa Ali")
        form.locator("[type=submit]").click()
        status = form.locator("[data-outbox-client-id] [data-state]")
        expect(status).to_have_attribute("data-state", "waiting")
        context.set_offline(False)
        expect(status).to_have_attribute("data-state", "sent", timeout=10_000)
    finally:
        context.close()
    comments = _comments()
    assert [c.body for c in comments] == ["Belysning vid lekplatsen"]
    assert comments[0].participant.nickname == "Pappa Ali"


def test_refused_offline_comment_can_be_edited_and_sent_again(
    browser, playwright, live_server, make_project, make_activity
):
    project = make_project(title={"sv": "Torget"})
    stage = project.current_stage
    make_activity(stage, ActivityKind.DISCUSSION, policy="nickname")
    db.session.commit()
    url = f"{live_server.url}/p/{project.organization.slug}/{project.slug}/{stage.id}"
    context = browser.new_context(**playwright.devices["Pixel 7"])
    try:
        page = _offline_stage_page(context, url)
        form = page.locator("form.comment-form")
        # No signature: the server refuses it when the connection returns.
        form.locator("textarea[name=body]").fill("Fler papperskorgar")
        form.locator("[type=submit]").click()
        context.set_offline(False)
        status = form.locator("[data-outbox-client-id] [data-state]")
        expect(status).to_have_attribute("data-state", "failed", timeout=10_000)
        page.get_by_role("button", name="Ändra och skicka igen").click()
        expect(form.locator("textarea[name=body]")).to_have_value("Fler papperskorgar")
        form.locator("input[name=nickname]").fill("Grannen")
        form.locator("[type=submit]").click()
        expect(page.locator("#thread")).to_contain_text("Fler papperskorgar", timeout=10_000)
    finally:
        context.close()
    comments = _comments()
    assert [c.body for c in comments] == ["Fler papperskorgar"]
