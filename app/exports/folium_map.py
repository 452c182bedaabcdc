"""The interactive folium map of the standalone HTML dialogue summary.

Built by :mod:`analysis.map` (the same kind of map as ``python -m analysis map``) with every
script and stylesheet inline, so the downloaded summary opens offline from disk; map tiles
are the only remote URLs. The map sits in an ``<iframe srcdoc>`` so folium's page-wide styles
stay inside it. The PDF keeps its static SVG maps, and in-app pages use the vendored Leaflet
(the Content-Security-Policy forbids folium's inline scripts).

The summary is a published document: popups name the category and themes but never quote
texts, and with fewer participants than the suppression threshold no point and no hotspot is
drawn (the map is left out).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from analysis.hotspots import CELL_SIZE, FDR_Q
from analysis.map import MapPoint, MapTexts, build_map, embeddable_html
from analysis.models import Contribution


def map_texts(labels: Mapping[str, str]) -> MapTexts:
    return MapTexts(
        title=_("Interactive map of the contributions"),
        hotspots=_("Hotspots (Gi*)"),
        hotspot=_("Hotspot"),
        coldspot=_("Coldspot"),
        no_theme=_("No theme"),
        category=_("Category"),
        themes=_("Themes"),
        parameters=_("Cells of %(size)s m; Getis-Ord Gi*, false discovery rate %(q)s %%."),
        theme_labels=dict(labels),
    )


@dataclass
class SummaryMap:
    """Rendered only when the template asks (the PDF never does)."""

    points: Sequence[MapPoint]
    texts: MapTexts
    theme_order: Sequence[str]

    def html(self) -> Markup:
        m = build_map(
            self.points,
            self.texts,
            theme_order=self.theme_order,
            cell_size=CELL_SIZE,
            q=FDR_Q,
            with_text=False,
        )
        # Our own rendering of folium's output; texts inside are escaped by analysis.map.
        return Markup(embeddable_html(m, self.texts.title))  # noqa: S704

    @property
    def count(self) -> int:
        return len(self.points)


def summary_map(
    placed: Iterable[tuple[Contribution, Sequence[str]]],
    labels: Mapping[str, str],
    *,
    threshold: int,
) -> SummaryMap | None:
    """The summary's interactive map of ``(contribution, themes)`` pairs, or None when fewer
    than ``threshold`` distinct participants placed anything."""
    points = []
    people = set()
    for contribution, themes in placed:
        if contribution.lon is None or contribution.lat is None:
            continue
        people.add(contribution.participant_id or contribution.id)
        points.append(
            MapPoint(
                id=contribution.id,
                lon=round(contribution.lon, 6),
                lat=round(contribution.lat, 6),
                themes=tuple(themes),
                category=contribution.category,
            )
        )
    if len(people) < threshold:
        return None
    return SummaryMap(points, map_texts(labels), list(labels))
