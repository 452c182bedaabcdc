"""Permission rules for projects, stages and activities, registered into
:mod:`app.core.permissions`: who sees a project, what residents may do on an open stage
(its allowed actions, its dates, the activity's participation policy), and partners' rights."""

from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.core import permissions
from app.core.permissions import Action, Actor, project_of
from app.organizations.rules import is_staff_of
from app.projects.models import (
    Activity,
    ActivityKind,
    ParticipationPolicy,
    Project,
    Stage,
    StageAction,
)

RESIDENT_ACTIONS = frozenset(
    {
        Action.RESPOND,
        Action.COMMENT,
        Action.PLACE_ON_MAP,
        Action.SUPPORT,
        Action.FLAG,
        Action.VIEW_ANSWERS,
    }
)

#: What a project partner (another organization's member invited to a project) may do.
PARTNER_ACTIONS = frozenset({Action.VIEW_ANALYSIS, Action.EXPORT})

#: The kind of activity each resident action needs when an activity is named.
_ACTIVITY_KIND = {
    Action.RESPOND: ActivityKind.SURVEY,
    Action.COMMENT: ActivityKind.DISCUSSION,
    Action.PLACE_ON_MAP: ActivityKind.DISCUSSION,
}


def is_partner(user: User | None, project: Project | None) -> bool:
    if user is None or project is None:
        return False
    own_orgs = {m.organization_id for m in user.memberships}
    return any(
        p.user_id == user.id or (p.organization_id is not None and p.organization_id in own_orgs)
        for p in project.partners
    )


def partner_actions(user: User, obj: Any) -> frozenset[Action]:
    return PARTNER_ACTIONS if is_partner(user, project_of(obj)) else frozenset()


def view(actor: Actor, action: Action, obj: Any, activity: Any) -> bool:
    """Anything of a published project is public; an unpublished one stays with its staff."""
    project = project_of(obj)
    return project is None or project.is_published or is_staff_of(actor.user, project)


def _policy_allows(actor: Actor, activity: Activity | None) -> bool:
    if activity is None or activity.policy != ParticipationPolicy.ACCOUNT:
        return True
    user = actor.user
    return user is not None and user.is_active and user.email_verified_at is not None


def on_stage(actor: Actor, action: Action, stage: Stage | None, activity: Activity | None) -> bool:
    """May ``actor`` take the resident ``action`` on ``stage`` (in ``activity``, if named)?"""
    if stage is None or not stage.project.is_published and not is_staff_of(actor.user, stage):
        return False
    if action == Action.VIEW_ANSWERS:
        return stage.allows(StageAction.VIEW_ANSWERS) or is_staff_of(actor.user, stage)
    if not stage.is_open or not stage.allows(action.value):
        return False
    kind = _ACTIVITY_KIND.get(action)
    if activity is not None and kind is not None and activity.kind != kind:
        return False
    return _policy_allows(actor, activity)


def on_stage_object(actor: Actor, action: Action, obj: Stage, activity: Any) -> bool:
    return on_stage(actor, action, obj, activity)


def on_activity(actor: Actor, action: Action, obj: Activity, activity: Any) -> bool:
    return on_stage(actor, action, obj.stage, obj)


def nowhere(actor: Actor, action: Action, obj: Any, activity: Any) -> bool:
    """A resident action on something that is no stage, activity or contribution."""
    return False


def register() -> None:
    permissions.add_owner(
        Project, organization_id=lambda project: project.organization_id, project=lambda p: p
    )
    permissions.add_owner(
        Stage,
        organization_id=lambda stage: stage.project.organization_id,
        project=lambda stage: stage.project,
    )
    permissions.add_owner(
        Activity,
        organization_id=lambda activity: activity.stage.project.organization_id,
        project=lambda activity: activity.stage.project,
    )
    permissions.add_grant("project partners", partner_actions)
    permissions.add_insider("project partners", lambda user, obj: is_partner(user, project_of(obj)))
    permissions.add_rule(Action.VIEW, object, view)
    permissions.add_rule(RESIDENT_ACTIONS, object, nowhere)
    permissions.add_rule(RESIDENT_ACTIONS, Stage, on_stage_object)
    permissions.add_rule(RESIDENT_ACTIONS, Activity, on_activity)
