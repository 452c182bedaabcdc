"""The stage map's GeoJSON is cached per process and answered with 304 by a cheap version:
whatever residents or moderators change must still show on the next request."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from typing import Any

import brotli
import sqlalchemy as sa

from app.comments import queries
from app.comments.models import Comment, CommentStatus
from app.core.models import utcnow
from app.extensions import db
from app.projects.models import ActivityKind
from tests.factories import INSIDE

BOX = "17.9,59.2,18.0,59.3"


def _features(client: Any, url: str) -> dict[int, dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200
    return {f["id"]: f["properties"] for f in response.get_json()["features"]}


def test_map_shows_every_change_despite_the_cache(
    client: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    stage = make_project().current_stage
    make_activity(stage, ActivityKind.DISCUSSION)
    add_comments(stage, 4)
    url = f"/api/v1/stages/{stage.id}/comments?bbox={BOX}"
    ids = sorted(db.session.scalars(sa.select(Comment.id).where(Comment.parent_id.is_(None))))
    first = _features(client, url)
    assert sorted(first) == ids
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    # A moderator hides one comment and another one is edited and supported.
    hidden, edited = (db.session.get(Comment, i) for i in ids[:2])
    hidden.status = CommentStatus.HIDDEN
    edited.body, edited.edited_at = "Ändrad text", utcnow()
    db.session.execute(sa.update(Comment).where(Comment.id == ids[2]).values(supports_count=42))
    db.session.commit()

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    after = _features(client, url)
    assert hidden.id not in after
    assert after[edited.id]["body"] == "Ändrad text"
    assert after[ids[2]]["supports"] == 42

    # One support moves from one comment to another: the totals stay, the map changes.
    db.session.execute(sa.update(Comment).where(Comment.id == ids[2]).values(supports_count=41))
    db.session.execute(
        sa.update(Comment)
        .where(Comment.id == ids[3])
        .values(supports_count=Comment.supports_count + 1)
    )
    db.session.commit()
    moved = _features(client, url)
    assert moved[ids[2]]["supports"] == 41
    assert moved[ids[3]]["supports"] == after[ids[3]]["supports"] + 1


def _place(stage: Any, body: str = "Ny synpunkt", *, geometry: Any = INSIDE, **kw: Any) -> Comment:
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


def _map_stage(make_project: Any, make_activity: Any, add_comments: Any) -> Any:
    stage = make_project().current_stage
    make_activity(stage, ActivityKind.DISCUSSION)
    add_comments(stage, 6)
    return stage


def test_a_worker_with_a_cached_map_answers_what_a_fresh_worker_builds(
    client: Any, make_app: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    """New comments are appended to the cached map; whatever else changed with them (a hide,
    a deletion, an edit, a support, a comment published after moderation) must show too."""
    stage = _map_stage(make_project, make_activity, add_comments)
    url = f"/api/v1/stages/{stage.id}/comments?bbox={BOX}"
    ids = sorted(db.session.scalars(sa.select(Comment.id).where(Comment.parent_id.is_(None))))
    pending = _place(stage, "Väntar på granskning", status=CommentStatus.PENDING)

    def same_as_a_fresh_worker() -> dict[int, dict[str, Any]]:
        cached = client.get(url)
        fresh = make_app().test_client().get(url)
        assert cached.status_code == fresh.status_code == 200
        assert cached.data == fresh.data
        assert cached.headers["ETag"] == fresh.headers["ETag"]
        return {f["id"]: f["properties"] for f in cached.get_json()["features"]}

    assert sorted(same_as_a_fresh_worker()) == ids

    def hide(comment_id: int) -> None:
        db.session.get(Comment, comment_id).status = CommentStatus.HIDDEN  # type: ignore[union-attr]

    def delete(comment_id: int) -> None:
        db.session.get(Comment, comment_id).deleted_at = utcnow()  # type: ignore[union-attr]

    def edit(comment_id: int) -> None:
        comment = db.session.get(Comment, comment_id)
        assert comment is not None
        comment.body, comment.edited_at = f"Ändrad {comment_id}", utcnow()

    def support(comment_id: int) -> None:
        db.session.execute(
            sa.update(Comment)
            .where(Comment.id == comment_id)
            .values(supports_count=Comment.supports_count + 5)
        )

    def publish(comment_id: int) -> None:
        db.session.get(Comment, comment_id).status = CommentStatus.PUBLISHED  # type: ignore[union-attr]

    # Only a new comment: it appears.
    first = _place(stage, "Först tillagd")
    shown = same_as_a_fresh_worker()
    assert shown[first.id]["body"] == "Först tillagd"
    assert sorted(shown) == [*ids, first.id]

    # A new comment together with each kind of change to the older ones.
    for change, target in (
        (hide, ids[0]),
        (delete, ids[1]),
        (edit, ids[2]),
        (support, ids[3]),
        (publish, pending.id),
    ):
        before = same_as_a_fresh_worker()
        change(target)
        db.session.commit()
        added = _place(stage, f"Tillagd efter {change.__name__}")
        shown = same_as_a_fresh_worker()
        assert shown[added.id]["body"] == f"Tillagd efter {change.__name__}"
        if change in (hide, delete):
            assert target not in shown
        elif change is edit:
            assert shown[target]["body"] == f"Ändrad {target}"
        elif change is support:
            assert shown[target]["supports"] == before[target]["supports"] + 5
        else:
            assert shown[target]["body"] == "Väntar på granskning"


def test_map_geojson_is_exactly_the_encoded_documents(
    make_app: Any,
    make_project: Any,
    make_activity: Any,
    make_user: Any,
    add_comments: Any,
    database_url: str,
) -> None:
    """The features are written as text: they must be what json.dumps makes of the documents,
    escapes, replies, official answers and whole-second times included, in any database time
    zone."""
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
    support = sa.update(Comment).where(Comment.id == official.id).values(supports_count=7)
    db.session.execute(support)
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
                },
            }
            for c in rows
        ],
    }
    encoded = json.dumps(expected, ensure_ascii=False, separators=(",", ":")).encode()
    options: dict[str, Any] = {}
    if database_url.startswith("postgresql"):
        # The driver then returns times in Stockholm time: still UTC in the answer.
        options = {"connect_args": {"options": "-c TimeZone=Europe/Stockholm"}}
    worker = make_app(SQLALCHEMY_ENGINE_OPTIONS=options) if options else make_app()
    response = worker.test_client().get(f"/api/v1/stages/{stage.id}/comments?bbox={BOX}")
    assert response.status_code == 200
    assert response.data == encoded


def test_compressed_map_is_the_same_and_revalidates(
    client: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    stage = _map_stage(make_project, make_activity, add_comments)
    url = f"/api/v1/stages/{stage.id}/comments?bbox={BOX}"
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    for coding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        browser = {"Accept-Encoding": f"{coding}, identity;q=0.5"}
        packed = client.get(url, headers=browser)
        assert packed.status_code == 200
        assert packed.headers["Content-Encoding"] == coding
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert decompress(packed.data) == plain.data
        etag = packed.headers["ETag"]
        assert etag != plain.headers["ETag"]
        for tag in (etag, plain.headers["ETag"]):
            again = client.get(url, headers={**browser, "If-None-Match": tag})
            assert again.status_code == 304
            assert again.headers["ETag"] == etag
            assert again.data == b""

    # After a change the old tag no longer matches, compressed or not.
    added = _place(stage, "Efter komprimeringen")
    browser = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    changed = client.get(url, headers={**browser, "If-None-Match": etag})
    assert changed.status_code == 200
    assert added.id in [f["id"] for f in json.loads(brotli.decompress(changed.data))["features"]]


def test_workers_agree_on_the_etag(
    client: Any, make_app: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    """Behind gunicorn the next request may reach another worker: the ETag one gave must
    give a 304 from the other while nothing changed, and a 200 after a change."""
    stage = _map_stage(make_project, make_activity, add_comments)
    url = f"/api/v1/stages/{stage.id}/comments?bbox={BOX}"
    other = make_app().test_client()
    etag = client.get(url).headers["ETag"]
    assert other.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert other.get(url).headers["ETag"] == etag
    _place(stage, "Till den andra processen")
    assert other.get(url, headers={"If-None-Match": etag}).status_code == 200
    assert client.get(url).data == other.get(url).data


def test_a_comment_arriving_during_a_build_is_gone_once_hidden(
    client: Any, monkeypatch: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    """A comment committed between the version query and the read is in the answer; the
    cached map must then not outlive its hiding (the cache knows what it holds)."""
    stage = _map_stage(make_project, make_activity, add_comments)
    url = f"/api/v1/stages/{stage.id}/comments?bbox={BOX}"
    real = queries.map_version
    arrived: list[Comment] = []

    def racing(*args: Any) -> Any:
        version = real(*args)
        if not arrived:
            arrived.append(_place(stage, "Kom under bygget"))
        return version

    monkeypatch.setattr(queries, "map_version", racing)
    during = client.get(url)
    assert arrived[0].id in [f["id"] for f in during.get_json()["features"]]
    # Its ETag describes what it sent: nothing changed since, so 304.
    assert client.get(url, headers={"If-None-Match": during.headers["ETag"]}).status_code == 304
    db.session.get(Comment, arrived[0].id).status = CommentStatus.HIDDEN  # type: ignore[union-attr]
    db.session.commit()
    assert arrived[0].id not in [f["id"] for f in client.get(url).get_json()["features"]]


def test_an_unchanged_map_is_not_read_again(
    client: Any, count_queries: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    """The cached map knows the fingerprint of what it holds: once built, the next request
    for an unchanged map reads no comment again, whatever happened before (edits, supports,
    new comments), and a new comment alone reads only the new one."""
    stage = _map_stage(make_project, make_activity, add_comments)
    url = f"/api/v1/stages/{stage.id}/comments?bbox={BOX}"
    ids = sorted(db.session.scalars(sa.select(Comment.id).where(Comment.parent_id.is_(None))))
    client.get(url)
    edited = db.session.get(Comment, ids[0])
    assert edited is not None
    edited.body, edited.edited_at = "Ändrad", utcnow()
    db.session.execute(sa.update(Comment).where(Comment.id == ids[1]).values(supports_count=9))
    db.session.commit()
    _place(stage, "Ny efter ändringarna")

    def reads() -> list[str]:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return [s for s in statements if "comments.body" in s]

    assert len(reads()) == 1  # rebuilt once
    assert reads() == []  # then answered from the cache
    _place(stage, "Bara en ny")
    (appended,) = reads()
    assert "comments.id >" in appended  # only the comments after the cached ones
    assert reads() == []
