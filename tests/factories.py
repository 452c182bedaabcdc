"""Factories as callable fixtures. Domain-specific factories live in each test folder's
``conftest.py``; the ones here build the objects every domain needs."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest

from app.accounts.models import Participant, User
from app.accounts.passwords import hash_password
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import Membership, Organization, Role
from app.projects.models import (
    Activity,
    ActivityKind,
    ModerationMode,
    ParticipationPolicy,
    Project,
    ProjectStatus,
    Stage,
)
from app.projects.services import apply_template, make_current
from app.surveys.models import Survey, SurveyStatus

_seq = itertools.count(1)

#: A small square in Flemingsberg, Huddinge (lon, lat).
AREA = {
    "type": "Polygon",
    "coordinates": [
        [[17.94, 59.215], [17.96, 59.215], [17.96, 59.225], [17.94, 59.225], [17.94, 59.215]]
    ],
}
INSIDE = {"type": "Point", "coordinates": [17.95, 59.22]}
OUTSIDE = {"type": "Point", "coordinates": [18.30, 59.40]}


@pytest.fixture()
def make_org(app: Any) -> Any:
    def make(slug: str | None = None, name: str | None = None, **kw: Any) -> Organization:
        n = next(_seq)
        org = Organization(slug=slug or f"kommun-{n}", name=name or f"Kommun {n}", **kw)
        db.session.add(org)
        db.session.commit()
        return org

    return make


@pytest.fixture()
def make_user(app: Any) -> Any:
    from tests.conftest import TEST_PASSWORD

    def make(
        email: str | None = None,
        *,
        role: Role | str | None = None,
        org: Organization | None = None,
        superadmin: bool = False,
        verified: bool = True,
        password: str = TEST_PASSWORD,
        **kw: Any,
    ) -> User:
        user = User(
            email=(email or f"user{next(_seq)}@example.se").lower(),
            password_hash=hash_password(password),
            is_superadmin=superadmin,
            email_verified_at=utcnow() if verified else None,
            **kw,
        )
        db.session.add(user)
        if role is not None:
            assert org is not None, "a role needs an organization"
            db.session.add(Membership(user=user, organization=org, role=Role(role)))
        db.session.commit()
        return user

    return make


@pytest.fixture()
def make_participant(app: Any) -> Any:
    def make(user: User | None = None, **kw: Any) -> Participant:
        participant = Participant(user_id=user.id if user else None, **kw)
        if user is None and "token_hash" not in kw:
            participant.token_hash = f"{next(_seq):064d}"
        db.session.add(participant)
        db.session.commit()
        return participant

    return make


@pytest.fixture()
def make_project(app: Any, make_org: Any) -> Any:
    def make(
        org: Organization | None = None,
        *,
        template: str = "detaljplan_standard",
        status: ProjectStatus = ProjectStatus.ACTIVE,
        current: int = 2,
        open_stage: bool = True,
        area: dict[str, Any] | None = AREA,
        **kw: Any,
    ) -> Project:
        org = org or make_org()
        n = next(_seq)
        project = Project(
            organization=org,
            slug=kw.pop("slug", f"projekt-{n}"),
            title=kw.pop("title", {"sv": f"Projekt {n}", "en": f"Project {n}"}),
            summary=kw.pop("summary", {"sv": "Sammanfattning", "en": "Summary"}),
            status=status,
            **kw,
        )
        project.set_geometry(area)
        db.session.add(project)
        db.session.flush()
        stages = apply_template(project, template)
        if stages:
            stage = stages[min(current, len(stages) - 1)]
            make_current(stage)
            now = utcnow()
            if open_stage:
                stage.opens_at, stage.closes_at = now - timedelta(days=7), now + timedelta(days=21)
            else:
                stage.opens_at, stage.closes_at = now - timedelta(days=30), now - timedelta(days=1)
        db.session.commit()
        return project

    return make


@pytest.fixture()
def make_activity(app: Any) -> Any:
    def make(
        stage: Stage,
        kind: ActivityKind | str = ActivityKind.DISCUSSION,
        *,
        policy: ParticipationPolicy | str = ParticipationPolicy.ANONYMOUS,
        moderation: ModerationMode | str = ModerationMode.POST,
        survey: Survey | None = None,
    ) -> Activity:
        kind = ActivityKind(kind)
        if kind == ActivityKind.SURVEY and survey is None:
            survey = Survey(
                organization_id=stage.project.organization_id,
                title={"sv": "Enkät", "en": "Survey"},
                status=SurveyStatus.OPEN,
            )
            db.session.add(survey)
            db.session.flush()
        activity = Activity(
            stage=stage,
            kind=kind,
            policy=ParticipationPolicy(policy),
            moderation=ModerationMode(moderation),
            survey=survey,
            position=len(stage.activities),
        )
        db.session.add(activity)
        db.session.commit()
        return activity

    return make
