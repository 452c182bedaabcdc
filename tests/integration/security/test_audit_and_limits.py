"""Every kind of staff action leaves an audit row, and over-large bodies get a clear 413."""

from __future__ import annotations

import time

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.extensions import db
from app.organizations.models import Membership, Role
from app.projects.models import ActivityKind


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_each_kind_of_staff_action_is_audited(
    app, client, login, make_project, make_activity, make_user, make_participant
):
    project = make_project()
    org = project.organization
    stage = project.current_stage
    activity = make_activity(stage, ActivityKind.DISCUSSION)
    admin = make_user(role=Role.ADMIN, org=org)
    colleague = make_user(role=Role.MODERATOR, org=org)
    resident = make_user()
    author = make_participant(resident)
    comment = Comment(
        stage_id=stage.id, activity_id=activity.id, participant_id=author.id, body="Hej"
    )
    db.session.add(comment)
    db.session.commit()

    # A failed login.
    client.post("/login", data={"email": admin.email, "password": "fel lösenord"})
    assert "login.failed" in _actions()

    login(admin)
    # Moderation.
    response = client.post(f"/manage/moderation/{comment.id}/hide", data={"reason": "Spam"})
    assert response.status_code in (302, 303)
    assert "comment.hide" in _actions()
    # Export.
    response = client.post(
        "/manage/exports/",
        data={"scope": f"stage:{stage.id}", "kind": "comments", "format": "csv", "lang": "sv"},
    )
    assert response.status_code < 400, response.status_code
    # The export runs as a background job (a thread here); its run writes the audit row.
    deadline = time.monotonic() + 30
    while "export.comments" not in _actions() and time.monotonic() < deadline:
        time.sleep(0.2)
        db.session.rollback()
    assert "export.comments" in _actions()
    # Role change.
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == colleague.id))
    response = client.post(
        f"/admin/organizations/{org.id}/members/{membership.id}/role", data={"role": "planner"}
    )
    assert response.status_code in (302, 303), response.status_code
    assert "membership.role_change" in _actions()
    # Erasure on request.
    response = client.post(
        "/manage/privacy/erase",
        data={"email": resident.email, "organization_id": org.id, "confirm": "y"},
    )
    assert response.status_code in (302, 303), response.status_code
    assert "privacy.erase" in _actions()

    # Each row names who acted and in which organization (the failed login has no actor).
    rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action != "login.failed"))
    for row in rows:
        if row.action.startswith(("comment.", "export.", "membership.", "privacy.")):
            assert row.actor_user_id == admin.id, row.action
            assert row.organization_id == org.id, row.action


def test_a_body_over_the_limit_gets_413_json_on_the_api(make_app, make_project, make_activity):
    app = make_app(MAX_CONTENT_LENGTH=2048)
    with app.app_context():
        project = make_project()
        stage = project.current_stage
        make_activity(stage, ActivityKind.DISCUSSION)
        client = app.test_client()
        response = client.post(
            f"/api/v1/stages/{stage.id}/comments",
            json={"body": "x" * 5000, "client_id": "6f1d0c7e-2a43-4f59-9f3e-1a2b3c4d5e6f"},
        )
        assert response.status_code == 413
        error = response.get_json()["error"]
        assert error["code"] == "too_large" and error["message"]
        assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 0


def test_a_form_over_the_limit_gets_a_413_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=2048)
    with app.app_context():
        client = app.test_client()
        response = client.post(
            "/login?lang=en", data={"email": "a@example.se", "password": "x" * 5000}
        )
        assert response.status_code == 413
        assert response.mimetype == "text/html"
        assert "too large" in response.get_data(as_text=True)
