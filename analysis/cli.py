"""Command line: ``python -m analysis code|evaluate|train|map``.

``code INPUT.csv [--codebook PATH] [--model MODEL.json]`` reads ``id,text`` (optional
``lang,channel,category``) and writes ``id,themes,valence,lang`` to stdout, ``themes``
``;``-separated; with ``--model`` the rules are combined with a model made by ``train``.

``train REVIEWED.csv --out MODEL.json [--codebook PATH] [--folds K] [--seed N]`` trains that
model from reviewed items (``id,text,themes,valence``, optional
``lang,channel,category,participant``) and prints the cross-validated F1 of the rules alone
and of rules + model on them; the model file (JSON) records the same figures.

``evaluate GOLD.csv [--codebook PATH] [--split dev|tune|all]`` compares the coder with a
gold file of ``id,text,themes,valence`` (optional ``split``) and prints precision, recall and F1
per theme, micro and macro F1, and valence accuracy.

``map INPUT.csv --out MAP.html [--lang sv|en] [--codebook PATH]`` reads ``id,text,lon,lat``
(optional ``lang,category,themes``) and writes one self-contained folium map: a layer per
theme plus the Gi* hotspot cells, every script and stylesheet inline. Without a ``themes``
column the texts are coded with the codebook first.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from analysis.agreement import multilabel_agreement
from analysis.codebook import CodebookError, load_codebook
from analysis.coder import Coder
from analysis.evaluation import EvaluationResult, evaluate_rows
from analysis.learn import read_reviewed, train
from analysis.learned import Model


def _coder(codebook: str | None, model: str | None = None) -> Coder:
    return Coder(load_codebook(codebook), model=Model.load(model) if model else None)


def _read_csv(path: str) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"id", "text"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: needs the columns id,text")
        return [dict(r) for r in reader]


def cmd_code(args: argparse.Namespace, out: TextIO) -> int:
    coder = _coder(args.codebook, args.model)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "themes", "valence", "lang"])
    for row in _read_csv(args.input):
        lang = (row.get("lang") or "").strip() or None
        res = coder.code(
            row["text"] or "",
            lang,
            (row.get("category") or None),
            row["id"],
            (row.get("channel") or None),
        )
        writer.writerow([res.id, ";".join(res.theme_ids), res.valence, res.lang])
    return 0


def format_evaluation(result: EvaluationResult) -> str:
    lines = [
        f"items: {result.report.n_items}  split: {result.split}",
        f"{'theme':<12} {'P':>6} {'R':>6} {'F1':>6} {'support':>8} {'predicted':>9}",
    ]
    for s in result.report.per_theme:
        lines.append(
            f"{s.theme:<12} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
            f"{s.support:8d} {s.tp + s.fp:9d}"
        )
    lines.append(f"micro F1: {result.report.micro_f1:.3f}")
    lines.append(f"macro F1: {result.report.macro_f1:.3f}")
    lines.append(f"valence accuracy: {result.valence_accuracy:.3f}")
    return "\n".join(lines)


def cmd_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    rows = _read_csv(args.gold)
    result = evaluate_rows(rows, _coder(args.codebook, args.model), args.split)
    out.write(format_evaluation(result) + "\n")
    if args.errors:
        for e in result.errors:
            out.write(e + "\n")
    return 0


def cmd_map(args: argparse.Namespace, out: TextIO) -> int:
    from analysis.map import MapPoint, MapTexts, read_points, write_map

    codebook = load_codebook(args.codebook)
    points = read_points(args.input)
    with Path(args.input).open(encoding="utf-8-sig", newline="") as fh:
        has_themes = "themes" in (csv.DictReader(fh).fieldnames or [])
    if not has_themes:
        coder = Coder(codebook)
        points = [
            MapPoint(
                p.id,
                p.lon,
                p.lat,
                p.text,
                coder.code(p.text, p.lang, p.category, p.id).theme_ids,
                p.category,
                p.lang,
            )
            for p in points
        ]
    labels = {t: codebook.theme(t).label_for(args.lang) for t in codebook.theme_ids}
    texts = MapTexts.for_language(args.lang, labels)
    n = write_map(points, args.out, texts, theme_order=codebook.theme_ids)
    out.write(f"{n} points written to {args.out}\n")
    return 0


def format_training(model: Model) -> str:
    cv = model.cv
    lines = [
        f"model {model.id}: {model.n_items} items, {model.n_participants} participants, "
        f"{len(model.features)} features (each seen from >= {model.min_participants})",
    ]
    if not cv:
        lines.append("no cross-validation (too few participants)")
        return "\n".join(lines)
    lines.append(f"{cv['k']}-fold cross-validation on the reviews (grouped by participant):")
    lines.append(f"{'theme':<12} {'rules F1':>9} {'+model F1':>10} {'uses model':>11}")
    for t in model.themes:
        lines.append(
            f"{t:<12} {cv['rules']['per_theme_f1'][t]:9.3f} "
            f"{cv['rules_model']['per_theme_f1'][t]:10.3f} "
            f"{'yes' if model.use_theme[t] else 'no':>11}"
        )
    for key, label in (("macro_f1", "macro F1"), ("micro_f1", "micro F1")):
        lines.append(
            f"{label}: rules {cv['rules'][key]:.3f}, rules+model {cv['rules_model'][key]:.3f}, "
            f"combined {cv['combined'][key]:.3f}"
        )
    lines.append(
        f"valence accuracy: rules {cv['rules']['valence_accuracy']:.3f}, "
        f"rules+model {cv['rules_model']['valence_accuracy']:.3f} "
        f"(model {'used' if model.use_valence else 'not used'})"
    )
    lines.append(f"blend weight of the rules: {model.blend_rule_weight}")
    return "\n".join(lines)


def cmd_train(args: argparse.Namespace, out: TextIO) -> int:
    items = read_reviewed(args.reviewed)
    model = train(items, _coder(args.codebook), k=args.folds, seed=args.seed)
    model.save(args.out)
    out.write(format_training(model) + "\n")
    out.write(f"written: {args.out} (source {model.source_tag})\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_code = sub.add_parser("code", help="code a CSV of id,text and print id,themes,valence,lang")
    p_code.add_argument("input")
    p_code.add_argument("--codebook", default=None, help="codebook JSON or TOML")
    p_code.add_argument("--model", default=None, help="a model JSON made by 'train'")
    p_code.set_defaults(func=cmd_code)
    p_eval = sub.add_parser("evaluate", help="score the coder against a gold CSV")
    p_eval.add_argument("gold")
    p_eval.add_argument("--codebook", default=None, help="codebook JSON or TOML")
    p_eval.add_argument(
        "--split",
        choices=("dev", "tune", "all"),
        default="all",
        help="rows of this split only (a 'split' column, else odd ids are dev)",
    )
    p_eval.add_argument("--errors", action="store_true", help="list disagreements")
    p_eval.add_argument("--model", default=None, help="a model JSON made by 'train'")
    p_eval.set_defaults(func=cmd_evaluate)
    p_map = sub.add_parser(
        "map", help="write a self-contained folium map of a CSV of id,text,lon,lat"
    )
    p_map.add_argument("input")
    p_map.add_argument("--out", required=True, help="the HTML file to write")
    p_map.add_argument("--lang", default="sv", help="language of labels (sv or en)")
    p_map.add_argument("--codebook", default=None, help="codebook JSON or TOML")
    p_map.set_defaults(func=cmd_map)
    p_train = sub.add_parser("train", help="train a model from reviewed id,text,themes,valence")
    p_train.add_argument("reviewed")
    p_train.add_argument("--out", required=True, help="where to write the model JSON")
    p_train.add_argument("--codebook", default=None, help="codebook JSON or TOML")
    p_train.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    p_train.add_argument("--seed", type=int, default=0, help="seed of the fold assignment")
    p_train.set_defaults(func=cmd_train)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args, out or sys.stdout)
    except (OSError, ValueError, CodebookError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    return code


__all__ = ["build_parser", "main", "multilabel_agreement"]
