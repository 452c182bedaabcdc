"""Photos on comments: uploaded with the comment form or the API, cleaned of metadata,
sniffed by content, limited in size, shown only where the comment is, moderated with it,
erased with it, and stored once on a resend (docs/photos.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.comments.models import Comment, CommentStatus
from app.comments.photos.models import Photo
from app.extensions import db
from app.organizations.models import ErasureMode, Role
from tests.integration.public.conftest import stage_path

HX = {"HX-Request": "true"}
CLIENT_ID = "6f1c1f0e-2b7a-4c55-9a53-0b1c2d3e4f50"


def jpeg_with_gps(size: tuple[int, int] = (2400, 1200), orientation: int = 1) -> bytes:
    """A JPEG as a phone writes it: camera make, GPS position and an orientation tag."""
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((20, 20, 200), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = orientation
    exif.get_ifd(0x8825).update(
        {1: "N", 2: (59.0, 22.0, 12.5), 3: "E", 4: (17.0, 57.0, 3.2)}  # GPS lat/lon
    )
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 128, 0, 128)).save(out, "PNG")
    return out.getvalue()


def _post(client, stage, photo: bytes | None, name="bild.jpg", alt="Trasig gatlykta", **extra):
    data = {"body": "Lampan är trasig", **extra}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), name)
        data["photo_alt"] = alt
    return client.post(
        f"/stages/{stage.id}/comments", data=data, content_type="multipart/form-data"
    )


def _photos() -> list[Photo]:
    return list(db.session.scalars(db.select(Photo).order_by(Photo.id)))


def _files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"]) / "photos"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_photo_is_stored_without_metadata_upright_and_smaller(app, client, discussion):
    stage = discussion()
    response = _post(client, stage, jpeg_with_gps(orientation=6))
    assert response.status_code == 303
    (photo,) = _photos()
    assert photo.alt == "Trasig gatlykta"
    assert str(Path(app.config["UPLOAD_DIR"])).startswith(app.config["INSTANCE_DIR"])
    stored = Path(app.config["UPLOAD_DIR"]) / photo.path
    raw = stored.read_bytes()
    with Image.open(io.BytesIO(raw)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()  # no EXIF block at all: no GPS, no camera, no orientation
        assert "exif" not in image.info and "icc_profile" not in image.info
        # Orientation 6 (turned 90°) was applied before the tag was dropped: now portrait.
        assert image.size == (800, 1600)
    assert b"PhoneMaker" not in raw and b"GPS" not in raw
    with Image.open(Path(app.config["UPLOAD_DIR"]) / photo.thumb_path) as thumb:
        assert max(thumb.size) == 320 and not thumb.getexif()


def test_the_thread_shows_a_lazy_thumbnail_with_the_residents_description(client, discussion):
    stage = discussion()
    _post(client, stage, jpeg_with_gps())
    (photo,) = _photos()
    html = client.get(stage_path(stage)).get_data(as_text=True)
    thumb = f"/photos/{photo.id}/{photo.token}/thumb.jpg"
    assert f'src="{thumb}"' in html
    assert 'loading="lazy"' in html and f'width="{photo.thumb_width}"' in html
    assert 'alt="Trasig gatlykta"' in html
    served = client.get(thumb)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Cache-Control"] == "private, max-age=600"
    assert client.get(f"/photos/{photo.id}/{'0' * 32}/thumb.jpg").status_code == 404


def test_an_empty_description_is_announced_neutrally(client, discussion):
    stage = discussion()
    _post(client, stage, png_bytes(), name="x.png", alt="   ")
    (photo,) = _photos()
    assert photo.alt is None
    html = client.get(stage_path(stage) + "?lang=en").get_data(as_text=True)
    assert 'alt="Photo without a description"' in html


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4 not a photo", "foto.jpg"),  # the name says JPEG, the bytes do not
        (b"GIF89a" + b"\0" * 64, "foto.png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "foto.webp"),
    ],
)
def test_only_jpeg_png_and_webp_by_their_content(app, client, discussion, content, name):
    stage = discussion()
    response = _post(client, stage, content, name=name)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="photo-error"' in html and "JPEG, PNG eller WebP" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 0
    assert _photos() == [] and _files(app) == []


def test_a_photo_over_the_limit_is_refused_with_413_next_to_the_field(make_app, discussion):
    app = make_app(PHOTO_MAX_BYTES=1024 * 1024)
    client = app.test_client()
    stage = discussion()
    too_big = jpeg_with_gps() + b"\0" * (1024 * 1024)  # a valid JPEG, padded over 1 MB
    # Encoded in memory: the test client would spool a body this large to a file it leaves open.
    boundary, body = encode_multipart(
        MultiDict({"body": "x", "photo_alt": "Stor"})
        | {"photo": FileStorage(io.BytesIO(too_big), "a.jpg")}
    )
    response = client.post(
        f"/stages/{stage.id}/comments?lang=en",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    error = html.index('id="photo-error"')
    assert "The photo is too large (at most 1 MB)." in html[error : error + 200]
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 0
    assert _files(app) == []


def test_a_premoderated_photo_is_private_until_approved(
    app, client, login, make_user, discussion, resident
):
    stage = discussion(moderation="pre")
    resident(client)
    _post(client, stage, jpeg_with_gps())
    (photo,) = _photos()
    url = f"/photos/{photo.id}/{photo.token}/thumb.jpg"
    own = client.get(url)
    assert own.status_code == 200  # the author sees their own waiting photo
    assert own.headers["Cache-Control"] == "private, no-store"
    stranger = app.test_client()
    assert stranger.get(url).status_code == 404
    assert url not in stranger.get(stage_path(stage)).get_data(as_text=True)
    moderator = app.test_client()
    login(make_user(role=Role.MODERATOR, org=stage.project.organization), test_client=moderator)
    queue = moderator.get("/manage/moderation?kind=pending").get_data(as_text=True)
    assert url in queue and "Trasig gatlykta" in queue
    assert moderator.get(url).status_code == 200
    comment = db.session.get(Comment, photo.comment_id)
    moderator.post(f"/manage/moderation/{comment.id}/approve")
    assert stranger.get(url).status_code == 200


def test_hiding_the_comment_hides_its_photo(app, client, login, make_user, discussion):
    stage = discussion()
    _post(client, stage, jpeg_with_gps())
    (photo,) = _photos()
    url = f"/photos/{photo.id}/{photo.token}/full.jpg"
    assert app.test_client().get(url).status_code == 200
    moderator = app.test_client()
    login(make_user(role=Role.MODERATOR, org=stage.project.organization), test_client=moderator)
    moderator.post(f"/manage/moderation/{photo.comment_id}/hide", data={"reason": "Reklam"})
    assert db.session.get(Comment, photo.comment_id).status == CommentStatus.HIDDEN
    assert app.test_client().get(url).status_code == 404
    assert url not in app.test_client().get(stage_path(stage)).get_data(as_text=True)


def test_a_moderator_removes_only_the_photo(app, client, login, make_user, discussion):
    stage = discussion()
    _post(client, stage, jpeg_with_gps())
    (photo,) = _photos()
    url = f"/photos/{photo.id}/{photo.token}/thumb.jpg"
    assert len(_files(app)) == 2
    moderator = app.test_client()
    login(make_user(role=Role.MODERATOR, org=stage.project.organization), test_client=moderator)
    response = moderator.post(f"/manage/moderation/{photo.comment_id}/photo/remove")
    assert response.status_code == 303
    assert _files(app) == []
    assert app.test_client().get(url).status_code == 404
    html = app.test_client().get(stage_path(stage)).get_data(as_text=True)
    assert "Lampan är trasig" in html and "Foto borttaget av en moderator" in html
    assert db.session.get(Comment, photo.comment_id).status == CommentStatus.PUBLISHED
    # A resident cannot do it.
    _post(client, stage, jpeg_with_gps(), client_id=CLIENT_ID)
    other = db.session.scalar(db.select(Comment).where(Comment.client_id == CLIENT_ID))
    assert client.post(f"/manage/moderation/{other.id}/photo/remove").status_code in (302, 404)
    assert len(_files(app)) == 2


def test_deleting_the_comment_deletes_its_photo(app, client, discussion, resident):
    stage = discussion()
    resident(client)
    _post(client, stage, jpeg_with_gps())
    (photo,) = _photos()
    assert client.post(f"/comments/{photo.comment_id}/delete").status_code == 303
    assert _photos() == [] and _files(app) == []


def test_my_delete_removes_photo_rows_and_files(app, client, discussion, resident):
    stage = discussion()
    resident(client)
    _post(client, stage, jpeg_with_gps())
    _post(client, stage, png_bytes(), name="b.png", client_id=CLIENT_ID)
    assert len(_photos()) == 2 and len(_files(app)) == 4
    assert client.post("/my/delete", data={"confirm": "y"}).status_code == 302
    assert _photos() == [] and _files(app) == []


@pytest.mark.parametrize("mode", [ErasureMode.REMOVE, ErasureMode.ANONYMISE])
def test_an_erasure_request_removes_photo_rows_and_files(
    app, client, login, make_user, discussion, resident, mode
):
    stage = discussion()
    stage.project.organization.erasure_mode = mode
    db.session.commit()
    resident(client)
    _post(client, stage, jpeg_with_gps())
    (photo,) = _photos()
    admin = app.test_client()
    login(make_user(role="admin", org=stage.project.organization), test_client=admin)
    response = admin.post(
        "/manage/privacy/erase",
        data={
            "organization_id": stage.project.organization_id,
            "reference": str(photo.comment_id),
            "confirm": "y",
        },
    )
    assert response.status_code == 302
    assert _photos() == [] and _files(app) == []


def test_an_offline_resend_with_the_same_client_id_stores_one_photo(app, client, discussion):
    stage = discussion()
    payload = {"body": "Skickad från kön", "client_id": CLIENT_ID}

    def send():
        return client.post(
            f"/api/v1/stages/{stage.id}/comments",
            data={
                "comment": json.dumps(payload),
                "photo": (io.BytesIO(jpeg_with_gps()), "photo.jpg"),
                "photo_alt": "Gropen i cykelbanan",
            },
            content_type="multipart/form-data",
        )

    first, second = send(), send()
    assert first.status_code == 201 and second.status_code == 200
    assert first.json["id"] == second.json["id"]
    assert first.json["photo"]["alt"] == "Gropen i cykelbanan"
    (photo,) = _photos()
    assert photo.comment_id == first.json["id"]
    assert len(_files(app)) == 2


def test_the_api_refuses_a_wrong_photo_with_nothing_stored(app, client, discussion):
    stage = discussion()
    response = client.post(
        f"/api/v1/stages/{stage.id}/comments",
        data={
            "comment": json.dumps({"body": "Med fel fil", "client_id": CLIENT_ID}),
            "photo": (io.BytesIO(b"not an image at all"), "photo.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "photo" in response.json["error"]["fields"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 0
    assert _files(app) == []
