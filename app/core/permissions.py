"""The one place that answers "may this user or participant do this action on this object".

Views never re-implement a rule: they call :func:`can` (or :func:`require`, which aborts
with 403/404). This module knows no domain: it is a dispatcher. Each domain registers, at
app creation, the rules for its own objects (``app/<domain>/rules.py``, see docs/design.md):

* a *rule* decides one action on objects of one type (looked up along the object's class
  hierarchy, ``object`` last);
* an *owner* says which organization and project an object belongs to;
* a *grant* lists the staff actions a user has on an object (organization roles, project
  partnerships); an action without a rule is allowed exactly when it is granted;
* an *insider* test tells staff and partners of an object from everyone else (403 or 404).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_login import AnonymousUserMixin


class Action(enum.StrEnum):
    # Residents
    VIEW = "view"
    RESPOND = "respond"
    COMMENT = "comment"
    PLACE_ON_MAP = "place_on_map"
    SUPPORT = "support"
    FLAG = "flag"
    VIEW_ANSWERS = "view_answers"
    EDIT_COMMENT = "edit_comment"
    DELETE_COMMENT = "delete_comment"
    # Staff, within an organization
    VIEW_DASHBOARD = "view_dashboard"
    CREATE_PROJECT = "create_project"
    MANAGE_PROJECT = "manage_project"
    EDIT_SURVEY = "edit_survey"
    MODERATE = "moderate"
    ANSWER_OFFICIALLY = "answer_officially"
    PUBLISH_FEEDBACK = "publish_feedback"
    VIEW_ANALYSIS = "view_analysis"
    CODE = "code"
    EXPORT = "export"
    VIEW_PERSONAL_DATA = "view_personal_data"
    VIEW_HIDDEN = "view_hidden"
    VIEW_AUDIT = "view_audit"
    MANAGE_ORGANIZATION = "manage_organization"
    MANAGE_MEMBERS = "manage_members"
    ERASE_PARTICIPANT = "erase_participant"
    #: Register letters, e-mails, meeting notes and paper surveys by hand; keep the register
    #: of remissinstanser and sakägare; open their attachments (app/intake).
    REGISTER_INTAKE = "register_intake"
    # Platform
    ADMINISTER_PLATFORM = "administer_platform"
    #: Aggregated indicators of every organization side by side (cross-municipal learning).
    VIEW_REGIONAL = "view_regional"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user (or none) and the resident participant (or none)."""

    user: Any = None
    participant: Any = None

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None


def actor_from(user: Any, participant: Any = None) -> Actor:
    """The actor of a request. A deactivated user acts as an anonymous visitor: their
    session may outlive the deactivation, their rights must not."""
    if user is None or isinstance(user, AnonymousUserMixin) or not getattr(user, "id", None):
        return Actor(None, participant)
    if not getattr(user, "active", True):
        return Actor(None, participant)
    if hasattr(user, "_get_current_object"):  # a LocalProxy such as ``current_user``
        user = user._get_current_object()
    return Actor(user, participant)


#: ``rule(actor, action, obj, activity) -> bool``; ``activity`` narrows a stage to one of
#: its activities (or is None).
Rule = Callable[[Actor, Action, Any, Any], bool]
#: ``grant(user, obj) -> actions``: staff actions of an active, non-superadmin user.
Grant = Callable[[Any, Any], Iterable[Action]]
#: ``insider(user, obj) -> bool``: is the user staff or a partner of the object?
Insider = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Owner:
    """How to find the organization id and the project of objects of one type."""

    organization_id: Callable[[Any], int | None]
    project: Callable[[Any], Any]


_rules: dict[tuple[Action, type], Rule] = {}
_owners: dict[type, Owner] = {}
_grants: dict[str, Grant] = {}
_insiders: dict[str, Insider] = {}


def add_rule(actions: Action | Iterable[Action], cls: type, rule: Rule) -> None:
    """Let ``rule`` decide ``actions`` on instances of ``cls`` (and its subclasses)."""
    for action in [actions] if isinstance(actions, Action) else actions:
        _rules[(action, cls)] = rule


def add_owner(
    cls: type,
    *,
    organization_id: Callable[[Any], int | None],
    project: Callable[[Any], Any] = lambda obj: None,
) -> None:
    _owners[cls] = Owner(organization_id, project)


def add_grant(name: str, grant: Grant) -> None:
    """Register a source of staff rights (registering the same name again replaces it)."""
    _grants[name] = grant


def add_insider(name: str, insider: Insider) -> None:
    _insiders[name] = insider


def _owner(obj: Any) -> Owner | None:
    for cls in type(obj).__mro__:
        owner = _owners.get(cls)
        if owner is not None:
            return owner
    return None


def organization_id_of(obj: Any) -> int | None:
    """The organization that owns ``obj``."""
    owner = _owner(obj)
    return owner.organization_id(obj) if owner else None


def project_of(obj: Any) -> Any:
    """The project ``obj`` belongs to, if any."""
    owner = _owner(obj)
    return owner.project(obj) if owner else None


def staff_actions(user: Any, obj: Any) -> set[Action]:
    """Every staff action ``user`` may take on ``obj``."""
    if user is None or not user.is_active:
        return set()
    if user.is_superadmin:
        return set(Action)
    actions: set[Action] = set()
    for grant in _grants.values():
        actions.update(grant(user, obj))
    return actions


def _rule(action: Action, obj: Any) -> Rule | None:
    for cls in type(obj).__mro__:
        rule = _rules.get((action, cls))
        if rule is not None:
            return rule
    return None


def can(actor: Actor, action: Action | str, obj: Any, *, activity: Any = None) -> bool:
    """May ``actor`` do ``action`` on ``obj``? Pure decision: no side effects."""
    action = Action(action)
    rule = _rule(action, obj)
    if rule is None:
        return action in staff_actions(actor.user, obj)
    return rule(actor, action, obj, activity)


def require(actor: Actor, action: Action | str, obj: Any, **kwargs: Any) -> None:
    """Abort with 404 when the object must stay invisible, else 403, unless allowed."""
    if obj is None:
        abort(404)
    if can(actor, action, obj, **kwargs):
        return
    if Action(action) != Action.VIEW and not can(actor, Action.VIEW, obj):
        abort(404)
    if Action(action) == Action.VIEW:
        abort(404)
    abort(403)


def require_staff(actor: Actor, action: Action | str, obj: Any) -> None:
    """For staff pages: allow ``action`` or abort with 403 for the object's own staff and
    partners, and 404 for everyone else — another organization's staff must not learn what
    exists there, even when the object is publicly viewable."""
    if obj is None:
        abort(404)
    if can(actor, action, obj):
        return
    if any(insider(actor.user, obj) for insider in _insiders.values()):
        abort(403)
    abort(404)


def allow_or_abort(actor: Actor, obj: Any, actions: Iterable[Action]) -> Any:
    """``obj`` when ``actor`` may take one of ``actions`` on it; else abort.

    Objects of organizations the actor has no tie to answer 404, exactly like ids that do
    not exist (``obj`` None); staff or partners without the right answer 403.
    """
    if obj is None:
        abort(404)
    if any(can(actor, action, obj) for action in actions):
        return obj
    if not staff_actions(actor.user, obj):
        abort(404)
    abort(403)
