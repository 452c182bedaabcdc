"""Writes for projects, stages, activities, documents, partners and feedback.

Every function flushes (the request boundary commits), records an audit event when a
staff member acts, and raises :class:`ProjectError` (or ``GeometryError``) for refusals.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from app.accounts.models import User
from app.audit.services import record
from app.core import geo, images, translations
from app.core.geo import GeometryError
from app.core.mail import send_mail
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import Organization
from app.projects import signals
from app.projects.models import (
    Activity,
    ActivityKind,
    Document,
    DocumentKind,
    Feedback,
    ModerationMode,
    ParticipationLevel,
    ParticipationPolicy,
    Project,
    ProjectKind,
    ProjectPartner,
    ProjectStatus,
    Stage,
    StageKind,
)
from app.projects.templates import TEMPLATES

AREA_TYPES = {"Polygon", "MultiPolygon"}
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_AREA_BYTES = 1_000_000


class ProjectError(ValueError):
    """A refused write; ``code`` is stable, ``message`` is translated for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def apply_template(project: Project, template: str) -> list[Stage]:
    """Create the template's stages on ``project``; returns them. Raises KeyError if unknown."""
    stages = []
    start = len(project.stages)
    for offset, t in enumerate(TEMPLATES[template]):
        stage = Stage(
            kind=t.kind,
            position=start + offset,
            title=dict(t.title),
            influence=dict(t.influence),
            participation_level=t.level,
            allowed_actions=list(t.actions),
        )
        project.stages.append(stage)
        stages.append(stage)
    project.template = template
    db.session.flush()
    return stages


def make_current(stage: Stage) -> None:
    """Make ``stage`` the project's only current stage."""
    for other in stage.project.stages:
        if other.is_current and other is not stage:
            other.is_current = False
    db.session.flush()
    stage.is_current = True
    db.session.flush()


def _audit(action: str, actor: User | None, project: Project, obj: Any = None, **data: Any) -> None:
    target = obj if obj is not None else project
    record(
        action,
        actor=actor,
        organization_id=project.organization_id,
        object_type=re.sub(r"(?<!^)(?=[A-Z])", "_", type(target).__name__).lower(),
        object_id=target.id,
        project_id=project.id,
        **data,
    )


# --- projects --------------------------------------------------------------------------------


def create_project(
    organization: Organization,
    *,
    slug: str,
    kind: str,
    template: str,
    title: dict[str, str],
    summary: dict[str, str],
    body: dict[str, str],
    actor: User | None,
) -> Project:
    """Create a draft project with the template's stages. Raises ``ProjectError`` (slug)."""
    if template not in TEMPLATES:
        raise ProjectError("unknown_template", _("Choose one of the templates."))
    taken = db.session.scalar(
        db.select(Project.id).where(
            Project.organization_id == organization.id, Project.slug == slug
        )
    )
    if taken is not None:
        raise ProjectError("slug_taken", _("Another project of the organization already uses it."))
    project = Project(
        organization=organization,
        slug=slug,
        kind=ProjectKind(kind),
        status=ProjectStatus.DRAFT,
        title=title,
        summary=summary,
        body=body,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(project)
    db.session.flush()
    apply_template(project, template)
    _audit("project.create", actor, project, template=template, slug=slug)
    return project


def update_project(
    project: Project,
    *,
    slug: str,
    kind: str,
    title: dict[str, str],
    summary: dict[str, str],
    body: dict[str, str],
    actor: User | None,
    case_number: str | None = None,
) -> Project:
    """Change a project's address name, kind, texts and case number (diarienummer)."""
    project.slug = slug
    project.kind = ProjectKind(kind)
    for field, value in (("title", title), ("summary", summary), ("body", body)):
        translations.record_change(project, field, getattr(project, field), value)
    project.title, project.summary, project.body = title, summary, body
    project.case_number = (case_number or "").strip() or None
    db.session.flush()
    _audit("project.update", actor, project, slug=slug, case_number=project.case_number)
    return project


ALLOWED_STATUS_CHANGES = {
    ProjectStatus.DRAFT: {ProjectStatus.ACTIVE, ProjectStatus.ARCHIVED},
    ProjectStatus.ACTIVE: {ProjectStatus.DRAFT, ProjectStatus.COMPLETED, ProjectStatus.ARCHIVED},
    ProjectStatus.COMPLETED: {ProjectStatus.ACTIVE, ProjectStatus.ARCHIVED},
    ProjectStatus.ARCHIVED: {ProjectStatus.DRAFT, ProjectStatus.ACTIVE},
}


def set_status(project: Project, status: str, *, actor: User | None) -> Project:
    """Publish, unpublish, complete or archive. Raises ``ProjectError`` for other moves."""
    try:
        target = ProjectStatus(status)
    except ValueError as exc:
        raise ProjectError("unknown_status", _("Unknown status.")) from exc
    if target not in ALLOWED_STATUS_CHANGES[project.status]:
        raise ProjectError("bad_status", _("The project cannot move to that status from here."))
    if target == ProjectStatus.ACTIVE and not project.title:
        raise ProjectError("no_title", _("Give the project a title before publishing it."))
    before = project.status.value
    project.status = target
    db.session.flush()
    _audit("project.status", actor, project, before=before, after=target.value)
    return project


# --- area ------------------------------------------------------------------------------------

_GEOMETRY_MESSAGES = {
    "invalid_geojson": lambda: _("That is not a GeoJSON geometry."),
    "wrong_geometry_type": lambda: _("The area must be a polygon (or a multipolygon)."),
    "empty_geometry": lambda: _("The area is empty."),
    "too_many_vertices": lambda: _("The area has too many points (at most 2,000)."),
    "out_of_range": lambda: _(
        "Some coordinates are outside the valid range (longitude −180–180, latitude −90–90)."
    ),
    "invalid_geometry": lambda: _(
        "The area crosses itself or is otherwise invalid. Redraw it without crossing lines."
    ),
    "outside_area": lambda: _("The area is outside the allowed region."),
    "invalid_json": lambda: _("The text is not valid JSON."),
    "too_large": lambda: _("The file is too large (at most 1 MB)."),
    "feature_count": lambda: _("The file must contain exactly one polygon."),
    "unknown_crs": lambda: _(
        "The file uses a coordinate system Platsdialog cannot convert. Save it in WGS84 "
        "(EPSG:4326) or SWEREF 99 TM (EPSG:3006) and upload it again."
    ),
}


def geometry_message(error: GeometryError) -> str:
    """A translated message for a ``GeometryError`` (its own message is English)."""
    make = _GEOMETRY_MESSAGES.get(error.code)
    return str(make()) if make else error.message


def parse_area(text: str | bytes) -> dict[str, Any]:
    """Extract a geometry from GeoJSON text: a geometry, a Feature, or a FeatureCollection
    with one feature. Raises ``GeometryError`` (codes as in ``app.core.geo`` plus
    ``invalid_json``, ``too_large``, ``feature_count``)."""
    if len(text) > MAX_AREA_BYTES:
        raise GeometryError("too_large", "The file is too large.")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise GeometryError("invalid_json", "Not valid JSON.") from exc
    if not isinstance(data, dict):
        raise GeometryError("invalid_geojson", "Not a GeoJSON object.")
    crs = data.get("crs")
    if data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise GeometryError("feature_count", "Exactly one feature is needed.")
        data = features[0]
    if isinstance(data, dict) and data.get("type") == "Feature":
        crs = data.get("crs", crs)
        data = data.get("geometry")
    if not isinstance(data, dict):
        raise GeometryError("invalid_geojson", "Not a GeoJSON geometry.")
    crs = data.get("crs", crs)
    if crs is not None:
        data = geo.to_wgs84(data, geo.crs_epsg(crs))
    geometry: dict[str, Any] = data
    return geometry


#: How far (in degrees, about 10 km here) an area may reach beyond the municipal boundary.
BOUNDARY_MARGIN = 0.1
#: Without a boundary: how far (km) the area may lie from the organization's map centre.
CENTRE_RADIUS_KM = 60.0


def check_near_organization(project: Project, geometry: dict[str, Any]) -> None:
    """Refuse an area far outside the organization's municipality (a polygon in Paris for a
    Huddinge project is a mistake: swapped coordinates or the wrong file)."""
    org = project.organization
    area = geo.parse_geometry(geometry, allowed=AREA_TYPES)
    if org.boundary:
        near = geo.from_geojson(org.boundary).buffer(BOUNDARY_MARGIN).intersects(area)
    else:
        centre = area.centroid
        near = geo.distance_km(centre.y, centre.x, org.map_lat, org.map_lon) <= CENTRE_RADIUS_KM
    if not near:
        raise GeometryError(
            "far_outside",
            _(
                "The area lies far outside %(organization)s. Check that the coordinates are "
                "longitude then latitude, and the file's coordinate system.",
                organization=org.name,
            ),
        )


def set_area(project: Project, geometry: dict[str, Any] | None, *, actor: User | None) -> None:
    """Store the project area (validated polygon, near the organization's municipality).
    Raises ``GeometryError``."""
    if geometry is not None:
        check_near_organization(project, geometry)
    project.set_geometry(geometry, allowed=AREA_TYPES)
    db.session.flush()
    _audit("project.area", actor, project, cleared=True if geometry is None else None)


# --- uploads ---------------------------------------------------------------------------------


def clean_image(data: bytes) -> tuple[bytes, str]:
    """Sniff an image from its bytes (``app.core.images.open_image``) and re-encode it without
    metadata, at most ``COVER_MAX_SIDE`` pixels on its long side; a PNG keeps transparency.

    Returns (bytes, extension). Raises ``ProjectError`` for other types, oversize files and
    images of more than ``COVER_MAX_PIXELS`` pixels.
    """
    config = current_app.config
    if len(data) > config["MAX_IMAGE_BYTES"]:
        mb = config["MAX_IMAGE_BYTES"] // (1024 * 1024)
        raise ProjectError("too_large", _("The image is too large (at most %(mb)s MB).", mb=mb))
    max_pixels = int(config.get("COVER_MAX_PIXELS", 40_000_000))
    max_side = int(config.get("COVER_MAX_SIDE", 2400))
    try:
        image, kind = images.open_image(
            data, IMAGE_FORMATS, max_pixels=max_pixels, draft_side=max_side
        )
    except images.ImageRefused as exc:
        if exc.reason == "too_many_pixels":
            message = _(
                "The image has too many pixels (at most %(mp)s megapixels). "
                "Make it smaller and try again.",
                mp=max_pixels // 1_000_000,
            )
            raise ProjectError("too_many_pixels", message) from exc
        raise ProjectError("wrong_type", _("Upload a JPEG, PNG or WebP image.")) from exc
    return images.encode(image, kind, (max_side, max_side)), IMAGE_FORMATS[kind]


def set_cover_image(
    project: Project, data: bytes, *, actor: User | None, alt: dict[str, str] | None = None
) -> str:
    """Store a cleaned copy of the cover image and its alt text; returns its path under
    ``UPLOAD_DIR``. The image it replaces is deleted from disk once the change is committed.
    """
    cleaned, ext = clean_image(data)
    # A fresh name: a rollback removes the new file, never the one the row still names.
    relative = f"projects/{project.id}/cover-{uuid.uuid4().hex}.{ext}"
    images.write_new(relative, cleaned)
    images.unlink_after_commit([project.cover_image_path, *_cover_variants(project)])
    project.cover_image_path = relative
    if alt is not None:
        project.cover_alt = dict(alt)
    db.session.flush()
    _audit("project.cover", actor, project, bytes=len(cleaned))
    return relative


def set_cover_alt(project: Project, alt: dict[str, str], *, actor: User | None) -> None:
    """Change the cover's alt text (the image stays)."""
    project.cover_alt = dict(alt)
    db.session.flush()
    _audit("project.cover_alt", actor, project)


#: The copies of a cover residents get: on the project page and in link previews (640 px
#: wide, the original's proportions), and on catalogue cards (a 480 x 240 crop). The original
#: stays for staff.
COVER_SIZES: dict[str, tuple[int, int | None, int]] = {
    "page": (640, None, 70),
    "card": (480, 240, 60),
}


def cover_variant(relative: str | None, size: str = "page") -> str | None:
    """Where a copy of a cover lives (next to the original)."""
    if not relative:
        return None
    return relative.rsplit(".", 1)[0] + f"-{size}.jpg"


def _cover_variants(project: Project) -> list[str | None]:
    return [cover_variant(project.cover_image_path, size) for size in COVER_SIZES]


def cover_copy_path(project: Project, size: str = "page") -> Path | None:
    """A small JPEG copy of the project's cover (``COVER_SIZES``), made on first use; None
    without a cover."""
    from PIL import Image, ImageOps

    variant = cover_variant(project.cover_image_path, size)
    if variant is None or project.cover_image_path is None:
        return None
    target = images.upload_root() / variant
    if target.is_file():
        return target
    source = images.upload_root() / project.cover_image_path
    if not source.is_file():
        return None
    width, height, quality = COVER_SIZES[size]
    with Image.open(source) as opened:
        image = opened.convert("RGB")
        if height is not None:
            image = ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
        elif image.width > width:
            resized = (width, round(image.height * width / image.width))
            image = image.resize(resized, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return images.write_derived(variant, out.getvalue())


def remove_cover_image(project: Project, *, actor: User | None) -> None:
    """Remove the cover image; its file is deleted once the change is committed."""
    images.unlink_after_commit([project.cover_image_path, *_cover_variants(project)])
    project.cover_image_path = None
    project.cover_alt = {}
    db.session.flush()
    _audit("project.cover_remove", actor, project)


def check_pdf(data: bytes) -> None:
    """Refuse what is not a readable PDF: its structure is parsed (cross-reference table,
    page tree), not only its first bytes. Raises ``ProjectError``."""
    from pypdf import PdfReader

    not_pdf = ProjectError("not_pdf", _("The file is not a PDF."))
    if not data.startswith(b"%PDF-"):
        raise not_pdf
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ProjectError(
                "pdf_encrypted", _("The PDF is password-protected; upload an open copy.")
            )
        pages = len(reader.pages)
    except ProjectError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means "not a PDF we can serve"
        raise not_pdf from exc
    if pages < 1:
        raise not_pdf


# --- documents -------------------------------------------------------------------------------


def add_document(
    project: Project,
    *,
    title: dict[str, str],
    url: str | None = None,
    pdf: bytes | None = None,
    actor: User | None,
    stage: Stage | None = None,
    kind: str = DocumentKind.OTHER,
) -> Document:
    """Add a link or an uploaded PDF, of the project or of one of its stages, with its kind
    (samrådshandling, granskningshandling, other). Raises ``ProjectError`` (none/both, not a
    PDF, size, a stage of another project)."""
    if stage is not None and stage.project_id != project.id:
        raise ProjectError("stage", _("Choose a stage of this project."))
    if bool(url) == (pdf is not None):
        raise ProjectError("source", _("Give either a link or a PDF file, not both."))
    file_path = None
    if pdf is not None:
        limit = current_app.config["MAX_DOCUMENT_BYTES"]
        if len(pdf) > limit:
            mb = limit // (1024 * 1024)
            raise ProjectError("too_large", _("The file is too large (at most %(mb)s MB).", mb=mb))
        check_pdf(pdf)
        file_path = f"projects/{project.id}/documents/{uuid.uuid4().hex}.pdf"
        images.write_new(file_path, pdf)
    document = Document(
        project=project,
        title=title,
        url=url or None,
        file_path=file_path,
        position=len(project.documents),
        stage_id=stage.id if stage is not None else None,
        kind=DocumentKind(kind),
    )
    db.session.add(document)
    db.session.flush()
    _audit("document.create", actor, project, obj=document, kind="pdf" if pdf else "link")
    return document


def _renumber(items: list[Any]) -> None:
    for index, item in enumerate(items):
        item.position = index


def move_document(document: Document, direction: int, *, actor: User | None) -> None:
    """Move a document one place up (-1) or down (+1)."""
    documents = list(document.project.documents)
    index = documents.index(document)
    target = index + direction
    if 0 <= target < len(documents):
        documents[index], documents[target] = documents[target], documents[index]
        _renumber(documents)
        db.session.flush()
        _audit("document.move", actor, document.project, obj=document, position=target)


def delete_document(document: Document, *, actor: User | None) -> None:
    """Remove a document from the project (an uploaded file is deleted on commit)."""
    project = document.project
    _audit("document.delete", actor, project, obj=document)
    images.unlink_after_commit([document.file_path])
    project.documents.remove(document)
    db.session.flush()
    _renumber(project.documents)
    db.session.flush()


# --- partners --------------------------------------------------------------------------------


def add_partner(
    project: Project,
    *,
    organization: Organization | None = None,
    user: User | None = None,
    description: dict[str, str],
    actor: User | None,
) -> ProjectPartner:
    """Add an organization or a user as partner. Raises ``ProjectError`` on duplicates."""
    if (organization is None) == (user is None):
        raise ProjectError("target", _("Choose an organization or enter an email address."))
    if organization is not None and organization.id == project.organization_id:
        raise ProjectError("own_org", _("The project's own organization cannot be a partner."))
    for existing in project.partners:
        if (organization is not None and existing.organization_id == organization.id) or (
            user is not None and existing.user_id == user.id
        ):
            raise ProjectError("duplicate", _("That partner is already added."))
    partner = ProjectPartner(
        project=project,
        organization_id=organization.id if organization else None,
        user_id=user.id if user else None,
        description=description,
    )
    db.session.add(partner)
    db.session.flush()
    _audit(
        "partner.add",
        actor,
        project,
        obj=partner,
        partner_organization_id=organization.id if organization else None,
        partner_user_id=user.id if user else None,
    )
    return partner


def remove_partner(partner: ProjectPartner, *, actor: User | None) -> None:
    """Remove a partner from the project."""
    project = partner.project
    _audit("partner.remove", actor, project, obj=partner)
    project.partners.remove(partner)
    db.session.flush()


# --- stages ----------------------------------------------------------------------------------


def add_stage(project: Project, *, kind: str, title: dict[str, str], actor: User | None) -> Stage:
    """Add a stage at the end of the project's process."""
    stage = Stage(
        kind=StageKind(kind),
        position=len(project.stages),
        title=title,
        participation_level=ParticipationLevel.INFORMATION,
        allowed_actions=[],
    )
    project.stages.append(stage)
    db.session.flush()
    _audit("stage.create", actor, project, obj=stage, kind=stage.kind.value)
    return stage


def update_stage(
    stage: Stage,
    *,
    title: dict[str, str],
    description: dict[str, str],
    influence: dict[str, str],
    participation_level: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    allowed_actions: list[str],
    actor: User | None,
) -> Stage:
    """Change a stage's texts, dates, level and allowed actions.

    Raises ``ProjectError`` when the dates are out of order.
    """
    if opens_at and closes_at and closes_at <= opens_at:
        raise ProjectError("dates_order", _("The closing time must be after the opening time."))
    had_ended = stage.has_ended
    for field, value in (("title", title), ("description", description), ("influence", influence)):
        translations.record_change(stage, field, getattr(stage, field), value)
    stage.title, stage.description, stage.influence = title, description, influence
    stage.participation_level = ParticipationLevel(participation_level)
    stage.opens_at, stage.closes_at = opens_at, closes_at
    stage.allowed_actions = list(allowed_actions)
    db.session.flush()
    _audit("stage.update", actor, stage.project, obj=stage)
    if had_ended and not stage.has_ended:
        withdraw_feedback_on_reopen(stage, actor=actor)
    return stage


def withdraw_feedback_on_reopen(stage: Stage, *, actor: User | None) -> bool:
    """A stage that opens again gets new contributions, so its published feedback no longer
    describes the whole round: it goes back to draft (the planner publishes it again after the
    new closing; residents already mailed are not mailed twice). Returns True if withdrawn."""
    feedback = stage.feedback
    if feedback is None or feedback.published_at is None:
        return False
    feedback.published_at = None
    db.session.flush()
    _audit("feedback.unpublish", actor, stage.project, obj=feedback, reason="stage_reopened")
    return True


def close_stage(stage: Stage, *, actor: User | None) -> Stage:
    """Close an open stage now (its closing time becomes the present)."""
    now = utcnow()
    if not stage.is_open:
        raise ProjectError("not_open", _("Only an open stage can be closed."))
    if stage.opens_at is not None and stage.opens_at >= now:
        stage.opens_at = now - timedelta(seconds=1)
    stage.closes_at = now
    db.session.flush()
    _audit("stage.close", actor, stage.project, obj=stage)
    return stage


def move_stage(stage: Stage, direction: int, *, actor: User | None) -> None:
    """Move a stage one place earlier (-1) or later (+1)."""
    stages = list(stage.project.stages)
    index = stages.index(stage)
    target = index + direction
    if 0 <= target < len(stages):
        stages[index], stages[target] = stages[target], stages[index]
        _renumber(stages)
        db.session.flush()
        stage.project.stages.sort(key=lambda s: s.position)
        _audit("stage.move", actor, stage.project, obj=stage, position=target)


def stage_contributions(stage: Stage) -> tuple[int, int]:
    """(responses, comments) stored in ``stage``'s activities."""
    counts = _contributions(stage)
    return counts.get("responses", 0), counts.get("comments", 0)


def _contributions(obj: Stage | Activity) -> dict[str, int]:
    """Contributions in ``obj`` by kind, as the contribution domains count them."""
    return {kind: int(n or 0) for _receiver, (kind, n) in signals.counting_contributions.send(obj)}


@dataclass
class DeletionCounts:
    """What deleting a project removes, shown to the planner before they confirm."""

    stages: int
    surveys: int
    responses: int
    comments: int
    documents: int

    def as_dict(self) -> dict[str, int]:
        return {
            "stages": self.stages,
            "surveys": self.surveys,
            "responses": self.responses,
            "comments": self.comments,
            "documents": self.documents,
        }


def deletion_counts(project: Project) -> DeletionCounts:
    responses = comments = 0
    for stage in project.stages:
        r, c = stage_contributions(stage)
        responses, comments = responses + r, comments + c
    surveys = sum(1 for s in project.stages for a in s.activities if a.survey_id)
    return DeletionCounts(len(project.stages), surveys, responses, comments, len(project.documents))


def delete_project(project: Project, *, export: Any, actor: User | None) -> DeletionCounts:
    """Delete an archived project that has been exported, with everything in it.

    ``export`` is the finished export of the whole project
    (``app.exports.queries.project_export``), None when there is none. Raises
    ``ProjectError`` unless the project is archived and exported. The audit event (kept: it
    belongs to the organization) names the project, the export and the counts."""
    if project.status != ProjectStatus.ARCHIVED:
        raise ProjectError("not_archived", _("Only an archived project can be deleted."))
    if export is None:
        raise ProjectError(
            "not_exported",
            _("Export the whole project's responses and comments first; then it can be deleted."),
        )
    counts = deletion_counts(project)
    _audit(
        "project.delete",
        actor,
        project,
        obj=project,
        slug=project.slug,
        title=dict(project.title),
        export_job=export.id,
        **counts.as_dict(),
    )
    surveys = [a.survey for s in project.stages for a in s.activities if a.survey is not None]
    old_files = [project.cover_image_path, *_cover_variants(project)]
    old_files += [d.file_path for d in project.documents]
    for stage in project.stages:
        # Residents' photos, intake attachments and plan maps: their domains name them.
        for _receiver, paths in signals.deleting_stage.send(stage):
            old_files += list(paths or [])
    db.session.delete(project)
    db.session.flush()
    # As in delete_stage: the activities went first, so no survey activity lost its survey.
    for survey in surveys:
        db.session.delete(survey)
    db.session.flush()
    images.unlink_after_commit(old_files)
    return counts


def delete_stage(stage: Stage, *, actor: User | None) -> None:
    """Delete a stage without contributions. Raises ``ProjectError`` when it has some."""
    responses, comments = stage_contributions(stage)
    if responses or comments:
        raise ProjectError(
            "has_contributions",
            _(
                "This stage cannot be deleted: residents have given %(responses)s and "
                "%(comments)s in it. Rename it or close it instead.",
                responses=ngettext(
                    "%(num)d survey response", "%(num)d survey responses", responses
                ),
                comments=ngettext("%(num)d comment", "%(num)d comments", comments),
            ),
        )
    project = stage.project
    _audit("stage.delete", actor, project, obj=stage, kind=stage.kind.value)
    surveys = [a.survey for a in stage.activities if a.survey is not None]
    project.stages.remove(stage)
    db.session.flush()
    # The empty draft surveys belonged to the stage's activities only; the activities go
    # first so the survey-activity check never sees a survey activity without its survey.
    for survey in surveys:
        db.session.delete(survey)
    db.session.flush()
    _renumber(project.stages)
    db.session.flush()


def set_current_stage(stage: Stage, *, actor: User | None) -> None:
    """Make ``stage`` current (the only current one of its project)."""
    was_current = stage.is_current
    make_current(stage)
    _audit("stage.make_current", actor, stage.project, obj=stage)
    if not was_current:
        signals.stage_made_current.send(stage)  # followers hear of it after the commit


# --- activities ------------------------------------------------------------------------------


def add_activity(
    stage: Stage,
    *,
    kind: str,
    title: dict[str, str],
    policy: str,
    moderation: str,
    actor: User | None,
) -> Activity:
    """Add a survey (with a new empty draft survey) or a discussion to a stage."""
    activity_kind = ActivityKind(kind)
    survey = None
    if activity_kind == ActivityKind.SURVEY:
        organization = stage.project.organization
        survey_title = title or {lang: _("Survey") for lang in organization.languages[:1]}
        [(_receiver, survey)] = signals.creating_survey.send(stage, title=survey_title)
    activity = Activity(
        stage=stage,
        kind=activity_kind,
        title=title,
        policy=ParticipationPolicy(policy),
        moderation=ModerationMode(moderation),
        survey=survey,
        position=len(stage.activities),
    )
    db.session.add(activity)
    db.session.flush()
    _audit("activity.create", actor, stage.project, obj=activity, kind=activity_kind.value)
    return activity


def update_activity(
    activity: Activity,
    *,
    title: dict[str, str],
    policy: str,
    moderation: str,
    actor: User | None,
) -> Activity:
    """Change an activity's name, participation policy and moderation mode."""
    activity.title = title
    activity.policy = ParticipationPolicy(policy)
    activity.moderation = ModerationMode(moderation)
    db.session.flush()
    _audit(
        "activity.update",
        actor,
        activity.stage.project,
        obj=activity,
        policy=activity.policy.value,
        moderation=activity.moderation.value,
    )
    return activity


def remove_activity(activity: Activity, *, actor: User | None) -> None:
    """Remove an activity without contributions. Raises ``ProjectError`` when it has some."""
    if any(_contributions(activity).values()):
        raise ProjectError(
            "has_contributions",
            _("This activity has contributions from residents and cannot be removed."),
        )
    stage = activity.stage
    _audit("activity.delete", actor, stage.project, obj=activity, kind=activity.kind.value)
    survey = activity.survey
    stage.activities.remove(activity)
    db.session.flush()
    if survey is not None:
        db.session.delete(survey)
        db.session.flush()
    _renumber(stage.activities)
    db.session.flush()


# --- feedback --------------------------------------------------------------------------------


def save_feedback(
    stage: Stage,
    *,
    heard: dict[str, str],
    did: dict[str, str],
    theme_keys: list[str],
    actor: User | None,
) -> Feedback:
    """Create or update the stage's feedback (a draft until published)."""
    feedback = stage.feedback
    if feedback is None:
        feedback = Feedback(stage=stage)
        db.session.add(feedback)
    feedback.heard, feedback.did = heard, did
    feedback.theme_keys = list(theme_keys)
    feedback.author_id = actor.id if actor else None
    db.session.flush()
    _audit("feedback.save", actor, stage.project, obj=feedback, stage_id=stage.id)
    return feedback


def feedback_recipients(stage: Stage) -> list[User]:
    """Account holders who took part in ``stage`` and asked to hear about feedback."""
    selects = [select for _receiver, select in signals.selecting_contributors.send(stage)]
    ids = sa.union(*selects).subquery()
    return list(
        db.session.scalars(
            db.select(User)
            .where(
                User.id.in_(db.select(ids.c.user_id).where(ids.c.user_id.is_not(None))),
                User.notify_feedback.is_(True),
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def publish_feedback(feedback: Feedback, *, actor: User | None, project_url: str) -> int:
    """Publish the feedback and, the first time, mail the opted-in participants.

    Returns the number of mails sent. Raises ``ProjectError`` while the stage is open.
    """
    stage = feedback.stage
    if not stage.has_ended:
        raise ProjectError("stage_open", _("Feedback can be published once the stage has closed."))
    if not feedback.heard and not feedback.did:
        raise ProjectError("empty", _("Write what you heard or what you did before publishing."))
    if feedback.published_at is None:
        feedback.published_at = utcnow()
    sent = 0
    if feedback.notified_at is None:
        # Mark first, so a second publish (or a retry) never mails anyone twice.
        feedback.notified_at = utcnow()
        default = current_app.config["BABEL_DEFAULT_LOCALE"]
        for user in feedback_recipients(stage):
            locale = user.locale or default
            with force_locale(locale):
                from app.core.models import translated

                project_title = translated(stage.project.title, locale, default)
                stage_title = translated(stage.title, locale, default)
                subject = _("Feedback published: %(project)s", project=project_title)
                body = _(
                    'You took part in the stage "%(stage)s" of %(project)s. The municipality '
                    "has now published what it heard and what it did:\n\n%(url)s\n\n"
                    "You get this message because you asked to be told when feedback is "
                    "published. You can turn it off on your account page.",
                    stage=stage_title,
                    project=project_title,
                    url=project_url,
                )
            send_mail(user.email, subject, body)
            sent += 1
        signals.feedback_published.send(feedback)  # followers hear of it after the commit
    db.session.flush()
    _audit("feedback.publish", actor, stage.project, obj=feedback, stage_id=stage.id, mailed=sent)
    return sent


def unpublish_feedback(feedback: Feedback, *, actor: User | None) -> None:
    """Take the feedback back to draft (residents no longer see it)."""
    feedback.published_at = None
    db.session.flush()
    _audit("feedback.unpublish", actor, feedback.stage.project, obj=feedback)
