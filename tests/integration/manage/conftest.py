"""Factories for the staff-side tests: responses, comments, flags and logged-in staff."""

from __future__ import annotations

import io
import itertools
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from app.comments.models import Comment, Flag, FlagReason
from app.extensions import db
from app.organizations.models import Role

_seq = itertools.count(1)


@pytest.fixture()
def login(login: Any, client: Any) -> Any:
    """The shared login helper, then the interface in English so tests read English text."""

    def do(user: Any, *args: Any, **kw: Any) -> Any:
        response = login(user, *args, **kw)
        (kw.get("test_client") or client).get("/lang/en")
        return response

    return do


@pytest.fixture()
def org(make_org: Any) -> Any:
    return make_org(slug="huddinge", name="Huddinge kommun")


@pytest.fixture()
def planner(make_user: Any, org: Any) -> Any:
    return make_user("planner@huddinge.se", role=Role.PLANNER, org=org)


@pytest.fixture()
def as_planner(login: Any, planner: Any) -> Any:
    login(planner)
    return planner


@pytest.fixture()
def make_response(app: Any) -> Any:
    from app.surveys.models import Response

    def make(activity: Any, participant: Any = None, **kw: Any) -> Response:
        response = Response(
            survey_id=activity.survey_id,
            participant_id=participant.id if participant else None,
            client_id=str(uuid.uuid4()),
            **kw,
        )
        db.session.add(response)
        db.session.commit()
        return response

    return make


@pytest.fixture()
def make_comment(app: Any) -> Any:
    def make(activity: Any, participant: Any = None, **kw: Any) -> Comment:
        comment = Comment(
            activity_id=activity.id,
            stage_id=activity.stage_id,
            participant_id=participant.id if participant else None,
            body=kw.pop("body", f"Kommentar {next(_seq)}"),
            **kw,
        )
        db.session.add(comment)
        db.session.commit()
        return comment

    return make


@pytest.fixture()
def make_flag(app: Any) -> Any:
    def make(comment: Any, participant: Any = None, **kw: Any) -> Flag:
        flag = Flag(
            comment_id=comment.id,
            participant_id=participant.id if participant else None,
            reason=FlagReason.SPAM,
            **kw,
        )
        db.session.add(flag)
        db.session.commit()
        return flag

    return make


@pytest.fixture()
def count_rows(app: Any) -> Any:
    def count(model: Any) -> int:
        db.session.expire_all()
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)

    return count


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 6), exif: Any = None) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 40, 40))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()
