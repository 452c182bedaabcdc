"""Draw the app icons (PNG) used by the web app manifest. Run once; the PNGs are committed."""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "app" / "static" / "img"
BRAND = (0, 90, 156, 255)


def icon(size: int, *, maskable: bool = False) -> Image.Image:
    scale = 4
    big = size * scale
    img = Image.new("RGBA", (big, big), BRAND if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if not maskable:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big // 5, fill=BRAND)
    # Safe zone for maskable icons is the central 80 %.
    inner = 0.62 if maskable else 0.78
    w = big * inner
    cx, top = big / 2, (big - w) / 2
    r = w * 0.33
    cy = top + r + w * 0.05
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill="white")
    draw.polygon(
        [(cx - r * 0.86, cy + r * 0.5), (cx + r * 0.86, cy + r * 0.5), (cx, top + w * 0.95)],
        fill="white",
    )
    hole = r * 0.42
    draw.ellipse([cx - hole, cy - hole, cx + hole, cy + hole], fill=BRAND)
    return img.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    icon(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    print("icons written to", OUT)
