"""Photos of marked places in map answers (docs/photos.md, app/surveys/photos.py): sent with
the answers in one request (the API's multipart body, the review page's form), cleaned of
metadata, stored once per client id, refused without leaving anything behind, shown only to
the resident and to staff who read individual responses, kept or dropped by an edited
response, and erased with the response."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from PIL import Image

from app.extensions import db
from app.organizations.models import Role
from app.privacy.services import delete_own_contributions
from app.projects.models import ProjectPartner
from app.surveys.models import MarkingPhoto, Response
from tests.integration.photos.test_photos import jpeg_with_gps
from tests.integration.surveys.conftest import Flow, counts, hidden_fields, point_feature

KEY = "p0123456789abcdef"
KEY2 = "p0123456789abcdee"


def _photo_point(kit: Any, key: str = KEY, alt: str = "Trasig bänk vid dammen") -> dict:
    point = point_feature(kit.category(), "Bänken behöver lagas")
    point["properties"].update(photo=key, photo_alt=alt)
    return point


def _post(client: Any, kit: Any, payload: dict, files: dict[str, bytes]) -> Any:
    data: dict[str, Any] = {"response": json.dumps(payload)}
    for key, content in files.items():
        data[f"photo-{key}"] = (io.BytesIO(content), "foto.jpg")
    return client.post(
        f"/api/v1/surveys/{kit.survey.id}/responses",
        data=data,
        content_type="multipart/form-data",
    )


def _photos() -> list[MarkingPhoto]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(MarkingPhoto).order_by(MarkingPhoto.id)))


def _files(app: Any) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"]) / "marking-photos"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_marking_photo_is_stored_once_without_metadata(app, web, make_survey):
    kit = make_survey()
    payload = kit.payload(answers=kit.replace("point", {"features": [_photo_point(kit)]}))
    first = _post(web, kit, payload, {KEY: jpeg_with_gps(orientation=6)})
    assert first.status_code == 201, first.get_json()
    again = _post(web, kit, payload, {KEY: jpeg_with_gps(orientation=6)})
    assert again.status_code == 200 and again.get_json() == first.get_json()
    (photo,) = _photos()
    assert counts() == (1, 15, 3)
    assert photo.alt == "Trasig bänk vid dammen"
    assert photo.feature.comment == "Bänken behöver lagas"
    assert len(_files(app)) == 2  # the photo and its thumbnail, once
    raw = (Path(app.config["UPLOAD_DIR"]) / photo.path).read_bytes()
    with Image.open(io.BytesIO(raw)) as image:
        assert not image.getexif() and image.size == (800, 1600)  # upright, no GPS
    assert b"PhoneMaker" not in raw and b"GPS" not in raw


def test_a_photo_that_is_not_an_image_is_refused_on_its_question_and_nothing_is_kept(
    app, web, make_survey
):
    kit = make_survey()
    payload = kit.payload(answers=kit.replace("point", {"features": [_photo_point(kit)]}))
    response = _post(web, kit, payload, {KEY: b"%PDF-1.4 not a photo"})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    message = fields[f"answers.{kit.qid('point')}"]
    assert message.startswith("Markering 1:") and "JPEG, PNG eller WebP" in message
    assert counts() == (0, 0, 0) and _photos() == [] and _files(app) == []


def test_more_photos_than_allowed_are_refused(make_app, make_survey):
    app = make_app(SURVEY_MAX_PHOTOS=1)
    with app.app_context():
        kit = make_survey()
        points = [_photo_point(kit, KEY), _photo_point(kit, KEY2)]
        payload = kit.payload(answers=kit.replace("point", {"features": points}))
        response = _post(
            app.test_client(), kit, payload, {KEY: jpeg_with_gps(), KEY2: jpeg_with_gps()}
        )
        assert response.status_code == 422
        message = response.get_json()["error"]["fields"][f"answers.{kit.qid('point')}"]
        assert message == "Lägg till högst 1 foton."
        assert counts() == (0, 0, 0) and _files(app) == []


def test_a_key_without_its_file_keeps_the_marking_without_a_photo(web, make_survey):
    kit = make_survey()
    payload = kit.payload(answers=kit.replace("point", {"features": [_photo_point(kit)]}))
    assert _post(web, kit, payload, {}).status_code == 201
    assert counts() == (1, 15, 3) and _photos() == []


def test_only_the_resident_and_staff_who_read_responses_see_the_photo(
    app, web, make_survey, make_user, login
):
    kit = make_survey()
    payload = kit.payload(answers=kit.replace("point", {"features": [_photo_point(kit)]}))
    assert _post(web, kit, payload, {KEY: jpeg_with_gps()}).status_code == 201
    (photo,) = _photos()
    thumb = f"/s/photos/{photo.id}/{photo.token}/thumb.jpg"
    mine = web.get(thumb)
    assert mine.status_code == 200 and mine.mimetype == "image/jpeg"
    assert mine.headers["Cache-Control"] == "private, max-age=600"
    assert app.test_client().get(thumb).status_code == 404  # another device
    assert web.get(f"/s/photos/{photo.id}/{'0' * 32}/thumb.jpg").status_code == 404
    org = kit.survey.activity.stage.project.organization
    planner = make_user(role=Role.PLANNER, org=org)
    partner = make_user()
    db.session.add(ProjectPartner(project=kit.survey.activity.stage.project, user_id=partner.id))
    db.session.commit()
    for user, status in ((planner, 200), (partner, 404)):
        staff = app.test_client()
        login(user, test_client=staff)
        assert staff.get(thumb).status_code == status
        if status == 200:
            response_id = photo.feature.answer.response_id
            page = staff.get(f"/manage/surveys/{kit.survey.id}/responses/{response_id}")
            html = page.get_data(as_text=True)
            assert f'src="{thumb}"' in html and 'alt="Trasig bänk vid dammen"' in html


def test_an_edited_response_keeps_a_photo_by_its_token_and_drops_the_others(app, web, make_survey):
    kit = make_survey()
    payload = kit.payload(answers=kit.replace("point", {"features": [_photo_point(kit)]}))
    assert _post(web, kit, payload, {KEY: jpeg_with_gps()}).status_code == 201
    (photo,) = _photos()
    token, files = photo.token, _files(app)
    # The survey opened again fills the marking with the stored photo's token.
    kept = _photo_point(kit, token, "Bänken, nytt foto-ord")
    second = kit.payload(answers=kit.replace("point", {"features": [kept]}))
    assert _post(web, kit, second, {}).status_code == 201
    (again,) = _photos()
    assert again.token == token and again.alt == "Bänken, nytt foto-ord"
    assert _files(app) == files and all(p.is_file() for p in files)
    third = kit.payload(answers=kit.replace("point", {"features": [point_feature(kit.category())]}))
    assert _post(web, kit, third, {}).status_code == 201
    assert _photos() == [] and _files(app) == []
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 1


def test_erasing_ones_contributions_deletes_the_photos(app, web, make_survey):
    kit = make_survey()
    payload = kit.payload(answers=kit.replace("point", {"features": [_photo_point(kit)]}))
    assert _post(web, kit, payload, {KEY: jpeg_with_gps()}).status_code == 201
    participant = db.session.scalars(db.select(Response)).one().participant
    delete_own_contributions(participant)
    db.session.commit()
    assert _photos() == [] and _files(app) == []


def test_the_review_page_sends_the_photos_with_the_answers_and_the_receipt_shows_them(
    app, web, make_survey
):
    kit = make_survey()
    flow = Flow(web, kit.survey.id)
    flow.next({f"q{kit.qid('point')}_features": json.dumps([_photo_point(kit)])})
    while flow.step != "review":
        assert flow.response.status_code == 200, flow.page[:2000]
        flow.next()
    assert "(med foto)" in flow.page  # the review says the marking has a photo
    form = {
        **hidden_fields(flow.page),
        "action": "submit",
        f"photo-{KEY}": (io.BytesIO(jpeg_with_gps()), f"{KEY}.jpg"),
    }
    sent = web.post(f"/s/{kit.survey.id}", data=form, content_type="multipart/form-data")
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    (photo,) = _photos()
    receipt = web.get(sent.headers["Location"]).get_data(as_text=True)
    assert f'src="/s/photos/{photo.id}/{photo.token}/thumb.jpg"' in receipt
    assert 'alt="Trasig bänk vid dammen"' in receipt and "Foto av Markering 1" in receipt
