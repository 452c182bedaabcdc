"""Organizations (municipalities or regions) and staff memberships."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, enum_column, utcnow

if TYPE_CHECKING:
    from app.accounts.models import User


class Role(enum.StrEnum):
    ADMIN = "admin"
    PLANNER = "planner"
    FACILITATOR = "facilitator"
    MODERATOR = "moderator"


class ErasureMode(enum.StrEnum):
    ANONYMISE = "anonymise"
    REMOVE = "remove"


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Default map view for new projects and the catalogue.
    map_lat: Mapped[float] = mapped_column(default=59.2)
    map_lon: Mapped[float] = mapped_column(default=17.9)
    map_zoom: Mapped[int] = mapped_column(default=11)
    #: Municipal boundary as a GeoJSON geometry (optional).
    boundary: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=None)
    logo_path: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    primary_color: Mapped[str] = mapped_column(sa.String(7), default="#005a9c")
    privacy_contact: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    #: Privacy notice per language ({"sv": ..., "en": ...}).
    privacy_notice: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: Months after a round closes before personal data is removed.
    retention_months: Mapped[int] = mapped_column(default=24)
    erasure_mode: Mapped[ErasureMode] = enum_column(
        ErasureMode, "erasure_mode", default=ErasureMode.ANONYMISE
    )
    #: Content languages this organization writes in.
    languages: Mapped[list[str]] = mapped_column(default=lambda: ["sv", "en"])
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("retention_months >= 1", name="retention_positive"),
        sa.CheckConstraint("map_zoom BETWEEN 1 AND 19", name="zoom_range"),
    )

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"


class Membership(Base):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = enum_column(Role, "role")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")

    __table_args__ = (sa.UniqueConstraint("user_id", "organization_id"),)


class PopulationRow(Base):
    """Official statistics: inhabitants by district × age band × gender."""

    __tablename__ = "population_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE")
    )
    year: Mapped[int] = mapped_column()
    district: Mapped[str] = mapped_column(sa.String(100))
    age_band: Mapped[str] = mapped_column(sa.String(20))
    gender: Mapped[str] = mapped_column(sa.String(20))
    count: Mapped[int] = mapped_column()

    __table_args__ = (
        sa.UniqueConstraint("organization_id", "year", "district", "age_band", "gender"),
        sa.CheckConstraint("count >= 0", name="count_nonnegative"),
    )
