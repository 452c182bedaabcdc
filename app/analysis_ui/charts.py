"""Hand-written SVG charts and maps for the dialogue summary (no network, no basemap).

SVG keeps the HTML self-contained and prints sharply from WeasyPrint. Every chart carries a
title and a description for screen readers, labels its values in text and never tells
anything by colour alone (valence is also spelled out; hotspot cells are hatched).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import count
from xml.sax.saxutils import escape

from markupsafe import Markup

_ids = count(1)

#: Valence colours with enough contrast on white, paired with a pattern letter.
VALENCE_COLOURS = {
    "positive": "#1b7837",
    "neutral": "#6b6b6b",
    "mixed": "#8c6d1f",
    "negative": "#b2182b",
}


def _frame(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    uid = next(_ids)
    # Every piece of text in ``body`` and the title was escaped where it was built.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="svg{uid}t svg{uid}d" class="chart">'
        f'<title id="svg{uid}t">{escape(title)}</title><desc id="svg{uid}d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    #: Text printed at the end of the bar (e.g. "34 % (28–40 %)").
    text: str
    #: Optional stacked parts (valence name → fraction of the bar).
    parts: tuple[tuple[str, float], ...] = ()


def bar_chart(bars: Sequence[Bar], title: str, desc: str, width: int = 640) -> Markup:
    """Horizontal bars on a 0–max scale; stacked parts drawn inside each bar."""
    label_w, text_w, row_h = 190, 150, 26
    height = max(40, row_h * len(bars) + 10)
    scale_w = width - label_w - text_w
    top = max((b.value for b in bars), default=0) or 1
    body = []
    for i, b in enumerate(bars):
        y = 5 + i * row_h
        w = scale_w * b.value / top
        body.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" font-size="12">'
            f"{escape(b.label)}</text>"
        )
        if b.parts:
            x = float(label_w)
            for name, frac in b.parts:
                part_w = w * frac
                if part_w <= 0:
                    continue
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{part_w:.1f}" height="18" '
                    f'fill="{VALENCE_COLOURS.get(name, "#005a9c")}" stroke="#fff" '
                    f'stroke-width="1"><title>{escape(name)}</title></rect>'
                )
                x += part_w
        else:
            body.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="18" fill="#005a9c"/>'
            )
        body.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="12">{escape(b.text)}</text>'
        )
    return _frame(width, height, title, desc, body)


def time_chart(
    days: Sequence[tuple[date, int, int]],
    title: str,
    desc: str,
    labels: tuple[str, str],
    width: int = 640,
) -> Markup:
    """Columns per day: responses (solid) and comments (hatched) side by side."""
    height, left, bottom, top_pad = 200, 40, 30, 10
    if not days:
        return _frame(width, 40, title, desc, [])
    plot_w = width - left - 10
    plot_h = height - bottom - top_pad
    peak = max(max(r, c) for _d, r, c in days) or 1
    slot = plot_w / len(days)
    bar = max(1.0, slot / 2 - 1)
    uid = next(_ids)
    body = [
        f'<defs><pattern id="hatch{uid}" width="4" height="4" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="2" height="4" fill="#8c6d1f"/></pattern>'
        f"</defs>",
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 10}" y2="{top_pad + plot_h}" '
        f'stroke="#333"/>',
        f'<text x="{left - 4}" y="{top_pad + 10}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, (_d, responses, comments) in enumerate(days):
        x = left + i * slot
        for j, (value, fill) in enumerate(
            ((responses, "#005a9c"), (comments, f"url(#hatch{uid})"))
        ):
            h = plot_h * value / peak
            body.append(
                f'<rect x="{x + j * bar:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{fill}" stroke="#333" stroke-width="0.3"/>'
            )
    first, last = days[0][0], days[-1][0]
    body.append(
        f'<text x="{left}" y="{height - 10}" font-size="11">{first.isoformat()}</text>'
        f'<text x="{width - 10}" y="{height - 10}" text-anchor="end" font-size="11">'
        f"{last.isoformat()}</text>"
    )
    legend_x = left + plot_w / 2 - 120
    body.append(
        f'<rect x="{legend_x:.0f}" y="{height - 20}" width="10" height="10" fill="#005a9c"/>'
        f'<text x="{legend_x + 14:.0f}" y="{height - 11}" font-size="11">{escape(labels[0])}</text>'
        f'<rect x="{legend_x + 120:.0f}" y="{height - 20}" width="10" height="10" '
        f'fill="url(#hatch{uid})" stroke="#333" stroke-width="0.3"/>'
        f'<text x="{legend_x + 134:.0f}" y="{height - 11}" font-size="11">'
        f"{escape(labels[1])}</text>"
    )
    return _frame(width, height, title, desc, body)


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    valence: str


@dataclass(frozen=True)
class MapCell:
    x: float
    y: float
    size: float
    count: int


def hotspot_map(
    area: Sequence[Sequence[tuple[float, float]]],
    points: Sequence[MapPoint],
    cells: Sequence[MapCell],
    title: str,
    desc: str,
    legend: dict[str, str],
    width: int = 480,
) -> Markup:
    """The project area, every pin and the hotspot cells, in projected metres (SWEREF 99 TM).

    North is up; a scale bar gives the distance. Negative pins are triangles, positive
    circles, others squares, so the map reads without colour.
    """
    xs = [x for ring in area for x, _y in ring] + [p.x for p in points]
    ys = [y for ring in area for _x, y in ring] + [p.y for p in points]
    xs += [c.x for c in cells] + [c.x + c.size for c in cells]
    ys += [c.y for c in cells] + [c.y + c.size for c in cells]
    if not xs:
        return _frame(width, 40, title, desc, [])
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    span = max(maxx - minx, maxy - miny, 100.0) * 1.08
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    minx, miny = cx - span / 2, cy - span / 2
    size = width
    legend_h = 70
    k = size / span

    def px(x: float, y: float) -> tuple[float, float]:
        return (x - minx) * k, size - (y - miny) * k

    uid = next(_ids)
    body = [
        f'<defs><pattern id="hot{uid}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="3" height="6" fill="#d95f02" '
        f'fill-opacity="0.6"/></pattern></defs>',
        f'<rect x="0" y="0" width="{size}" height="{size}" fill="#f7f7f2" stroke="#999"/>',
    ]
    for ring in area:
        path = " ".join(f"{a:.1f},{b:.1f}" for a, b in (px(x, y) for x, y in ring))
        body.append(
            f'<polygon points="{path}" fill="#e3eef7" stroke="#005a9c" stroke-width="2" '
            f'stroke-dasharray="6 3"/>'
        )
    for c in cells:
        x0, y1 = px(c.x, c.y + c.size)
        body.append(
            f'<rect x="{x0:.1f}" y="{y1:.1f}" width="{c.size * k:.1f}" height="{c.size * k:.1f}" '
            f'fill="url(#hot{uid})" stroke="#a63603" stroke-width="1.5"/>'
        )
    for p in points:
        x, y = px(p.x, p.y)
        colour = VALENCE_COLOURS.get(p.valence, "#6b6b6b")
        if p.valence == "negative":
            body.append(
                f'<polygon points="{x:.1f},{y - 5:.1f} {x - 4.5:.1f},{y + 3.5:.1f} '
                f'{x + 4.5:.1f},{y + 3.5:.1f}" fill="{colour}" stroke="#fff" stroke-width="0.8"/>'
            )
        elif p.valence == "positive":
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}" stroke="#fff" '
                f'stroke-width="0.8"/>'
            )
        else:
            body.append(
                f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}" '
                f'stroke="#fff" stroke-width="0.8"/>'
            )
    # North arrow and scale bar.
    body.append(
        f'<path d="M{size - 20},12 l6,16 l-6,-4 l-6,4 z" fill="#333"/>'
        f'<text x="{size - 20}" y="42" text-anchor="middle" font-size="11">N</text>'
    )
    bar_m = _nice_length(span / 4)
    body.append(
        f'<line x1="10" y1="{size - 12}" x2="{10 + bar_m * k:.1f}" y2="{size - 12}" '
        f'stroke="#333" stroke-width="3"/>'
        f'<text x="10" y="{size - 18}" font-size="11">{_metres(bar_m)}</text>'
    )
    ly = size + 16
    entries = [
        ("circle", VALENCE_COLOURS["positive"], legend["positive"]),
        ("triangle", VALENCE_COLOURS["negative"], legend["negative"]),
        ("square", VALENCE_COLOURS["neutral"], legend["other"]),
        ("hot", "", legend["hotspot"]),
    ]
    for i, (shape, colour, text) in enumerate(entries):
        x = 10 + (i % 2) * (size / 2)
        y = ly + (i // 2) * 24
        if shape == "circle":
            body.append(f'<circle cx="{x + 5}" cy="{y}" r="5" fill="{colour}"/>')
        elif shape == "triangle":
            body.append(
                f'<polygon points="{x + 5},{y - 6} {x},{y + 4} {x + 10},{y + 4}" fill="{colour}"/>'
            )
        elif shape == "square":
            body.append(f'<rect x="{x}" y="{y - 5}" width="10" height="10" fill="{colour}"/>')
        else:
            body.append(
                f'<rect x="{x}" y="{y - 7}" width="14" height="14" fill="url(#hot{uid})" '
                f'stroke="#a63603"/>'
            )
        body.append(f'<text x="{x + 20}" y="{y + 4}" font-size="12">{escape(text)}</text>')
    return _frame(size, size + legend_h, title, desc, body)


def _nice_length(metres: float) -> float:
    for step in (10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if step >= metres:
            return float(step)
    return 100000.0


def _metres(value: float) -> str:
    return f"{value / 1000:g} km" if value >= 1000 else f"{value:g} m"
