"""A plan map for the demo: a simple detaljplan drawn with Pillow at seed time (nothing
is fetched), placed over the Flemingsberg project's area on its current stage."""

from __future__ import annotations

import io

import sqlalchemy as sa

from app.extensions import db
from app.plans import services
from app.projects.models import Project

PROJECT_SLUG = "flemingsberg-stationsomrade"


def plan_image(width: int = 1200, height: int = 900) -> bytes:
    """A plankarta-like PNG: blocks of housing, a square, a park, streets and a legend."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (width, height), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=36)
    small = ImageFont.load_default(size=22)
    draw.rectangle([0, 0, width - 1, height - 1], outline=(40, 40, 40), width=6)
    # Streets (grey), housing blocks (yellow, hatched border), a square and a park.
    draw.rectangle([0, 420, width, 480], fill=(200, 200, 200))
    draw.rectangle([560, 0, 620, height], fill=(200, 200, 200))
    for x0, y0, x1, y1 in [(60, 60, 500, 380), (680, 60, 1140, 380), (680, 520, 1140, 840)]:
        draw.rectangle([x0, y0, x1, y1], fill=(246, 214, 120), outline=(120, 80, 0), width=5)
        draw.text((x0 + 20, y0 + 20), "B", fill=(80, 50, 0), font=font)
    draw.rectangle([60, 520, 500, 840], fill=(170, 215, 150), outline=(40, 110, 40), width=5)
    draw.text((80, 540), "PARK", fill=(20, 80, 20), font=font)
    draw.ellipse([520, 380, 660, 520], fill=(230, 190, 190), outline=(150, 50, 50), width=4)
    draw.text((545, 430), "TORG", fill=(120, 30, 30), font=small)
    draw.rectangle(
        [width - 300, height - 120, width - 20, height - 20],
        fill=(255, 255, 255),
        outline=(40, 40, 40),
        width=2,
    )
    draw.text(
        (width - 285, height - 110),
        "Plankarta (demo)\nB = bostader\nSkala ca 1:2000",
        fill=(0, 0, 0),
        font=small,
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seed_plans() -> None:
    """Give the demo project's current stage a placed plan map (flushes, does not commit)."""
    project = db.session.scalar(sa.select(Project).where(Project.slug == PROJECT_SLUG))
    if project is None or project.current_stage is None:
        return
    stage = project.current_stage
    plan = services.upload_plan(stage, plan_image(), actor=None)
    services.place_plan(
        plan,
        stage,
        [(59.2232, 17.9410), (59.2232, 17.9555), (59.2150, 17.9410)],
        actor=None,
    )
