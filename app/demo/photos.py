"""Demo photos on some residents' comments and on some places marked in survey answers, drawn
with Pillow at seed time (nothing fetched): a park, a street lamp, a crossing, a bench. Stored
through ``app.comments.photos.services`` and ``app.surveys.photos`` as a resident's upload
would be, with the resident's own description."""

from __future__ import annotations

import io
import random
import re

import sqlalchemy as sa
from PIL import Image, ImageDraw

from app.comments.models import Comment, CommentStatus
from app.comments.photos import services
from app.comments.photos.models import Photo
from app.core.images import prepare_photo
from app.extensions import db
from app.surveys import photos as marking_photos
from app.surveys.models import AnswerFeature, MarkingPhoto

SKY, GRASS, ASPHALT = (150, 190, 225), (92, 150, 70), (95, 95, 100)


def _tree(draw: ImageDraw.ImageDraw, x: int, ground: int, size: int) -> None:
    draw.rectangle((x - size // 10, ground - size, x + size // 10, ground), fill=(100, 70, 40))
    draw.ellipse(
        (x - size // 2, ground - size * 2, x + size // 2, ground - size // 2), fill=(40, 110, 50)
    )


def _park(draw: ImageDraw.ImageDraw, w: int, h: int, rng: random.Random) -> None:
    draw.rectangle((0, h * 3 // 5, w, h), fill=GRASS)
    draw.polygon(
        [(w // 2 - 40, h), (w // 2 + 40, h), (w // 2 + 8, h * 3 // 5), (w // 2 - 8, h * 3 // 5)],
        fill=(200, 180, 140),
    )
    for _ in range(5):
        _tree(
            draw,
            rng.randrange(40, w - 40),
            h * 3 // 5 + rng.randrange(0, 40),
            rng.randrange(60, 120),
        )


def _lamp(draw: ImageDraw.ImageDraw, w: int, h: int, rng: random.Random) -> None:
    draw.rectangle((0, h * 2 // 3, w, h), fill=ASPHALT)
    x = w // 2 + rng.randrange(-80, 80)
    draw.rectangle((x - 6, h // 5, x + 6, h * 2 // 3), fill=(60, 60, 60))
    draw.polygon(
        [(x - 40, h // 5), (x + 40, h // 5), (x + 20, h // 5 + 30), (x - 20, h // 5 + 30)],
        fill=(40, 40, 40),
    )
    for _ in range(6):  # broken glass
        gx, gy = x + rng.randrange(-60, 60), h * 2 // 3 + rng.randrange(10, 80)
        draw.polygon([(gx, gy), (gx + 8, gy + 3), (gx + 2, gy + 9)], fill=(230, 240, 250))


def _crossing(draw: ImageDraw.ImageDraw, w: int, h: int, rng: random.Random) -> None:
    draw.rectangle((0, h // 2, w, h), fill=ASPHALT)
    for i in range(7):
        x = 60 + i * (w - 120) // 7
        draw.rectangle((x, h // 2 + 40, x + (w - 120) // 14, h - 40), fill=(235, 235, 235))
    draw.rectangle((w - 120, h // 4, w - 110, h // 2), fill=(70, 70, 70))
    draw.rectangle((w - 150, h // 4 - 40, w - 80, h // 4), fill=(30, 90, 170))


def _bench(draw: ImageDraw.ImageDraw, w: int, h: int, rng: random.Random) -> None:
    draw.rectangle((0, h * 3 // 5, w, h), fill=GRASS)
    y = h * 3 // 5 + 30
    draw.rectangle((w // 4, y, w * 3 // 4, y + 18), fill=(140, 90, 50))
    draw.rectangle((w // 4, y - 50, w * 3 // 4, y - 34), fill=(140, 90, 50))
    for x in (w // 4 + 20, w * 3 // 4 - 30):
        draw.rectangle((x, y + 18, x + 10, y + 70), fill=(50, 50, 50))
    _tree(draw, w // 8, h * 3 // 5 + 10, 100)


SCENES = [
    (_park, "Parkstigen mellan lekplatsen och dammen, med björkar på båda sidor"),
    (_lamp, "Gatlykta med krossat glas på trottoaren under"),
    (_crossing, "Övergångsställe utan ljussignal vid busshållplatsen"),
    (_bench, "Trasig parkbänk vid gräsmattan"),
]

#: What a resident's words must speak of for a scene's photo to fit them (a photo of a
#: zebra crossing does not go with a comment about parking).
TOPICS = [
    re.compile(r"\btr[äa]d|\bparken\b|\bstig|\bskog", re.IGNORECASE),
    re.compile(r"belysning|\blamp|mörk|kolsvart", re.IGNORECASE),
    re.compile(r"övergångsställ|korsning", re.IGNORECASE),
    re.compile(r"bänk", re.IGNORECASE),
]


def scene_for(text: str | None, turn: int) -> int | None:
    """The scene whose topic ``text`` speaks of, starting the search at ``turn`` so that the
    photos vary; None when no scene fits."""
    for step in range(len(SCENES)):
        scene = (turn + step) % len(SCENES)
        if text and TOPICS[scene].search(text):
            return scene
    return None


def _draw(scene: int, rng: random.Random) -> bytes:
    width, height = 960, 640
    image = Image.new("RGB", (width, height), SKY)
    draw = ImageDraw.Draw(image)
    SCENES[scene][0](draw, width, height, rng)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def add_photos(rng: random.Random | None = None, per_stage: int = 2, limit: int = 12) -> int:
    """Give up to ``per_stage`` published residents' comments placed on the map, in each
    stage, a photo that fits their words (at most ``limit`` in all). Returns how many were
    added."""
    rng = rng or random.Random(2026)  # noqa: S311 - drawing, not secrets
    comments = db.session.scalars(
        sa.select(Comment)
        .where(
            Comment.status == CommentStatus.PUBLISHED,
            Comment.parent_id.is_(None),
            Comment.participant_id.is_not(None),
            Comment.deleted_at.is_(None),
            Comment.min_lon.is_not(None),
            ~sa.exists().where(Photo.comment_id == Comment.id),
        )
        .order_by(Comment.stage_id, Comment.id)
    ).all()
    added, per = 0, dict[int, int]()
    for comment in comments:
        if added >= limit or per.get(comment.stage_id, 0) >= per_stage:
            continue
        scene = scene_for(comment.body, added)
        if scene is None:
            continue
        prepared = services.prepare(_draw(scene, rng), SCENES[scene][1])
        assert prepared is not None  # noqa: S101 - a drawn image is never empty
        services.attach(comment, prepared)
        per[comment.stage_id] = per.get(comment.stage_id, 0) + 1
        added += 1
    return added


def add_marking_photos(rng: random.Random | None = None, limit: int = 6) -> int:
    """Give the first ``limit`` commented points marked in survey answers whose words fit a
    scene a photo (the staff response browser and the residents' receipts show them).
    Returns how many were added."""
    rng = rng or random.Random(2027)  # noqa: S311 - drawing, not secrets
    features = db.session.scalars(
        sa.select(AnswerFeature)
        .where(
            AnswerFeature.comment.is_not(None),
            AnswerFeature.min_lon == AnswerFeature.max_lon,  # a point
            ~sa.exists().where(MarkingPhoto.feature_id == AnswerFeature.id),
        )
        .order_by(AnswerFeature.id)
    ).all()
    added = 0
    for feature in features:
        scene = scene_for(feature.comment, added + 1)
        if scene is None:
            continue
        prepared = prepare_photo(_draw(scene, rng), SCENES[scene][1])
        assert prepared is not None  # noqa: S101 - a drawn image is never empty
        marking_photos.store(feature, prepared)
        added += 1
        if added >= limit:
            break
    db.session.flush()
    return added
