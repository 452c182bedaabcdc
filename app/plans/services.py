"""Writes for plan maps and map layers: upload (an image, or a PDF page rasterised with
pypdfium2), placement by corners, removal, and the organization's base layers."""

from __future__ import annotations

import io
import math
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import User
from app.audit.services import record
from app.core import images
from app.extensions import db
from app.organizations.models import Organization
from app.plans.models import LayerKind, MapLayer, StagePlan
from app.projects import signals as project_signals
from app.projects.models import Stage

#: An uploaded plan (image or PDF) may be at most this large.
MAX_PLAN_BYTES = 15 * 1024 * 1024
#: The stored image's long side, in pixels: sharp on a phone at street zoom, a few hundred KB.
PLAN_MAX_SIDE = 2400
#: Refused from the header before decoding: a small file can declare a huge image.
PLAN_MAX_PIXELS = 60_000_000
#: How many base layers an organization may offer besides OpenStreetMap.
MAX_LAYERS = 5
#: A placed plan's sides must be between these lengths (metres).
MIN_SIDE_M, MAX_SIDE_M = 5.0, 50_000.0

_FORMATS = {"PNG": "png", "JPEG": "jpeg"}


class PlanError(ValueError):
    """A refused write; ``field`` names the form field the message belongs beside."""

    def __init__(self, code: str, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Raster:
    data: bytes
    ext: str
    width: int
    height: int
    source: str
    page: int | None = None


def plan_of(stage: Stage) -> StagePlan | None:
    """The stage's plan map, if it has one."""
    return db.session.scalar(sa.select(StagePlan).where(StagePlan.stage_id == stage.id))


# --- reading uploads -----------------------------------------------------------------------


def _wrong_type() -> PlanError:
    return PlanError("wrong_type", _("Upload the plan as a PNG or JPEG image or as a PDF."))


def _encode(image: Any, kind: str) -> Raster:
    """Scale ``image`` to at most PLAN_MAX_SIDE and encode it without metadata: a photo or
    scan (JPEG) as JPEG (``app.core.images.encode``); drawings (PNG, PDF pages) as lossless
    WebP, the same pixels as a PNG in a third to a half of its bytes (plan maps are flat
    colours and lines), which is what residents' phones download with the stage page
    (docs/maps.md). ``images.encode`` writes only lossy WebP, hence the direct save here."""
    from PIL import Image

    if kind == "jpeg":
        data = images.encode(image, "JPEG", (PLAN_MAX_SIDE, PLAN_MAX_SIDE))
        width, height = image.size
        return Raster(data, "jpg", width, height, kind)
    image.thumbnail((PLAN_MAX_SIDE, PLAN_MAX_SIDE), Image.Resampling.LANCZOS)
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if transparent else "RGB")
    out = io.BytesIO()
    image.save(out, "WEBP", lossless=True, quality=100, method=4)
    width, height = image.size
    return Raster(out.getvalue(), "webp", width, height, kind)


def read_image(data: bytes) -> Raster:
    """A PNG or JPEG, sniffed from its bytes (``app.core.images.open_image``) and re-encoded.
    Raises ``PlanError``."""
    try:
        image, kind = images.open_image(
            data, _FORMATS, max_pixels=PLAN_MAX_PIXELS, draft_side=PLAN_MAX_SIDE
        )
    except images.ImageRefused as exc:
        if exc.reason == "too_many_pixels":
            message = _(
                "The image has too many pixels (at most %(mp)s megapixels).",
                mp=PLAN_MAX_PIXELS // 10**6,
            )
            raise PlanError("too_many_pixels", message) from exc
        raise _wrong_type() from exc
    return _encode(image, _FORMATS[kind])


def read_pdf_page(data: bytes, page: int) -> Raster:
    """Page ``page`` (1-based) of a PDF, rasterised so its long side is PLAN_MAX_SIDE pixels.
    Raises ``PlanError`` (not a PDF, password-protected, no such page)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise PlanError(
                "pdf_encrypted", _("The PDF is password-protected; upload an open copy.")
            ) from exc
        raise _wrong_type() from exc
    try:
        count = len(document)
        if not 1 <= page <= count:
            raise PlanError(
                "no_page",
                _(
                    "The PDF has no page %(page)s; choose a page from 1 to %(n)s.",
                    page=page,
                    n=count,
                ),
                field="page",
            )
        pdf_page = document[page - 1]
        try:
            width, height = pdf_page.get_size()
            if width <= 0 or height <= 0:
                raise _wrong_type()
            scale = PLAN_MAX_SIDE / max(width, height)
            bitmap = pdf_page.render(scale=scale, fill_color=(255, 255, 255, 255))
            image = bitmap.to_pil()
        finally:
            pdf_page.close()
    finally:
        document.close()
    raster = _encode(image, "png")
    return Raster(raster.data, raster.ext, raster.width, raster.height, "pdf", page)


def read_plan(data: bytes, page: int | None = None) -> Raster:
    """The plan image of an upload: an image, or a PDF's chosen page. Raises ``PlanError``."""
    if len(data) > MAX_PLAN_BYTES:
        raise PlanError(
            "too_large", _("The file is too large (at most %(mb)s MB).", mb=MAX_PLAN_BYTES // 2**20)
        )
    if data.startswith(b"%PDF-"):
        return read_pdf_page(data, page or 1)
    return read_image(data)


# --- writes ------------------------------------------------------------------------------


def _audit(action: str, actor: User | None, stage: Stage, plan: StagePlan, **data: Any) -> None:
    record(
        action,
        actor=actor,
        organization_id=stage.project.organization_id,
        object_type="stage_plan",
        object_id=plan.id,
        project_id=stage.project_id,
        **data,
    )


def upload_plan(
    stage: Stage, data: bytes, *, page: int | None = None, actor: User | None
) -> StagePlan:
    """Store the plan map of ``stage`` (replacing any earlier one, whose file is deleted on
    commit). A new image keeps the earlier placement. Raises ``PlanError``."""
    raster = read_plan(data, page)
    relative = f"projects/{stage.project_id}/plans/{stage.id}-{uuid.uuid4().hex}.{raster.ext}"
    plan = plan_of(stage)
    if plan is None:
        plan = StagePlan(stage_id=stage.id)
        db.session.add(plan)
    else:
        images.unlink_after_commit([plan.image_path])
    images.write_new(relative, raster.data)  # a fresh name: a rollback keeps the old file
    plan.image_path = relative
    plan.width, plan.height = raster.width, raster.height
    plan.source, plan.pdf_page = raster.source, raster.page
    db.session.flush()
    _audit("stage.plan_upload", actor, stage, plan, source=raster.source, bytes=len(raster.data))
    return plan


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two (lat, lon) points, equirectangular: fine at plan sizes."""
    mean = math.radians((a[0] + b[0]) / 2)
    dy = math.radians(b[0] - a[0])
    dx = math.radians(b[1] - a[1]) * math.cos(mean)
    return 6_371_000 * math.hypot(dx, dy)


def check_corners(corners: list[tuple[float, float]]) -> list[list[float]]:
    """Three (lat, lon) corners: top-left, top-right, bottom-left. Returns them rounded;
    raises ``PlanError`` for points off the map, a folded or mirrored placement, or sides
    shorter than MIN_SIDE_M or longer than MAX_SIDE_M."""
    if len(corners) != 3:
        raise PlanError("corners", _("Give all three corners."), field="corners")
    for lat, lon in corners:
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 85 or abs(lon) > 180:
            raise PlanError(
                "corners",
                _("Latitude must be between -85 and 85 and longitude between -180 and 180."),
                field="corners",
            )
    tl, tr, bl = corners
    sides = (_metres(tl, tr), _metres(tl, bl))
    if min(sides) < MIN_SIDE_M or max(sides) > MAX_SIDE_M:
        raise PlanError(
            "corners",
            _("Each side of the plan must be between 5 metres and 50 kilometres long."),
            field="corners",
        )
    # East/north vectors from the top-left corner; a plan seen from above turns clockwise
    # from top-right to bottom-left (a negative cross product), else it is mirrored.
    scale = math.cos(math.radians(tl[0]))
    ux, uy = (tr[1] - tl[1]) * scale, tr[0] - tl[0]
    vx, vy = (bl[1] - tl[1]) * scale, bl[0] - tl[0]
    cross = ux * vy - uy * vx
    length = math.hypot(ux, uy) * math.hypot(vx, vy)
    if cross > -0.2 * length:  # mirrored, or the two sides nearly in line (sin < 0.2)
        raise PlanError(
            "corners",
            _(
                "The corners do not make a plan seen from above: top-right must lie to the "
                "right of top-left and bottom-left below it."
            ),
            field="corners",
        )
    return [[round(lat, 7), round(lon, 7)] for lat, lon in corners]


def place_plan(
    plan: StagePlan, stage: Stage, corners: list[tuple[float, float]], *, actor: User | None
) -> None:
    """Save where the plan lies. Raises ``PlanError``."""
    plan.corners = check_corners(corners)
    db.session.flush()
    _audit("stage.plan_place", actor, stage, plan)


def remove_plan(plan: StagePlan, stage: Stage, *, actor: User | None) -> None:
    """Remove the plan map; its file is deleted once the change is committed."""
    _audit("stage.plan_remove", actor, stage, plan)
    images.unlink_after_commit([plan.image_path])
    db.session.delete(plan)
    db.session.flush()


def plan_file(plan: StagePlan) -> Any:
    """The stored image's path."""
    return images.upload_root() / plan.image_path


# --- base layers ---------------------------------------------------------------------------


def layers_of(organization: Organization) -> list[MapLayer]:
    """The organization's base layers in their order."""
    return list(
        db.session.scalars(
            db.select(MapLayer)
            .where(MapLayer.organization_id == organization.id)
            .order_by(MapLayer.position, MapLayer.id)
        )
    )


def check_layer(row: dict[str, str]) -> dict[str, str]:
    """One layer from the form (name, type, url, attribution, layers), trimmed.
    Raises ``PlanError`` whose field is the row's key."""
    name = (row.get("name") or "").strip()
    kind = (row.get("type") or "").strip()
    url = (row.get("url") or "").strip()
    attribution = (row.get("attribution") or "").strip()
    layers = (row.get("layers") or "").strip()
    if not name or len(name) > 80:
        raise PlanError("name", _("Give the layer a name (at most 80 characters)."), "name")
    if kind not in {k.value for k in LayerKind}:
        raise PlanError("type", _("Choose XYZ tiles or WMS."), "type")
    parts = urlsplit(url)
    if (
        parts.scheme != "https"
        or not parts.hostname
        or "@" in parts.netloc
        or len(url) > 500
        or any(c.isspace() for c in url)
    ):
        raise PlanError("url", _("Give an https:// address (at most 500 characters)."), "url")
    if kind == "xyz" and not all(p in url for p in ("{z}", "{x}", "{y}")):
        raise PlanError("url", _("An XYZ address must contain {z}, {x} and {y}."), "url")
    if kind == "wms" and not layers:
        raise PlanError("layers", _("A WMS layer needs the name of its layers."), "layers")
    if len(layers) > 200:
        raise PlanError("layers", _("At most 200 characters."), "layers")
    if len(attribution) > 300:
        raise PlanError("attribution", _("At most 300 characters."), "attribution")
    return {"name": name, "type": kind, "url": url, "attribution": attribution, "layers": layers}


def set_layers(
    organization: Organization, rows: list[dict[str, str]], *, actor: User | None
) -> None:
    """Replace the organization's base layers with ``rows`` (each checked by ``check_layer``
    first: nothing is written unless all are valid)."""
    checked = [check_layer(row) for row in rows]
    if len(checked) > MAX_LAYERS:
        raise PlanError("count", _("At most %(n)s layers.", n=MAX_LAYERS), "count")
    for layer in layers_of(organization):
        db.session.delete(layer)
    db.session.flush()
    for position, row in enumerate(checked):
        db.session.add(
            MapLayer(
                organization_id=organization.id,
                position=position,
                name=row["name"],
                kind=LayerKind(row["type"]),
                url=row["url"],
                attribution=row["attribution"],
                layers=row["layers"],
            )
        )
    db.session.flush()
    record(
        "organization.map_layers",
        actor=actor,
        organization_id=organization.id,
        object_type="organization",
        object_id=organization.id,
        count=len(checked),
    )


def _plan_files(stage: Stage) -> list[str]:
    """The plan map's image of a stage being deleted."""
    return [
        p
        for p in db.session.scalars(
            sa.select(StagePlan.image_path).where(StagePlan.stage_id == stage.id)
        )
        if p
    ]


def subscribe() -> None:
    """Answer the projects domain's questions about plan maps (at app creation)."""
    project_signals.deleting_stage.connect(_plan_files)
