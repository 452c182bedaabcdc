"""The stage map's GeoJSON (``GET /api/v1/stages/<id>/comments?bbox=``): whatever residents,
moderators or an erasure change shows on the next request, from any worker; an unchanged map
answers 304 without reading a comment."""
# The shared factories are imported as fixtures, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import gzip
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import brotli
import sqlalchemy as sa

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.projects.models import ActivityKind
from tests.factories import INSIDE
from tests.integration.perf.conftest import add_comments  # noqa: F401

BOX = "17.9,59.2,18.0,59.3"


def _url(stage: Any) -> str:
    return f"/api/v1/stages/{stage.id}/comments?bbox={BOX}"


def _features(response: Any) -> dict[int, dict[str, Any]]:
    assert response.status_code == 200
    return {f["id"]: f["properties"] for f in response.get_json()["features"]}


def _post(client: Any, stage: Any, body: str) -> int:
    response = client.post(
        f"/api/v1/stages/{stage.id}/comments",
        json={"body": body, "geometry": INSIDE, "client_id": str(uuid.uuid4())},
    )
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def _map_stage(make_project: Any, make_activity: Any, add_comments: Any, **kw: Any) -> Any:
    stage = make_project().current_stage
    make_activity(stage, ActivityKind.DISCUSSION, **kw)
    add_comments(stage, 4)
    return stage


def test_a_new_comment_appears_and_changes_the_etag(
    app: Any, client: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    stage = _map_stage(make_project, make_activity, add_comments)
    first = client.get(_url(stage))
    etag = first.headers["ETag"]
    assert client.get(_url(stage), headers={"If-None-Match": etag}).status_code == 304

    new_id = _post(app.test_client(), stage, "Mörkt under bron")
    changed = client.get(_url(stage), headers={"If-None-Match": etag})
    assert _features(changed)[new_id]["body"] == "Mörkt under bron"
    assert changed.headers["ETag"] != etag
    again = client.get(_url(stage), headers={"If-None-Match": changed.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_every_change_by_residents_and_moderators_shows(
    app: Any,
    client: Any,
    make_project: Any,
    make_activity: Any,
    add_comments: Any,
    make_user: Any,
) -> None:
    from app.comments import services
    from app.core.permissions import actor_from
    from app.moderation import services as moderation

    stage = _map_stage(make_project, make_activity, add_comments)
    author = app.test_client()
    mine = _post(author, stage, "Min synpunkt")
    other = _post(app.test_client(), stage, "Granne")
    moderator = make_user(superadmin=True)
    etags: list[str] = []

    def shown() -> dict[int, dict[str, Any]]:
        response = client.get(_url(stage))
        etags.append(response.headers["ETag"])
        return _features(response)

    shown()
    assert author.post(f"/comments/{mine}/edit", data={"body": "Ändrad"}).status_code == 303
    assert shown()[mine]["body"] == "Ändrad"

    neighbour = db.session.get(Comment, other)
    assert neighbour is not None
    participant = neighbour.participant
    services.support(actor_from(None, participant), participant, db.session.get(Comment, mine))
    db.session.commit()
    assert shown()[mine]["supports"] == 1

    moderation.hide(neighbour, moderator=moderator, reason="Personuppgifter")
    db.session.commit()
    assert other not in shown()
    moderation.restore(neighbour, moderator=moderator)
    db.session.commit()
    assert other in shown()

    assert author.post(f"/comments/{mine}/delete").status_code == 303
    assert mine not in shown()
    assert len(set(etags)) == len(etags), "every change gave a new ETag"


def test_an_approved_comment_appears(
    app: Any, client: Any, make_project: Any, make_activity: Any, add_comments: Any, make_user: Any
) -> None:
    from app.moderation import services as moderation

    stage = _map_stage(make_project, make_activity, add_comments, moderation="pre")
    etag = client.get(_url(stage)).headers["ETag"]
    waiting = _post(app.test_client(), stage, "Väntar på granskning")
    assert waiting not in _features(client.get(_url(stage)))
    comment = db.session.get(Comment, waiting)
    assert comment is not None and comment.status == CommentStatus.PENDING
    moderation.approve(comment, moderator=make_user(superadmin=True))
    db.session.commit()
    approved = client.get(_url(stage), headers={"If-None-Match": etag})
    assert _features(approved)[waiting]["body"] == "Väntar på granskning"


def test_an_erased_resident_leaves_the_map(
    app: Any, client: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    from app.privacy.services import delete_own_contributions

    stage = _map_stage(make_project, make_activity, add_comments)
    mine = _post(app.test_client(), stage, "Snart borta")
    etag = client.get(_url(stage)).headers["ETag"]
    comment = db.session.get(Comment, mine)
    assert comment is not None and comment.participant is not None
    delete_own_contributions(comment.participant)
    db.session.commit()
    after = client.get(_url(stage), headers={"If-None-Match": etag})
    assert mine not in _features(after)


def test_workers_agree_on_the_etag(
    app: Any, client: Any, make_app: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    """Behind gunicorn the next request may reach another worker: the ETag one gave must
    give a 304 from the other while nothing changed, and a 200 after a change."""
    stage = _map_stage(make_project, make_activity, add_comments)
    other = make_app().test_client()
    etag = client.get(_url(stage)).headers["ETag"]
    assert other.get(_url(stage), headers={"If-None-Match": etag}).status_code == 304
    assert other.get(_url(stage)).headers["ETag"] == etag
    _post(app.test_client(), stage, "Till den andra processen")
    assert other.get(_url(stage), headers={"If-None-Match": etag}).status_code == 200
    assert client.get(_url(stage)).data == other.get(_url(stage)).data


def test_an_unchanged_map_answers_304_without_reading_comments(
    client: Any, count_queries: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    stage = _map_stage(make_project, make_activity, add_comments)
    etag = client.get(_url(stage)).headers["ETag"]
    with count_queries() as statements:
        response = client.get(_url(stage), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert not [s for s in statements if "comments.body" in s]


def _place(stage: Any, body: str, *, geometry: Any = INSIDE, **kw: Any) -> Comment:
    activity = next(a for a in stage.activities if a.kind == ActivityKind.DISCUSSION)
    comment = Comment(
        activity_id=activity.id,
        stage_id=stage.id,
        body=body,
        status=kw.pop("status", CommentStatus.PUBLISHED),
        **kw,
    )
    comment.set_geometry(geometry)
    db.session.add(comment)
    db.session.commit()
    return comment


def test_map_geojson_is_the_documents(
    make_app: Any,
    make_project: Any,
    make_activity: Any,
    make_user: Any,
    add_comments: Any,
    database_url: str,
) -> None:
    """Escapes, replies, official answers and whole-second times as ``json.dumps`` writes
    them, in UTC whatever the database connection's time zone."""
    stage = _map_stage(make_project, make_activity, add_comments)
    tricky = _place(stage, 'Citat "här", snedstreck \\ och\nrad\ttab \x01 \u2028 åäö <b>')
    official = _place(stage, "Svar från kommunen", is_official=True, author_user_id=make_user().id)
    _place(
        stage,
        "Svar med plats",
        parent_id=tricky.id,
        geometry={"type": "Point", "coordinates": [17.951, 59.2201]},
        created_at=datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC),
    )
    db.session.execute(sa.update(Comment).where(Comment.id == official.id).values(supports_count=7))
    db.session.commit()
    rows = db.session.scalars(
        sa.select(Comment)
        .where(Comment.geometry.is_not(None), Comment.status == CommentStatus.PUBLISHED)
        .order_by(Comment.id)
    ).all()
    expected = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": c.id,
                "geometry": c.geometry,
                "properties": {
                    "id": c.id,
                    "body": c.body,
                    "created_at": c.created_at.isoformat(),
                    "supports": c.supports_count,
                    "official": c.is_official,
                    "parent_id": c.parent_id,
                    "photo": None,
                },
            }
            for c in rows
        ],
    }
    options: dict[str, Any] = {}
    if database_url.startswith("postgresql"):
        # The driver then returns times in Stockholm time: still UTC in the answer.
        options = {"connect_args": {"options": "-c TimeZone=Europe/Stockholm"}}
    worker = make_app(SQLALCHEMY_ENGINE_OPTIONS=options) if options else make_app()
    response = worker.test_client().get(_url(stage))
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert json.loads(response.data) == expected


def test_compressed_map_is_the_same_and_revalidates(
    app: Any, client: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    stage = _map_stage(make_project, make_activity, add_comments)
    plain = client.get(_url(stage))
    assert "Content-Encoding" not in plain.headers
    for coding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        browser = {"Accept-Encoding": f"{coding}, identity;q=0.5"}
        packed = client.get(_url(stage), headers=browser)
        assert packed.status_code == 200
        assert packed.headers["Content-Encoding"] == coding
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert decompress(packed.data) == plain.data
        for tag in (packed.headers["ETag"], plain.headers["ETag"]):
            again = client.get(_url(stage), headers={**browser, "If-None-Match": tag})
            assert again.status_code == 304
            assert again.data == b""

    # After a change the old tag no longer matches, compressed or not.
    added = _post(app.test_client(), stage, "Efter komprimeringen")
    browser = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    changed = client.get(_url(stage), headers={**browser, "If-None-Match": plain.headers["ETag"]})
    assert changed.status_code == 200
    assert added in [f["id"] for f in json.loads(brotli.decompress(changed.data))["features"]]
