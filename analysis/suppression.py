"""Small-cell suppression for tables of distinct-participant counts (docs/design.md 6 step 7).

Primary suppression hides every cell with 0 < count < threshold as "<5". Secondary suppression
(shown as "x", since the hidden value is not small) then makes sure no hidden cell can be
recovered by subtraction from a shown total: every row and column (and the line of row totals
and of column totals against the grand total) must hide
either no value or at least two. The smallest shown non-zero value of the line is hidden next;
when none is left, the line's total is hidden instead. This repeats until nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_COUNT = 5
#: Display of a value hidden only so that a small one cannot be recovered by subtraction.
SECONDARY = "x"


def _label(threshold: int) -> str:
    return f"<{threshold}"


@dataclass(frozen=True, slots=True)
class SuppressedTable:
    """Display values: numbers as strings, "<5" (primary) or "x" (secondary suppression)."""

    cells: tuple[tuple[str, ...], ...]
    row_totals: tuple[str, ...]
    col_totals: tuple[str, ...]
    grand_total: str
    #: True where a cell is hidden (primary or secondary).
    hidden: tuple[tuple[bool, ...], ...]
    primary: tuple[tuple[bool, ...], ...]


def _protect(values: list[int], mask: list[bool], total_hidden: bool) -> tuple[int, bool]:
    """Return (index to hide or -1, hide the total) for one line."""
    if total_hidden or sum(mask) != 1:
        return -1, False
    candidates = [(v, k) for k, v in enumerate(values) if not mask[k] and v > 0]
    if candidates:
        return min(candidates)[1], False
    return -1, True


def _secondary(
    rows: list[list[int]],
    hidden: list[list[bool]],
    row_hidden: list[bool],
    col_hidden: list[bool],
    grand_hidden: bool,
) -> bool:
    """Hide more cells and totals (in place) until no hidden value can be recovered by
    subtraction; return whether the grand total ends up hidden."""
    n_rows = len(rows)
    n_cols = len(rows[0]) if rows else 0
    row_tot = [sum(r) for r in rows]
    col_tot = [sum(rows[i][j] for i in range(n_rows)) for j in range(n_cols)]
    changed = True
    while changed:
        changed = False
        for i in range(n_rows):
            k, hide_total = _protect(rows[i], hidden[i], row_hidden[i])
            if k >= 0:
                hidden[i][k] = changed = True
            elif hide_total:
                row_hidden[i] = changed = True
        for j in range(n_cols):
            col = [rows[i][j] for i in range(n_rows)]
            mask = [hidden[i][j] for i in range(n_rows)]
            k, hide_total = _protect(col, mask, col_hidden[j])
            if k >= 0:
                hidden[k][j] = changed = True
            elif hide_total:
                col_hidden[j] = changed = True
        for totals, mask in ((row_tot, row_hidden), (col_tot, col_hidden)):
            k, hide_grand = _protect(totals, mask, grand_hidden)
            if k >= 0:
                mask[k] = changed = True
            elif hide_grand:
                grand_hidden = changed = True
    return grand_hidden


def suppress_table(
    table: Sequence[Sequence[int]],
    threshold: int = MIN_COUNT,
    suppress_zeros: bool = False,
) -> SuppressedTable:
    """Suppress small cells of ``table`` (rows × columns of distinct-participant counts).

    Zeros are shown unless ``suppress_zeros``: knowing that nobody in a group said something
    identifies no one. Totals below the threshold are hidden as well.
    """
    rows = [list(map(int, r)) for r in table]
    n_rows = len(rows)
    n_cols = len(rows[0]) if rows else 0
    if any(len(r) != n_cols for r in rows):
        raise ValueError("every row needs the same number of columns")
    if any(v < 0 for r in rows for v in r):
        raise ValueError("counts cannot be negative")

    def small(v: int) -> bool:
        return (v > 0 or suppress_zeros) and v < threshold

    primary = [[small(v) for v in r] for r in rows]
    hidden = [list(r) for r in primary]
    row_tot = [sum(r) for r in rows]
    col_tot = [sum(rows[i][j] for i in range(n_rows)) for j in range(n_cols)]
    grand = sum(row_tot)
    row_hidden = [small(v) for v in row_tot]
    col_hidden = [small(v) for v in col_tot]
    grand_hidden = small(grand)

    grand_hidden = _secondary(rows, hidden, row_hidden, col_hidden, grand_hidden)

    label = _label(threshold)

    def show(v: int, h: bool) -> str:
        if not h:
            return str(v)
        return label if small(v) else SECONDARY

    return SuppressedTable(
        cells=tuple(
            tuple(show(rows[i][j], hidden[i][j]) for j in range(n_cols)) for i in range(n_rows)
        ),
        row_totals=tuple(show(v, h) for v, h in zip(row_tot, row_hidden, strict=True)),
        col_totals=tuple(show(v, h) for v, h in zip(col_tot, col_hidden, strict=True)),
        grand_total=show(grand, grand_hidden),
        hidden=tuple(tuple(r) for r in hidden),
        primary=tuple(tuple(r) for r in primary),
    )


def suppress_value(count: int, threshold: int = MIN_COUNT) -> str:
    """A single figure for display: "<5" when 0 < count < threshold."""
    return _label(threshold) if 0 < count < threshold else str(count)
