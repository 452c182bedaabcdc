"""A stage's plan map (an image placed on the map by three corners) and the base map
layers an organization offers besides OpenStreetMap."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, enum_column, utcnow


class StagePlan(Base):
    """The plan map of one stage. Plans change between samråd and granskning, so each stage
    has its own."""

    __tablename__ = "stage_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stages.id", ondelete="CASCADE"), unique=True
    )
    #: The stored image under UPLOAD_DIR: JPEG for a JPEG upload, lossless WebP for a PNG or a
    #: PDF's rasterised page (plans stored before December 2026 may be PNG).
    image_path: Mapped[str] = mapped_column(sa.String(255))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    #: What was uploaded: "png", "jpeg" or "pdf" (then ``pdf_page`` is the 1-based page).
    source: Mapped[str] = mapped_column(sa.String(8))
    pdf_page: Mapped[int | None] = mapped_column(default=None)
    #: Where the image lies: [[lat, lon] of its top-left, top-right and bottom-left corner]
    #: (an affine placement: the fourth corner follows). None until the planner places it.
    corners: Mapped[list[list[float]] | None] = mapped_column(sa.JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint("width > 0 AND height > 0", name="plan_size"),
        sa.CheckConstraint("source IN ('png', 'jpeg', 'pdf')", name="plan_source"),
    )

    @property
    def is_placed(self) -> bool:
        return bool(self.corners)

    def overlay(self, url: str) -> dict[str, Any]:
        """What the map scripts need: the image URL, its size and its corners."""
        return {"url": url, "width": self.width, "height": self.height, "corners": self.corners}


class LayerKind(enum.StrEnum):
    XYZ = "xyz"
    WMS = "wms"


class MapLayer(Base):
    """A base map the organization offers in the map's layer switcher (a municipal WMS,
    aerial photos); OpenStreetMap (TILE_URL) is always the first."""

    __tablename__ = "map_layers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[LayerKind] = enum_column(LayerKind, "map_layer_kind")
    #: An https URL: a tile template with {z}/{x}/{y} (xyz) or a WMS endpoint (wms).
    url: Mapped[str] = mapped_column(sa.String(500))
    attribution: Mapped[str] = mapped_column(sa.String(300), default="")
    #: The WMS ``layers`` parameter (empty for xyz).
    layers: Mapped[str] = mapped_column(sa.String(200), default="")

    def as_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "type": self.kind.value,
            "url": self.url,
            "attribution": self.attribution,
            "layers": self.layers,
        }
