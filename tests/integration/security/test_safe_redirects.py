"""``next=`` never sends anyone off-site: login, language switch, and the comment and
moderation actions that return to where the user came from."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from app.comments.models import Comment
from app.core.security import safe_next
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind

HOSTILE = [
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http://evil.example/login",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "https:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://localhost@evil.example",
    "https://evil.example\\@localhost",
    "//localhost.evil.example",
    "http://localhost:80@evil.example",
]


def _browser_target(location: str, base: str = "http://localhost/") -> str:
    """Where a browser would go: it drops tabs and newlines, trims spaces and controls, and
    reads backslashes as slashes (WHATWG URL parsing for http(s))."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("\x00\x20\x1f")
    cleaned = cleaned.replace("\\", "/")
    return urljoin(base, cleaned)


def _assert_stays(location: str) -> None:
    target = urlsplit(_browser_target(location))
    assert target.scheme in ("http", "https"), location
    assert target.hostname == "localhost", location


@pytest.mark.parametrize("target", HOSTILE)
def test_safe_next_refuses_every_off_site_form(app, target):
    with app.test_request_context("/"):
        assert safe_next(target, "/fallback") == "/fallback"


def test_safe_next_keeps_local_paths(app):
    with app.test_request_context("/"):
        assert safe_next("/projekt/tumba?tab=karta#c-3", "/x") == "/projekt/tumba?tab=karta#c-3"
        assert safe_next("http://localhost/manage/", "/x") == "http://localhost/manage/"


@pytest.mark.parametrize("target", HOSTILE)
def test_login_and_language_switch_stay_on_site(client, make_user, target):
    user = make_user()
    response = client.post(
        "/login", query_string={"next": target}, data={"email": user.email, "password": "x"}
    )
    # A wrong password re-renders the form; the right one redirects (checked below).
    assert response.status_code in (200, 422)
    from tests.conftest import TEST_PASSWORD

    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": user.email, "password": TEST_PASSWORD},
    )
    assert response.status_code in (302, 303)
    _assert_stays(response.headers["Location"])
    client.get("/logout")
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code in (302, 303)
    _assert_stays(response.headers["Location"])


def test_comment_and_moderation_actions_stay_on_site(
    app, client, login, make_project, make_activity, make_user, make_participant
):
    project = make_project()
    stage = project.current_stage
    activity = make_activity(stage, ActivityKind.DISCUSSION)
    moderator = make_user(role=Role.MODERATOR, org=project.organization)
    author = make_participant()
    comment = Comment(
        stage_id=stage.id, activity_id=activity.id, participant_id=author.id, body="Hej"
    )
    db.session.add(comment)
    db.session.commit()
    for target in HOSTILE:
        resident = app.test_client()  # a new participant each time: one support each
        response = resident.post(f"/comments/{comment.id}/support", data={"next": target})
        assert response.status_code in (302, 303), response.status_code
        _assert_stays(response.headers["Location"])
    login(moderator)
    for target in HOSTILE:
        response = client.post(
            f"/manage/moderation/{comment.id}/hide", data={"next": target, "reason": "Spam"}
        )
        assert response.status_code in (302, 303), response.status_code
        _assert_stays(response.headers["Location"])
        client.post(f"/manage/moderation/{comment.id}/restore", data={"reason": "Fel"})
