"""Themes an organization or a project added to the default codebook (docs/codebook.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, utcnow


class Codebook(Base):
    __tablename__ = "codebooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Null for the platform default; set when an organization or project extends it.
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), default=None
    )
    project_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), default=None
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[str] = mapped_column(sa.String(20), default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    themes: Mapped[list[Theme]] = relationship(
        back_populates="codebook", cascade="all, delete-orphan", order_by="Theme.position"
    )


class Theme(Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    codebook_id: Mapped[int] = mapped_column(sa.ForeignKey("codebooks.id", ondelete="CASCADE"))
    #: Stable theme id ("safety", "green", ...) used by reports, exports and codings.
    key: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[dict[str, str]] = mapped_column(default=dict)
    definition: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: Extra patterns per language for the automatic coder.
    patterns: Mapped[dict[str, Any]] = mapped_column(default=dict)

    codebook: Mapped[Codebook] = relationship(back_populates="themes")

    __table_args__ = (sa.UniqueConstraint("codebook_id", "key"),)
