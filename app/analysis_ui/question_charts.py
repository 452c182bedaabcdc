"""Server-rendered SVG charts of per-question survey results (no scripts, no matplotlib).

Used by the staff analysis page and the dialogue summary (HTML and PDF). Every chart has a
title and a description for screen readers and prints its figures as text beside the shapes;
the page shows the same figures in a table, so nothing is told by colour or length alone.
Texts arrive already formatted (Swedish decimal comma via Babel) and are escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup

from app.analysis_ui.charts import _frame

BAR = "#005a9c"
#: Diverging Likert colours, disagree (red-brown) to agree (blue), neutral grey.
LIKERT_COLOURS = ("#8c2d04", "#e6863b", "#b8b8b8", "#6baed6", "#08519c")
LIKERT_TEXT = ("#fff", "#1b1b1b", "#1b1b1b", "#1b1b1b", "#fff")
LABEL_CHARS = 34


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


@dataclass(frozen=True)
class Row:
    label: str
    #: Length of the bar (a share or a count); None when the figure is hidden.
    value: float | None
    #: Printed at the end of the bar: "12 (34 %)", "<5".
    text: str


def bars(rows: Sequence[Row], title: str, desc: str, width: int = 640) -> Markup:
    """Horizontal bars, one per row, on a 0–max scale; hidden rows have no bar."""
    label_w, text_w, row_h = 230, 120, 26
    scale_w = width - label_w - text_w
    top = max((r.value or 0 for r in rows), default=0) or 1
    body = []
    for i, r in enumerate(rows):
        y = 5 + i * row_h
        w = scale_w * (r.value or 0) / top
        body.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" font-size="12">'
            f"{escape(_short(r.label))}</text>"
        )
        if r.value:
            body.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="18" fill="{BAR}"/>'
            )
        body.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="12">{escape(r.text)}</text>'
        )
    height = max(40, row_h * len(rows) + 10)
    return _frame(width, height, title, desc, body)


def diverging(
    labels: Sequence[str],
    shares: Sequence[float],
    texts: Sequence[str],
    title: str,
    desc: str,
    width: int = 640,
) -> Markup:
    """One diverging stacked bar for a five-step Likert question.

    The two disagree steps extend left of the centre line, the two agree steps right, and the
    neutral step straddles the centre. Each segment prints its share; a legend names the steps
    in order, with the same colours.
    """
    centre = width / 2
    half = width / 2 - 20
    bar_y, bar_h = 10, 30
    lower, neutral = shares[0] + shares[1], shares[2]
    x = centre - half * (lower + neutral / 2)
    body = []
    for i, (share, text) in enumerate(zip(shares, texts, strict=True)):
        w = half * share
        if w > 0:
            body.append(
                f'<rect x="{x:.1f}" y="{bar_y}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{LIKERT_COLOURS[i]}" stroke="#fff" stroke-width="1">'
                f"<title>{escape(labels[i])}: {escape(text)}</title></rect>"
            )
            if w >= 34:
                body.append(
                    f'<text x="{x + w / 2:.1f}" y="{bar_y + 20}" text-anchor="middle" '
                    f'font-size="12" fill="{LIKERT_TEXT[i]}">{escape(text)}</text>'
                )
        x += w
    body.append(
        f'<line x1="{centre}" y1="{bar_y - 6}" x2="{centre}" y2="{bar_y + bar_h + 6}" '
        f'stroke="#1b1b1b" stroke-width="1.5"/>'
    )
    legend_y = bar_y + bar_h + 26
    for i, label in enumerate(labels):
        y = legend_y + i * 20
        body.append(
            f'<rect x="20" y="{y - 11}" width="14" height="14" fill="{LIKERT_COLOURS[i]}"/>'
            f'<text x="40" y="{y}" font-size="12">{i + 1}. {escape(label)} – '
            f"{escape(texts[i])}</text>"
        )
    height = legend_y + 20 * len(labels)
    return _frame(width, height, title, desc, body)


def positions(
    rows: Sequence[tuple[str, float | None, str]],
    places: int,
    title: str,
    desc: str,
    first_label: str,
    last_label: str,
    width: int = 640,
) -> Markup:
    """Mean position per option of a ranking: a dot on an axis from place 1 to ``places``."""
    label_w, right, row_h = 230, 60, 34
    axis_w = width - label_w - right
    span = max(places - 1, 1)
    body = [
        f'<text x="{label_w}" y="14" font-size="11">1 – {escape(first_label)}</text>',
        f'<text x="{label_w + axis_w}" y="14" text-anchor="end" font-size="11">{places} – '
        f"{escape(last_label)}</text>",
    ]
    for i, (label, mean, text) in enumerate(rows):
        y = 24 + i * row_h
        body.append(
            f'<text x="{label_w - 10}" y="{y + 14}" text-anchor="end" font-size="12">'
            f"{escape(_short(label))}</text>"
            f'<line x1="{label_w}" y1="{y + 10}" x2="{label_w + axis_w}" y2="{y + 10}" '
            f'stroke="#999" stroke-width="1"/>'
        )
        if mean is not None:
            cx = label_w + axis_w * (mean - 1) / span
            body.append(
                f'<circle cx="{cx:.1f}" cy="{y + 10}" r="6" fill="{BAR}"/>'
                f'<text x="{cx:.1f}" y="{y + 24}" text-anchor="middle" font-size="11">'
                f"{escape(text)}</text>"
            )
    height = 24 + row_h * len(rows) + 12
    return _frame(width, height, title, desc, body)
