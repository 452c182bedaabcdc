"""What staff register by hand lives on ``comments`` (channel, sender type, received date);
who sent it lives here, apart, so erasure and partner views can drop it (docs/intake.md)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, enum_column, utcnow

if TYPE_CHECKING:
    from app.comments.models import Comment
    from app.projects.models import Project


class RegisterKind(enum.StrEnum):
    """Who a project must hear formally (PBL 5 kap. 11 §)."""

    SAKAGARE = "sakagare"
    REMISSINSTANS = "remissinstans"


class RegisterEntry(Base):
    """One remissinstans or sakägare of a project; it has answered when a Sender points here."""

    __tablename__ = "intake_register"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RegisterKind] = enum_column(RegisterKind, "register_kind")
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Fastighetsbeteckning of a sakägare's property, e.g. "Huddinge Skogås 3:14".
    property_designation: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    address: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    email: Mapped[str | None] = mapped_column(sa.String(254), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship()


class Sender(Base):
    """The name and contact of whoever sent a registered contribution.

    Never shown to partners or publicly; documents pseudonymise it. Deleting the row (erasure)
    leaves the contribution and its sender type intact.
    """

    __tablename__ = "intake_senders"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    contact: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    #: The register entry this answers, which marks that entry as having answered.
    register_entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("intake_register.id", ondelete="SET NULL"), index=True, default=None
    )

    comment: Mapped[Comment] = relationship()
    register_entry: Mapped[RegisterEntry | None] = relationship()


class Attachment(Base):
    """A scanned letter, e-mail print-out or photo, stored under ``UPLOAD_DIR``; staff only."""

    __tablename__ = "intake_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    #: The name the file had on the staff member's computer (shown, never used as a path).
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: Path under ``UPLOAD_DIR``, chosen by the server.
    path: Mapped[str] = mapped_column(sa.String(300))
    content_type: Mapped[str] = mapped_column(sa.String(60))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    comment: Mapped[Comment] = relationship()
