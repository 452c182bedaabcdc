"""The dialogue summary of a stage or project: a self-contained HTML file and its PDF.

Everything shown is aggregated: counts of distinct participants by group are suppressed below
the threshold ("<5"), themes raised by fewer participants are not broken down. Quotes are the
residents' own words (extractive, with contribution ids) from published content only: hidden
and pending comments are never loaded.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from markupsafe import Markup

from analysis.hotspots import CELL_SIZE, FDR_Q, hotspots, to_sweref
from analysis.indicators import (
    distinct_participants,
    net_valence,
    theme_share,
    valence_counts,
)
from analysis.models import PopulationRow as PopRecord
from analysis.quotes import representative_quotes
from analysis.representativeness import representativeness
from analysis.suppression import suppress_table, suppress_value
from app.analysis_ui.models import PopulationRow, TargetType
from app.analysis_ui.question_results import question_results
from app.comments.models import CommentStatus
from app.core.models import translated
from app.exports import charts
from app.exports.analysis_adapter import (
    Item,
    Result,
    as_coded,
    as_indicator_items,
    build_items,
    code_items,
)
from app.exports.folium_map import summary_map
from app.exports.queries import Scope, demographics_by_participant, load_dataset, participant_key
from app.exports.tables import theme_labels
from app.extensions import db

STATIC = Path(__file__).resolve().parent.parent / "static" / "css"
DIMENSIONS = ("age_band", "gender", "district", "relation")
MAX_LISTED = 60
#: Contributions the summary may quote: published comments only.
QUOTE_SOURCES = frozenset({TargetType.COMMENT})
#: Pins drawn per map; beyond this a regular sample is drawn (hotspots use every place).
MAX_PINS = 1500

Progress = Callable[[int], None]


def _local_date(value: datetime) -> date:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Stockholm"))
    return value.astimezone(zone).date()


def _fmt_pct(share: float) -> str:
    return f"{100 * share:.0f} %"


def _trend(response_times: list[datetime], comment_times: list[datetime]) -> list[tuple]:
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


def _population(organization_id: int) -> list[PopRecord]:
    year = db.session.scalar(
        sa.select(sa.func.max(PopulationRow.year)).where(
            PopulationRow.organization_id == organization_id
        )
    )
    if year is None:
        return []
    rows = db.session.scalars(
        sa.select(PopulationRow).where(
            PopulationRow.organization_id == organization_id, PopulationRow.year == year
        )
    )
    return [PopRecord(r.district, r.age_band, r.gender, r.count) for r in rows]


def _who_took_part(
    demographics: dict[str, dict[str, str]], population: list[PopRecord], threshold: int
) -> dict[str, Any]:
    """Participants per group against the population, suppressed; D where it is safe."""
    with_any = {k: v for k, v in demographics.items() if v}
    report = None
    if population and len(with_any) >= threshold:
        report = representativeness(with_any, population, ("district", "age_band", "gender"))
    tables = []
    for dim in DIMENSIONS:
        counts = Counter(v[dim] for v in with_any.values() if v.get(dim))
        pop: Counter[str] = Counter()
        for r in population if dim != "relation" else []:
            pop[str(getattr(r, dim))] += r.count
        groups = sorted(set(counts) | set(pop))
        if not groups:
            continue
        suppressed = suppress_table([[counts.get(g, 0)] for g in groups], threshold)
        total_known = sum(counts.values())
        pop_total = sum(pop.values())
        rows = []
        for g, cell in zip(groups, suppressed.cells, strict=True):
            shown = cell[0]
            share = (
                _fmt_pct(counts[g] / total_known)
                if shown.isdigit() and total_known >= threshold
                else "–"
            )
            rows.append(
                {
                    "group": g,
                    "participants": shown,
                    "share": share,
                    "population_share": _fmt_pct(pop[g] / pop_total) if pop_total else "–",
                }
            )
        dissimilarity = None
        if report is not None and dim != "relation":
            d = report.dimension(dim).dissimilarity
            dissimilarity = f"{d:.2f}" if d is not None else None
        tables.append(
            {
                "dimension": dim,
                "rows": rows,
                "total": suppressed.grand_total,
                "has_population": bool(pop_total),
                "dissimilarity": dissimilarity,
            }
        )
    return {
        "tables": tables,
        "per_1000": f"{report.per_1000:.1f}" if report is not None and report.population else None,
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
    results: dict[str, Result],
    area: list[list[tuple[float, float]]],
    top_themes: list[str],
    labels: dict[str, str],
) -> list[dict[str, Any]]:
    """An overall map and one per leading theme, with Gi* hotspot cells (FDR 5 %)."""
    placed = [it for it in items if it.contribution.lon is not None]
    if not placed:
        return []
    xy = to_sweref([it.contribution.lon for it in placed], [it.contribution.lat for it in placed])
    area_pts = np.array([p for ring in area for p in ring]) if area else np.empty((0, 2))
    study = np.vstack([xy, area_pts]) if len(area_pts) else xy
    cell = CELL_SIZE  # the same cells as the analysis pages (analysis.hotspots)
    legend = {
        "positive": _("positive"),
        "negative": _("negative"),
        "other": _("neutral or mixed"),
        "hotspot": _("hotspot (Gi*, %(q)s %% FDR)", q=format(FDR_Q * 100, "g")),
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
        cell_text = format(cell, "g")
        desc = _(
            "%(n)s places in and around the project area; %(h)s hotspot cells of %(m)s m.",
            n=total,
            h=len(cells),
            m=cell_text,
        )
        if total > len(points):
            desc += " " + _("A regular sample of %(k)s places is drawn.", k=len(points))
        out.append(
            {
                "title": title,
                "svg": charts.hotspot_map(area, points, cells, title, desc, legend),
                "caption": desc,
            }
        )
    return out


def build_context(scope: Scope, *, lang: str, progress: Progress | None = None) -> dict[str, Any]:
    """Everything the summary template shows, computed from published content only."""
    report = progress or (lambda _p: None)
    threshold = int(current_app.config.get("SUPPRESSION_THRESHOLD", 5))
    data = load_dataset(
        scope,
        include_comments=True,
        include_hidden=False,
        include_people=False,
        only_text_answers=True,
    )
    report(20)
    items = build_items(data)
    results = code_items(items)
    report(45)
    coded = as_indicator_items(items, results)
    labels = theme_labels(lang)

    live_comments = [c for c in data.comments if c.deleted_at is None]
    resident_comments = [c for c in live_comments if not c.is_official]
    responses = data.all_responses
    participants = {participant_key(r.participant_id, f"response:{r.id}") for r in responses}
    participants |= {
        participant_key(c.participant_id, f"comment:{c.id}") for c in resident_comments
    }
    trend = _trend([r.submitted_at for r in responses], [c.created_at for c in resident_comments])
    trend_svg = charts.time_chart(
        trend,
        _("Participation over time"),
        _("Responses and comments per day."),
        (_("Responses"), _("Comments")),
    )
    peak = max(trend, key=lambda t: t[1] + t[2]) if trend else None

    themes = []
    for theme, label in labels.items():
        about = [it for it in coded if theme in it.themes]
        if not about:
            continue
        people = distinct_participants(about)
        share = theme_share(coded, theme)
        if people < threshold:
            themes.append(
                {
                    "id": theme,
                    "label": label,
                    "count": suppress_value(len(about), threshold),
                    "participants": suppress_value(people, threshold),
                    "suppressed": True,
                    "share": 0.0,
                }
            )
            continue
        vc = valence_counts(coded, theme)
        nv = net_valence(coded, theme)
        themes.append(
            {
                "id": theme,
                "label": label,
                "count": str(share.k),
                "participants": str(people),
                "share": share.share,
                "share_text": _fmt_pct(share.share),
                "ci_text": f"{_fmt_pct(share.low)}–{_fmt_pct(share.high)}",
                "valence": {k: vc[k] for k in ("positive", "neutral", "mixed", "negative")},
                "net_valence": f"{nv:+.2f}" if nv is not None else "–",
                "suppressed": False,
            }
        )
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

    # Quote only what residents published (live, non-hidden comments; hidden and pending ones
    # are never loaded). Survey free text counts in the themes but was never published or
    # moderated, so it is not quoted; widen QUOTE_SOURCES to change that.
    text_items = [
        it for it in items if it.target_type in QUOTE_SOURCES and it.contribution.text.strip()
    ]
    coded_map = as_coded(items, results)
    quotes = []
    for t in shown[:6]:
        picked = representative_quotes(
            [it.contribution for it in text_items], coded_map, t["id"], k=3
        )
        if picked:
            quotes.append({"theme": t["label"], "quotes": picked})

    area = _area_rings(scope.project.geometry if scope.project else None)
    maps = _maps(items, results, area, [t["id"] for t in shown[:2]], labels)
    report(75)

    by_id = {c.id: c for c in live_comments}
    official = [
        {"question": by_id.get(c.parent_id), "answer": c}
        for c in live_comments
        if c.is_official and c.status == CommentStatus.PUBLISHED
    ]
    open_questions = [
        c
        for c in resident_comments
        if c.needs_answer
        and c.answered_at is None
        and not any(o["question"] is c for o in official)
    ]
    demographics = demographics_by_participant(data)
    who = _who_took_part(demographics, _population(scope.organization_id), threshold)

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
            "participants": len(participants),
            "responses": len(responses),
            "comments": len(resident_comments),
            "places": sum(1 for it in items if it.contribution.lon is not None),
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


COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".svg": "image/svg+xml", ".webp": "image/webp"}  # fmt: skip
MAX_LOGO_BYTES = 512 * 1024


def brand(org: Any) -> dict[str, Any]:
    """The organization's colour for the header band (with a readable text colour) and its
    logo inlined as a data URI, so the file stays self-contained. The logo path is read under
    ``INSTANCE_DIR`` (never outside it); a missing, unknown or oversized file is left out."""
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
    raw_path = getattr(org, "logo_path", None)
    if raw_path:
        root = Path(current_app.config["INSTANCE_DIR"]).resolve()
        path = (root / raw_path).resolve()
        mime = LOGO_TYPES.get(path.suffix.lower())
        inside = path.is_relative_to(root)  # never a file outside the instance directory
        if mime and inside and path.is_file() and path.stat().st_size <= MAX_LOGO_BYTES:
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            logo = f"data:{mime};base64,{data}"
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
    return HTML(string=html, base_url=str(STATIC)).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1"
    )
