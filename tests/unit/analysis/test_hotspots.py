import numpy as np
import pytest

from analysis.hotspots import (
    Grid,
    benjamini_hochberg,
    getis_ord_gi_star,
    hotspots,
    p_values,
    theme_concentration,
    to_sweref,
)


def gi_star_reference(x, coords, d):
    """Independent dense-matrix Gi*: W with self-weights, Ord & Getis (1995)."""
    x = np.asarray(x, float)
    c = np.asarray(coords, float)
    n = len(x)
    dist = np.sqrt(((c[:, None, :] - c[None, :, :]) ** 2).sum(-1))
    w = (dist <= d).astype(float)
    xbar = x.mean()
    s = np.sqrt((x**2).mean() - xbar**2)
    wsum = w.sum(1)
    num = w @ x - xbar * wsum
    den = s * np.sqrt((n * (w**2).sum(1) - wsum**2) / (n - 1))
    return num / den


def test_gi_star_small_line_by_hand():
    values = [1, 2, 3, 10, 2]
    coords = [(i, 0) for i in range(5)]
    z = getis_ord_gi_star(values, coords, 1.0)
    # cell 3: neighbours {2,3,4}, Σx = 15, x̄ = 3.6, S = √10.64, √((5·3 − 9)/4) = √1.5
    assert z[3] == pytest.approx((15 - 3 * 3.6) / (np.sqrt(10.64) * np.sqrt(1.5)), abs=1e-9)
    assert z[3] == pytest.approx(1.0513, abs=1e-4)
    assert np.allclose(z, gi_star_reference(values, coords, 1.0))


def test_gi_star_matches_reference_on_a_grid():
    rng = np.random.default_rng(7)
    coords = [(i, j) for i in range(6) for j in range(5)]
    values = rng.poisson(3, size=len(coords)).astype(float)
    values[7] += 15
    expected = gi_star_reference(values, coords, 1.5)
    assert np.allclose(getis_ord_gi_star(values, coords, 1.5), expected)
    assert np.all(getis_ord_gi_star(np.ones(4), [(0, 0), (1, 0), (2, 0), (3, 0)], 1) == 0)


def test_benjamini_hochberg_by_hand():
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]).tolist() == [True] * 4
    assert benjamini_hochberg([0.01, 0.02, 0.03, 0.5]).tolist() == [True, True, True, False]
    # step-up: only p(1) = 0.001 ≤ 1·0.05/4; 0.04 > 2·0.05/4
    assert benjamini_hochberg([0.04, 0.001, 0.2, 0.045]).tolist() == [False, True, False, False]
    assert benjamini_hochberg([]).tolist() == []


def test_p_values_two_sided():
    assert p_values(np.array([1.959964]))[0] == pytest.approx(0.05, abs=1e-5)
    assert p_values(np.array([0.0]))[0] == pytest.approx(1.0)


def test_projection_to_sweref99tm():
    xy = to_sweref([15.0, 15.0], [59.0, 59.01])
    assert xy[0, 0] == pytest.approx(500000.0, abs=0.01)  # central meridian 15°E
    assert xy[1, 1] - xy[0, 1] == pytest.approx(1112, abs=5)  # 0.01° of latitude
    assert 6_500_000 < xy[0, 1] < 6_600_000


def test_hotspots_find_a_dense_cluster_and_nothing_in_uniform_noise():
    rng = np.random.default_rng(3)
    background = rng.uniform(0, 5000, size=(400, 2))
    cluster = rng.normal(2500, 60, size=(80, 2))
    area = np.vstack([background, cluster])
    res = hotspots(area, area_xy=area, cell_size=250)
    assert res.hot
    centre_cell = (int(2500 // 250), int(2500 // 250))
    assert any((c.i, c.j) == centre_cell for c in res.hot)
    assert all(abs(c.x - 2500) < 800 and abs(c.y - 2500) < 800 for c in res.hot)
    uniform = rng.uniform(0, 5000, size=(2000, 2))
    assert not hotspots(uniform, cell_size=500).hot


def test_grid_counts_and_concentration():
    pts = np.array([[0.0, 0.0], [10.0, 10.0], [260.0, 10.0], [490.0, 490.0]])
    grid = Grid.covering(pts, 250)
    assert (grid.nx, grid.ny) == (2, 2)
    assert grid.counts(pts).tolist() == [2.0, 0.0, 1.0, 1.0]
    nh, g = theme_concentration(pts, grid)
    assert nh == pytest.approx((0.375 - 0.25) / 0.75)
    assert g == pytest.approx(0.375)


def test_hotspots_by_theme_from_contributions():
    from analysis.coder import Coder
    from analysis.hotspots import hotspots_by_theme
    from analysis.models import Contribution

    rng = np.random.default_rng(11)
    contributions = []
    # Background: mobility comments spread over ~4 km; safety comments in one block.
    for i in range(200):
        lon, lat = 17.90 + rng.uniform(0, 0.07), 59.20 + rng.uniform(0, 0.036)
        contributions.append(Contribution(f"m{i}", "Bussen går för sällan", lon=lon, lat=lat))
    for i in range(40):
        lon, lat = 17.935 + rng.normal(0, 0.0005), 59.218 + rng.normal(0, 0.0003)
        contributions.append(Contribution(f"s{i}", "Otryggt och mörkt", lon=lon, lat=lat))
    contributions.append(Contribution("nopos", "Otryggt"))
    coder = Coder()
    coded = {c.id: coder.code_contribution(c) for c in contributions}
    out = hotspots_by_theme(contributions, coded, ["safety", "mobility", "green"])
    assert set(out) == {"safety", "mobility"}
    assert out["safety"].points == 40
    assert out["safety"].result.hot
    assert out["safety"].gini > out["mobility"].gini
    assert out["safety"].normalized_hhi > out["mobility"].normalized_hhi
