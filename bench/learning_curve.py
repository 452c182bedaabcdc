"""Learning curve of the learned layer: train on reviewed items, measure on blind data.

Draws 50, 100, 200 and 400 items (and all of them) from tests/data/gold.csv (dev + tune, one
fixed shuffle, so every sample contains the smaller ones), trains a model on each with
``analysis.learn.train`` and evaluates on tests/data/blind2_gold.csv: the rules alone, rules +
model as ``code --model`` applies it (the model only where cross-validation on the training
items beat the rules), and rules + model on every theme and valence (no gate, the rules' blend
weight fixed at ``UNGATED_BLEND``). The blind file is only fed to the evaluator.

    PYTHONPATH=. .venv/bin/python bench/learning_curve.py [--seed 0] [--blind PATH]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.coder import Coder  # noqa: E402
from analysis.evaluation import evaluate_rows  # noqa: E402
from analysis.learn import read_reviewed, train  # noqa: E402

SIZES = (50, 100, 200, 400)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train", default=str(ROOT / "tests" / "data" / "gold.csv"))
    parser.add_argument("--blind", default=str(ROOT / "tests" / "data" / "blind2_gold.csv"))
    args = parser.parse_args()
    items = read_reviewed(args.train)
    random.Random(args.seed).shuffle(items)
    with Path(args.blind).open(encoding="utf-8", newline="") as fh:
        blind = list(csv.DictReader(fh))
    rules = Coder()
    base = evaluate_rows(blind, rules)
    sizes = [n for n in SIZES if n <= len(items)]
    if len(items) not in sizes:
        sizes.append(len(items))
    print(f"training pool: {len(items)} items of {Path(args.train).name}; seed {args.seed}")
    print(f"evaluation: {len(blind)} items of {Path(args.blind).name}")
    print()
    print("| trained on | coder | blind macro F1 | blind micro F1 | blind valence acc | CV note |")
    print("|---:|---|---:|---:|---:|---|")
    print(
        f"| – | rules | {base.report.macro_f1:.3f} | {base.report.micro_f1:.3f} "
        f"| {base.valence_accuracy:.3f} | |"
    )
    for n in sizes:
        sample = items[:n]
        t0 = time.perf_counter()
        gated = train(sample, rules, seed=args.seed)
        secs = time.perf_counter() - t0
        ungated = train(sample, rules, seed=args.seed, cv=False)
        for label, model in (("rules + model (gated)", gated), ("rules + model (all)", ungated)):
            res = evaluate_rows(blind, Coder(model=model))
            note = ""
            if model is gated:
                used = [t for t, u in model.use_theme.items() if u]
                cv = model.cv
                note = (
                    f"CV rules {cv['rules']['macro_f1']:.3f}/{cv['rules']['valence_accuracy']:.3f}"
                    f", combined {cv['combined']['macro_f1']:.3f}/"
                    f"{cv['combined']['valence_accuracy']:.3f}; model used for "
                    f"{len(used)} themes, valence {'yes' if model.use_valence else 'no'}; "
                    f"{len(model.features)} features; trained in {secs:.1f} s"
                )
            print(
                f"| {n} | {label} | {res.report.macro_f1:.3f} | {res.report.micro_f1:.3f} "
                f"| {res.valence_accuracy:.3f} | {note} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
