"""Training the learned layer from facilitators' reviews (``python -m analysis train``).

The learner is L2-regularised logistic regression over binary features (Snowball stems,
stem bigrams, the resident's map category, the channel and the lexicon's valence verdict; see
:func:`analysis.learned.text_features`), one-vs-rest for the themes and a four-class softmax for
valence, fitted by full-batch gradient descent (Adam) in numpy. Why this learner:

- it is small, fast and well understood; applying it is a sum of weight rows per text, so
  coding 100,000 texts stays within the time budget;
- its outputs are probabilities that can be blended with the rules' confidence, which naive
  Bayes (over-confident with correlated features such as a stem and its bigrams) does poorly;
- it is pure numpy, already a dependency; nltk's ``MaxentClassifier`` (GIS/IIS in pure
  Python) is orders of magnitude slower to train and its ``NaiveBayesClassifier`` has the
  calibration problem above. nltk serves here through its Snowball stemmers.
- the result is plain data: feature names and weight rows, stored as JSON.

Only features seen in texts of at least ``min_participants`` (3) distinct participants are
kept (the ``participant`` column, else the item id): a word one person used cannot identify
them through the model, and rare features are noise anyway.

:func:`train` also cross-validates (k folds grouped by participant) the rules alone against
rules + model on the reviews and records the figures in the model; the model is then used only
for the themes (and for valence) where it beat the rules in cross-validation.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.coder import Coder
from analysis.evaluation import parse_themes
from analysis.learned import FloatArray, Model, ModelError, _sigmoid, _softmax, text_features
from analysis.models import VALENCES, Valence
from analysis.text import tokenize

__all__ = [
    "Model",
    "ModelError",
    "ReviewedItem",
    "cross_validate",
    "read_reviewed",
    "train",
]

#: Blend weights of the rules tried in cross-validation (the rest goes to the model).
BLEND_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
VALENCE_MIN_PROB = 0.5
#: Blend weight of the rules without cross-validation: 0, the model decides alone (it sees
#: the rules' confidence as an input).
UNGATED_BLEND = 0.0
L2 = 0.001
ITERATIONS = 250
LEARNING_RATE = 0.1


@dataclass(frozen=True, slots=True)
class ReviewedItem:
    """One reviewed contribution: the facilitators' themes and valence for a text."""

    id: str
    text: str
    themes: frozenset[str]
    valence: Valence
    lang: str | None = None
    channel: str | None = None
    category: str | None = None
    participant: str | None = None

    @property
    def owner(self) -> str:
        """Who wrote it, for the minimum-participants rule: the participant, else the id."""
        return self.participant or f"id:{self.id}"


def read_reviewed(path: str | Path) -> list[ReviewedItem]:
    """Read ``id,text,themes,valence`` (optional ``lang,channel,category,participant``)."""
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        need = {"id", "text", "themes", "valence"}
        if reader.fieldnames is None or not need <= set(reader.fieldnames):
            raise ValueError(f"{path}: needs the columns id,text,themes,valence")
        items = []
        for n, row in enumerate(reader, start=2):
            val = (row.get("valence") or "").strip()
            if val not in VALENCES:
                raise ValueError(f"{path}:{n}: valence must be one of {', '.join(VALENCES)}")
            items.append(
                ReviewedItem(
                    id=row["id"],
                    text=row["text"] or "",
                    themes=frozenset(parse_themes(row.get("themes"))),
                    valence=val,  # checked above
                    lang=(row.get("lang") or "").strip() or None,
                    channel=(row.get("channel") or "").strip() or None,
                    category=(row.get("category") or "").strip() or None,
                    participant=(row.get("participant") or "").strip() or None,
                )
            )
    return items


@dataclass(frozen=True, slots=True)
class _Prepared:
    features: list[str]
    rule_conf: list[float]
    rule_valence: Valence
    from_category: bool


def _prepare(items: Sequence[ReviewedItem], coder: Coder) -> list[_Prepared]:
    out = []
    for it in items:
        tokens = tokenize(it.text)
        lang = it.lang if it.lang in coder.enabled else coder.detect(it.text, tokens)
        lex = coder.scorer.score(it.text, lang, it.category, tokens)
        feats = text_features(
            tokens, lang, it.category, it.channel, lex.valence, it.text.rstrip().endswith("?")
        )
        conf = coder.rule_confidences(tokens, lang)
        out.append(_Prepared(feats, conf, lex.valence, lex.from_category))
    return out


def _vocabulary(
    prepared: Sequence[_Prepared], owners: Sequence[str], min_participants: int
) -> list[str]:
    seen: dict[str, set[str]] = {}
    for p, owner in zip(prepared, owners, strict=True):
        for f in p.features:
            seen.setdefault(f, set()).add(owner)
    return sorted(f for f, who in seen.items() if len(who) >= min_participants)


def _design(prepared: Sequence[_Prepared], vocab: Sequence[str]) -> FloatArray:
    """Binary text features, then the rules' confidence per theme (real-valued)."""
    index = {f: i for i, f in enumerate(vocab)}
    n_rules = len(prepared[0].rule_conf) if prepared else 0
    x = np.zeros((len(prepared), len(vocab) + n_rules), dtype=np.float64)
    for r, p in enumerate(prepared):
        for f in p.features:
            c = index.get(f)
            if c is not None:
                x[r, c] = 1.0
        x[r, len(vocab) :] = p.rule_conf
    return x


def _fit(x: FloatArray, y: FloatArray, softmax: bool) -> tuple[FloatArray, FloatArray]:
    """Minimise mean log-loss + L2/2·|W|² by full-batch Adam; returns (W, b)."""
    n, f = x.shape
    k = y.shape[1]
    w = np.zeros((f, k))
    b = np.zeros(k)
    if n == 0:
        return w, b
    # Start the bias at the base rate so rare themes begin rare.
    rate = np.clip(y.mean(axis=0), 1e-3, 1 - 1e-3)
    b = np.log(rate) if softmax else np.log(rate / (1 - rate))
    mw, vw, mb, vb = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, ITERATIONS + 1):
        z = x @ w + b
        p = _softmax(z) if softmax else _sigmoid(z)
        g = (p - y) / n
        gw = x.T @ g + L2 * w
        gb = g.sum(axis=0)
        mw = beta1 * mw + (1 - beta1) * gw
        vw = beta2 * vw + (1 - beta2) * gw * gw
        mb = beta1 * mb + (1 - beta1) * gb
        vb = beta2 * vb + (1 - beta2) * gb * gb
        c1, c2 = 1 - beta1**step, 1 - beta2**step
        w -= LEARNING_RATE * (mw / c1) / (np.sqrt(vw / c2) + eps)
        b -= LEARNING_RATE * (mb / c1) / (np.sqrt(vb / c2) + eps)
    return w, b


def _targets(items: Sequence[ReviewedItem], themes: Sequence[str]) -> tuple[FloatArray, FloatArray]:
    yt = np.array([[1.0 if t in it.themes else 0.0 for t in themes] for it in items])
    yt = yt.reshape(len(items), len(themes))
    yv = np.zeros((len(items), len(VALENCES)))
    for r, it in enumerate(items):
        yv[r, VALENCES.index(it.valence)] = 1.0
    return yt, yv


@dataclass(frozen=True, slots=True)
class _Fitted:
    vocab: list[str]
    wt: FloatArray
    bt: FloatArray
    wv: FloatArray
    bv: FloatArray


def _fit_all(
    items: Sequence[ReviewedItem],
    prepared: Sequence[_Prepared],
    themes: Sequence[str],
    min_participants: int,
) -> _Fitted:
    vocab = _vocabulary(prepared, [it.owner for it in items], min_participants)
    x = _design(prepared, vocab)
    yt, yv = _targets(items, themes)
    wt, bt = _fit(x, yt, softmax=False)
    wv, bv = _fit(x, yv, softmax=True)
    return _Fitted(vocab, wt, bt, wv, bv)


def _folds(owners: Sequence[str], k: int, seed: int) -> list[int]:
    """Fold of each item; all items of one participant share a fold."""
    groups = sorted(set(owners))
    random.Random(seed).shuffle(groups)  # noqa: S311 - fold assignment, not security
    fold_of = {g: i % k for i, g in enumerate(groups)}
    return [fold_of[o] for o in owners]


def _f1(gold: FloatArray, pred: FloatArray) -> FloatArray:
    tp = (gold * pred).sum(axis=0)
    fp = ((1 - gold) * pred).sum(axis=0)
    fn = (gold * (1 - pred)).sum(axis=0)
    denom = 2 * tp + fp + fn
    out: FloatArray = np.where(denom > 0, 2 * tp / np.maximum(denom, 1e-12), 1.0)
    return out


def _scores(gold: FloatArray, pred: FloatArray) -> tuple[float, float, FloatArray]:
    """(macro F1 over themes occurring in gold or prediction, micro F1, per-theme F1)."""
    per = _f1(gold, pred)
    used = ((gold + pred).sum(axis=0)) > 0
    macro = float(per[used].mean()) if used.any() else 1.0
    tp = float((gold * pred).sum())
    wrong = float(((1 - gold) * pred).sum() + (gold * (1 - pred)).sum())
    micro = 2 * tp / (2 * tp + wrong) if tp + wrong else 1.0
    return macro, micro, per


def _valence_choice(
    prepared: Sequence[_Prepared], probs: FloatArray, min_prob: float
) -> list[Valence]:
    out: list[Valence] = []
    for p, vp in zip(prepared, probs, strict=True):
        best = int(vp.argmax())
        if p.from_category or vp[best] < min_prob:
            out.append(p.rule_valence)
        else:
            out.append(VALENCES[best])
    return out


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """Out-of-fold figures of the rules alone and of rules + model on the reviews."""

    k: int
    blend_rule_weight: float
    use_theme: dict[str, bool]
    use_valence: bool
    figures: dict[str, Any]


def cross_validate(
    items: Sequence[ReviewedItem],
    coder: Coder,
    k: int = 5,
    seed: int = 0,
    min_participants: int = 3,
    prepared: Sequence[_Prepared] | None = None,
) -> CrossValidation:
    """k-fold (grouped by participant) rules vs rules + model on reviewed items."""
    themes = coder.codebook.theme_ids
    prep = list(prepared) if prepared is not None else _prepare(items, coder)
    owners = [it.owner for it in items]
    k = max(2, min(k, len(set(owners))))
    fold = _folds(owners, k, seed)
    n = len(items)
    oof_t = np.zeros((n, len(themes)))
    oof_v = np.zeros((n, len(VALENCES)))
    for f in range(k):
        train_idx = [i for i in range(n) if fold[i] != f]
        test_idx = [i for i in range(n) if fold[i] == f]
        if not test_idx or not train_idx:
            continue
        fitted = _fit_all(
            [items[i] for i in train_idx], [prep[i] for i in train_idx], themes, min_participants
        )
        x = _design([prep[i] for i in test_idx], fitted.vocab)
        oof_t[test_idx] = _sigmoid(x @ fitted.wt + fitted.bt)
        oof_v[test_idx] = _softmax(x @ fitted.wv + fitted.bv)
    gold, _ = _targets(items, themes)
    rule_conf = np.array([p.rule_conf for p in prep]).reshape(n, len(themes))
    threshold = coder.codebook.threshold
    rules_pred = (rule_conf >= threshold).astype(np.float64)
    r_macro, r_micro, r_per = _scores(gold, rules_pred)
    candidates = []
    for w in BLEND_GRID:
        pred = ((w * rule_conf + (1 - w) * oof_t) >= threshold).astype(np.float64)
        macro, _micro, per = _scores(gold, pred)
        candidates.append((macro, -w, w, per, pred))
    # The best macro F1; on a tie the smaller rules' weight (the first in the grid).
    m_macro, _, w_best, m_per, m_pred = max(candidates, key=lambda c: (c[0], c[1]))
    use = {t: bool(m_per[i] > r_per[i]) for i, t in enumerate(themes)}
    gated = np.where(np.array([use[t] for t in themes])[None, :], m_pred, rules_pred)
    g_macro, g_micro, g_per = _scores(gold, gated)
    _, m_micro, _ = _scores(gold, m_pred)
    gold_val = [it.valence for it in items]
    r_acc = sum(p.rule_valence == g for p, g in zip(prep, gold_val, strict=True)) / max(n, 1)
    m_val = _valence_choice(prep, oof_v, VALENCE_MIN_PROB)
    m_acc = sum(a == g for a, g in zip(m_val, gold_val, strict=True)) / max(n, 1)
    use_valence = m_acc > r_acc

    def block(macro: float, micro: float, per: FloatArray, acc: float) -> dict[str, Any]:
        return {
            "macro_f1": round(macro, 4),
            "micro_f1": round(micro, 4),
            "valence_accuracy": round(acc, 4),
            "per_theme_f1": {t: round(float(per[i]), 4) for i, t in enumerate(themes)},
        }

    figures = {
        "k": k,
        "n_items": n,
        "rules": block(r_macro, r_micro, r_per, r_acc),
        "rules_model": block(m_macro, m_micro, m_per, m_acc),
        "combined": block(g_macro, g_micro, g_per, m_acc if use_valence else r_acc),
        "note": (
            "out-of-fold figures grouped by participant; 'rules_model' blends every theme, "
            "'combined' only the themes where rules_model beat the rules (the model's use_theme)"
            "; blend weight and gates were chosen on these same folds, so 'combined' is "
            "slightly optimistic"
        ),
    }
    return CrossValidation(k, w_best, use, use_valence, figures)


def train(
    items: Sequence[ReviewedItem],
    coder: Coder | None = None,
    *,
    k: int = 5,
    seed: int = 0,
    min_participants: int = 3,
    cv: bool = True,
) -> Model:
    """Train a model from reviewed items; with ``cv`` also decide where it beats the rules.

    Without ``cv`` the model is used for every theme and for valence with the rules' blend
    weight :data:`UNGATED_BLEND` (for experiments; the app should keep ``cv=True``).
    """
    if not items:
        raise ValueError("no reviewed items to train on")
    coder = coder or Coder()
    themes = coder.codebook.theme_ids
    known = set(themes)
    for it in items:
        unknown = it.themes - known
        if unknown:
            raise ValueError(f"{it.id}: unknown theme(s) {', '.join(sorted(unknown))}")
    prep = _prepare(items, coder)
    fitted = _fit_all(items, prep, themes, min_participants)
    owners = Counter(it.owner for it in items)
    if cv and len(owners) >= 2:
        result = cross_validate(items, coder, k, seed, min_participants, prep)
        blend, use_theme, use_val = result.blend_rule_weight, result.use_theme, result.use_valence
        figures: Mapping[str, Any] = result.figures
    else:
        blend, use_theme, use_val, figures = UNGATED_BLEND, dict.fromkeys(themes, True), True, {}
    n_f = len(fitted.vocab)
    return Model(
        fitted.vocab,
        themes,
        fitted.wt[:n_f],
        fitted.bt,
        fitted.wv[:n_f],
        fitted.bv,
        fitted.wt[n_f:],
        fitted.wv[n_f:],
        blend_rule_weight=blend,
        threshold=coder.codebook.threshold,
        use_theme=use_theme,
        use_valence=use_val,
        valence_min_prob=VALENCE_MIN_PROB,
        min_participants=min_participants,
        n_items=len(items),
        n_participants=len(owners),
        cv=figures,
    )
