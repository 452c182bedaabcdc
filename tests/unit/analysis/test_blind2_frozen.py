"""The second blind evaluation set is frozen: pin its bytes and check its shape.

tests/data/blind2_gold.csv was labelled by two independent coders from the coding manual only
and adjudicated by a third (see tests/data/blind2_README.md). It exists only to measure the
automatic coder; a pattern, term or rule written from one of its rows would make the
measurement worthless, and so would any edit to the labels.
"""

import csv
import hashlib
from pathlib import Path

GOLD = Path(__file__).resolve().parents[2] / "data" / "blind2_gold.csv"
FROZEN_SHA256 = "cd65cc664a5281e6a8deb3d2e71554f0802f44246c7d9b68f7d665a886d42597"
# The ten theme ids of the coding manual, hard-coded on purpose.
THEMES = {
    "safety",
    "green",
    "meeting",
    "everyday",
    "mobility",
    "identity",
    "cohesion",
    "children",
    "health_env",
    "influence",
}
VALENCES = {"positive", "negative", "neutral", "mixed"}


def _rows() -> list[dict[str, str]]:
    with GOLD.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_blind2_gold_is_unchanged() -> None:
    digest = hashlib.sha256(GOLD.read_bytes()).hexdigest()
    assert digest == FROZEN_SHA256, (
        f"{GOLD.name} has changed (sha256 {digest}, frozen {FROZEN_SHA256}). "
        "The blind set must never be edited or used to write rules: it is used only to "
        "measure. Restore the file from git instead of updating this hash."
    )


def test_blind2_gold_has_the_evaluation_columns_and_enough_rows() -> None:
    rows = _rows()
    with GOLD.open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header[:4] == ["id", "text", "themes", "valence"]
    assert len(rows) >= 300
    assert all(row["text"].strip() for row in rows)


def test_blind2_gold_ids_are_unique() -> None:
    ids = [row["id"] for row in _rows()]
    assert len(ids) == len(set(ids))


def test_blind2_gold_uses_only_manual_theme_ids_and_valences() -> None:
    rows = _rows()
    unknown = {
        (row["id"], theme)
        for row in rows
        for theme in row["themes"].split(";")
        if theme and theme not in THEMES
    }
    assert not unknown
    assert {row["valence"] for row in rows} <= VALENCES
