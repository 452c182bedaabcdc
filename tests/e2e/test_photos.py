"""Photos on comments on a phone (Pixel 7): choose a photo, describe it, send; see the
thumbnail with its description; offline, the photo waits with the comment and is stored once
when the connection returns. axe clean in Swedish and English (docs/photos.md)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.comments.models import Comment
from app.comments.photos.models import Photo
from app.extensions import db
from app.projects.models import ActivityKind
from tests.e2e.test_axe_resident import AXE, RUN
from tests.e2e.test_offline_comments import _offline_stage_page

pytestmark = pytest.mark.e2e


def _photo_file(tmp_path: Path) -> Path:
    """A camera-sized photo (noise: it does not compress much), with GPS in its EXIF."""
    width, height = 2400, 1800
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (59.0, 22.0, 12.5)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(out.getvalue())
    return path


def _stage_url(live_server, make_project, make_activity) -> str:
    project = make_project(title={"sv": "Torgets framtid", "en": "The square"})
    stage = project.current_stage
    make_activity(stage, ActivityKind.DISCUSSION)
    db.session.commit()
    return f"{live_server.url}/p/{project.organization.slug}/{project.slug}/{stage.id}"


def _stored() -> list[tuple[str, int]]:
    db.session.expire_all()
    comments = list(db.session.scalars(db.select(Comment)))
    photos = list(db.session.scalars(db.select(Photo)))
    return [(c.body, sum(p.comment_id == c.id for p in photos)) for c in comments]


def test_attach_describe_send_and_see_the_thumbnail(
    browser, playwright, live_server, make_project, make_activity, tmp_path
):
    url = _stage_url(live_server, make_project, make_activity)
    original = _photo_file(tmp_path)
    context = browser.new_context(**playwright.devices["Pixel 7"])
    try:
        page = context.new_page()
        page.goto(url)
        form = page.locator("form.comment-form")
        form.locator("textarea[name=body]").fill("Trasig gatlykta vid busshållplatsen")
        form.get_by_label("Ta eller välj ett foto").set_input_files(str(original))
        expect(form.locator("[data-photo-preview]")).to_be_visible()
        expect(form.locator("[data-photo-status]")).to_contain_text("Foto valt")
        form.get_by_label("Beskriv fotot").fill("Gatlykta med krossat glas")
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN) == []
        with page.expect_request(lambda r: r.method == "POST" and "/comments" in r.url) as sent:
            form.locator("[type=submit]").click()
        # Made smaller on the phone: far fewer bytes went up than the original has.
        assert len(sent.value.post_data_buffer or b"") < original.stat().st_size / 2
        thumb = page.locator("#thread .comment-photo img")
        # The server decodes and re-encodes the photo: on a busy machine that takes a while.
        expect(thumb).to_have_attribute("alt", "Gatlykta med krossat glas", timeout=20_000)
        expect(thumb).to_have_attribute("loading", "lazy")
        thumb.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => { const i = document.querySelector('#thread .comment-photo img');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        assert page.evaluate(RUN) == []
        page.goto(url + "?lang=en")
        expect(page.locator("#thread .comment-photo img")).to_have_attribute(
            "alt", "Gatlykta med krossat glas"
        )
        expect(page.get_by_label("Describe the photo")).to_be_visible()
        page.evaluate(AXE.read_text())
        assert page.evaluate(RUN) == []
    finally:
        context.close()
    assert _stored() == [("Trasig gatlykta vid busshållplatsen", 1)]
    db.session.expire_all()
    (photo,) = db.session.scalars(db.select(Photo))
    assert max(photo.width, photo.height) == 1600


def test_offline_photo_waits_with_its_comment_and_is_stored_once(
    browser, playwright, live_server, make_project, make_activity, tmp_path
):
    url = _stage_url(live_server, make_project, make_activity)
    original = _photo_file(tmp_path)
    context = browser.new_context(**playwright.devices["Pixel 7"])
    try:
        page = _offline_stage_page(context, url)
        form = page.locator("form.comment-form")
        form.locator("textarea[name=body]").fill("Gropen i cykelbanan")
        form.locator("input[name=photo]").set_input_files(str(original))
        expect(form.locator("[data-photo-preview]")).to_be_visible()
        form.locator("input[name=photo_alt]").fill("Djup grop i asfalten")
        form.locator("[type=submit]").click()
        status = form.locator("[data-outbox-client-id] [data-state]")
        expect(status).to_have_attribute("data-state", "waiting")
        expect(form.locator("[data-photo-preview]")).to_be_hidden()
        assert _stored() == []
        context.set_offline(False)
        expect(status).to_have_attribute("data-state", "sent", timeout=10_000)
        # A second flush (the page comes back online again) sends nothing twice.
        page.evaluate("() => window.PlatsdialogOffline.flush()")
        page.reload()
        expect(page.locator("#thread .comment-photo img")).to_have_attribute(
            "alt", "Djup grop i asfalten"
        )
    finally:
        context.close()
    assert _stored() == [("Gropen i cykelbanan", 1)]
