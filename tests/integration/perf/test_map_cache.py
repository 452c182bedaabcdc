"""The stage map's GeoJSON is cached per process and answered with 304 by a cheap version:
whatever residents or moderators change must still show on the next request."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.comments.models import Comment, CommentStatus
from app.core.models import utcnow
from app.extensions import db
from app.projects.models import ActivityKind

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
