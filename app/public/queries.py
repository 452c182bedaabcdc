"""Reads for the resident pages: the catalogue with its filters, project and stage pages."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.organizations.models import Organization
from app.projects.models import (
    Activity,
    Project,
    ProjectPartner,
    ProjectStatus,
    Stage,
    StageKind,
    status_order,
)

PUBLISHED = (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED)


@dataclass
class Filters:
    """The catalogue's filters, already checked (unknown values are ignored)."""

    municipality: str = ""
    status: str = ""
    stage: str = ""
    near: tuple[float, float] | None = None
    #: Words to search for in titles, summaries and place names (every word must match).
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(self.municipality or self.status or self.stage or self.q)


@dataclass
class Entry:
    """A project in the catalogue with its map position and, near me, its distance."""

    project: Project
    lat: float | None
    lon: float | None
    distance_km: float | None = None


def parse_filters(args: Any, municipalities: list[Organization]) -> Filters:
    slugs = {o.slug for o in municipalities}
    municipality = args.get("municipality", "")
    status = args.get("status", "")
    stage = args.get("stage", "")
    return Filters(
        municipality=municipality if municipality in slugs else "",
        status=status if status in {s.value for s in PUBLISHED} else "",
        stage=stage if stage in {k.value for k in StageKind} else "",
        near=parse_near(args.get("near", "")),
        q=" ".join((args.get("q") or "").split())[:200],
    )


def _fold(text: str) -> str:
    """Lower case without accents: "Öster" and "oster" find each other."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def searchable_text(project: Project) -> str:
    """What the catalogue search looks in: titles and summaries in every language, and the
    place names (the municipality)."""
    parts = [project.organization.name]
    for field in (project.title, project.summary):
        parts.extend((field or {}).values())
    return _fold(" ".join(parts))


def matches(project: Project, q: str) -> bool:
    text = searchable_text(project)
    return all(word in text for word in _fold(q).split())


def parse_near(text: str) -> tuple[float, float] | None:
    """``lat,lon`` from the browser's location, or None when absent or malformed."""
    parts = (text or "").split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def municipalities() -> list[Organization]:
    """Organizations that have at least one published project."""
    return list(
        db.session.scalars(
            db.select(Organization)
            .where(
                sa.exists().where(
                    Project.organization_id == Organization.id, Project.status.in_(PUBLISHED)
                )
            )
            .order_by(Organization.name)
        )
    )


def catalogue(filters: Filters) -> list[Entry]:
    """Published projects matching ``filters``, newest first or nearest first."""
    stmt = (
        db.select(Project)
        .join(Organization)
        .where(Project.status.in_(PUBLISHED))
        .options(joinedload(Project.organization), selectinload(Project.stages))
        .order_by(status_order(), Project.updated_at.desc(), Project.id.desc())
    )
    if filters.municipality:
        stmt = stmt.where(Organization.slug == filters.municipality)
    if filters.status:
        stmt = stmt.where(Project.status == ProjectStatus(filters.status))
    if filters.stage:
        stmt = stmt.where(
            sa.exists().where(
                Stage.project_id == Project.id,
                Stage.is_current.is_(True),
                Stage.kind == StageKind(filters.stage),
            )
        )
    entries = []
    for project in db.session.scalars(stmt).unique():
        if filters.q and not matches(project, filters.q):
            continue
        lat = lon = None
        if project.geometry:
            centroid = project.shape.centroid
            lon, lat = centroid.x, centroid.y
        entries.append(Entry(project, lat, lon))
    if filters.near is not None:
        for entry in entries:
            if entry.lat is not None and entry.lon is not None:
                entry.distance_km = haversine_km(filters.near, (entry.lat, entry.lon))
        entries.sort(key=lambda e: (e.distance_km is None, e.distance_km or 0.0))
    return entries


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def project_by_slugs(org: str, slug: str) -> Project | None:
    """A project with everything its page shows, loaded in a few queries."""
    return db.session.scalar(
        sa.select(Project)
        .join(Organization)
        .where(Organization.slug == org, Project.slug == slug)
        .options(
            joinedload(Project.organization),
            selectinload(Project.stages).selectinload(Stage.activities).joinedload(Activity.survey),
            selectinload(Project.stages).joinedload(Stage.feedback),
            selectinload(Project.partners).joinedload(ProjectPartner.organization),
            selectinload(Project.documents),
        )
    )
