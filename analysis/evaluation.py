"""Evaluating the coder on a labelled gold file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analysis.agreement import AgreementReport, multilabel_agreement
from analysis.coder import Coder


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    report: AgreementReport
    valence_accuracy: float
    split: str
    errors: tuple[str, ...]


def parse_themes(value: str | None) -> set[str]:
    return {t.strip() for t in (value or "").split(";") if t.strip()}


def in_split(row: Mapping[str, str], split: str) -> bool:
    """Deterministic split: the ``split`` column when present, else odd numeric ids are ``dev``."""
    if split == "all":
        return True
    label = (row.get("split") or "").strip()
    if not label:
        digits = "".join(ch for ch in row["id"] if ch.isdigit())
        label = "dev" if digits and int(digits) % 2 else "tune"
    return label == split


def evaluate_rows(
    rows: Sequence[Mapping[str, str]], coder: Coder, split: str = "all"
) -> EvaluationResult:
    """Code every row of ``split`` and compare themes and valence with the gold labels."""
    gold: dict[str, set[str]] = {}
    pred: dict[str, set[str]] = {}
    correct = 0
    errors: list[str] = []
    for row in rows:
        if not in_split(row, split):
            continue
        # The inputs the app has at coding time: text, language, category and channel.
        res = coder.code(
            row["text"],
            (row.get("lang") or None),
            (row.get("category") or None),
            row["id"],
            (row.get("channel") or None),
        )
        gold[row["id"]] = parse_themes(row.get("themes"))
        pred[row["id"]] = set(res.theme_ids)
        gold_val = (row.get("valence") or "").strip()
        correct += gold_val == res.valence
        if gold[row["id"]] != pred[row["id"]] or gold_val != res.valence:
            errors.append(
                f"{row['id']}\tgold={';'.join(sorted(gold[row['id']]))}/{gold_val}"
                f"\tpred={';'.join(sorted(pred[row['id']]))}/{res.valence}\t{row['text']}"
            )
    report = multilabel_agreement(gold, pred, coder.codebook.theme_ids)
    acc = correct / len(gold) if gold else 0.0
    return EvaluationResult(report, acc, split, tuple(errors))
