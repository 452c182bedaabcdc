"""Declarative base with a stable naming convention, and mixins shared by the domains."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import JSON

from app.core import geo

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: The largest id a row can have (PostgreSQL ``integer``); larger numbers name nothing.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    """Timezone-aware now in UTC (stored as UTC everywhere)."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            datetime: UTCDateTime(),
            dict[str, Any]: JSON(),
            dict[str, str]: JSON(),
            list[str]: JSON(),
        },
    )


def enum_column(enum_cls: type[enum.Enum], name: str, **kwargs: Any) -> Any:
    """A portable enum column: VARCHAR with a CHECK constraint on both databases."""
    return mapped_column(
        sa.Enum(
            enum_cls,
            name=name,
            native_enum=False,
            create_constraint=True,
            length=32,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        **kwargs,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PhotoMixin:
    """A resident's photo as ``app.core.images.store_photo`` stores it: a random token (part of
    its URL), the sizes of the re-encoded JPEG and its thumbnail, and the resident's
    description. Each table adds the paths of its files."""

    #: Random, part of the photo's URL, so that URLs cannot be guessed from the id.
    token: Mapped[str] = mapped_column(sa.String(32))
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    thumb_width: Mapped[int] = mapped_column(default=0)
    thumb_height: Mapped[int] = mapped_column(default=0)
    #: Bytes of the stored photo (not the upload).
    size: Mapped[int] = mapped_column(default=0)
    #: The description the resident wrote (the image's alt text); None when left empty.
    alt: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GeometryMixin:
    """A GeoJSON geometry (WGS84) plus its bounding box in indexed columns.

    Both SQLite and PostgreSQL filter by bounding box with a plain B-tree index on
    ``min_lon``/``min_lat``; the exact geometry stays in GeoJSON.
    """

    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    min_lon: Mapped[float | None] = mapped_column(default=None)
    min_lat: Mapped[float | None] = mapped_column(default=None)
    max_lon: Mapped[float | None] = mapped_column(default=None)
    max_lat: Mapped[float | None] = mapped_column(default=None)

    def set_geometry(self, value: dict[str, Any] | None, **limits: Any) -> None:
        """Validate and store a GeoJSON geometry (raises ``geo.GeometryError``)."""
        if value is None:
            self.geometry = None
            self.min_lon = self.min_lat = self.max_lon = self.max_lat = None
            return
        shape = geo.parse_geometry(value, **limits)
        self.geometry = geo.to_geojson(shape)
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = shape.bounds

    @property
    def shape(self) -> Any:
        """The geometry as a shapely object, parsed once per stored value.

        Kept on the instance next to the GeoJSON it came from; a new geometry (a new dict,
        as every assignment makes) is parsed again.
        """
        geometry = self.geometry
        if not geometry:
            return None
        cached = self.__dict__.get("_pd_shape")
        if cached is not None and cached[0] is geometry:
            return cached[1]
        shape = geo.from_geojson(geometry)
        self.__dict__["_pd_shape"] = (geometry, shape)
        return shape


def translated(value: dict[str, str] | None, locale: str, fallback: str = "sv") -> str:
    """Pick the text of a multilingual field in ``locale``, falling back sensibly."""
    if not value:
        return ""
    if value.get(locale):
        return value[locale]
    if value.get(fallback):
        return value[fallback]
    return next((v for v in value.values() if v), "")
