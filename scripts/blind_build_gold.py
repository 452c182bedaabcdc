"""Build the frozen gold file of the second blind set from the two codings and the adjudication.

Where coders A and B agree on a field (a theme's presence, or the valence) their label is kept;
every field where they disagree must have exactly one row in blind2_adjudication.csv, whose
`decision` is used. Writes tests/data/blind2_gold.csv (id,text,themes,valence,lang,channel,
category; themes `;`-joined in the manual's order). Used once to freeze the set; the file is
pinned by tests/unit/analysis/test_blind2_frozen.py and must never be edited afterwards.

    python scripts/blind_build_gold.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from blind_agreement import DATA, THEMES, VALENCES, read_coding  # noqa: E402


def main() -> None:
    coder_a = read_coding(DATA / "blind2_coder_a.csv")
    coder_b = read_coding(DATA / "blind2_coder_b.csv")
    with (DATA / "blind2_texts.csv").open(newline="", encoding="utf-8") as fh:
        texts = list(csv.DictReader(fh))
    decisions: dict[tuple[str, str], str] = {}
    with (DATA / "blind2_adjudication.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = (row["id"], row["field"])
            if key in decisions:
                raise SystemExit(f"adjudicated twice: {key}")
            decisions[key] = row["decision"]

    used: set[tuple[str, str]] = set()
    out = []
    for text in texts:
        item = text["id"]
        (themes_a, val_a), (themes_b, val_b) = coder_a[item], coder_b[item]
        themes = []
        for theme in THEMES:
            in_a, in_b = theme in themes_a, theme in themes_b
            if in_a == in_b:
                present = in_a
            else:
                decision = decisions.get((item, theme))
                if decision not in ("present", "absent"):
                    raise SystemExit(f"{item}/{theme}: disagreement without a decision")
                used.add((item, theme))
                present = decision == "present"
            if present:
                themes.append(theme)
        if val_a == val_b:
            valence = val_a
        else:
            valence = decisions.get((item, "valence"), "")
            if valence not in VALENCES:
                raise SystemExit(f"{item}/valence: disagreement without a valid decision")
            used.add((item, "valence"))
        out.append(
            {
                "id": item,
                "text": text["text"],
                "themes": ";".join(themes),
                "valence": valence,
                "lang": text["lang"],
                "channel": text["channel"],
                "category": text["category"],
            }
        )
    unused = set(decisions) - used
    if unused:
        raise SystemExit(f"decisions for fields the coders agree on: {sorted(unused)}")

    fields = ["id", "text", "themes", "valence", "lang", "channel", "category"]
    with (DATA / "blind2_gold.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"{len(out)} rows, {len(used)} adjudicated fields")


if __name__ == "__main__":
    main()
