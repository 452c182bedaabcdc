"""Inter-coder agreement for the second blind evaluation set.

Reads the two independent codings (id,themes,valence; themes `;`-separated) and prints
Cohen's kappa and raw agreement per theme (presence/absence over all items) and for valence
(four classes). Plain Python; nltk's AnnotationTask gives the same kappa.

    python scripts/blind_agreement.py [CODER_A.csv CODER_B.csv]
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

THEMES = (
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
)
VALENCES = ("positive", "negative", "neutral", "mixed")
DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def read_coding(path: Path) -> dict[str, tuple[frozenset[str], str]]:
    out: dict[str, tuple[frozenset[str], str]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            themes = frozenset(t.strip() for t in row["themes"].split(";") if t.strip())
            unknown = themes - set(THEMES)
            if unknown:
                raise SystemExit(f"{path}: {row['id']}: unknown theme(s) {sorted(unknown)}")
            if row["valence"] not in VALENCES:
                raise SystemExit(f"{path}: {row['id']}: bad valence {row['valence']!r}")
            if row["id"] in out:
                raise SystemExit(f"{path}: duplicate id {row['id']}")
            out[row["id"]] = (themes, row["valence"])
    return out


def cohen_kappa(a: list[str], b: list[str]) -> tuple[float, float]:
    """Return (kappa, raw agreement) for two equally long label lists."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    kappa = 1.0 if expected == 1 else (observed - expected) / (1 - expected)
    return kappa, observed


def main(argv: list[str]) -> None:
    path_a = Path(argv[0]) if argv else DATA / "blind2_coder_a.csv"
    path_b = Path(argv[1]) if len(argv) > 1 else DATA / "blind2_coder_b.csv"
    coder_a, coder_b = read_coding(path_a), read_coding(path_b)
    if set(coder_a) != set(coder_b):
        raise SystemExit("the two codings do not cover the same ids")
    ids = sorted(coder_a)
    print(f"{len(ids)} items")
    print("| field | n A | n B | both | disagree | raw agreement | Cohen's kappa |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    kappas = []
    for theme in THEMES:
        a = ["1" if theme in coder_a[i][0] else "0" for i in ids]
        b = ["1" if theme in coder_b[i][0] else "0" for i in ids]
        kappa, raw = cohen_kappa(a, b)
        kappas.append(kappa)
        n_a, n_b = a.count("1"), b.count("1")
        both = sum(x == y == "1" for x, y in zip(a, b, strict=True))
        dis = sum(x != y for x, y in zip(a, b, strict=True))
        print(f"| {theme} | {n_a} | {n_b} | {both} | {dis} | {raw:.3f} | {kappa:.3f} |")
    mean = sum(kappas) / len(kappas)
    print(f"| themes (mean of 10) | | | | | | {mean:.3f} |")
    a = [coder_a[i][1] for i in ids]
    b = [coder_b[i][1] for i in ids]
    kappa, raw = cohen_kappa(a, b)
    dis = sum(x != y for x, y in zip(a, b, strict=True))
    print(f"| valence (4 classes) | | | | {dis} | {raw:.3f} | {kappa:.3f} |")
    exact = sum(coder_a[i][0] == coder_b[i][0] for i in ids)
    print(f"\nidentical theme sets: {exact}/{len(ids)} ({exact / len(ids):.3f})")
    items = sum(coder_a[i] != coder_b[i] for i in ids)
    print(f"items with any disagreement (themes or valence): {items}")


if __name__ == "__main__":
    main(sys.argv[1:])
