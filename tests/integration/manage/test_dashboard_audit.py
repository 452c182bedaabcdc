"""The dashboard's figures and query count, and the audit log view."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from app.audit.models import AuditEvent
from app.audit.services import record
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import Membership, Role
from app.projects.models import ActivityKind, ProjectStatus


def _cell(html: str, row_attr: str, col: str) -> str:
    row = html[html.index(row_attr) :]
    match = re.search(rf'data-col="{col}">(.*?)</(td|span)>', row, re.S)
    assert match, (row_attr, col)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _build(make_project, make_activity, make_comment, make_response, make_flag, org) -> Any:
    project = make_project(org, title={"sv": "Parken", "en": "The park"})
    stage = project.current_stage
    survey = make_activity(stage, ActivityKind.SURVEY)
    discussion = make_activity(stage, ActivityKind.DISCUSSION)
    now = utcnow()
    make_response(survey, submitted_at=now)
    make_response(survey, submitted_at=now)
    make_response(survey, submitted_at=now - timedelta(days=3))
    make_response(survey, submitted_at=now - timedelta(days=30))  # outside the trend
    flagged = make_comment(discussion)
    make_flag(flagged)
    make_flag(flagged)
    make_flag(flagged, resolved_at=now)  # already handled
    make_comment(discussion, needs_answer=True)
    answered = make_comment(discussion, needs_answer=True, answered_at=now)
    assert answered.answered_at
    return project


def test_dashboard_numbers(
    client, as_planner, org, make_project, make_activity, make_comment, make_response, make_flag
):
    project = _build(make_project, make_activity, make_comment, make_response, make_flag, org)
    closing_soon = project.current_stage.closes_at
    assert closing_soon is not None
    make_project(org, status=ProjectStatus.DRAFT, title={"en": "Draft plan"})
    html = client.get("/manage/").get_data(as_text=True)
    stage_row = f'data-stage="{project.current_stage.id}"'
    assert _cell(html, stage_row, "responses") == "4"
    assert _cell(html, stage_row, "comments") == "3"
    assert _cell(html, stage_row, "trend").startswith("3 in 14 days")
    assert "2, 0, 0, 1" not in html  # oldest first: ..., 1 (3 days ago), 0, 0, 2 (today)
    assert "1, 0, 0, 2" in html
    project_row = f'data-project="{project.id}"'
    assert _cell(html, project_row, "flags") == "2"
    assert _cell(html, project_row, "answers") == "1"
    assert 'id="stat-flags">2<' in html
    assert 'id="stat-answers">1<' in html
    assert "Draft plan" in html
    # The current stage closes in 21 days: not in the 14-day list.
    assert 'id="closing"' not in html


def test_dashboard_closing_soon(client, as_planner, org, make_project):
    project = make_project(org)
    stage = project.current_stage
    stage.closes_at = utcnow() + timedelta(days=3)
    db.session.commit()
    html = client.get("/manage/").get_data(as_text=True)
    assert 'id="closing"' in html


def test_dashboard_query_count_is_bounded(
    client,
    as_planner,
    org,
    make_project,
    make_activity,
    make_comment,
    make_response,
    make_flag,
    count_queries,
):
    _build(make_project, make_activity, make_comment, make_response, make_flag, org)
    client.get("/manage/")
    with count_queries() as few:
        assert client.get("/manage/").status_code == 200
    for _ in range(5):
        _build(make_project, make_activity, make_comment, make_response, make_flag, org)
    with count_queries() as many:
        assert client.get("/manage/").status_code == 200
    assert len(many) == len(few), (len(few), len(many))
    assert len(many) <= 15


def test_org_switcher_and_scoping(client, login, make_user, make_org, make_project):
    first = make_org(slug="botkyrka", name="Botkyrka")
    second = make_org(slug="tyreso", name="Tyresö")
    third = make_org(slug="salem", name="Salem")
    make_project(first, title={"en": "Botkyrka plan"})
    make_project(second, title={"en": "Tyresö plan"})
    make_project(third, title={"en": "Salem plan"})
    user = make_user(role=Role.PLANNER, org=first)
    db.session.add(Membership(user_id=user.id, organization_id=second.id, role=Role.MODERATOR))
    db.session.commit()
    login(user)
    html = client.get("/manage/").get_data(as_text=True)
    assert 'id="org-switch"' in html
    assert "Botkyrka plan" in html and "Tyresö plan" not in html
    html = client.get("/manage/?org=tyreso").get_data(as_text=True)
    assert "Tyresö plan" in html and "Botkyrka plan" not in html
    assert "New project" not in html  # moderators create nothing
    assert client.get("/manage/?org=salem").status_code == 404
    client.post("/logout")
    admin = make_user(superadmin=True)
    login(admin)
    assert "Salem plan" in client.get("/manage/?org=salem").get_data(as_text=True)
    client.post("/logout")
    resident = make_user()
    login(resident)
    assert client.get("/manage/").status_code == 403


def test_audit_log_filters_and_pagination(client, login, make_user, make_org, org):
    admin = make_user("admin@huddinge.se", role=Role.ADMIN, org=org)
    other = make_user("planner@huddinge.se", role=Role.PLANNER, org=org)
    stranger_org = make_org()
    now = utcnow()
    for i in range(55):
        event = record(
            "project.update",
            actor=other,
            organization_id=org.id,
            object_type="project",
            object_id=i,
        )
        event.created_at = now - timedelta(minutes=i)
    old = record(
        "stage.delete", actor=admin, organization_id=org.id, object_type="stage", object_id=1
    )
    old.created_at = now - timedelta(days=40)
    record(
        "project.update",
        actor=admin,
        organization_id=stranger_org.id,
        object_type="project",
        object_id=999,
    )
    db.session.commit()

    login(admin)
    page1 = client.get(f"/manage/audit?org={org.slug}")
    assert page1.status_code == 200
    html = page1.get_data(as_text=True)
    assert 'status">56 events<' in html
    assert "Page 1 of 2" in html
    assert "#999" not in html
    page2 = client.get(f"/manage/audit?org={org.slug}&page=2").get_data(as_text=True)
    assert "stage.delete" in page2

    filtered = client.get(f"/manage/audit?org={org.slug}&action=stage.").get_data(as_text=True)
    assert 'status">1 event<' in filtered and "stage.delete" in filtered
    by_actor = client.get(f"/manage/audit?org={org.slug}&actor={admin.id}").get_data(as_text=True)
    assert 'status">1 event<' in by_actor
    since = (now - timedelta(days=1)).date().isoformat()
    recent = client.get(f"/manage/audit?org={org.slug}&since={since}").get_data(as_text=True)
    assert 'status">55 events<' in recent
    until = (now - timedelta(days=39)).date().isoformat()
    older = client.get(f"/manage/audit?org={org.slug}&until={until}").get_data(as_text=True)
    assert 'status">1 event<' in older
    # A prefix with LIKE wildcards matches literally.
    assert 'status">0 events<' in client.get(f"/manage/audit?org={org.slug}&action=%25").get_data(
        as_text=True
    )
    bad = client.get(f"/manage/audit?org={org.slug}&since=2026-05-01&until=2026-04-01")
    assert bad.status_code == 422


def test_audit_log_requires_view_audit(client, login, make_user, make_org, org):
    login(make_user(role=Role.PLANNER, org=org))
    assert client.get("/manage/audit").status_code == 403
    client.post("/logout")
    login(make_user(role=Role.ADMIN, org=make_org()))
    assert client.get(f"/manage/audit?org={org.slug}").status_code == 404


def test_editor_actions_are_audited(client, as_planner, org, make_project):
    project = make_project(org)
    client.post(f"/manage/stages/{project.stages[0].id}/current")
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "stage.make_current")
    )
    assert event.actor_user_id == as_planner.id
    assert event.organization_id == org.id
    assert event.object_type == "stage"
    assert event.data["project_id"] == project.id
