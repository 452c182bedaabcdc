"""A placed comment's photo on the stage map's GeoJSON (``GET /api/v1/stages/<id>/comments
?bbox=``): the thread's thumbnail and full-size URLs with the resident's description while it
is public; null once a moderator removed it; a comment waiting for approval is not on the map
at all (docs/photos.md, docs/maps.md)."""

from __future__ import annotations

from typing import Any

from app.comments.models import Comment, CommentStatus
from app.comments.photos.models import Photo
from app.comments.photos.routes import photo_url
from app.extensions import db
from app.organizations.models import Role
from tests.integration.photos.test_photos import _post, jpeg_with_gps, png_bytes

BOX = "17.9,59.2,18.0,59.3"
PLACE = {"lat": "59.22", "lon": "17.95"}


def _map(client: Any, stage: Any) -> dict[str, dict[str, Any]]:
    response = client.get(f"/api/v1/stages/{stage.id}/comments?bbox={BOX}")
    assert response.status_code == 200
    return {f["properties"]["body"]: f["properties"] for f in response.get_json()["features"]}


def _photo_of(body: str) -> Photo:
    comment = db.session.scalar(db.select(Comment).where(Comment.body == body))
    assert comment is not None and comment.photo is not None
    return comment.photo


def test_a_placed_comments_photo_is_on_the_map_as_in_the_thread(app, client, discussion):
    stage = discussion()
    _post(client, stage, jpeg_with_gps(), body="Trasig lampa", alt="Gatlykta med krossat glas")
    _post(client, stage, png_bytes(), name="x.png", alt="", body="Utan beskrivning", **PLACE)
    _post(client, stage, jpeg_with_gps(), body="Lampan lyser inte", **PLACE)
    _post(client, stage, None, body="Inget foto", **PLACE)
    shown = _map(app.test_client(), stage)

    assert "Trasig lampa" not in shown  # no place: only in the thread
    photo = _photo_of("Lampan lyser inte")
    with app.test_request_context():
        thumbnail, full = photo_url(photo, "thumb"), photo_url(photo, "full")
    assert shown["Lampan lyser inte"]["photo"] == {
        "thumbnail": thumbnail,
        "url": full,
        "alt": "Trasig gatlykta",
        "w": photo.thumb_width,
        "h": photo.thumb_height,
    }
    assert max(photo.thumb_width, photo.thumb_height) == 320
    assert shown["Utan beskrivning"]["photo"]["alt"] is None  # the popup says so neutrally
    assert shown["Inget foto"]["photo"] is None
    # The URLs are the ones the photo route serves to anyone who may see the map.
    stranger = app.test_client()
    for url in (thumbnail, full):
        served = stranger.get(url)
        assert served.status_code == 200 and served.mimetype == "image/jpeg"


def test_a_removed_photo_leaves_the_map_with_a_new_etag(app, client, login, make_user, discussion):
    stage = discussion()
    _post(client, stage, jpeg_with_gps(), body="Lampan lyser inte", **PLACE)
    photo = _photo_of("Lampan lyser inte")
    url = f"/api/v1/stages/{stage.id}/comments?bbox={BOX}"
    viewer = app.test_client()
    before = viewer.get(url)
    assert before.get_json()["features"][0]["properties"]["photo"] is not None

    moderator = app.test_client()
    login(make_user(role=Role.MODERATOR, org=stage.project.organization), test_client=moderator)
    removed = moderator.post(f"/manage/moderation/{photo.comment_id}/photo/remove")
    assert removed.status_code == 303

    after = viewer.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200, "a browser holding the old map gets the new one"
    (feature,) = after.get_json()["features"]
    assert feature["properties"]["body"] == "Lampan lyser inte"
    assert feature["properties"]["photo"] is None
    assert f"/photos/{photo.id}/" not in after.get_data(as_text=True)


def test_a_comment_waiting_for_approval_is_not_on_the_map(
    app, client, login, make_user, discussion, resident
):
    stage = discussion(moderation="pre")
    resident(client)
    _post(client, stage, jpeg_with_gps(), body="Väntar med foto", **PLACE)
    comment = db.session.scalar(db.select(Comment).where(Comment.body == "Väntar med foto"))
    assert comment is not None and comment.status == CommentStatus.PENDING
    photo = _photo_of("Väntar med foto")
    for viewer in (client, app.test_client()):  # not even for its author
        response = viewer.get(f"/api/v1/stages/{stage.id}/comments?bbox={BOX}")
        assert response.get_json()["features"] == []
        assert photo.token not in response.get_data(as_text=True)

    moderator = app.test_client()
    login(make_user(role=Role.MODERATOR, org=stage.project.organization), test_client=moderator)
    assert moderator.post(f"/manage/moderation/{comment.id}/approve").status_code in (302, 303)
    approved = _map(app.test_client(), stage)["Väntar med foto"]
    assert approved["photo"]["thumbnail"] == f"/photos/{photo.id}/{photo.token}/thumb.jpg"
