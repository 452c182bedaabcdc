"""Closing the last open survey closes its stage; reopening a stage withdraws its feedback
(issue 17; the rule is written down in docs/design.md, "Closing a survey")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.audit.models import AuditEvent
from app.core.models import utcnow
from app.extensions import db
from app.projects.models import ActivityKind, Feedback
from app.surveys.models import Question, QuestionOption, QuestionType, SurveyStatus


@pytest.fixture()
def open_survey(make_project: Any, make_activity: Any, org: Any) -> Any:
    project = make_project(org)
    stage = project.current_stage
    stage.opens_at, stage.closes_at = utcnow() - timedelta(days=5), utcnow() + timedelta(days=20)
    for activity in list(stage.activities):
        stage.activities.remove(activity)
    survey = make_activity(stage, ActivityKind.SURVEY).survey
    question = Question(survey=survey, type=QuestionType.SINGLE_CHOICE, prompt={"sv": "Ja?"})
    question.options.append(QuestionOption(label={"sv": "Ja"}, code="ja"))
    db.session.add(question)
    survey.status = SurveyStatus.OPEN
    db.session.commit()
    return survey


def test_closing_the_last_open_survey_offers_and_closes_the_stage(client, as_planner, open_survey):
    stage = open_survey.activity.stage
    page = client.get(f"/manage/surveys/{open_survey.id}").get_data(as_text=True)
    assert 'name="close_stage"' in page and "last open activity" in page
    response = client.post(
        f"/manage/surveys/{open_survey.id}/status", data={"status": "closed", "close_stage": "y"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert open_survey.status == SurveyStatus.CLOSED
    assert stage.has_ended and not stage.is_open
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "stage.close"))
    # Now feedback can be published for the round.
    published = client.post(
        f"/manage/stages/{stage.id}/feedback",
        data={"heard_sv": "Vi hörde.", "did_sv": "Vi gjorde.", "action": "publish"},
    )
    assert published.status_code == 302


def test_unticking_keeps_the_stage_open(client, as_planner, open_survey):
    stage = open_survey.activity.stage
    client.post(f"/manage/surveys/{open_survey.id}/status", data={"status": "closed"})
    db.session.expire_all()
    assert open_survey.status == SurveyStatus.CLOSED and stage.is_open


def test_no_offer_while_the_stage_has_a_discussion(client, as_planner, open_survey, make_activity):
    stage = open_survey.activity.stage
    make_activity(stage, ActivityKind.DISCUSSION)
    page = client.get(f"/manage/surveys/{open_survey.id}").get_data(as_text=True)
    assert 'name="close_stage"' not in page
    client.post(
        f"/manage/surveys/{open_survey.id}/status", data={"status": "closed", "close_stage": "y"}
    )
    db.session.expire_all()
    assert stage.is_open


def _local(value):
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%dT%H:%M")


def test_reopening_a_stage_takes_its_feedback_back_to_draft(client, as_planner, make_project, org):
    project = make_project(org, open_stage=False)
    stage = project.current_stage
    db.session.add(
        Feedback(
            stage=stage,
            heard={"sv": "Vi hörde."},
            did={"sv": "Vi gjorde."},
            published_at=utcnow() - timedelta(days=1),
        )
    )
    db.session.commit()
    response = client.post(
        f"/manage/stages/{stage.id}",
        data={
            "title_sv": "Samråd",
            "participation_level": "dialogue",
            "opens_at": _local(stage.opens_at or utcnow() - timedelta(days=40)),
            "closes_at": _local(utcnow() + timedelta(days=14)),
            "allowed_actions": ["comment"],
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "its feedback went back to draft" in response.get_data(as_text=True)
    db.session.expire_all()
    assert stage.is_open and stage.feedback.published_at is None
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "feedback.unpublish")
    )
    assert event is not None and event.data["reason"] == "stage_reopened"
    # The public project page no longer shows the old round's feedback.
    public = client.get(f"/p/{org.slug}/{project.slug}/{stage.id}")
    assert public.status_code == 200
    assert "Vi gjorde." not in public.get_data(as_text=True)
