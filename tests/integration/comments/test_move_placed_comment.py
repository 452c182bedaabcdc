"""A placed comment can be moved by its author within the edit window (issue 19, item 3)."""

from __future__ import annotations

from app.extensions import db
from tests.factories import INSIDE


def test_author_moves_a_placed_comment_within_the_window(
    client, discussion, make_comment, resident
):
    stage = discussion()
    me = resident(client)
    comment = make_comment(stage, "Här", participant=me, geometry=INSIDE, age_minutes=5)
    page = client.get(f"/comments/{comment.id}/edit").get_data(as_text=True)
    # The form starts at the comment's place, with the picker map and the fields.
    assert f'id="edit-{comment.id}-lat"' in page and 'value="59.220000"' in page
    assert "data-picker" in page
    response = client.post(
        f"/comments/{comment.id}/edit", data={"body": "Här", "lat": "59,218", "lon": "17.955"}
    )
    assert response.status_code == 303
    db.session.refresh(comment)
    assert comment.geometry["coordinates"] == [17.955, 59.218]
    assert comment.edited_at is not None


def test_moving_outside_the_area_is_refused_next_to_the_place(
    client, discussion, make_comment, resident
):
    stage = discussion()
    me = resident(client)
    comment = make_comment(stage, "Här", participant=me, geometry=INSIDE, age_minutes=5)
    client.get("/lang/en")
    response = client.post(
        f"/comments/{comment.id}/edit", data={"body": "Flyttad", "lat": "59.40", "lon": "18.30"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="edit-{comment.id}-place-error"' in html
    assert "outside the project area" in html
    db.session.refresh(comment)
    assert comment.geometry == INSIDE and comment.body == "Här"


def test_empty_fields_keep_the_place_and_no_place_is_added_by_editing(
    client, discussion, make_comment, resident
):
    stage = discussion()
    me = resident(client)
    placed = make_comment(stage, "Placerad", participant=me, geometry=INSIDE, age_minutes=5)
    plain = make_comment(stage, "Utan plats", participant=me, age_minutes=5)
    edit = client.post(f"/comments/{placed.id}/edit", data={"body": "Ny", "lat": "", "lon": ""})
    assert edit.status_code == 303
    # A form without the fields (an older page, a script) keeps the place too.
    assert client.post(f"/comments/{placed.id}/edit", data={"body": "Ny"}).status_code == 303
    assert "data-picker" not in client.get(f"/comments/{plain.id}/edit").get_data(as_text=True)
    added = client.post(
        f"/comments/{plain.id}/edit", data={"body": "Ny", "lat": "59.22", "lon": "17.95"}
    )
    assert added.status_code == 303
    db.session.refresh(placed)
    db.session.refresh(plain)
    assert placed.geometry == INSIDE and placed.body == "Ny"
    assert plain.geometry is None


def test_the_window_still_closes_for_moving(client, discussion, make_comment, resident):
    stage = discussion()
    me = resident(client)
    old = make_comment(stage, "Gammal", participant=me, geometry=INSIDE, age_minutes=16)
    response = client.post(
        f"/comments/{old.id}/edit", data={"body": "Gammal", "lat": "59.218", "lon": "17.955"}
    )
    assert response.status_code == 403
    db.session.refresh(old)
    assert old.geometry == INSIDE
