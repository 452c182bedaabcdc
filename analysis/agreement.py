"""Agreement between codings: precision, recall and F1 per theme, and Cohen's kappa.

Used both to evaluate the automatic coder on a gold file and to report agreement between the
machine and human reviewers (docs/design.md 6 step 5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ThemeScores:
    """Per-theme confusion counts and the scores derived from them."""

    theme: str
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when the theme was never predicted (no false claims)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when the theme never occurs in the reference."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """2tp / (2tp + fp + fn); 1.0 when the theme is absent from both sides."""
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else 1.0

    @property
    def kappa(self) -> float:
        """Cohen's kappa of the binary present/absent decision for this theme."""
        return cohen_kappa_counts(self.tp, self.fp, self.fn, self.tn)


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Multi-label agreement of a prediction against a reference."""

    per_theme: tuple[ThemeScores, ...]
    n_items: int

    @property
    def micro_f1(self) -> float:
        tp = sum(s.tp for s in self.per_theme)
        fp = sum(s.fp for s in self.per_theme)
        fn = sum(s.fn for s in self.per_theme)
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0

    @property
    def macro_f1(self) -> float:
        """Mean F1 over themes that occur in the reference or the prediction."""
        used = [s.f1 for s in self.per_theme if s.tp + s.fp + s.fn]
        return sum(used) / len(used) if used else 1.0

    def theme(self, theme_id: str) -> ThemeScores:
        for s in self.per_theme:
            if s.theme == theme_id:
                return s
        raise KeyError(theme_id)


def cohen_kappa_counts(tp: int, fp: int, fn: int, tn: int) -> float:
    """Cohen's kappa from a 2×2 table: (p_o − p_e) / (1 − p_e).

    p_o = (tp + tn) / n; p_e = (p_yes_a · p_yes_b) + (p_no_a · p_no_b). When both raters give
    the same single answer to every item p_e = 1 and kappa is defined here as 1.0.
    """
    n = tp + fp + fn + tn
    if n == 0:
        return 1.0
    p_o = (tp + tn) / n
    a_yes = (tp + fn) / n  # reference says yes
    b_yes = (tp + fp) / n  # prediction says yes
    p_e = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if p_e >= 1.0:
        return 1.0
    return (p_o - p_e) / (1 - p_e)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa for two raters' nominal labels of the same items."""
    if len(a) != len(b):
        raise ValueError("both raters must label the same items")
    n = len(a)
    if n == 0:
        return 1.0
    labels = set(a) | set(b)
    p_o = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    p_e = sum((a.count(lab) / n) * (b.count(lab) / n) for lab in labels)
    if p_e >= 1.0:
        return 1.0
    return (p_o - p_e) / (1 - p_e)


def multilabel_agreement(
    reference: Mapping[str, Iterable[str]],
    predicted: Mapping[str, Iterable[str]],
    themes: Sequence[str],
) -> AgreementReport:
    """Compare theme sets per item id; items missing from ``predicted`` count as uncoded.

    Only items present in ``reference`` are scored (a human review covers a subset).
    """
    ref = {k: set(v) for k, v in reference.items()}
    pred = {k: set(predicted.get(k, ())) for k in ref}
    scores = []
    for theme in themes:
        tp = fp = fn = tn = 0
        for item, r in ref.items():
            in_r, in_p = theme in r, theme in pred[item]
            if in_r and in_p:
                tp += 1
            elif in_p:
                fp += 1
            elif in_r:
                fn += 1
            else:
                tn += 1
        scores.append(ThemeScores(theme, tp, fp, fn, tn))
    return AgreementReport(tuple(scores), len(ref))
