"""Demo covers and logos drawn with Pillow at seed time (nothing is fetched).

Each cover is a simple flat illustration of a neighbourhood seen from above: blocks, streets,
a park and water, in colours chosen from the project's slug, so every project looks different
and the alt text can say truthfully what the image shows.
"""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

COVER_SIZE = (1200, 675)


def _rng(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:12], 16))  # noqa: S311


def cover_png(key: str) -> bytes:
    """An aerial-style illustration (blocks, streets, park, water) as a JPEG."""
    rng = _rng(key)
    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE, (233, 228, 216))
    draw = ImageDraw.Draw(image)
    # Blocks between streets.
    roof = [(196, 120, 96), (210, 196, 170), (150, 150, 160), (225, 170, 120)]
    step_x, step_y = rng.randint(150, 190), rng.randint(120, 150)
    for x in range(30, width, step_x):
        for y in range(30, height, step_y):
            if rng.random() < 0.25:
                continue
            w, h = step_x - 40, step_y - 40
            draw.rectangle((x, y, x + w, y + h), fill=rng.choice(roof), outline=(120, 110, 100))
    # Main streets.
    for _ in range(2):
        y = rng.randint(100, height - 100)
        draw.line((0, y, width, y + rng.randint(-60, 60)), fill=(255, 255, 255), width=14)
    x = rng.randint(200, width - 200)
    draw.line((x, 0, x + rng.randint(-80, 80), height), fill=(255, 255, 255), width=14)
    # Water along one edge.
    water = (164, 200, 225)
    if rng.random() < 0.5:
        draw.rectangle((0, height - rng.randint(90, 170), width, height), fill=water)
    else:
        draw.rectangle((width - rng.randint(120, 220), 0, width, height), fill=water)
    # A park.
    px, py = rng.randint(150, width - 350), rng.randint(80, height - 300)
    draw.rounded_rectangle((px, py, px + rng.randint(180, 300), py + rng.randint(140, 220)),
                           radius=30, fill=(170, 205, 150))  # fmt: skip
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def logo_png(name: str, color: str) -> bytes:
    """A logo: a round badge in the organization's colour with its initial, and its name."""
    badge = 96
    font_big = ImageFont.load_default(size=56)
    font = ImageFont.load_default(size=34)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    text_width = int(probe.textlength(name, font=font))
    image = Image.new("RGBA", (badge + 24 + text_width + 8, badge + 8), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    rgb = tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
    draw.ellipse((4, 4, 4 + badge, 4 + badge), fill=(*rgb, 255))
    draw.text((4 + badge / 2, 4 + badge / 2), name[0], font=font_big, fill="white", anchor="mm")
    draw.text((badge + 20, 4 + badge / 2), name, font=font, fill=(*rgb, 255), anchor="lm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


#: What every demo cover shows, for its alt text.
COVER_ALT = {
    "sv": "Tecknad bild av området ovanifrån: kvarter, gator, en park och vatten.",
    "en": "Drawing of the area seen from above: blocks, streets, a park and water.",
}


def store(relative: str, data: bytes) -> str:
    """Write a demo image under ``UPLOAD_DIR``; returns ``relative``."""
    path = Path(current_app.config["UPLOAD_DIR"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relative
