"""Photos of marked places in a map survey on a phone (Pixel 7): mark a place, take or choose a
photo, describe it, send; the photo goes up made smaller, is stored once without its GPS and
is on the receipt. Offline it waits with the answers and is stored once when the connection
returns. axe clean in Swedish and English (docs/photos.md)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.extensions import db
from app.surveys.models import AnswerFeature, MarkingPhoto, Response
from tests.e2e.test_axe_resident import AXE, RUN
from tests.e2e.test_photos import _photo_file

pytestmark = pytest.mark.e2e


def _stored(app: Any) -> list[tuple[str | None, str | None, tuple[int, int]]]:
    """Each stored marking: its comment, its photo's description and the photo's size."""
    db.session.expire_all()
    rows = []
    for feature in db.session.scalars(db.select(AnswerFeature)):
        photo = feature.photo
        size = (0, 0)
        if photo is not None:
            raw = (Path(app.config["UPLOAD_DIR"]) / photo.path).read_bytes()
            with Image.open(io.BytesIO(raw)) as image:
                assert not image.getexif()
                size = image.size
        rows.append((feature.comment, photo.alt if photo else None, size))
    return rows


def _mark_with_photo(page: Any, photo: Path, *, en: bool = False) -> None:
    """Page 2 of the survey: mark a place, comment, add a photo and describe it."""
    canvas = page.locator(".map-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box
    canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    page.get_by_label("Comment" if en else "Kommentar", exact=True).fill("Vid dammen")
    label = (
        "Photo of the place (optional) (Marking 1)"
        if en
        else "Foto av platsen (frivilligt) (Markering 1)"
    )
    page.get_by_label(label).set_input_files(str(photo))
    preview = page.locator(".marking-photo-field img.photo-preview")
    expect(preview).to_be_visible()
    status = "Photo added to Marking 1" if en else "Foto tillagt till Markering 1"
    expect(page.locator("[data-status]")).to_contain_text(status)
    page.get_by_label("Describe the photo" if en else "Beskriv fotot").fill("Bänk vid dammen")
    expect(preview).to_have_attribute("alt", "Bänk vid dammen")


def test_a_photo_of_a_marked_place_is_sent_with_the_answers(
    app,
    browser,
    playwright,
    live_server,
    offline_survey,
    tmp_path,
):
    survey = offline_survey
    photo = _photo_file(tmp_path)
    context = browser.new_context(**playwright.devices["Pixel 7"])
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/s/{survey.id}")
        page.get_by_label("Ibland").check()
        page.get_by_role("button", name="Nästa").click()
        expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
        _mark_with_photo(page, photo)
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN) == []
        page.get_by_role("button", name="Granska dina svar").click()
        expect(page.locator(".review-list").last).to_contain_text("Vid dammen (med foto)")
        with page.expect_request(lambda r: r.method == "POST" and "/s/" in r.url) as sent:
            page.get_by_role("button", name="Skicka dina svar").click()
        # Made smaller on the phone: far fewer bytes went up than the original has.
        assert len(sent.value.post_data_buffer or b"") < photo.stat().st_size / 2
        expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
        thumb = page.locator(".receipt-answers figure.marking-photo img")
        expect(thumb).to_have_attribute("alt", "Bänk vid dammen")
        loaded = "(img) => img.complete && img.naturalWidth > 0"
        assert page.evaluate(loaded, thumb.element_handle())
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN) == []
        # Sent: the device keeps no copy of the photo.
        left = page.evaluate(
            """() => new Promise((resolve) => {
                 const req = indexedDB.open("platsdialog-photos", 1);
                 req.onsuccess = () => {
                   const store = req.result.transaction("photos").objectStore("photos");
                   const t = store.count();
                   t.onsuccess = () => resolve(t.result);
                 };
               })"""
        )
        assert left == 0
    finally:
        context.close()
    assert _stored(app) == [("Vid dammen", "Bänk vid dammen", (1600, 1200))]
    assert len(list(db.session.scalars(db.select(Response)))) == 1


def test_offline_the_photo_waits_with_the_answers_and_is_stored_once(
    app,
    browser,
    playwright,
    live_server,
    offline_survey,
    tmp_path,
):
    survey = offline_survey
    photo = _photo_file(tmp_path)
    context = browser.new_context(**playwright.devices["Pixel 7"])
    try:
        page = context.new_page()
        url = f"{live_server.url}/s/{survey.id}?lang=en"
        page.goto(url)
        page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        expect(page.get_by_text("Page 1 of 2")).to_be_visible()
        context.set_offline(True)
        page.get_by_label("Ibland").check()  # the options have Swedish labels only
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_text("Page 2 of 2")).to_be_visible()
        _mark_with_photo(page, photo, en=True)
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN) == []
        page.get_by_role("button", name="Review your answers").click()
        expect(page.locator(".survey-review, [data-survey-review]").first).to_contain_text(
            "Vid dammen (with a photo)"
        )
        page.get_by_role("button", name="Send your answers").click()
        status = page.locator("[data-outbox-client-id] [data-state]")
        expect(status).to_have_attribute("data-state", "waiting")
        assert _stored(app) == []
        context.set_offline(False)
        expect(status).to_have_attribute("data-state", "sent", timeout=10_000)
        page.evaluate("() => window.PlatsdialogOffline.flush()")  # sending again stores nothing
    finally:
        context.close()
    assert _stored(app) == [("Vid dammen", "Bänk vid dammen", (1600, 1200))]
    assert len(list(db.session.scalars(db.select(MarkingPhoto)))) == 1
