"""A resident on a phone: catalogue → project → stage, posts a comment placed on the map,
sees it appear without a full reload, and agrees with another comment."""

from __future__ import annotations

from playwright.sync_api import expect

from app.accounts.models import Participant
from app.comments.models import Comment
from app.extensions import db
from tests.factories import INSIDE


def test_catalogue_to_stage_post_on_map_and_support(
    browser, playwright, live_server, make_project, make_activity
):
    project = make_project(title={"sv": "Flemingsbergsparken", "en": "Flemingsberg park"})
    stage = project.current_stage
    activity = make_activity(stage, "discussion")
    other = Participant(token_hash="e2e" * 21 + "e")
    db.session.add(other)
    db.session.flush()
    db.session.add(
        Comment(
            activity_id=activity.id,
            stage_id=stage.id,
            participant_id=other.id,
            body="Fler cykelställ <b>vid</b> stationen",
            geometry=INSIDE,
            min_lon=17.95,
            max_lon=17.95,
            min_lat=59.22,
            max_lat=59.22,
        )
    )
    db.session.commit()

    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="Flemingsbergsparken").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Flemingsbergsparken")
        page.get_by_role("link", name="Delta i diskussionen på kartan").click()
        expect(page.locator("#discussion")).to_be_visible()
        # The existing placed comment is loaded onto the map by bounding box.
        expect(page.locator("#stage-map .leaflet-marker-icon")).to_have_count(1)

        page.evaluate("window.__noReload = true")
        page.get_by_label("Din kommentar").fill("Bänkar i skuggan vore fint")
        picker = page.locator("[data-picker]")
        picker.scroll_into_view_if_needed()
        box = picker.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(page.locator("[data-picker-status]")).to_have_text("Plats vald.")
        assert page.locator("input[name=lat]").input_value() != ""
        page.get_by_role("button", name="Skicka kommentar").click()

        thread = page.locator("#thread")
        expect(thread.get_by_text("Bänkar i skuggan vore fint")).to_be_visible()
        assert page.evaluate("window.__noReload") is True
        expect(
            page.locator("#stage-map .leaflet-marker-icon, #stage-map .marker-cluster")
        ).not_to_have_count(0)
        posted = db.session.scalars(db.select(Comment).order_by(Comment.id.desc())).first()
        db.session.refresh(posted)
        assert posted.body == "Bänkar i skuggan vore fint"
        assert posted.geometry is not None and posted.geometry["type"] == "Point"

        # "Placed on the map" opens the comment's popup; its text is text, never markup.
        page.locator(".show-on-map").last.click()
        popup = page.locator("#stage-map .leaflet-popup-content")
        expect(popup).to_contain_text("Fler cykelställ <b>vid</b> stationen")
        expect(popup.locator("b")).to_have_count(0)

        agree = page.get_by_role("button", name="Håller med")
        expect(agree).to_have_count(1)  # only the other resident's comment, not my own
        agree.click()
        expect(page.get_by_text("Du håller med")).to_be_visible()
        assert page.evaluate("window.__noReload") is True
    finally:
        context.close()


def test_near_me_sorts_the_catalogue_by_distance(browser, playwright, live_server, make_project):
    far = [[18.30, 59.00], [18.31, 59.00], [18.31, 59.01], [18.30, 59.01], [18.30, 59.00]]
    make_project(title={"sv": "Nära parken"})
    make_project(title={"sv": "Långt bort"}, area={"type": "Polygon", "coordinates": [far]})
    context = browser.new_context(
        **playwright.devices["Pixel 7"],
        permissions=["geolocation"],
        geolocation={"latitude": 59.22, "longitude": 17.95},
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        titles = page.locator(".project-item h3")
        expect(titles.first).to_have_text("Långt bort")  # newest first
        page.get_by_role("button", name="Sortera efter avstånd från mig").click()
        expect(page.get_by_text("närmast först")).to_be_visible()
        expect(titles.first).to_have_text("Nära parken")
        expect(page.locator(".distance").first).to_contain_text("km")
    finally:
        context.close()
