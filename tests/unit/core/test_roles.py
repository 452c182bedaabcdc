"""The role table itself: each organization role includes the rights of the role below it,
and a partner never gets a right that reveals personal data or changes anything."""

from __future__ import annotations

from app.core.permissions import Action
from app.organizations.models import Role
from app.organizations.rules import ROLE_ACTIONS
from app.projects.rules import PARTNER_ACTIONS, RESIDENT_ACTIONS


def test_roles_are_nested():
    assert ROLE_ACTIONS[Role.MODERATOR] < ROLE_ACTIONS[Role.FACILITATOR]
    assert ROLE_ACTIONS[Role.FACILITATOR] < ROLE_ACTIONS[Role.PLANNER]
    assert ROLE_ACTIONS[Role.PLANNER] < ROLE_ACTIONS[Role.ADMIN]


def test_only_admins_manage_the_organization_and_its_members():
    for role, actions in ROLE_ACTIONS.items():
        managing = {Action.MANAGE_ORGANIZATION, Action.MANAGE_MEMBERS, Action.VIEW_AUDIT}
        assert (managing <= actions) == (role == Role.ADMIN)


def test_no_role_administers_the_platform():
    assert all(Action.ADMINISTER_PLATFORM not in actions for actions in ROLE_ACTIONS.values())


def test_partners_read_aggregates_only():
    assert PARTNER_ACTIONS == {Action.VIEW_ANALYSIS, Action.EXPORT}
    assert Action.VIEW_PERSONAL_DATA not in PARTNER_ACTIONS


def test_resident_actions_are_not_staff_rights():
    assert all(not (actions & RESIDENT_ACTIONS) for actions in ROLE_ACTIONS.values())
