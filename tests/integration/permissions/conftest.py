"""One small world of organizations, projects, stages, comments and people, built once for
the whole permissions matrix (``can`` is a pure decision, so the rows can share it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from app import create_app
from app.accounts.models import Participant, User
from app.accounts.passwords import hash_password
from app.comments.models import Comment, CommentStatus
from app.core.models import utcnow
from app.core.permissions import Actor
from app.extensions import db
from app.organizations.models import Membership, Organization, Role
from app.projects.models import (
    Activity,
    ActivityKind,
    ParticipationPolicy,
    Project,
    ProjectPartner,
    ProjectStatus,
    Stage,
    StageAction,
)
from app.surveys.models import Survey, SurveyStatus
from tests.conftest import TEST_PASSWORD

ALL_ACTIONS = [a.value for a in StageAction]

#: The columns of the matrix, in order.
ACTORS = (
    "anon",  # anonymous resident (cookie participant)
    "resident",  # resident with a verified account
    "unverified",  # resident whose email is not verified
    "admin",  # staff of the project's organization ...
    "planner",
    "facilitator",
    "moderator",
    "b_admin",  # ... and the same roles in another organization
    "b_planner",
    "b_facilitator",
    "b_moderator",
    "partner_org",  # member of an organization that partners the project
    "partner_user",  # a user who partners the project personally (no membership)
    "superadmin",
)


@dataclass
class World:
    actors: dict[str, Actor] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def _user(world: World, key: str, *, verified: bool = True, **kw: Any) -> User:
    user = User(
        email=f"{key}@example.se",
        password_hash=world.objects["_hash"],
        email_verified_at=utcnow() if verified else None,
        **kw,
    )
    db.session.add(user)
    world.users[key] = user
    return user


def _stage(
    project: Project, position: int, *, opens: int, closes: int, actions: list[str]
) -> Stage:
    now = utcnow()
    stage = Stage(
        project=project,
        position=position,
        title={"sv": f"Skede {position}", "en": f"Stage {position}"},
        opens_at=now + timedelta(days=opens),
        closes_at=now + timedelta(days=closes),
        allowed_actions=actions,
    )
    db.session.add(stage)
    return stage


def _activity(
    stage: Stage, kind: ActivityKind, policy: ParticipationPolicy, survey: Survey | None = None
) -> Activity:
    activity = Activity(stage=stage, kind=kind, policy=policy, survey=survey)
    db.session.add(activity)
    return activity


def build_world() -> World:
    world = World()
    world.objects["_hash"] = hash_password(TEST_PASSWORD)
    org_a = Organization(slug="a-kommun", name="A kommun")
    org_b = Organization(slug="b-kommun", name="B kommun")
    org_c = Organization(slug="c-konsult", name="C Konsult AB")
    db.session.add_all([org_a, org_b, org_c])

    resident = _user(world, "resident")
    unverified = _user(world, "unverified", verified=False)
    for role in Role:
        db.session.add(Membership(user=_user(world, role.value), organization=org_a, role=role))
        db.session.add(
            Membership(user=_user(world, f"b_{role.value}"), organization=org_b, role=role)
        )
    partner_org = _user(world, "partner_org")
    db.session.add(Membership(user=partner_org, organization=org_c, role=Role.PLANNER))
    partner_user = _user(world, "partner_user")
    _user(world, "superadmin", is_superadmin=True)
    db.session.flush()

    p_anon = Participant(token_hash="a" * 64)
    p_resident = Participant(user_id=resident.id)
    p_unverified = Participant(user_id=unverified.id)
    db.session.add_all([p_anon, p_resident, p_unverified])

    published = Project(organization=org_a, slug="publicerat", status=ProjectStatus.ACTIVE)
    draft = Project(organization=org_a, slug="utkast", status=ProjectStatus.DRAFT)
    archived = Project(organization=org_a, slug="arkiverat", status=ProjectStatus.ARCHIVED)
    completed = Project(organization=org_a, slug="avslutat", status=ProjectStatus.COMPLETED)
    db.session.add_all([published, draft, archived, completed])
    db.session.flush()
    db.session.add(ProjectPartner(project=published, organization_id=org_c.id))
    db.session.add(ProjectPartner(project=published, user_id=partner_user.id))

    s_open = _stage(published, 0, opens=-7, closes=21, actions=ALL_ACTIONS)
    s_closed = _stage(published, 1, opens=-30, closes=-1, actions=ALL_ACTIONS)
    s_upcoming = _stage(published, 2, opens=1, closes=30, actions=ALL_ACTIONS)
    s_info = _stage(published, 3, opens=-7, closes=21, actions=[])
    s_draft = _stage(draft, 0, opens=-7, closes=21, actions=ALL_ACTIONS)

    surveys = {}
    for status in SurveyStatus:
        surveys[status] = Survey(
            organization_id=org_a.id, title={"sv": status.value}, status=status
        )
        db.session.add(surveys[status])
    db.session.flush()
    anonymous, account = ParticipationPolicy.ANONYMOUS, ParticipationPolicy.ACCOUNT
    disc = _activity(s_open, ActivityKind.DISCUSSION, anonymous)
    disc_account = _activity(s_open, ActivityKind.DISCUSSION, account)
    disc_closed = _activity(s_closed, ActivityKind.DISCUSSION, anonymous)
    survey_act = _activity(s_open, ActivityKind.SURVEY, anonymous, surveys[SurveyStatus.OPEN])
    _activity(s_open, ActivityKind.SURVEY, anonymous, surveys[SurveyStatus.DRAFT])
    _activity(s_open, ActivityKind.SURVEY, anonymous, surveys[SurveyStatus.CLOSED])
    survey_account = Survey(
        organization_id=org_a.id, title={"sv": "konto"}, status=SurveyStatus.OPEN
    )
    db.session.add(survey_account)
    db.session.flush()
    _activity(s_open, ActivityKind.SURVEY, account, survey_account)
    db.session.flush()

    now = utcnow()

    def comment(
        activity: Activity, author: Participant | None, minutes_ago: int, **kw: Any
    ) -> Comment:
        c = Comment(
            activity=activity,
            stage=activity.stage,
            participant_id=author.id if author else None,
            body="En kommentar",
            created_at=now - timedelta(minutes=minutes_ago),
            **kw,
        )
        db.session.add(c)
        return c

    db.session.flush()
    objects = {
        "org": org_a,
        "org_b": org_b,
        "project": published,
        "project_draft": draft,
        "project_archived": archived,
        "project_completed": completed,
        "stage_open": s_open,
        "stage_closed": s_closed,
        "stage_upcoming": s_upcoming,
        "stage_info": s_info,
        "stage_of_draft": s_draft,
        "discussion": disc,
        "discussion_account": disc_account,
        "survey_activity": survey_act,
        "survey_open": surveys[SurveyStatus.OPEN],
        "survey_draft": surveys[SurveyStatus.DRAFT],
        "survey_closed": surveys[SurveyStatus.CLOSED],
        "survey_account": survey_account,
        "comment_other": comment(disc, p_anon, 1),
        "comment_own": comment(disc, p_resident, 5),
        "comment_own_old": comment(disc, p_resident, 20),
        "comment_hidden": comment(disc, p_anon, 1, status=CommentStatus.HIDDEN, hidden_reason="x"),
        "comment_own_hidden": comment(disc, p_resident, 1, status=CommentStatus.HIDDEN),
        "comment_pending": comment(disc, p_resident, 1, status=CommentStatus.PENDING),
        "comment_deleted": comment(disc, p_resident, 1, deleted_at=now),
        "comment_official": comment(
            disc, None, 1, is_official=True, author_user_id=world.users["facilitator"].id
        ),
        "comment_in_account_discussion": comment(disc_account, p_resident, 30),
        "comment_on_closed_stage": comment(disc_closed, p_anon, 60 * 48),
        "platform": object(),
    }
    db.session.commit()
    world.objects.update(objects)
    participants = {"anon": p_anon, "resident": p_resident, "unverified": p_unverified}
    for key in ACTORS:
        world.actors[key] = Actor(world.users.get(key), participants.get(key))
    return world


def _clear_tables() -> None:
    """Leave the shared test database empty for the next module, as every test does."""
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(scope="module")
def world(base_config: dict[str, Any], _schema: None, tmp_path_factory: Any) -> Iterator[World]:
    """The world, in an application context that lasts for the module."""
    folder = tmp_path_factory.mktemp("permissions")
    app = create_app({**base_config, "INSTANCE_DIR": str(folder)})
    with app.app_context():
        try:
            yield build_world()
        finally:
            db.session.remove()
            _clear_tables()
            db.engine.dispose()
