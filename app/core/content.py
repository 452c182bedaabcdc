"""How content is shown: safe Markdown, times in Swedish time, brand colours and the
"open until" line of a project card. Registered as template filters and globals by the factory.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only builds elements, never parses input
from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import markdown as md
import nh3
from flask import Flask, current_app
from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from app.core.models import utcnow

# --- Markdown -----------------------------------------------------------------------------

#: What a planner's text may contain once rendered: headings, lists, links, emphasis.
ALLOWED_TAGS = {
    "p", "br", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "strong", "em", "blockquote",
    "code", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


class _ShiftHeadings(md.treeprocessors.Treeprocessor):
    """``#`` in a text becomes ``<h3>``: the page has its own h1 and section h2s."""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1].isdigit():
                element.tag = f"h{min(6, int(element.tag[1]) + 2)}"


class _SafeExtension(md.extensions.Extension):
    """No raw HTML: it is shown as text, not passed through."""

    def extendMarkdown(self, parser: md.Markdown) -> None:  # noqa: N802 - Markdown's API
        parser.preprocessors.deregister("html_block")
        parser.inlinePatterns.deregister("html")
        parser.treeprocessors.register(_ShiftHeadings(parser), "shift_headings", 0)


def render_markdown(text: str | None) -> Markup:
    """Markdown as safe HTML: headings, lists, links (``rel="nofollow noopener"``), bold and
    italic. Raw HTML is shown as text; the result is sanitised again with nh3."""
    if not text or not text.strip():
        return Markup("")
    html = md.markdown(text, extensions=[_SafeExtension()], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        clean_content_tags={"script", "style"},
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def markdown_text(text: str | None) -> str:
    """The plain text of a Markdown text (for meta descriptions and previews)."""
    html = render_markdown(text)
    return " ".join(unescape(nh3.clean(str(html), tags=set())).split())


# --- times --------------------------------------------------------------------------------


def local_time(value: datetime | None, style: str = "short") -> str:
    """A stored UTC time in the platform's time zone (Europe/Stockholm), in the page's
    language: the one filter for every time staff or residents see."""
    if value is None:
        return ""
    return str(format_datetime(value, style))


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def to_utc(local: datetime | None) -> datetime | None:
    """A naive local time from a form, as an aware UTC time."""
    if local is None:
        return None
    return local.replace(tzinfo=_zone()).astimezone(UTC)


def to_local(value: datetime | None) -> datetime | None:
    """A stored UTC time as a naive local time for a datetime-local input."""
    if value is None:
        return None
    return value.astimezone(_zone()).replace(tzinfo=None)


def now() -> datetime:
    """The current time; tests set ``CLOCK`` (a callable) in the config to fix it."""
    clock: Callable[[], datetime] | None = current_app.config.get("CLOCK")
    return clock() if clock is not None else utcnow()


def open_until(closes_at: datetime | None) -> str:
    """ "Öppen till 24 december · 18 dagar kvar" for a round that closes at ``closes_at`` (the
    days counted in Swedish time from the injectable clock, ``now``)."""
    if closes_at is None:
        return _("Open, no closing date set")
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    today = now().astimezone(zone).date()
    last = closes_at.astimezone(zone).date()
    days = (last - today).days
    date_text = format_date(last, "d MMMM")
    if days <= 0:
        return _("Open until %(date)s · closes today", date=date_text)
    return (
        _("Open until %(date)s", date=date_text)
        + " · "
        + ngettext("%(num)d day left", "%(num)d days left", days)
    )


# --- brand colours ------------------------------------------------------------------------

DEFAULT_COLOR = "#005a9c"
#: WCAG 2.x AA for normal text.
AA_CONTRAST = 4.5


def relative_luminance(color: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(int(color[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(color: str) -> float:
    """The contrast ratio of white text on ``#rrggbb`` (1 to 21)."""
    return 1.05 / (relative_luminance(color) + 0.05)


def brand_color(org: Any) -> str:
    """The organization's colour when white text is readable on it, else the default."""
    color = (getattr(org, "primary_color", None) or "").lower()
    if len(color) == 7 and color.startswith("#"):
        try:
            if contrast_with_white(color) >= AA_CONTRAST:
                return color
        except ValueError:
            pass
    return DEFAULT_COLOR


def darker(color: str, factor: float = 0.7) -> str:
    """``color`` darkened (for hover states): still readable under white text."""
    r, g, b = (round(int(color[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def absolute_url(path: str) -> str:
    """``path`` on the platform's public address (``BASE_URL``), never the request's Host."""
    base = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    return base + path


def register(app: Flask) -> None:
    from app.core.translations import language_label, translation_label, translation_status

    app.jinja_env.filters.update(markdown=render_markdown, localtime=local_time)
    app.jinja_env.globals.update(
        open_until=open_until,
        brand_color=brand_color,
        markdown_text=markdown_text,
        absolute_url=absolute_url,
        translation_label=translation_label,
        translation_status=translation_status,
        language_label=language_label,
    )
