"""Staff rights from organization roles, registered into :mod:`app.core.permissions`."""

from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.core import permissions
from app.core.permissions import Action, Actor, organization_id_of
from app.organizations.models import Organization, Role

#: What each organization role may do on objects of its own organization.
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.MODERATOR: frozenset(
        {Action.VIEW_DASHBOARD, Action.MODERATE, Action.VIEW_HIDDEN, Action.REGISTER_INTAKE}
    ),
    Role.FACILITATOR: frozenset(
        {
            Action.VIEW_DASHBOARD,
            Action.MODERATE,
            Action.VIEW_HIDDEN,
            Action.ANSWER_OFFICIALLY,
            Action.VIEW_ANALYSIS,
            Action.CODE,
            Action.EXPORT,
            Action.VIEW_PERSONAL_DATA,
            Action.REGISTER_INTAKE,
        }
    ),
    Role.PLANNER: frozenset(
        {
            Action.VIEW_DASHBOARD,
            Action.CREATE_PROJECT,
            Action.MANAGE_PROJECT,
            Action.EDIT_SURVEY,
            Action.MODERATE,
            Action.VIEW_HIDDEN,
            Action.ANSWER_OFFICIALLY,
            Action.PUBLISH_FEEDBACK,
            Action.VIEW_ANALYSIS,
            Action.CODE,
            Action.EXPORT,
            Action.VIEW_PERSONAL_DATA,
            Action.REGISTER_INTAKE,
        }
    ),
}
ROLE_ACTIONS[Role.ADMIN] = ROLE_ACTIONS[Role.PLANNER] | {
    Action.VIEW_AUDIT,
    Action.MANAGE_ORGANIZATION,
    Action.MANAGE_MEMBERS,
    Action.ERASE_PARTICIPANT,
}


def roles_in(user: User | None, organization_id: int | None) -> set[Role]:
    if user is None or organization_id is None:
        return set()
    return {m.role for m in user.memberships if m.organization_id == organization_id}


def is_staff_of(user: User | None, obj: Any) -> bool:
    """Is ``user`` a member of the organization that owns ``obj`` (or a superadmin)?"""
    if user is None or not user.is_active:
        return False
    return bool(user.is_superadmin or roles_in(user, organization_id_of(obj)))


def role_actions(user: User, obj: Any) -> set[Action]:
    actions: set[Action] = set()
    for role in roles_in(user, organization_id_of(obj)):
        actions |= ROLE_ACTIONS[role]
    return actions


def view_regional(actor: Actor, action: Action, obj: Any, activity: Any) -> bool:
    """Any staff member or partner of any organization; the view holds aggregates only."""
    user = actor.user
    return bool(user and user.is_active and (user.is_superadmin or user.memberships))


def register() -> None:
    permissions.add_owner(Organization, organization_id=lambda organization: organization.id)
    permissions.add_grant("organization roles", role_actions)
    permissions.add_insider("organization staff", is_staff_of)
    permissions.add_rule(Action.VIEW_REGIONAL, object, view_regional)
