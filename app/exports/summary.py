"""The dialogue summary of a stage or project: a self-contained HTML file and its PDF.

Every figure comes from the analysis dataset and its indicator document
(``app.analysis_ui.dataset``, ``app.analysis_ui.indicators``), so the summary shows the same
numbers as the analysis page and the report, formatted by ``app.analysis_ui.evidence``.
Counts of distinct participants by group are suppressed below the threshold ("<5"), themes
raised by fewer participants are not broken down, and below five participants there are no
maps of exact places and no hotspots. Quotes are the residents' own words (extractive, with
contribution ids): published comments with no open flag, and survey free text in staff
documents only; each text is quoted once.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import numpy as np
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from analysis.hotspots import CELL_SIZE, FDR_Q, hotspots, to_sweref
from analysis.suppression import suppress_value
from app.analysis_ui import charts, dataset, evidence
from app.analysis_ui.dataset import Item
from app.analysis_ui.evidence import MIN_PARTICIPANTS
from app.analysis_ui.indicators import compute_scope
from app.analysis_ui.queries import visible_quotes
from app.analysis_ui.question_results import question_results
from app.comments.models import CommentStatus
from app.core.models import translated
from app.exports.folium_map import summary_map
from app.exports.queries import Scope, load_dataset
from app.organizations.services import logo_file

STATIC = Path(__file__).resolve().parent.parent / "static" / "css"
DIMENSIONS = ("age_band", "gender", "district", "relation")
MAX_LISTED = 60
#: Pins drawn per map; beyond this a regular sample is drawn (hotspots use every place).
MAX_PINS = 1500

Progress = Callable[[int], None]


def _local_date(value: datetime) -> date:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Stockholm"))
    return value.astimezone(zone).date()


def _trend(
    response_times: list[datetime], comment_times: list[datetime]
) -> list[tuple[date, int, int]]:
    """(day, responses, comments) for every day from the first to the last contribution."""
    r = Counter(_local_date(t) for t in response_times)
    c = Counter(_local_date(t) for t in comment_times)
    days = sorted(set(r) | set(c))
    if not days:
        return []
    out = []
    day = days[0]
    while day <= days[-1]:
        out.append((day, r.get(day, 0), c.get(day, 0)))
        day += timedelta(days=1)
    if len(out) > 120:  # weeks read better than 120 hair-thin columns
        weekly: dict[date, list[int]] = {}
        for d, a, b in out:
            monday = d - timedelta(days=d.weekday())
            acc = weekly.setdefault(monday, [0, 0])
            acc[0] += a
            acc[1] += b
        out = [(d, a, b) for d, (a, b) in sorted(weekly.items())]
    return out


def _who_took_part(doc: dict[str, Any], threshold: int) -> dict[str, Any]:
    """Participants per group against the population, from the indicator document (the same
    denominators and suppression as the analysis page)."""
    rep = doc.get("representation") or {}
    tables = []
    for dim in rep.get("dimensions", []):
        has_population = any(g.get("population_share") is not None for g in dim["groups"])
        rows = [
            {
                "group": evidence.group_label(g["group"], dim["dimension"]),
                "participants": evidence.count(g["participants"]),
                "share": evidence.percent(g["participant_share"]),
                "population_share": evidence.percent(g["population_share"]),
            }
            for g in dim["groups"]
        ]
        if not any(g["group"] != "unknown" for g in dim["groups"]):
            continue
        d = dim.get("dissimilarity")
        tables.append(
            {
                "dimension": dim["dimension"],
                "label": evidence.dimension_label(dim["dimension"]),
                "rows": rows,
                "total": evidence.count(dim["total"]),
                "has_population": has_population,
                "dissimilarity": evidence.number(d, 2) if d is not None else None,
                "under_represented": [
                    evidence.group_label(g, dim["dimension"]) for g in dim["under_represented"]
                ],
            }
        )
    per_1000 = rep.get("per_1000")
    return {
        "tables": tables,
        "per_1000": evidence.number(per_1000, 1) if per_1000 is not None else None,
        "population": evidence.number(rep.get("population")) if rep.get("population") else None,
        "population_year": rep.get("population_year"),
    }


def _area_rings(geometry: dict[str, Any] | None) -> list[list[tuple[float, float]]]:
    if not geometry:
        return []
    from app.core.geo import from_geojson

    shape = from_geojson(geometry)
    polygons = list(getattr(shape, "geoms", [shape]))
    rings = []
    for poly in polygons:
        exterior = getattr(poly, "exterior", None)
        if exterior is None:
            continue
        lon, lat = exterior.coords.xy
        xy = to_sweref(list(lon), list(lat))
        rings.append([(float(x), float(y)) for x, y in xy])
    return rings


def _maps(
    items: list[Item],
    results: dict[str, Any],
    area: list[list[tuple[float, float]]],
    top_themes: list[str],
    labels: dict[str, str],
    participants: int,
    threshold: int,
) -> list[dict[str, Any]]:
    """An overall map and one per leading theme, with Gi* hotspot cells (the analysis page's
    cell size and false discovery rate). Below ``threshold`` participants no exact place and
    no hotspot is drawn: the map would point at individual people."""
    placed = [it for it in items if it.contribution.lon is not None]
    if not placed or participants < threshold:
        return []
    xy = to_sweref(  # every placed contribution has both coordinates
        [it.contribution.lon or 0.0 for it in placed], [it.contribution.lat or 0.0 for it in placed]
    )
    area_pts = np.array([p for ring in area for p in ring]) if area else np.empty((0, 2))
    study = np.vstack([xy, area_pts]) if len(area_pts) else xy
    cell = CELL_SIZE  # the same cells as the analysis pages (analysis.hotspots)
    legend = {
        "positive": _("positive"),
        "negative": _("negative"),
        "other": _("neutral or mixed"),
        "hotspot": _("hotspot (Gi*, %(q)s FDR)", q=evidence.percent(FDR_Q)),
    }
    out = []
    for theme in [None, *top_themes]:
        mask = [theme is None or theme in results[it.key].themes for it in placed]
        sub = xy[np.array(mask)]
        if theme is not None and len(sub) < 3:
            continue
        result = hotspots(sub, study, cell_size=cell, q=FDR_Q)
        cells = [charts.MapCell(c.x - cell / 2, c.y - cell / 2, cell, c.count) for c in result.hot]
        points = [
            charts.MapPoint(float(x), float(y), results[it.key].valence)
            for (x, y), it, keep in zip(xy, placed, mask, strict=True)
            if keep
        ]
        total = len(points)
        if total > MAX_PINS:
            # A regular sample keeps the picture; thousands of SVG pins only slow the PDF.
            step = total / MAX_PINS
            points = [points[int(i * step)] for i in range(MAX_PINS)]
        name = labels.get(theme, theme) if theme else _("All places")
        title = _("Map: %(name)s", name=name)
        desc = (
            ngettext(
                "%(n)s place in and around the project area;",
                "%(n)s places in and around the project area;",
                total,
                n=evidence.number(total),
            )
            + " "
            + ngettext(
                "%(n)s hotspot cell of %(m)s m.",
                "%(n)s hotspot cells of %(m)s m.",
                len(cells),
                n=evidence.number(len(cells)),
                m=evidence.number(cell),
            )
        )
        if total > len(points):
            desc += " " + _(
                "A regular sample of %(k)s places is drawn.", k=evidence.number(len(points))
            )
        out.append(
            {
                "title": title,
                "svg": charts.hotspot_map(area, points, cells, title, desc, legend),
                "caption": desc,
            }
        )
    return out


def build_context(
    scope: Scope, *, lang: str, staff: bool = False, progress: Progress | None = None
) -> dict[str, Any]:
    """Everything the summary template shows, from the analysis dataset and its indicator
    document (published content only; the same figures as the analysis page).

    ``staff`` documents may quote survey free text; partners' never do.
    """
    report = progress or (lambda _p: None)
    threshold = int(current_app.config.get("SUPPRESSION_THRESHOLD", MIN_PARTICIPANTS))
    data = load_dataset(
        scope,
        include_comments=True,
        include_hidden=False,
        include_people=False,
        only_text_answers=True,
    )
    report(20)
    analysis = dataset.scope_data(scope)
    doc = compute_scope(scope, analysis)
    items = analysis.items
    results = dataset.coded(analysis, scope.project)
    report(45)
    labels = evidence.theme_labels(lang, doc.get("labels"))
    totals = doc.get("totals", {})

    live_comments = [c for c in data.comments if c.deleted_at is None]
    resident_comments = [c for c in live_comments if not c.is_official]
    responses = data.all_responses
    trend = _trend([r.submitted_at for r in responses], [c.created_at for c in resident_comments])
    trend_svg = charts.time_chart(
        trend,
        _("Participation over time"),
        _("Responses and comments per day."),
        (_("Responses"), _("Comments")),
    )
    peak = max(trend, key=lambda t: t[1] + t[2]) if trend else None

    themes = []
    for t in doc.get("themes", []):
        if not t["count"]:
            continue
        people = t["participants"]
        suppressed = not (isinstance(people, str) and people.isdigit()) or int(people) < threshold
        entry: dict[str, Any] = {
            "id": t["theme"],
            "label": labels.get(t["theme"]) or _("Other theme"),
            "count": evidence.count(t["count"] if not suppressed else suppress_value(t["count"])),
            "participants": evidence.count(people),
            "suppressed": suppressed,
            "share": (t["share"] or 0.0) if not suppressed else 0.0,
        }
        if not suppressed:
            valence = t.get("valence") or {}
            entry.update(
                {
                    "share_text": evidence.percent(t["share"]),
                    "ci_text": evidence.interval(t["low"], t["high"]),
                    "valence": {
                        k: valence.get(k, 0) for k in ("positive", "neutral", "mixed", "negative")
                    },
                    "net_valence": _signed(t["net_valence"]),
                }
            )
        themes.append(entry)
    themes.sort(key=lambda t: -t["share"])
    shown = [t for t in themes if not t["suppressed"]]
    theme_svg = charts.bar_chart(
        [
            charts.Bar(
                t["label"],
                t["share"],
                f"{t['share_text']} ({t['ci_text']})",
                tuple((k, v / max(1, sum(t["valence"].values()))) for k, v in t["valence"].items()),
            )
            for t in shown
        ],
        _("Themes: share of contributions and valence"),
        _(
            "Each bar is the share of contributions coded with the theme, split into positive, "
            "neutral, mixed and negative; the 95 % interval is in brackets."
        ),
    )
    report(60)

    # Quotes: published comments with no open flag; survey free text only in staff documents;
    # each text once in the whole document (the indicator document already chose them so).
    visible = visible_quotes(doc, staff=staff) if doc else {}
    quotes = []
    for t in shown[:6]:
        picked = visible.get(t["id"], [])
        if picked:
            quotes.append(
                {
                    "theme": t["label"],
                    "quotes": [{"text": q["text"], "contribution_id": q["id"]} for q in picked],
                }
            )

    participants = int(totals.get("participants", 0))
    area = _area_rings(scope.project.geometry if scope.project else None)
    maps = _maps(
        items, results, area, [t["id"] for t in shown[:2]], labels, participants, threshold
    )
    report(75)

    # Residents' comments printed beside official answers and as open questions are quoted
    # too: published ones with no open flag only.
    flagged = dataset._open_flags([c.id for c in resident_comments])
    by_id = {c.id: c for c in live_comments if c.id not in flagged}
    official = [
        {"question": by_id.get(c.parent_id) if c.parent_id is not None else None, "answer": c}
        for c in live_comments
        if c.is_official and c.status == CommentStatus.PUBLISHED
    ]
    open_questions = [
        c
        for c in resident_comments
        if c.needs_answer
        and c.answered_at is None
        and c.id not in flagged
        and not any(o["question"] is c for o in official)
    ]
    who = _who_took_part(doc, threshold)
    # A text is quoted once per document: comments shown with their answer or as open
    # questions are not quoted again under a theme.
    printed = {f"C{o['question'].id}" for o in official if o["question"] is not None}
    printed |= {f"C{c.id}" for c in open_questions}
    for group in quotes:
        group["quotes"] = [q for q in group["quotes"] if q["contribution_id"] not in printed]
    quotes = [g for g in quotes if g["quotes"]]

    stage = scope.stage
    project = scope.project
    return {
        "lang": lang,
        "scope": scope,
        "project_title": translated(project.title, lang) if project else "",
        "organization": project.organization.name if project else "",
        "stage_title": translated(stage.title, lang) if stage else None,
        "stage": stage,
        "stages": scope.stages,
        "generated_at": datetime.now(UTC),
        "threshold": threshold,
        "counts": {
            "participants": evidence.number(participants),
            "contributions": evidence.number(totals.get("contributions", 0)),
            "responses": evidence.number(totals.get("responses", 0)),
            "comments": evidence.number(totals.get("comments", 0)),
            # Markings on the map (survey map answers), as the page, the API and the report
            # count them; the maps below also draw comments that carry a place.
            "places": evidence.number(totals.get("markings", 0)),
            "official": evidence.number(len(official)),
        },
        "count_values": {
            "participants": participants,
            "contributions": int(totals.get("contributions", 0)),
            "responses": int(totals.get("responses", 0)),
            "comments": int(totals.get("comments", 0)),
            "places": int(totals.get("markings", 0)),
            "official": len(official),
        },
        "trend_svg": trend_svg,
        "trend_days": len(trend),
        "peak": peak,
        "themes": themes,
        "theme_svg": theme_svg,
        "quotes": quotes,
        "maps": maps,
        "official": official[:MAX_LISTED],
        "official_more": max(0, len(official) - MAX_LISTED),
        "open_questions": open_questions[:MAX_LISTED],
        "open_more": max(0, len(open_questions) - MAX_LISTED),
        "who": who,
        "glossary": evidence.glossary(),
        "hotspot_cell": evidence.number(CELL_SIZE),
        "hotspot_q": evidence.percent(FDR_Q),
        # Our own stylesheet, inlined so the downloaded file is self-contained.
        "css": Markup((STATIC / "summary.css").read_text(encoding="utf-8")),  # noqa: S704
        "dates": _dates(scope),
        "brand": brand(project.organization if project else None),
        "did": _what_we_did(stage, lang),
        "question_results": question_results(scope.surveys, lang=lang, limit=threshold),
        "folium_map": summary_map(
            ((it.contribution, results[it.key].themes) for it in items), labels, threshold=threshold
        ),
    }


def _signed(value: float | None) -> str:
    if value is None:
        return evidence.DASH
    text = evidence.number(value, 2)
    return text if value < 0 else f"+{text}"


COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".svg": "image/svg+xml", ".webp": "image/webp"}  # fmt: skip
MAX_LOGO_BYTES = 512 * 1024


def brand(org: Any) -> dict[str, Any]:
    """The organization's colour for the header band (with a readable text colour) and its
    logo inlined as a data URI, so the file stays self-contained. The logo is read under
    ``UPLOAD_DIR`` or ``INSTANCE_DIR`` (never outside them, ``logo_file``); a missing, unknown
    or oversized file is left out."""
    color = getattr(org, "primary_color", None) or "#005a9c"
    if not COLOR_RE.match(color):
        color = "#005a9c"
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    # White text where it contrasts better than black (WCAG relative luminance).
    text = "#ffffff" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else "#000000"
    logo = None
    path = logo_file(org) if getattr(org, "logo_path", None) else None
    if path is not None and path.stat().st_size <= MAX_LOGO_BYTES:
        mime = LOGO_TYPES[path.suffix.lower()]
        logo = f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
    return {"color": color, "text": text, "logo": logo, "name": getattr(org, "name", "")}


def _what_we_did(stage: Any, lang: str) -> str:
    """The stage's published "what we did" feedback text (a draft is not shown)."""
    feedback = getattr(stage, "feedback", None) if stage is not None else None
    if feedback is None or feedback.published_at is None:
        return ""
    return translated(feedback.did, lang).strip()


def _dates(scope: Scope) -> tuple[date | None, date | None]:
    opens = [s.opens_at for s in scope.stages if s.opens_at]
    closes = [s.closes_at for s in scope.stages if s.closes_at]
    return (
        _local_date(min(opens)) if opens else None,
        _local_date(max(closes)) if closes else None,
    )


SCREEN_ONLY = "/* screen only"


def render_html(context: dict[str, Any], *, for_print: bool = False) -> str:
    """The summary as one self-contained HTML document (styles and charts inline).

    ``for_print`` leaves out the screen-only rules (media features WeasyPrint cannot read).
    """
    if for_print:
        css = str(context["css"]).split(SCREEN_ONLY)[0]
        context = {**context, "css": Markup(css)}  # noqa: S704 - our own stylesheet
    return render_template("exports/summary.html", for_print=for_print, **context)


def render_pdf(html: str) -> bytes:
    """The summary as PDF via WeasyPrint; fonts come from the print stylesheet."""
    from weasyprint import CSS, HTML

    stylesheet = CSS(string=(STATIC / "summary-print.css").read_text(encoding="utf-8"))
    # PDF/UA-1: a tagged PDF (structure tree, language, title) screen readers can follow.
    pdf = HTML(string=html, base_url=str(STATIC)).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1"
    )
    return cast(bytes, pdf)  # WeasyPrint ships no types
