"""Hotspots per theme: a grid in SWEREF 99 TM (EPSG:3006), Getis-Ord Gi* and Benjamini–Hochberg.

Points arrive in WGS84 (lon, lat) and are projected to SWEREF 99 TM metres, counted on a square
grid covering the study area (zero cells included, or Gi* would only compare busy cells with
each other), and each cell gets a Gi* z-score with binary distance-band weights that include
the cell itself. Two-sided p-values from the normal approximation are then filtered by the
Benjamini–Hochberg procedure so the expected share of false hotspots stays below ``q``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from pyproj import Transformer
from scipy.spatial import cKDTree

from analysis.indicators import gini, normalized_hhi
from analysis.models import CodedContribution, Contribution

SWEREF99TM = "EPSG:3006"
WGS84 = "EPSG:4326"

#: The hotspot parameters every consumer uses and states (analysis pages, results map,
#: dialogue summary, ``python -m analysis map``): square cells of ``CELL_SIZE`` metres and a
#: false-discovery rate of ``FDR_Q``; neighbours within ``NEIGHBOUR_CELLS`` cell sizes.
CELL_SIZE = 250.0
FDR_Q = 0.05
NEIGHBOUR_CELLS = 1.5


@lru_cache(maxsize=1)
def _transformer() -> Transformer:
    return Transformer.from_crs(WGS84, SWEREF99TM, always_xy=True)


def to_sweref(lon: Sequence[float], lat: Sequence[float]) -> NDArray[np.float64]:
    """Project WGS84 lon/lat to SWEREF 99 TM easting/northing in metres, shape (n, 2)."""
    x, y = _transformer().transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.column_stack([np.asarray(x, float), np.asarray(y, float)])


@dataclass(frozen=True, slots=True)
class Grid:
    """A square grid: cell (i, j) spans [x0 + i·size, x0 + (i+1)·size) × likewise in y."""

    x0: float
    y0: float
    size: float
    nx: int
    ny: int

    @classmethod
    def covering(cls, xy: NDArray[np.float64], size: float) -> Grid:
        if len(xy) == 0:
            raise ValueError("no points to cover")
        x0 = math.floor(float(xy[:, 0].min()) / size) * size
        y0 = math.floor(float(xy[:, 1].min()) / size) * size
        nx = int((float(xy[:, 0].max()) - x0) // size) + 1
        ny = int((float(xy[:, 1].max()) - y0) // size) + 1
        return cls(x0, y0, size, nx, ny)

    def counts(self, xy: NDArray[np.float64]) -> NDArray[np.float64]:
        """Point counts per cell as a flat array of length nx·ny (index i·ny + j)."""
        i = np.floor((xy[:, 0] - self.x0) / self.size).astype(int)
        j = np.floor((xy[:, 1] - self.y0) / self.size).astype(int)
        inside = (i >= 0) & (i < self.nx) & (j >= 0) & (j < self.ny)
        flat = i[inside] * self.ny + j[inside]
        return np.bincount(flat, minlength=self.nx * self.ny).astype(float)

    def centres(self) -> NDArray[np.float64]:
        ii, jj = np.meshgrid(np.arange(self.nx), np.arange(self.ny), indexing="ij")
        cx = self.x0 + (ii.ravel() + 0.5) * self.size
        cy = self.y0 + (jj.ravel() + 0.5) * self.size
        return np.column_stack([cx, cy])


def getis_ord_gi_star(
    values: Sequence[float] | NDArray[np.float64],
    coords: Sequence[Sequence[float]] | NDArray[np.float64],
    distance: float,
) -> NDArray[np.float64]:
    """Gi* z-scores with binary weights w_ij = 1 when d_ij ≤ distance (w_ii = 1).

    G*_i = (Σ_j w_ij x_j − x̄ Σ_j w_ij) / (S · √((n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1)))
    with x̄ the mean and S = √(Σ x_j² / n − x̄²). Cells whose neighbourhood is the whole
    area, or a constant field, get z = 0.
    """
    x = np.asarray(values, dtype=float)
    pts = np.asarray(coords, dtype=float)
    n = len(x)
    if n < 2:
        return np.zeros(n)
    mean = float(x.mean())
    s = math.sqrt(max(float((x * x).mean()) - mean * mean, 0.0))
    tree = cKDTree(pts)
    neighbours = tree.query_ball_point(pts, r=distance * (1 + 1e-9))
    z = np.zeros(n)
    if s == 0.0:
        return z
    for i, nb in enumerate(neighbours):
        w_sum = float(len(nb))
        local = float(x[nb].sum())
        var_term = (n * w_sum - w_sum * w_sum) / (n - 1)  # binary weights: Σw² = Σw
        if var_term <= 0:
            continue
        z[i] = (local - mean * w_sum) / (s * math.sqrt(var_term))
    return z


def p_values(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Two-sided normal p-values: erfc(|z| / √2)."""
    return np.array([math.erfc(abs(float(v)) / math.sqrt(2)) for v in z])


def benjamini_hochberg(
    p: Sequence[float] | NDArray[np.float64], q: float = 0.05
) -> NDArray[np.bool_]:
    """Which hypotheses to reject at false-discovery rate ``q``.

    Sort p ascending; find the largest k with p_(k) ≤ k·q / m; reject the k smallest.
    """
    pv = np.asarray(p, dtype=float)
    m = len(pv)
    reject = np.zeros(m, dtype=bool)
    if m == 0:
        return reject
    order = np.argsort(pv, kind="stable")
    thresholds = q * np.arange(1, m + 1) / m
    below = np.nonzero(pv[order] <= thresholds)[0]
    if len(below):
        reject[order[: below[-1] + 1]] = True
    return reject


@dataclass(frozen=True, slots=True)
class HotCell:
    """One grid cell's result; ``kind`` is "hot", "cold" or "" (not significant)."""

    i: int
    j: int
    x: float
    y: float
    count: int
    z: float
    p: float
    kind: str


@dataclass(frozen=True, slots=True)
class HotspotResult:
    grid: Grid
    cells: tuple[HotCell, ...]

    @property
    def hot(self) -> tuple[HotCell, ...]:
        return tuple(c for c in self.cells if c.kind == "hot")

    @property
    def cold(self) -> tuple[HotCell, ...]:
        return tuple(c for c in self.cells if c.kind == "cold")


def hotspots(
    theme_xy: NDArray[np.float64],
    area_xy: NDArray[np.float64] | None = None,
    cell_size: float = CELL_SIZE,
    distance: float | None = None,
    q: float = FDR_Q,
) -> HotspotResult:
    """Gi* hotspots of one theme's points (SWEREF 99 TM metres) on a grid.

    ``area_xy`` (all contributions' points) fixes the study area; by default the theme's own
    points. ``distance`` defaults to 1.5 cell sizes (the 8 neighbouring cells).
    """
    area = area_xy if area_xy is not None and len(area_xy) else theme_xy
    grid = Grid.covering(area, cell_size)
    counts = grid.counts(theme_xy)
    centres = grid.centres()
    z = getis_ord_gi_star(
        counts, centres, distance if distance is not None else NEIGHBOUR_CELLS * cell_size
    )
    p = p_values(z)
    significant = benjamini_hochberg(p, q)
    cells = []
    for idx in range(len(counts)):
        kind = ""
        if significant[idx]:
            kind = "hot" if z[idx] > 0 else "cold"
        cells.append(
            HotCell(
                i=idx // grid.ny,
                j=idx % grid.ny,
                x=float(centres[idx, 0]),
                y=float(centres[idx, 1]),
                count=int(counts[idx]),
                z=float(z[idx]),
                p=float(p[idx]),
                kind=kind,
            )
        )
    return HotspotResult(grid, tuple(cells))


def theme_concentration(theme_xy: NDArray[np.float64], grid: Grid) -> tuple[float, float]:
    """(normalized HHI, Gini) of a theme's point counts over all cells of ``grid``."""
    counts = [float(c) for c in grid.counts(theme_xy)]
    return normalized_hhi(counts), gini(counts)


@dataclass(frozen=True, slots=True)
class ThemeHotspots:
    theme: str
    points: int
    result: HotspotResult
    normalized_hhi: float
    gini: float


def hotspots_by_theme(
    contributions: Sequence[Contribution],
    coded: Mapping[str, CodedContribution],
    themes: Sequence[str],
    cell_size: float = CELL_SIZE,
    q: float = FDR_Q,
) -> dict[str, ThemeHotspots]:
    """Hotspots and concentration per theme for the contributions that have a position.

    The study area is the grid over all positioned contributions; themes with no positioned
    contribution are left out.
    """
    placed = [c for c in contributions if c.lon is not None and c.lat is not None]
    if not placed:
        return {}
    xy = to_sweref(
        [c.lon for c in placed if c.lon is not None], [c.lat for c in placed if c.lat is not None]
    )
    out: dict[str, ThemeHotspots] = {}
    for theme in themes:
        mask = np.array([theme in (coded[c.id].theme_ids if c.id in coded else ()) for c in placed])
        if not mask.any():
            continue
        res = hotspots(xy[mask], area_xy=xy, cell_size=cell_size, q=q)
        nh, g = theme_concentration(xy[mask], res.grid)
        out[theme] = ThemeHotspots(theme, int(mask.sum()), res, nh, g)
    return out
