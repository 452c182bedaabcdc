"""Writing audit events."""

from __future__ import annotations

from typing import Any

from app.audit.models import AuditEvent
from app.extensions import db


def record(
    action: str,
    *,
    actor: Any = None,
    organization_id: int | None = None,
    obj: Any = None,
    object_type: str | None = None,
    object_id: int | None = None,
    **data: Any,
) -> AuditEvent:
    """Add an audit event to the session (committed with the request). Returns it."""
    actor_id = getattr(actor, "id", None) if actor is not None else None
    if obj is not None:
        object_type = object_type or obj.__tablename__.rstrip("s")
        object_id = object_id or obj.id
    event = AuditEvent(
        action=action,
        actor_user_id=actor_id,
        organization_id=organization_id,
        object_type=object_type,
        object_id=object_id,
        data={k: v for k, v in data.items() if v is not None},
    )
    db.session.add(event)
    return event
