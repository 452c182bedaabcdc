"""Audit events: who did what to which object, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), default=None
    )
    actor_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    #: Dotted action name, e.g. "comment.hide", "export.responses", "membership.create".
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    object_id: Mapped[int | None] = mapped_column(default=None)
    #: Facts about the action; never personal data of residents.
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.Index("ix_audit_events_org_created", "organization_id", "created_at"),)
