"""Permission rules for surveys, registered into :mod:`app.core.permissions`."""

from __future__ import annotations

from typing import Any

from app.core import permissions
from app.core.permissions import Action, Actor
from app.organizations.rules import is_staff_of
from app.projects import rules as project_rules
from app.surveys.models import Survey, SurveyStatus


def view(actor: Actor, action: Action, obj: Survey, activity: Any) -> bool:
    """A draft survey stays with staff even when its project is published."""
    if obj.status == SurveyStatus.DRAFT and not is_staff_of(actor.user, obj):
        return False
    return project_rules.view(actor, action, obj, activity)


def take_part(actor: Actor, action: Action, obj: Survey, activity: Any) -> bool:
    """Residents answer (and so on) an open survey on its stage."""
    if obj.status != SurveyStatus.OPEN:
        return False
    stage = obj.activity.stage if obj.activity else None
    return project_rules.on_stage(actor, action, stage, obj.activity)


def register() -> None:
    permissions.add_owner(
        Survey,
        organization_id=lambda survey: survey.organization_id,
        project=lambda survey: survey.activity.stage.project if survey.activity else None,
    )
    permissions.add_rule(Action.VIEW, Survey, view)
    permissions.add_rule(project_rules.RESIDENT_ACTIONS, Survey, take_part)
