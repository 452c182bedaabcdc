import itertools

import numpy as np
import pytest

from analysis.suppression import suppress_table, suppress_value


def determined_cells(table, result):
    """Hidden cells whose value follows from the shown figures by linear algebra."""
    t = np.asarray(table)
    r, c = t.shape
    hidden = [(i, j) for i in range(r) for j in range(c) if result.hidden[i][j]]
    var = {("c", i, j): k for k, (i, j) in enumerate(hidden)}
    for i in range(r):
        if result.row_totals[i] in ("<5", "x"):
            var[("r", i)] = len(var)
    for j in range(c):
        if result.col_totals[j] in ("<5", "x"):
            var[("k", j)] = len(var)
    if result.grand_total in ("<5", "x"):
        var[("g",)] = len(var)
    rows = []

    def eq(terms):
        row = np.zeros(len(var))
        for key, coef in terms:
            if key in var:
                row[var[key]] += coef
        rows.append(row)

    for i in range(r):
        eq([(("c", i, j), 1) for j in range(c)] + [(("r", i), -1)])
    for j in range(c):
        eq([(("c", i, j), 1) for i in range(r)] + [(("k", j), -1)])
    eq([(("r", i), 1) for i in range(r)] + [(("g",), -1)])
    eq([(("k", j), 1) for j in range(c)] + [(("g",), -1)])
    a = np.array(rows) if var else np.zeros((0, 0))
    rank = np.linalg.matrix_rank(a) if var else 0
    out = []
    for (i, j), k in ((cell, var[("c", *cell)]) for cell in hidden):
        e = np.zeros(len(var))
        e[k] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            out.append((i, j))
    return out


def test_single_small_cell_is_hidden_with_a_complement_in_row_and_column():
    table = [[10, 3, 20], [12, 15, 30]]
    res = suppress_table(table)
    assert res.cells[0][1] == "<5"
    assert res.cells[0][0] == "x"  # smallest other cell of the row
    assert res.cells[1][1] == "x"  # smallest other cell of the column
    assert res.row_totals == ("33", "57")
    assert res.grand_total == "90"
    assert determined_cells(table, res) == []


def test_cells_that_totals_would_reveal_are_protected():
    table = [[2, 0], [10, 10]]
    res = suppress_table(table)
    assert res.cells[0] == ("<5", "0")
    assert res.row_totals[0] == "<5"
    assert determined_cells(table, res) == []
    # the small cell stays hidden and cannot be derived from the column total 12
    assert res.col_totals[0] == "12" and res.cells[1][0] == "x"


def test_no_small_cells_means_nothing_hidden():
    res = suppress_table([[5, 6], [7, 8]])
    assert res.cells == (("5", "6"), ("7", "8"))
    assert res.grand_total == "26"
    assert not any(any(r) for r in res.hidden)


def test_zeros_are_shown_unless_asked():
    assert suppress_table([[0, 9], [9, 9]]).cells[0][0] == "0"
    assert suppress_table([[0, 9], [9, 9]], suppress_zeros=True).cells[0][0] == "<5"


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_never_reveal_a_small_cell(seed):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
    table = rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 14, 30], size=shape).tolist()
    res = suppress_table(table)
    for i, j in itertools.product(range(shape[0]), range(shape[1])):
        if 0 < table[i][j] < 5:
            assert res.cells[i][j] == "<5"
    leaked = [cell for cell in determined_cells(table, res) if res.primary[cell[0]][cell[1]]]
    assert leaked == []


def test_suppress_value_and_bad_input():
    assert suppress_value(3) == "<5" and suppress_value(0) == "0" and suppress_value(5) == "5"
    with pytest.raises(ValueError):
        suppress_table([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress_table([[-1]])
