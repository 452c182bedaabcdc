"""A resident on a phone finishes a map survey offline; it is stored exactly once when the
connection returns, however often it is sent and whether or not the page stays open."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from app.extensions import db
from app.surveys.models import (
    AnswerFeature,
    Response,
)


def _responses() -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Response)))


def _phone(browser: Any, playwright: Any, live_server: Any, survey: Any) -> tuple[Any, Any]:
    """A phone whose service worker controls the survey page, which it has seen online."""
    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    url = f"{live_server.url}/s/{survey.id}"
    page.goto(url)
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled: this load goes into the page cache
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    expect(page.get_by_text("Sida 1 av 2")).to_be_visible()
    return context, page


def _answer_offline(page: Any) -> None:
    page.reload()  # served by the service worker
    expect(page.get_by_text("Sida 1 av 2")).to_be_visible()
    page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_text("Svara på frågan.").first).to_be_visible()  # required, checked here
    page.get_by_label("Ibland").check()
    page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
    canvas = page.locator(".map-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100
    canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    page.get_by_label("Kommentar", exact=True).fill("Vid dammen")
    page.get_by_label("Något mer?").fill("Fler träd")
    page.get_by_role("button", name="Granska dina svar").click()
    expect(page.get_by_role("heading", name="Granska dina svar")).to_be_visible()
    review = page.locator(".review-list")
    expect(review).to_contain_text("Ibland")
    expect(review).to_contain_text("Markeringar på kartan: 1 – Vid dammen")


def _check_stored_once(survey: Any) -> None:
    responses = _responses()
    assert len(responses) == 1
    assert responses[0].channel.value == "offline"
    features = list(db.session.scalars(db.select(AnswerFeature)))
    assert len(features) == 1 and features[0].geometry["type"] == "Point"
    assert features[0].comment == "Vid dammen"


def test_offline_answers_wait_and_are_stored_once_when_back_online(
    browser, playwright, live_server, offline_survey
):
    context, page = _phone(browser, playwright, live_server, offline_survey)
    try:
        context.set_offline(True)
        _answer_offline(page)
        send = page.get_by_role("button", name="Skicka dina svar")
        send.dblclick()  # twice, quickly
        status = page.locator("[data-outbox-client-id] [data-state]")
        expect(status).to_have_attribute("data-state", "waiting")
        expect(status).to_contain_text("Väntar på att skickas")
        assert _responses() == []
        context.set_offline(False)
        expect(status).to_have_attribute("data-state", "sent", timeout=10_000)
        expect(status).to_contain_text("Skickat")
        _check_stored_once(offline_survey)
        page.get_by_role("link", name="Visa kvittot").click()
        expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    finally:
        context.close()


def test_offline_answers_survive_closing_the_page(browser, playwright, live_server, offline_survey):
    context, page = _phone(browser, playwright, live_server, offline_survey)
    try:
        context.set_offline(True)
        _answer_offline(page)
        page.get_by_role("button", name="Skicka dina svar").click()
        expect(page.locator("[data-outbox-client-id] [data-state=waiting]")).to_be_visible()
        page.close()
        again = context.new_page()
        again.goto(f"{live_server.url}/s/{offline_survey.id}")  # still offline: from the cache
        expect(again.locator("[data-state=waiting]")).to_contain_text("Parkens framtid")
        assert _responses() == []
        context.set_offline(False)
        expect(again.locator("[data-state=sent]")).to_be_visible(timeout=10_000)
        again.reload()  # the next visit sends nothing twice
        expect(again.locator("[data-state=sent]")).to_be_visible()
        _check_stored_once(offline_survey)
    finally:
        context.close()
