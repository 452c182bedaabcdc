"""The projects and comments endpoints of the JSON API."""
# The shared factories are imported as fixtures, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.projects.models import ProjectStatus
from tests.factories import INSIDE, OUTSIDE
from tests.integration.public.conftest import (  # noqa: F401
    discussion,
    make_comment,
    resident,
)

CID = "5d1c9f3a-2b7e-4d5a-9c1e-000000000001"


def test_projects_list_only_published_with_the_documented_fields(client, make_project):
    project = make_project(title={"sv": "Parken", "en": "The park"})
    make_project(status=ProjectStatus.DRAFT)
    make_project(status=ProjectStatus.COMPLETED)
    body = client.get("/api/v1/projects").get_json()
    assert len(body["projects"]) == 2
    item = next(p for p in body["projects"] if p["id"] == project.id)
    assert set(item) == {
        "id",
        "slug",
        "title",
        "organization",
        "status",
        "area",
        "current_stage_id",
        "url",
    }
    assert item["title"] == "Parken"
    assert item["organization"]["slug"] == project.organization.slug
    assert item["current_stage_id"] == project.current_stage.id
    assert item["area"]["type"] == "Polygon"
    assert item["url"].endswith(f"/p/{project.organization.slug}/{project.slug}")
    english = client.get("/api/v1/projects?lang=en").get_json()["projects"]
    assert any(p["title"] == "The park" for p in english)


def test_project_detail_has_stages_and_activities(client, make_project, make_activity):
    project = make_project()
    stage = project.current_stage
    survey = make_activity(stage, "survey")
    make_activity(stage, "discussion", policy="nickname", moderation="pre")
    body = client.get(f"/api/v1/projects/{project.id}").get_json()
    assert [s["position"] for s in body["stages"]] == list(range(7))
    current = next(s for s in body["stages"] if s["id"] == stage.id)
    assert current["status"] == "open" and current["participation_level"] == "consultation"
    assert current["opens_at"] and current["closes_at"]
    assert current["activities"] == [
        {
            "id": survey.id,
            "kind": "survey",
            "survey_id": survey.survey_id,
            "policy": "anonymous",
            "moderation": "post",
        },
        {
            "id": survey.id + 1,
            "kind": "discussion",
            "survey_id": None,
            "policy": "nickname",
            "moderation": "pre",
        },
    ]


def test_draft_project_and_unknown_ids_are_404_json(client, make_project):
    draft = make_project(status=ProjectStatus.DRAFT)
    for url in (
        f"/api/v1/projects/{draft.id}",
        "/api/v1/projects/99999",
        "/api/v1/stages/99999/comments",
        f"/api/v1/stages/{draft.current_stage.id}/comments",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.get_json()["error"]["code"] == "not_found"


def test_bbox_returns_geojson_of_placed_published_comments_inside(client, discussion, make_comment):
    stage = discussion()
    inside = make_comment(stage, "Inne", geometry=INSIDE)
    make_comment(stage, "Nära kanten", geometry={"type": "Point", "coordinates": [17.959, 59.224]})
    make_comment(stage, "Utan plats")
    make_comment(stage, "Dold", geometry=INSIDE, status=CommentStatus.HIDDEN)
    make_comment(stage, "Väntar", geometry=INSIDE, status=CommentStatus.PENDING)
    make_comment(stage, "Borttagen", geometry=INSIDE, deleted_at=inside.created_at)
    response = client.get(f"/api/v1/stages/{stage.id}/comments?bbox=17.945,59.215,17.955,59.225")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    data = response.get_json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["body"] for f in data["features"]] == ["Inne"]
    feature = data["features"][0]
    assert feature["geometry"] == INSIDE
    assert set(feature["properties"]) == {
        "id",
        "body",
        "created_at",
        "supports",
        "official",
        "parent_id",
        "photo",
    }
    assert feature["properties"]["photo"] is None
    wide = client.get(f"/api/v1/stages/{stage.id}/comments?bbox=17.9,59.2,18.0,59.3").get_json()
    assert {f["properties"]["body"] for f in wide["features"]} == {"Inne", "Nära kanten"}
    away = client.get(f"/api/v1/stages/{stage.id}/comments?bbox=18.2,59.3,18.4,59.5").get_json()
    assert away["features"] == []


def test_bbox_etag_gives_304_until_something_changes(
    app, client, discussion, make_comment, resident
):
    stage = discussion()
    comment = make_comment(stage, "Inne", geometry=INSIDE)
    url = f"/api/v1/stages/{stage.id}/comments?bbox=17.9,59.2,18.0,59.3"
    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    neighbour = app.test_client()
    resident(neighbour)
    assert neighbour.post(f"/comments/{comment.id}/support").status_code == 303
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["features"][0]["properties"]["supports"] == 1


def test_bad_bbox_and_page_are_400(client, discussion):
    stage = discussion()
    for query in ("bbox=1,2,3", "bbox=a,b,c,d", "bbox=18,59,17,60", "page=0", "page=x"):
        response = client.get(f"/api/v1/stages/{stage.id}/comments?{query}")
        assert response.status_code == 400, query
        assert "error" in response.get_json()


def test_list_without_bbox_is_paginated(client, discussion, make_comment):
    stage = discussion()
    for i in range(55):
        make_comment(stage, f"K{i}", age_minutes=100 - i)
    make_comment(stage, "Dold", status=CommentStatus.HIDDEN)
    body = client.get(f"/api/v1/stages/{stage.id}/comments").get_json()
    assert body["total"] == 55 and body["pages"] == 2 and body["page"] == 1
    assert len(body["comments"]) == 50 and body["comments"][0]["body"] == "K54"
    second = client.get(f"/api/v1/stages/{stage.id}/comments?page=2").get_json()
    assert len(second["comments"]) == 5


def test_post_is_idempotent_on_client_id(client, discussion):
    stage = discussion()
    payload = {"body": "Från appen", "geometry": INSIDE, "client_id": CID}
    first = client.post(f"/api/v1/stages/{stage.id}/comments", json=payload)
    assert first.status_code == 201
    again = client.post(f"/api/v1/stages/{stage.id}/comments", json=payload)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1
    assert first.get_json()["geometry"] == INSIDE


def test_client_id_of_someone_else_is_409(client, app, discussion):
    stage = discussion()
    payload = {"body": "Min", "client_id": CID}
    assert client.post(f"/api/v1/stages/{stage.id}/comments", json=payload).status_code == 201
    other = app.test_client()
    response = other.post(f"/api/v1/stages/{stage.id}/comments", json=payload)
    assert response.status_code == 409


def test_a_race_on_the_client_id_is_answered_with_the_stored_comment(client, discussion, resident):
    """The same phone's other request stores the client id between this one's look-up and its
    write: the unique constraint tells, and the stored comment is the answer."""
    import sqlalchemy as sa

    stage = discussion()
    phone = resident(client)
    activity_id = next(a.id for a in stage.activities if a.kind == "discussion")
    stage_id = stage.id
    rival_ids: list[int] = []
    raced: list[bool] = []

    def rival_stores_first(conn, cursor, statement, *args):
        # The first write of a comment is the stage's change counter.
        if raced or not statement.lstrip().upper().startswith("UPDATE STAGES"):
            return
        raced.append(True)
        with db.engine.connect() as rival:
            insert = sa.insert(Comment).values(
                activity_id=activity_id,
                stage_id=stage_id,
                participant_id=phone.id,
                body="Först",
                client_id=CID,
            )
            rival_ids.append(rival.execute(insert.returning(Comment.id)).scalar_one())
            rival.commit()

    sa.event.listen(db.engine, "before_cursor_execute", rival_stores_first)
    try:
        response = client.post(
            f"/api/v1/stages/{stage_id}/comments", json={"body": "Igen", "client_id": CID}
        )
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", rival_stores_first)
    assert rival_ids, "the rival stored its comment first"
    assert response.status_code == 200
    assert response.get_json()["id"] == rival_ids[0]
    assert response.get_json()["body"] == "Först"
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1


def test_post_reply_keeps_two_levels(client, discussion, make_comment):
    stage = discussion()
    top = make_comment(stage, "Topp")
    mid = make_comment(stage, "Mitten", parent=top)
    low = make_comment(stage, "Botten", parent=mid)
    response = client.post(
        f"/api/v1/stages/{stage.id}/comments",
        json={"body": "Djupare", "parent_id": low.id, "client_id": CID},
    )
    assert response.status_code == 201
    assert response.get_json()["parent_id"] == mid.id


def test_bad_posts_store_nothing(client, discussion, make_comment):
    stage = discussion()
    other_stage = discussion()
    url = f"/api/v1/stages/{stage.id}/comments"
    cases = [
        ({"body": "", "client_id": CID}, 422, "body"),
        ({"body": "x" * 2001, "client_id": CID}, 422, "body"),
        ({"body": "Hej"}, 422, "client_id"),
        ({"body": "Hej", "client_id": "kort"}, 422, "client_id"),
        ({"body": "Hej", "client_id": CID, "geometry": OUTSIDE}, 422, "geometry"),
        ({"body": "Hej", "client_id": CID, "geometry": {"type": "Point"}}, 422, "geometry"),
        (
            {
                "body": "Hej",
                "client_id": CID,
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[17.95, 59.22], [17.951, 59.221]],
                },
            },
            422,
            "geometry",
        ),
        ({"body": "Hej", "client_id": CID, "geometry": "POINT(1 2)"}, 422, "geometry"),
        ({"body": "Hej", "client_id": CID, "parent_id": 99999}, 422, "parent_id"),
        ({"body": "Hej", "client_id": CID, "parent_id": "1"}, 422, "parent_id"),
        ({"body": "Hej", "client_id": CID, "extra": 1}, 422, "extra"),
    ]
    for payload, status, field in cases:
        response = client.post(url, json=payload)
        assert response.status_code == status, payload
        assert field in response.get_json()["error"]["fields"], payload
    assert client.post(url, data="not json", content_type="application/json").status_code == 400
    assert client.post(url, json=[1, 2]).status_code == 400
    foreign = make_comment(stage, "Annan diskussion")
    response = client.post(
        f"/api/v1/stages/{other_stage.id}/comments",
        json={"body": "Hej", "client_id": CID, "parent_id": foreign.id},
    )
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1


def test_closed_stage_and_account_policy_are_403(client, discussion):
    closed = discussion(open_stage=False)
    response = client.post(
        f"/api/v1/stages/{closed.id}/comments", json={"body": "Sent", "client_id": CID}
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "stage_closed"
    account = discussion(policy="account")
    response = client.post(
        f"/api/v1/stages/{account.id}/comments", json={"body": "Hej", "client_id": CID}
    )
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_pre_moderated_post_is_pending_and_not_listed(client, discussion):
    stage = discussion(moderation="pre")
    response = client.post(
        f"/api/v1/stages/{stage.id}/comments",
        json={"body": "Vänta", "client_id": CID, "geometry": INSIDE},
    )
    assert response.status_code == 201 and response.get_json()["status"] == "pending"
    listed = client.get(f"/api/v1/stages/{stage.id}/comments").get_json()
    assert listed["total"] == 0
    geo = client.get(f"/api/v1/stages/{stage.id}/comments?bbox=17.9,59.2,18.0,59.3").get_json()
    assert geo["features"] == []


def test_api_post_needs_csrf_in_the_browser(make_app, discussion):
    stage = discussion()
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        response = app.test_client().post(
            f"/api/v1/stages/{stage.id}/comments", json={"body": "Hej", "client_id": CID}
        )
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "csrf"
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_a_racing_duplicate_client_id_answers_with_the_stored_comment(
    client, discussion, monkeypatch
):
    """When two requests pass the first look-up at once, the unique constraint decides and
    the loser answers 200 with the winner's comment, inside a savepoint."""
    from app.comments import services

    stage = discussion()
    payload = {"body": "Samtidigt", "client_id": CID}
    first = client.post(f"/api/v1/stages/{stage.id}/comments", json=payload)
    assert first.status_code == 201
    real = services._by_client_id
    calls = []

    def blind_first_time(stage_, client_id):
        calls.append(client_id)
        return None if len(calls) == 1 else real(stage_, client_id)

    monkeypatch.setattr(services, "_by_client_id", blind_first_time)
    again = client.post(f"/api/v1/stages/{stage.id}/comments", json=payload)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert len(calls) == 2
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1


def test_a_refused_comment_from_a_new_phone_leaves_no_participant(client, app, discussion):
    """A phone's first comment that fails validation stores nobody and sets no cookie."""
    from app.accounts.models import Participant

    stage = discussion()
    refused = client.post(
        f"/api/v1/stages/{stage.id}/comments",
        json={"body": "Här", "geometry": OUTSIDE, "client_id": CID},
    )
    assert refused.status_code == 422
    assert "geometry" in refused.get_json()["error"]["fields"]
    assert db.session.scalar(db.select(db.func.count(Participant.id))) == 0
    assert app.config["PARTICIPANT_COOKIE"] not in refused.headers.get("Set-Cookie", "")
    accepted = client.post(
        f"/api/v1/stages/{stage.id}/comments",
        json={"body": "Här", "geometry": INSIDE, "client_id": CID},
    )
    assert accepted.status_code == 201
    assert app.config["PARTICIPANT_COOKIE"] in accepted.headers.get("Set-Cookie", "")
    assert db.session.scalar(db.select(db.func.count(Participant.id))) == 1


def test_ids_no_row_can_have_are_404_or_422_never_a_database_error(client, discussion):
    """PostgreSQL refuses integers above 2**31 - 1; such ids simply name nothing."""
    stage = discussion()
    huge = 2**31
    assert client.get(f"/api/v1/stages/{huge}/comments").status_code == 404
    assert client.get(f"/api/v1/surveys/{huge}").status_code == 404
    assert client.post(f"/api/v1/surveys/{huge}/responses", json={}).status_code == 404
    reply = client.post(
        f"/api/v1/stages/{stage.id}/comments",
        json={"body": "Svar", "parent_id": huge, "client_id": CID},
    )
    assert reply.status_code == 422 and "parent_id" in reply.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/stages/{2**31 - 1}/comments").status_code == 404
