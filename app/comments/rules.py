"""Permission rules for comments, registered into :mod:`app.core.permissions`: who sees a
comment waiting for approval, which comments residents may support or flag, and the
author's own edits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app

from app.comments.models import Comment, CommentStatus
from app.core import permissions
from app.core.models import utcnow
from app.core.permissions import Action, Actor, staff_actions
from app.projects import rules as project_rules


def _own(actor: Actor, comment: Comment) -> bool:
    return actor.participant is not None and comment.participant_id == actor.participant.id


def view(actor: Actor, action: Action, obj: Comment, activity: Any) -> bool:
    """A comment waiting for approval is seen by its author and by moderating staff only;
    hidden and deleted comments keep their place (with a notice instead of the text), except
    one rejected before publication, which was never public."""
    if obj.status == CommentStatus.PENDING or obj.rejected:
        if not _own(actor, obj) and Action.VIEW_HIDDEN not in staff_actions(actor.user, obj):
            return False
    return project_rules.view(actor, action, obj, activity)


def respond_to(actor: Actor, action: Action, obj: Comment, activity: Any) -> bool:
    """Residents support, flag or answer published comments, never an official answer's
    support."""
    if obj.status != CommentStatus.PUBLISHED or obj.deleted_at is not None:
        return False
    if action == Action.SUPPORT and obj.is_official:
        return False
    return project_rules.on_stage(actor, action, obj.stage, activity or obj.activity)


def change_own(actor: Actor, action: Action, obj: Comment, activity: Any) -> bool:
    """Authors delete their own comment at any time and edit it within the edit window,
    unless it was hidden."""
    if obj.deleted_at is not None or obj.is_official or not _own(actor, obj):
        return False
    if action == Action.DELETE_COMMENT:
        return True
    window = timedelta(minutes=current_app.config["COMMENT_EDIT_WINDOW_MINUTES"])
    return obj.status != CommentStatus.HIDDEN and utcnow() - obj.created_at <= window


def register() -> None:
    permissions.add_owner(
        Comment,
        organization_id=lambda comment: comment.stage.project.organization_id,
        project=lambda comment: comment.stage.project,
    )
    permissions.add_rule(Action.VIEW, Comment, view)
    permissions.add_rule(project_rules.RESIDENT_ACTIONS, Comment, respond_to)
    own = (Action.EDIT_COMMENT, Action.DELETE_COMMENT)
    permissions.add_rule(own, object, project_rules.nowhere)
    permissions.add_rule(own, Comment, change_own)
