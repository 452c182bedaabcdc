"""A placed comment's photo in its stage-map popup on a phone (Pixel 7): the thumbnail with the
resident's description, its size known before it loads, lazy, linking to the full size; gone
from the popup once a moderator removed it. axe clean with the popup open (docs/photos.md)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from app.comments.models import Comment, CommentStatus
from app.comments.photos import services as photos
from app.comments.photos.models import Photo
from app.extensions import db
from app.projects.models import ActivityKind
from tests.e2e.test_axe_resident import AXE, RUN
from tests.factories import INSIDE

pytestmark = pytest.mark.e2e

BODY = (
    "Övergångsstället vid busshållplatsen saknar ljussignal, och bilarna kör fort förbi "
    "skolbarnen på morgonen"
)
ALT = "Övergångsställe utan ljussignal vid busshållplatsen"


def _photo() -> bytes:
    image = Image.new("RGB", (1200, 900), (70, 110, 160))
    draw = ImageDraw.Draw(image)
    for x in range(0, 1200, 120):
        draw.rectangle((x, 600, x + 60, 700), fill=(245, 245, 245))  # zebra stripes
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _placed_comment_with_photo(live_server, make_project, make_activity) -> tuple[str, int]:
    project = make_project(title={"sv": "Torgets framtid", "en": "The square"})
    stage = project.current_stage
    activity = make_activity(stage, ActivityKind.DISCUSSION)
    comment = Comment(
        activity_id=activity.id, stage_id=stage.id, body=BODY, status=CommentStatus.PUBLISHED
    )
    comment.set_geometry(INSIDE)
    db.session.add(comment)
    db.session.flush()
    prepared = photos.prepare(_photo(), ALT)
    assert prepared is not None
    photo = photos.attach(comment, prepared)
    db.session.commit()
    url = f"{live_server.url}/p/{project.organization.slug}/{project.slug}/{stage.id}"
    return url, photo.id


def _open_popup(page, url: str | None):
    if url is not None:
        page.goto(url)
    marker = page.locator("#stage-map .leaflet-marker-icon").first
    expect(marker).to_be_visible(timeout=10_000)
    marker.click()
    popup = page.locator("#stage-map .leaflet-popup .map-popup")
    expect(popup).to_contain_text(BODY)
    # Leaflet fades a popup in: axe measures contrast once it is fully there.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#stage-map .leaflet-popup'))"
        ".opacity === '1'"
    )
    return popup


def test_the_popup_shows_the_photo_with_its_description(
    browser, playwright, live_server, make_project, make_activity, make_user
):
    url, photo_id = _placed_comment_with_photo(live_server, make_project, make_activity)
    photo = db.session.get(Photo, photo_id)
    assert photo is not None
    thumb = f"/photos/{photo.id}/{photo.token}/thumb.jpg"
    full = f"/photos/{photo.id}/{photo.token}/full.jpg"
    context = browser.new_context(**playwright.devices["Pixel 7"])
    try:
        page = context.new_page()
        popup = _open_popup(page, url)
        img = popup.locator(".map-photo img")
        expect(img).to_have_attribute("alt", ALT)
        expect(img).to_have_attribute("loading", "lazy")
        # 4:3, at most 160 x 120 CSS pixels: the size is known before the photo arrives.
        expect(img).to_have_attribute("width", "160")
        expect(img).to_have_attribute("height", "120")
        assert img.evaluate("i => new URL(i.src).pathname") == thumb
        link = popup.locator(".map-photo a")
        assert link.evaluate("a => new URL(a.href).pathname") == full
        expect(link).to_contain_text("öppna fotot i full storlek")
        page.wait_for_function(
            "() => { const i = document.querySelector('#stage-map .map-photo img');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        box = img.bounding_box()
        assert box is not None and round(box["width"]) == 160 and round(box["height"]) == 120
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN) == []
        # Still open once the map has panned to show it: its marker stayed on the map.
        expect(img).to_be_visible()

        # On the narrowest phones the popup, its close button included, stays inside the map.
        page.set_viewport_size({"width": 320, "height": 740})
        _open_popup(page, url)
        inside = page.locator("#stage-map").bounding_box()
        shown = page.locator("#stage-map .leaflet-popup-content-wrapper").bounding_box()
        assert inside is not None and shown is not None
        assert (
            inside["x"] <= shown["x"]
            and shown["x"] + shown["width"] <= inside["x"] + inside["width"]
        ), (inside, shown)
        expect(page.locator("#stage-map .leaflet-popup-close-button")).to_be_in_viewport()

        # A moderator removes only the photo: the popup keeps the comment, without a photo.
        photos.remove(photo, moderator=make_user(superadmin=True), reason="Ansikten syns")
        db.session.commit()
        popup = _open_popup(page, url)
        expect(popup.locator("img")).to_have_count(0)
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN) == []
    finally:
        context.close()


def test_the_popup_fits_the_map_after_the_phone_is_turned(
    browser, playwright, live_server, make_project, make_activity
):
    url, _photo_id = _placed_comment_with_photo(live_server, make_project, make_activity)
    device = {**playwright.devices["iPhone SE"], "viewport": {"width": 568, "height": 320}}
    context = browser.new_context(**device)
    try:
        page = context.new_page()
        page.goto(url)  # in landscape: a wide map
        expect(page.locator("#stage-map .leaflet-marker-icon").first).to_be_visible(timeout=10_000)
        # Turned upright after the markers were placed, without a reload: 320 px wide.
        page.set_viewport_size({"width": 320, "height": 568})
        popup = _open_popup(page, url=None)
        inside = page.locator("#stage-map").bounding_box()
        shown = page.locator("#stage-map .leaflet-popup-content-wrapper").bounding_box()
        assert inside is not None and shown is not None
        # All of it inside the map, the close button too, so its marker stays in view, and
        # clear of the zoom buttons, which Leaflet draws above popups.
        zoom = page.locator("#stage-map .leaflet-control-zoom").bounding_box()
        assert zoom is not None and zoom["x"] + zoom["width"] <= shown["x"], (zoom, shown)
        assert inside["x"] <= shown["x"], (inside, shown)
        assert shown["x"] + shown["width"] <= inside["x"] + inside["width"], (inside, shown)
        assert inside["y"] <= shown["y"], (inside, shown)
        assert shown["y"] + shown["height"] <= inside["y"] + inside["height"], (inside, shown)
        expect(page.locator("#stage-map .leaflet-popup-close-button")).to_be_in_viewport()
        expect(popup).to_be_visible()

        # Turned while the popup is open: it is narrowed where it stands.
        page.locator("#stage-map .leaflet-popup-close-button").click()
        expect(popup).to_have_count(0)
        page.set_viewport_size({"width": 568, "height": 320})
        popup = _open_popup(page, url=None)
        page.set_viewport_size({"width": 320, "height": 568})
        page.wait_for_function(
            "() => document.querySelector('#stage-map .leaflet-popup-content-wrapper')"
            ".getBoundingClientRect().width <= 288"
        )
        expect(popup).to_be_visible()
    finally:
        context.close()
