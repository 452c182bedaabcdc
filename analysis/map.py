"""Self-contained interactive maps with folium: a layer per theme plus the Gi* hotspot cells.

Used by ``python -m analysis map INPUT.csv --out MAP.html`` and by the web app's standalone
HTML dialogue summary. folium references CDN copies of Leaflet, jQuery and Bootstrap by
default; here every map instance gets ``default_js``/``default_css`` pointing at the copies
shipped in ``analysis/data/folium/`` (Leaflet 1.9.4, jQuery 3.7.1 — folium's popups need it),
and after rendering each ``<script src>`` and stylesheet ``<link>`` is replaced by the file's
content, Leaflet's images as data URIs. The file then opens from disk without a network; only
the tile URLs inside the map's JavaScript stay remote (without a network the background is
simply blank, and the markers, cells and popups still read). Bootstrap and the awesome-markers
icons are not used (plain circle markers), so they are not loaded at all.

In-app pages never use this: the Content-Security-Policy forbids folium's inline scripts, so
they use the vendored Leaflet under ``app/static/vendor`` with external scripts.
"""

from __future__ import annotations

import base64
import csv
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import folium
import numpy as np
from pyproj import Transformer

from analysis.hotspots import (
    CELL_SIZE,
    FDR_Q,
    SWEREF99TM,
    WGS84,
    HotspotResult,
    hotspots,
    to_sweref,
)

ASSETS = Path(__file__).resolve().parent / "data" / "folium"
#: The files folium's map needs, by folium's own names for them.
JS = (("leaflet", "leaflet.js"), ("jquery", "jquery.min.js"))
CSS = (("leaflet_css", "leaflet.css"),)
TILES = "OpenStreetMap"
NO_THEME = ""

#: Colours per theme layer, cycled; valence is not told by colour here (popups say it).
PALETTE = (
    "#1b6ca8",
    "#b2182b",
    "#1b7837",
    "#8c6d1f",
    "#6a3d9a",
    "#d95f02",
    "#01665e",
    "#c51b7d",
    "#4d4d4d",
    "#7f3b08",
)


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One contribution on the map: WGS84 lon/lat, its text and themes."""

    id: str
    lon: float
    lat: float
    text: str = ""
    themes: tuple[str, ...] = ()
    category: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class MapTexts:
    """The words the map shows, in the document's language."""

    title: str = "Map of contributions"
    hotspots: str = "Hotspots (Gi*)"
    hotspot: str = "Hotspot"
    coldspot: str = "Coldspot"
    no_theme: str = "No theme"
    category: str = "Category"
    themes: str = "Themes"
    #: "%(size)s" and "%(q)s" are replaced by the cell size in metres and the FDR in per cent.
    parameters: str = "Cells of %(size)s m; Getis-Ord Gi*, false discovery rate %(q)s %%."
    theme_labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def for_language(cls, lang: str, theme_labels: Mapping[str, str] | None = None) -> MapTexts:
        """The map's words in Swedish ("sv") or English (anything else)."""
        labels = dict(theme_labels or {})
        if lang != "sv":
            return cls(theme_labels=labels)
        return cls(
            title="Karta över bidrag",
            hotspots="Hotspots (Gi*)",
            hotspot="Hotspot",
            coldspot="Coldspot",
            no_theme="Utan tema",
            category="Kategori",
            themes="Teman",
            parameters="Rutor om %(size)s m; Getis-Ord Gi*, andel falska upptäckter %(q)s %%.",
            theme_labels=labels,
        )


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(SWEREF99TM, WGS84, always_xy=True)


# -- input -----------------------------------------------------------------------------------


def read_points(path: str | Path) -> list[MapPoint]:
    """Read ``id,text,lon,lat`` (optional ``lang,category,themes``) rows; ``themes`` is a
    ``;``-separated list of theme ids. Rows without a valid position are skipped."""
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"id", "text", "lon", "lat"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: needs the columns id,text,lon,lat")
        has_themes = "themes" in reader.fieldnames
        points = []
        for row in reader:
            try:
                lon, lat = float(row["lon"]), float(row["lat"])
            except (TypeError, ValueError):
                continue
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                continue
            themes = tuple(t for t in (row.get("themes") or "").split(";") if t.strip())
            points.append(
                MapPoint(
                    id=row["id"],
                    lon=lon,
                    lat=lat,
                    text=row.get("text") or "",
                    themes=tuple(t.strip() for t in themes) if has_themes else (),
                    category=(row.get("category") or "").strip() or None,
                    lang=(row.get("lang") or "").strip() or None,
                )
            )
    return points


# -- the map ---------------------------------------------------------------------------------


def _layer_order(points: Sequence[MapPoint], order: Sequence[str]) -> list[str]:
    present = {t for p in points for t in p.themes}
    known = [t for t in order if t in present]
    rest = sorted(present - set(known))
    out = known + rest
    if any(not p.themes for p in points):
        out.append(NO_THEME)
    return out


def hotspot_cells(
    points: Sequence[MapPoint], cell_size: float = CELL_SIZE, q: float = FDR_Q
) -> list[tuple[str, int, float, list[tuple[float, float]]]]:
    """Significant Gi* cells of all ``points``: (kind, count, z, corners as (lat, lon))."""
    if len(points) < 2:
        return []
    xy = to_sweref([p.lon for p in points], [p.lat for p in points])
    result: HotspotResult = hotspots(xy, cell_size=cell_size, q=q)
    tf = _to_wgs84()
    out = []
    half = result.grid.size / 2
    for c in result.cells:
        if not c.kind:
            continue
        xs = np.array([c.x - half, c.x + half, c.x + half, c.x - half])
        ys = np.array([c.y - half, c.y - half, c.y + half, c.y + half])
        lons, lats = tf.transform(xs, ys)
        corners = [(float(la), float(lo)) for lo, la in zip(lons, lats, strict=True)]
        out.append((c.kind, c.count, c.z, corners))
    return out


def _popup(point: MapPoint, texts: MapTexts, with_text: bool) -> str:
    parts = []
    if with_text and point.text:
        parts.append(f"<p>{html.escape(point.text)}</p>")
    if point.category:
        parts.append(f"<p><strong>{html.escape(texts.category)}:</strong> ")
        parts[-1] += f"{html.escape(point.category)}</p>"
    if point.themes:
        names = ", ".join(html.escape(texts.theme_labels.get(t, t)) for t in point.themes)
        parts.append(f"<p><strong>{html.escape(texts.themes)}:</strong> {names}</p>")
    parts.append(f'<p style="color:#555">{html.escape(point.id)}</p>')
    return "".join(parts)


def build_map(
    points: Sequence[MapPoint],
    texts: MapTexts | None = None,
    *,
    theme_order: Sequence[str] = (),
    cell_size: float = CELL_SIZE,
    q: float = FDR_Q,
    with_text: bool = True,
    show_hotspots: bool = True,
    tiles: str | None = TILES,
) -> folium.Map:
    """A folium map: one toggleable layer per theme (and one for points without a theme) and
    the significant hotspot cells of all points as a layer. ``with_text`` puts each text in
    its point's popup."""
    texts = texts or MapTexts()
    if points:
        lat = float(np.mean([p.lat for p in points]))
        lon = float(np.mean([p.lon for p in points]))
    else:
        lat, lon = 59.33, 18.06
    m = folium.Map(location=[lat, lon], zoom_start=14, tiles=tiles, control_scale=True)
    use_local_assets(m)
    for n, theme in enumerate(_layer_order(points, theme_order)):
        name = texts.theme_labels.get(theme, theme) if theme else texts.no_theme
        layer = folium.FeatureGroup(name=html.escape(name), show=True)
        colour = PALETTE[n % len(PALETTE)]
        for p in points:
            if (theme and theme in p.themes) or (not theme and not p.themes):
                folium.CircleMarker(
                    location=[p.lat, p.lon],
                    radius=6,
                    color="#ffffff",
                    weight=1,
                    fill=True,
                    fill_color=colour,
                    fill_opacity=0.9,
                    popup=folium.Popup(_popup(p, texts, with_text), max_width=320),
                    tooltip=html.escape(name),
                ).add_to(layer)
        layer.add_to(m)
    if show_hotspots:
        cells = hotspot_cells(points, cell_size, q)
        parameters = texts.parameters % {"size": f"{cell_size:g}", "q": f"{q * 100:g}"}
        layer = folium.FeatureGroup(name=html.escape(texts.hotspots), show=True)
        for kind, count, z, corners in cells:
            hot = kind == "hot"
            label = f"{texts.hotspot if hot else texts.coldspot}: {count} (z {z:.2f})"
            folium.Polygon(
                locations=[[la, lo] for la, lo in corners],
                color="#a4161a" if hot else "#1d4e89",
                weight=2,
                dash_array=None if hot else "6 4",
                fill=True,
                fill_opacity=0.3,
                tooltip=html.escape(label),
                popup=folium.Popup(
                    f"<p>{html.escape(label)}</p><p>{html.escape(parameters)}</p>",
                    max_width=320,
                ),
            ).add_to(layer)
        layer.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    if points:
        lats = [p.lat for p in points]
        lons = [p.lon for p in points]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return m


# -- offline assets --------------------------------------------------------------------------


def use_local_assets(element: folium.Map) -> None:
    """Point one map instance's scripts and stylesheets at the shipped files (never the
    class-level lists: those are shared by every map in the process)."""
    element.default_js = [(name, (ASSETS / file).as_uri()) for name, file in JS]
    element.default_css = [(name, (ASSETS / file).as_uri()) for name, file in CSS]


def _read_asset(uri: str) -> str:
    prefix = ASSETS.as_uri() + "/"
    if not uri.startswith(prefix):
        raise ValueError(f"not a shipped asset: {uri}")
    path = (ASSETS / uri[len(prefix) :]).resolve()
    if ASSETS not in path.parents:
        raise ValueError(f"not a shipped asset: {uri}")
    return path.read_text(encoding="utf-8")


def _inline_images(css: str) -> str:
    def data_uri(match: re.Match[str]) -> str:
        name = match.group(1)
        data = base64.b64encode((ASSETS / "images" / name).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, css)


_SCRIPT = re.compile(r'<script src="([^"]+)"></script>')
_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)"\s*/?>')


def inline_assets(document: str) -> str:
    """Replace every ``<script src>`` and stylesheet ``<link>`` of shipped files by the file's
    content. Raises ValueError if anything else is referenced."""

    def script(match: re.Match[str]) -> str:
        code = _read_asset(match.group(1)).replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def link(match: re.Match[str]) -> str:
        return f"<style>{_inline_images(_read_asset(match.group(1)))}</style>"

    return _LINK.sub(link, _SCRIPT.sub(script, document))


def external_references(document: str) -> list[str]:
    """Scripts and stylesheets the document would fetch (empty for a self-contained file)."""
    found = re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", document)
    found += re.findall(r"<link[^>]*rel=\"stylesheet\"[^>]*href=\"([^\"]+)\"", document)
    found += re.findall(r"<link[^>]*href=\"([^\"]+\.css[^\"]*)\"", document)
    return found


def standalone_html(m: folium.Map, title: str = "") -> str:
    """The map as one HTML document with every script and stylesheet inline."""
    document = m.get_root().render()
    if title:
        document = document.replace("<head>", f"<head>\n    <title>{html.escape(title)}</title>", 1)
    document = inline_assets(document)
    leftovers = external_references(document)
    if leftovers:
        raise ValueError(f"external assets left in the map: {leftovers}")
    return document


def embeddable_html(m: folium.Map, title: str, height: int = 480) -> str:
    """The map for a page of its own: an ``<iframe srcdoc>`` holding the standalone document,
    so folium's page-wide styles (``html, body {height: 100%}``) stay inside the frame."""
    inner = standalone_html(m, title)
    return (
        f'<iframe class="folium-map" title="{html.escape(title)}" '
        f'srcdoc="{html.escape(inner, quote=True)}" '
        f'style="width:100%;height:{height}px;border:1px solid #999" loading="lazy"></iframe>'
    )


def write_map(
    points: Iterable[MapPoint],
    out: str | Path,
    texts: MapTexts | None = None,
    theme_order: Sequence[str] = (),
) -> int:
    """Write the map of ``points`` to ``out``; return how many points it shows."""
    pts = list(points)
    texts = texts or MapTexts()
    m = build_map(pts, texts, theme_order=theme_order)
    Path(out).write_text(standalone_html(m, texts.title), encoding="utf-8")
    return len(pts)
