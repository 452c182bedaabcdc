"""The one image checker (``app.core.images.open_image``) and what each caller makes of it:
resident photos, project covers, organization logos and plan maps (no database)."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask_babel import Babel
from PIL import Image
from werkzeug.datastructures import FileStorage

from app.core import images
from app.core.errors import Invalid
from app.organizations.services import LogoError, clean_logo
from app.plans.services import PlanError, read_plan
from app.projects.services import ProjectError, clean_image

BLUE, RED = (20, 20, 200), (200, 40, 40)


@pytest.fixture(autouse=True)
def request_context() -> Iterator[Flask]:
    app = Flask(__name__)
    app.config.update(
        COVER_MAX_PIXELS=40_000_000,
        COVER_MAX_SIDE=2400,
        MAX_IMAGE_BYTES=5 * 1024 * 1024,
        PHOTO_MAX_BYTES=10 * 1024 * 1024,
        PHOTO_MAX_SIDE=1600,
        PHOTO_THUMB_SIDE=320,
    )
    Babel(app)
    with app.test_request_context():
        yield app


def encoded(fmt: str, size: tuple[int, int] = (300, 200), mode: str = "RGB", **save: Any) -> bytes:
    colour: Any = {"RGB": RED, "RGBA": (*RED, 0)}.get(mode, 0)
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def phone_jpeg() -> bytes:
    """400 x 200 as stored, left half blue, with camera make, GPS and "turn 90° clockwise"
    (orientation 6): upright it is 200 x 400 with the blue half on top."""
    image = Image.new("RGB", (400, 200), RED)
    image.paste(BLUE, (0, 0, 200, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update({1: "N", 2: (59.0, 22.0, 12.5), 3: "E", 4: (17.0, 57.0, 3.2)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def huge_png(width: int, height: int) -> bytes:
    """A small file that declares a huge 1-bit PNG: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = zlib.compress((b"\x00" + b"\x00" * ((width + 7) // 8)) * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def near(pixel: Any, colour: tuple[int, int, int]) -> bool:
    return all(abs(int(a) - b) < 40 for a, b in zip(pixel[:3], colour, strict=True))


# --- the type comes from the bytes ----------------------------------------------------------

NOT_ALLOWED = {
    "gif": encoded("GIF"),
    "pdf": b"%PDF-1.4 not a photo",
    "svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "text": b"hello, I am not an image",
    "half a jpeg": phone_jpeg()[:600],
}


@pytest.mark.parametrize("content", NOT_ALLOWED.values(), ids=NOT_ALLOWED.keys())
def test_a_file_named_jpg_is_refused_by_what_its_bytes_are(content: bytes) -> None:
    storage = FileStorage(io.BytesIO(content), filename="photo.jpg", content_type="image/jpeg")
    with pytest.raises(images.ImageRefused) as refused:
        images.open_image(content)
    assert refused.value.reason == "wrong_type"
    # Every caller says it in its own words, next to its own field.
    with pytest.raises(Invalid) as photo:
        images.prepare_photo(images.read_upload(storage), None)
    assert photo.value.fields == {"photo": "Choose a photo in JPEG, PNG or WebP format."}
    with pytest.raises(ProjectError, match="Upload a JPEG, PNG or WebP image."):
        clean_image(content)
    with pytest.raises(LogoError, match="Upload the logo as a PNG or JPEG image."):
        clean_logo(content)
    with pytest.raises(PlanError, match="Upload the plan as a PNG or JPEG image or as a PDF."):
        read_plan(content)


def test_the_allowed_formats_are_the_callers() -> None:
    webp = encoded("WEBP")
    assert images.open_image(webp)[1] == "WEBP"
    assert clean_image(webp)[1] == "webp"
    assert images.prepare_photo(webp, None) is not None
    with pytest.raises(images.ImageRefused):
        images.open_image(webp, ("PNG", "JPEG"))
    with pytest.raises(LogoError):
        clean_logo(webp)
    with pytest.raises(PlanError):
        read_plan(webp)
    # A PNG named .jpg stays a PNG.
    assert clean_image(encoded("PNG"))[1] == "png"


# --- pixels ---------------------------------------------------------------------------------


def test_too_many_pixels_are_refused_from_the_header_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb = huge_png(8_000, 6_000)  # 48 megapixels in a file of a few KB
    assert len(bomb) < 100_000
    decoded: list[int] = []
    real_load = Image.Image.load
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(1) or real_load(self))
    with pytest.raises(images.ImageRefused) as refused:
        images.open_image(bomb)  # over COVER_MAX_PIXELS (40 MP)
    assert refused.value.reason == "too_many_pixels"
    with pytest.raises(ProjectError, match="at most 40 megapixels"):
        clean_image(bomb)
    with pytest.raises(LogoError, match="The logo has too many pixels."):
        clean_logo(bomb)
    with pytest.raises(Invalid, match="The photo has too many pixels."):
        images.prepare_photo(bomb, None)
    assert decoded == []
    with pytest.raises(images.ImageRefused):
        images.open_image(encoded("PNG", (300, 200)), max_pixels=300 * 200 - 1)


def test_the_limit_is_the_callers_and_pillows_bomb_guard_still_holds() -> None:
    # Plans allow 60 megapixels: 48 is taken (and scaled), 70 is refused in the plan's words.
    assert read_plan(huge_png(8_000, 6_000)).width == 2400
    with pytest.raises(PlanError, match="at most 60 megapixels"):
        read_plan(huge_png(10_000, 7_000))
    # Over Pillow's own limit (89 MP) even when the caller would allow more.
    with pytest.raises(images.ImageRefused) as refused:
        images.open_image(huge_png(12_000, 12_000), max_pixels=10**9)
    assert refused.value.reason == "too_many_pixels"


# --- upright, without metadata ----------------------------------------------------------------


def _upright_without_metadata(data: bytes, fmt: str) -> None:
    assert b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == fmt
        assert image.size[0] < image.size[1]  # turned upright: portrait
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        rgb = image.convert("RGB")
        assert near(rgb.getpixel((rgb.width // 2, 5)), BLUE)
        assert near(rgb.getpixel((rgb.width // 2, rgb.height - 5)), RED)


def test_an_exif_rotated_jpeg_comes_out_upright_with_no_exif_or_gps() -> None:
    original = phone_jpeg()
    with Image.open(io.BytesIO(original)) as check:
        assert check.size == (400, 200) and check.getexif().get_ifd(0x8825)
    image, kind = images.open_image(original)
    assert (kind, image.size) == ("JPEG", (200, 400))
    assert near(image.getpixel((100, 5)), BLUE)
    _upright_without_metadata(images.encode(image, "JPEG", (2400, 2400)), "JPEG")
    photo = images.prepare_photo(original, None)
    assert photo is not None and (photo.width, photo.height) == (200, 400)
    _upright_without_metadata(photo.full, "JPEG")
    _upright_without_metadata(photo.thumb, "JPEG")
    _upright_without_metadata(clean_image(original)[0], "JPEG")
    _upright_without_metadata(read_plan(original).data, "JPEG")
    _upright_without_metadata(clean_logo(original), "PNG")


# --- transparency, per caller -----------------------------------------------------------------


def _alpha_at_corner(data: bytes) -> int | None:
    with Image.open(io.BytesIO(data)) as image:
        if "A" not in image.getbands() and "transparency" not in image.info:
            return None
        pixel = image.convert("RGBA").getpixel((0, 0))
        assert isinstance(pixel, tuple)
        return int(pixel[3])


@pytest.mark.parametrize(
    "png",
    [
        encoded("PNG", mode="RGBA"),
        encoded("PNG", mode="P", transparency=0),  # a palette with a transparent colour
    ],
    ids=["rgba", "palette"],
)
def test_png_transparency_is_kept_or_flattened_as_each_caller_needs(png: bytes) -> None:
    assert _alpha_at_corner(clean_image(png)[0]) == 0  # covers keep it (PNG)
    assert _alpha_at_corner(read_plan(png).data) == 0  # plans keep it (PNG)
    logo = clean_logo(png)
    assert _alpha_at_corner(logo) == 0  # logos keep it, always as RGBA PNG
    with Image.open(io.BytesIO(logo)) as image:
        assert (image.format, image.mode) == ("PNG", "RGBA")
    photo = images.prepare_photo(png, None)  # photos are JPEGs: flattened onto white
    assert photo is not None and _alpha_at_corner(photo.full) is None
    with Image.open(io.BytesIO(photo.full)) as image:
        assert near(image.getpixel((0, 0)), (255, 255, 255))
