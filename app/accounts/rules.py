"""Permission rules about accounts themselves, registered into :mod:`app.core.permissions`."""

from __future__ import annotations

from typing import Any

from app.core import permissions
from app.core.permissions import Action, Actor


def administer_platform(actor: Actor, action: Action, obj: Any, activity: Any) -> bool:
    user = actor.user
    return bool(user and user.is_active and user.is_superadmin)


def register() -> None:
    permissions.add_rule(Action.ADMINISTER_PLATFORM, object, administer_platform)
