"""The stage editor and activities."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import (
    Activity,
    ActivityKind,
    ModerationMode,
    ParticipationPolicy,
    ProjectStatus,
    Stage,
)
from app.surveys.models import Survey, SurveyStatus


@pytest.fixture()
def project(make_project: Any, org: Any) -> Any:
    return make_project(org, status=ProjectStatus.DRAFT)


def _stage_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title_sv": "Samråd",
        "title_en": "Consultation",
        "description_sv": "",
        "influence_sv": "Husens höjd",
        "influence_en": "Building heights",
        "participation_level": "dialogue",
        "opens_at": "2026-03-01T08:00",
        "closes_at": "2026-04-01T17:00",
        "allowed_actions": ["comment", "respond"],
    }
    data.update(overrides)
    return data


def test_stage_list_and_edit(client, as_planner, project):
    page = client.get(f"/manage/projects/{project.id}/stages")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index("Start") < html.index("Review") < html.index("Adoption")
    stage = project.stages[2]
    assert client.get(f"/manage/stages/{stage.id}").status_code == 200
    response = client.post(f"/manage/stages/{stage.id}", data=_stage_data())
    assert response.status_code == 302
    db.session.expire_all()
    assert stage.title == {"sv": "Samråd", "en": "Consultation"}
    assert stage.influence == {"sv": "Husens höjd", "en": "Building heights"}
    assert stage.participation_level.value == "dialogue"
    assert stage.allowed_actions == ["respond", "comment"] or set(stage.allowed_actions) == {
        "respond",
        "comment",
    }
    # 08:00 Swedish winter time is 07:00 UTC.
    assert stage.opens_at == datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
    assert stage.closes_at == datetime(2026, 4, 1, 15, 0, tzinfo=UTC)
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "stage.update"))
    # The edit page shows the local time back.
    assert 'value="2026-03-01T08:00"' in client.get(f"/manage/stages/{stage.id}").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"closes_at": "2026-02-01T08:00"}, "closes_at"),
        ({"title_sv": ""}, "title_sv"),
        ({"participation_level": "anarchy"}, "participation_level"),
        ({"allowed_actions": ["fly"]}, "allowed_actions"),
        ({"opens_at": "not a date"}, "opens_at"),
    ],
)
def test_stage_edit_invalid(client, as_planner, project, overrides, field):
    stage = project.stages[2]
    before = dict(stage.title), stage.opens_at
    response = client.post(f"/manage/stages/{stage.id}", data=_stage_data(**overrides))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True) or field == "allowed_actions"
    db.session.expire_all()
    assert (stage.title, stage.opens_at) == before


def test_add_stage_and_reorder(client, as_planner, project, count_rows):
    response = client.post(
        f"/manage/projects/{project.id}/stages",
        data={"kind": "custom", "title_sv": "Workshop", "title_en": ""},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [s.title["sv"] for s in project.stages][-1] == "Workshop"
    assert count_rows(Stage) == 8
    bad = client.post(
        f"/manage/projects/{project.id}/stages", data={"kind": "custom", "title_sv": ""}
    )
    assert bad.status_code == 422
    assert count_rows(Stage) == 8

    workshop = project.stages[-1]
    moved = client.post(f"/manage/stages/{workshop.id}/move", data={"direction": "up"})
    assert moved.status_code == 302
    assert f"#stage-{workshop.id}" in moved.headers["Location"]
    db.session.expire_all()
    titles = [s.title["sv"] for s in project.stages]
    assert titles[-2:] == ["Workshop", "Genomförande och uppföljning"]
    assert [s.position for s in project.stages] == list(range(8))
    # Moving the first stage up changes nothing.
    first = project.stages[0]
    client.post(f"/manage/stages/{first.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert project.stages[0].id == first.id
    html = client.get(f"/manage/projects/{project.id}/stages?moved={workshop.id}").get_data(
        as_text=True
    )
    assert f'id="stage-{workshop.id}" class="stage-item" data-focus' in html


def test_make_current_keeps_one_current(client, as_planner, project):
    assert project.stages[2].is_current
    target = project.stages[4]
    assert client.post(f"/manage/stages/{target.id}/current").status_code == 302
    db.session.expire_all()
    assert [s.is_current for s in project.stages].count(True) == 1
    assert project.current_stage.id == target.id
    client.post(f"/manage/stages/{target.id}/current")
    db.session.expire_all()
    assert [s.id for s in project.stages if s.is_current] == [target.id]


def test_delete_stage_refused_with_contributions(
    client, as_planner, project, make_activity, make_comment, make_response, count_rows
):
    empty = project.stages[0]
    busy = project.stages[2]
    discussion = make_activity(busy, ActivityKind.DISCUSSION)
    make_comment(discussion)
    survey_stage = project.stages[3]
    survey_activity = make_activity(survey_stage, ActivityKind.SURVEY)
    make_response(survey_activity)

    for stage in (busy, survey_stage):
        page = client.get(f"/manage/stages/{stage.id}/delete")
        assert "cannot be deleted" in page.get_data(as_text=True)
        response = client.post(f"/manage/stages/{stage.id}/delete")
        assert response.status_code == 409
        assert "cannot be deleted" in response.get_data(as_text=True)
    assert count_rows(Stage) == 7

    assert "Yes, delete" in client.get(f"/manage/stages/{empty.id}/delete").get_data(as_text=True)
    assert client.post(f"/manage/stages/{empty.id}/delete").status_code == 302
    assert count_rows(Stage) == 6
    db.session.expire_all()
    assert [s.position for s in project.stages] == list(range(6))


def test_delete_stage_removes_its_empty_survey(client, as_planner, project, count_rows):
    stage = project.stages[1]
    client.post(
        f"/manage/stages/{stage.id}/activities",
        data={
            "activity-kind": "survey",
            "activity-policy": "anonymous",
            "activity-moderation": "post",
        },
    )
    assert count_rows(Survey) == 1
    assert client.post(f"/manage/stages/{stage.id}/delete").status_code == 302
    assert count_rows(Survey) == 0
    assert count_rows(Activity) == 0


def test_add_survey_and_discussion_activities(client, as_planner, project, count_rows):
    stage = project.stages[2]
    response = client.post(
        f"/manage/stages/{stage.id}/activities",
        data={
            "activity-kind": "survey",
            "activity-title_sv": "Enkät om parken",
            "activity-policy": "account",
            "activity-moderation": "post",
        },
    )
    assert response.status_code == 302
    survey = db.session.scalar(db.select(Survey))
    assert survey.status == SurveyStatus.DRAFT
    assert survey.organization_id == project.organization_id
    assert survey.activity.stage_id == stage.id
    assert survey.activity.policy == ParticipationPolicy.ACCOUNT
    page = client.get(f"/manage/stages/{stage.id}").get_data(as_text=True)
    assert f'href="/manage/surveys/{survey.id}"' in page

    client.post(
        f"/manage/stages/{stage.id}/activities",
        data={
            "activity-kind": "discussion",
            "activity-policy": "nickname",
            "activity-moderation": "pre",
        },
    )
    discussion = db.session.scalar(
        db.select(Activity).where(Activity.kind == ActivityKind.DISCUSSION)
    )
    assert (discussion.policy, discussion.moderation) == (
        ParticipationPolicy.NICKNAME,
        ModerationMode.PRE,
    )
    bad = client.post(
        f"/manage/stages/{stage.id}/activities",
        data={
            "activity-kind": "poll",
            "activity-policy": "anonymous",
            "activity-moderation": "post",
        },
    )
    assert bad.status_code == 422
    assert count_rows(Activity) == 2

    # Change settings.
    response = client.post(
        f"/manage/activities/{discussion.id}",
        data={"title_sv": "Diskussion", "policy": "anonymous", "moderation": "post"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert discussion.policy == ParticipationPolicy.ANONYMOUS
    assert discussion.title == {"sv": "Diskussion"}
    actions = set(
        db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("activity.%")))
    )
    assert actions == {"activity.create", "activity.update"}


def test_remove_activity_only_without_contributions(
    client, as_planner, project, make_activity, make_comment, count_rows
):
    stage = project.stages[2]
    busy = make_activity(stage, ActivityKind.DISCUSSION)
    make_comment(busy)
    idle = make_activity(stage, ActivityKind.SURVEY)
    client.post(f"/manage/activities/{busy.id}/delete")
    assert count_rows(Activity) == 2
    client.post(f"/manage/activities/{idle.id}/delete")
    assert count_rows(Activity) == 1
    assert count_rows(Survey) == 0


def test_stage_permissions(client, login, make_user, make_org, project, org):
    stage = project.stages[2]
    login(make_user(role=Role.MODERATOR, org=org))
    assert client.get(f"/manage/stages/{stage.id}").status_code == 403
    assert client.post(f"/manage/stages/{stage.id}/current").status_code == 403
    client.post("/logout")
    login(make_user(role=Role.ADMIN, org=make_org()))
    assert client.get(f"/manage/stages/{stage.id}").status_code == 404
    assert client.post(f"/manage/stages/{stage.id}/delete").status_code == 404
    assert (
        client.post(
            f"/manage/stages/{stage.id}/activities", data={"activity-kind": "discussion"}
        ).status_code
        == 404
    )


def test_stage_and_overview_pages_make_no_query_per_stage(
    client, as_planner, make_project, make_activity, org, count_queries
):
    small = make_project(org, template="oversiktsplan")
    big = make_project(org, template="detaljplan_extended")
    for project in (small, big):
        for stage in project.stages:
            make_activity(stage, ActivityKind.DISCUSSION)
    counts = {}
    for project in (small, big):
        for url in (f"/manage/projects/{project.id}", f"/manage/projects/{project.id}/stages"):
            client.get(url)
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.setdefault(url.rsplit("/", 1)[-1].isdigit(), []).append(len(statements))
    for small_count, big_count in counts.values():
        assert big_count == small_count
