"""The one place that answers "may this user or participant do this action on this object".

Views never re-implement a rule: they call :func:`can` (or :func:`require`, which aborts
with 403/404). Staff rights come from memberships (organization roles) and project
partnerships; resident rights come from the stage's allowed actions (data on the stage),
its dates, and the activity's participation policy.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import abort, current_app
from flask_login import AnonymousUserMixin

from app.accounts.models import Participant, User
from app.comments.models import Comment, CommentStatus
from app.core.models import utcnow
from app.organizations.models import Organization, Role
from app.projects.models import (
    Activity,
    ActivityKind,
    ParticipationPolicy,
    Project,
    Stage,
    StageAction,
)
from app.surveys.models import Survey, SurveyStatus


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


RESIDENT_ACTIONS = {
    Action.RESPOND,
    Action.COMMENT,
    Action.PLACE_ON_MAP,
    Action.SUPPORT,
    Action.FLAG,
    Action.VIEW_ANSWERS,
}

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

#: What a project partner (another organization's member invited to a project) may do.
PARTNER_ACTIONS = frozenset({Action.VIEW_ANALYSIS, Action.EXPORT})


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user (or none) and the resident participant (or none)."""

    user: User | None = None
    participant: Participant | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None


def actor_from(user: Any, participant: Participant | None = None) -> Actor:
    """The actor of a request. A deactivated user acts as an anonymous visitor: their
    session may outlive the deactivation, their rights must not."""
    if user is None or isinstance(user, AnonymousUserMixin) or not getattr(user, "id", None):
        return Actor(None, participant)
    if not getattr(user, "active", True):
        return Actor(None, participant)
    if hasattr(user, "_get_current_object"):  # a LocalProxy such as ``current_user``
        user = user._get_current_object()
    return Actor(user, participant)


def organization_id_of(obj: Any) -> int | None:
    """The organization that owns ``obj``."""
    if isinstance(obj, Organization):
        return obj.id
    if isinstance(obj, (Project, Survey)):
        return obj.organization_id
    if isinstance(obj, Stage):
        return obj.project.organization_id
    if isinstance(obj, Activity):
        return obj.stage.project.organization_id
    if isinstance(obj, Comment):
        return obj.stage.project.organization_id
    return None


def project_of(obj: Any) -> Project | None:
    if isinstance(obj, Project):
        return obj
    if isinstance(obj, Stage):
        return obj.project
    if isinstance(obj, Activity):
        return obj.stage.project
    if isinstance(obj, Comment):
        return obj.stage.project
    if isinstance(obj, Survey) and obj.activity is not None:
        return obj.activity.stage.project
    return None


def roles_in(user: User | None, organization_id: int | None) -> set[Role]:
    if user is None or organization_id is None:
        return set()
    return {m.role for m in user.memberships if m.organization_id == organization_id}


def is_partner(user: User | None, project: Project | None) -> bool:
    if user is None or project is None:
        return False
    own_orgs = {m.organization_id for m in user.memberships}
    return any(
        p.user_id == user.id or (p.organization_id is not None and p.organization_id in own_orgs)
        for p in project.partners
    )


def staff_actions(user: User | None, obj: Any) -> set[Action]:
    """Every staff action ``user`` may take on ``obj``."""
    if user is None or not user.is_active:
        return set()
    if user.is_superadmin:
        return set(Action)
    actions: set[Action] = set()
    for role in roles_in(user, organization_id_of(obj)):
        actions |= ROLE_ACTIONS[role]
    if is_partner(user, project_of(obj)):
        actions |= PARTNER_ACTIONS
    return actions


def is_staff_of(user: User | None, obj: Any) -> bool:
    if user is None or not user.is_active:
        return False
    return bool(user.is_superadmin or roles_in(user, organization_id_of(obj)))


def _policy_allows(actor: Actor, activity: Activity | None) -> bool:
    if activity is None or activity.policy != ParticipationPolicy.ACCOUNT:
        return True
    user = actor.user
    return user is not None and user.is_active and user.email_verified_at is not None


def _own(actor: Actor, comment: Comment) -> bool:
    return actor.participant is not None and comment.participant_id == actor.participant.id


def _visible(actor: Actor, project: Project) -> bool:
    return project.is_published or is_staff_of(actor.user, project)


def can(actor: Actor, action: Action | str, obj: Any, *, activity: Activity | None = None) -> bool:
    """May ``actor`` do ``action`` on ``obj``? Pure decision: no side effects."""
    action = Action(action)
    user = actor.user

    if action == Action.ADMINISTER_PLATFORM:
        return bool(user and user.is_active and user.is_superadmin)

    if action == Action.VIEW_REGIONAL:
        # Any staff member or partner of any organization; the view holds aggregates only.
        return bool(user and user.is_active and (user.is_superadmin or user.memberships))

    if action == Action.VIEW:
        # A draft survey stays with staff even when its project is published.
        if isinstance(obj, Survey) and obj.status == SurveyStatus.DRAFT:
            if not is_staff_of(user, obj):
                return False
        # A comment waiting for approval is seen by its author and by moderating staff only;
        # hidden and deleted comments keep their place (with a notice instead of the text).
        if isinstance(obj, Comment) and (obj.status == CommentStatus.PENDING or obj.rejected):
            if not _own(actor, obj) and Action.VIEW_HIDDEN not in staff_actions(user, obj):
                return False
        project = project_of(obj)
        if project is not None:
            return _visible(actor, project)
        return True

    if action in RESIDENT_ACTIONS:
        stage = obj if isinstance(obj, Stage) else None
        if isinstance(obj, Activity):
            stage, activity = obj.stage, obj
        if isinstance(obj, Comment):
            stage = obj.stage
            activity = activity or obj.activity
            if obj.status != CommentStatus.PUBLISHED or obj.deleted_at is not None:
                return False
            if action == Action.SUPPORT and obj.is_official:
                return False
        if isinstance(obj, Survey):
            activity = obj.activity
            stage = activity.stage if activity else None
            if obj.status != SurveyStatus.OPEN:
                return False
        if stage is None or not stage.project.is_published and not is_staff_of(user, stage):
            return False
        if action == Action.VIEW_ANSWERS:
            return stage.allows(StageAction.VIEW_ANSWERS) or is_staff_of(user, stage)
        if not stage.is_open or not stage.allows(action.value):
            return False
        if action == Action.RESPOND and activity is not None:
            if activity.kind != ActivityKind.SURVEY:
                return False
        if action in (Action.COMMENT, Action.PLACE_ON_MAP) and activity is not None:
            if activity.kind != ActivityKind.DISCUSSION:
                return False
        return _policy_allows(actor, activity)

    if action in (Action.EDIT_COMMENT, Action.DELETE_COMMENT):
        if not isinstance(obj, Comment) or obj.deleted_at is not None or obj.is_official:
            return False
        if not _own(actor, obj):
            return False
        if action == Action.DELETE_COMMENT:
            return True
        window = timedelta(minutes=current_app.config["COMMENT_EDIT_WINDOW_MINUTES"])
        return obj.status != CommentStatus.HIDDEN and utcnow() - obj.created_at <= window

    return action in staff_actions(user, obj)


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
    if is_staff_of(actor.user, obj) or is_partner(actor.user, project_of(obj)):
        abort(403)
    abort(404)
