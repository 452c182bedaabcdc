"""The learned layer of the coder: a model trained from facilitators' reviews, stored as JSON.

A :class:`Model` holds two linear models over the same sparse binary features of a text
(:func:`text_features`): one logistic regression per theme (multi-label, one-vs-rest) and a
four-class softmax regression for valence. Applying it is a sum of weight rows per text, so
coding with a model costs little more than coding with the rules.

How the model is combined with the rules (see ``docs/analysis.md``):

- **Themes**: for a theme the model is used for (``use_theme``, decided by cross-validation on
  the reviews), the score is ``w * rule_confidence + (1 - w) * model_probability`` with the
  blend weight ``w`` chosen by cross-validation; the theme is assigned at ``>= threshold``
  (0.5). For the other themes the rules decide alone, as without a model.
- **Valence**: the resident's own category first (as the rules), then the model when it is
  used (``use_valence``) and its most probable class has at least ``valence_min_prob``, then
  the lexicon.

The model file is plain JSON (never pickle); :meth:`Model.to_json` and
:meth:`Model.from_json` round-trip it exactly, and :attr:`Model.id` is a hash of its content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from analysis.models import VALENCES, Valence
from analysis.text import get_stemmer, stopwords
from analysis.valence import normalize_category

FORMAT = "platsdialog-coder-model/1"
FloatArray = npt.NDArray[np.float64]


class ModelError(ValueError):
    """A model file that cannot be read or does not fit this version of the package."""


def text_features(
    tokens: Sequence[str],
    lang: str,
    category: str | None = None,
    channel: str | None = None,
    lexicon_valence: str | None = None,
    question: bool = False,
) -> list[str]:
    """The binary features of one text, for training and coding alike.

    ``u:<stem>`` Snowball stems of the non-stopword tokens, ``b:<stem>_<stem>`` stems of
    adjacent tokens (stopwords included, so "för sällan" is a feature), ``c:<category>`` the
    resident's own map category, ``ch:<channel>``, ``lex:<valence>`` the lexicon's verdict and
    ``q`` for a question.
    """
    stem = get_stemmer(lang if lang in ("sv", "en") else "sv").stem
    stop = stopwords(lang)
    stems = [stem(t) for t in tokens]
    feats = {"u:" + s for t, s in zip(tokens, stems, strict=True) if t not in stop}
    feats.update("b:" + a + "_" + b for a, b in zip(stems, stems[1:], strict=False))
    if category:
        feats.add("c:" + normalize_category(category))
    if channel:
        feats.add("ch:" + channel.strip().lower())
    if lexicon_valence:
        feats.add("lex:" + lexicon_valence)
    if question:
        feats.add("q")
    return sorted(feats)


def _sigmoid(z: FloatArray) -> FloatArray:
    out: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
    return out


def _softmax(z: FloatArray) -> FloatArray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    out: FloatArray = e / e.sum(axis=-1, keepdims=True)
    return out


def _matrix(rows: Any, n_rows: int, n_cols: int, name: str) -> FloatArray:
    arr = np.asarray(rows, dtype=np.float64)
    if n_rows == 0:
        arr = arr.reshape(0, n_cols)
    if arr.shape != (n_rows, n_cols):
        raise ModelError(f"{name}: expected shape {(n_rows, n_cols)}, got {arr.shape}")
    return arr


class Model:
    """A trained theme and valence model; build with :func:`analysis.learn.train`."""

    def __init__(
        self,
        features: Sequence[str],
        themes: Sequence[str],
        theme_weights: FloatArray,
        theme_bias: FloatArray,
        valence_weights: FloatArray,
        valence_bias: FloatArray,
        theme_rule_weights: FloatArray | None = None,
        valence_rule_weights: FloatArray | None = None,
        *,
        blend_rule_weight: float = 0.5,
        threshold: float = 0.5,
        use_theme: Mapping[str, bool] | None = None,
        use_valence: bool = True,
        valence_min_prob: float = 0.5,
        min_participants: int = 3,
        n_items: int = 0,
        n_participants: int = 0,
        cv: Mapping[str, Any] | None = None,
    ) -> None:
        self.features = tuple(features)
        self.themes = tuple(themes)
        self.valences: tuple[Valence, ...] = VALENCES
        n_f, n_t = len(self.features), len(self.themes)
        self.theme_weights = _matrix(theme_weights, n_f, n_t, "theme_weights")
        self.theme_bias = _matrix(np.reshape(theme_bias, (1, -1)), 1, n_t, "theme_bias")[0]
        self.valence_weights = _matrix(valence_weights, n_f, len(VALENCES), "valence_weights")
        self.valence_bias = _matrix(
            np.reshape(valence_bias, (1, -1)), 1, len(VALENCES), "valence_bias"
        )[0]
        # The rules' confidence for each model theme is a real-valued input too (stacking): the
        # model learns how far to trust the rules for each theme and for valence.
        n_r = len(self.themes)
        self.theme_rule_weights = (
            np.zeros((n_r, n_t))
            if theme_rule_weights is None
            else _matrix(theme_rule_weights, n_r, n_t, "theme_rule_weights")
        )
        self.valence_rule_weights = (
            np.zeros((n_r, len(VALENCES)))
            if valence_rule_weights is None
            else _matrix(valence_rule_weights, n_r, len(VALENCES), "valence_rule_weights")
        )
        self.blend_rule_weight = float(blend_rule_weight)
        self.threshold = float(threshold)
        self.use_theme = {t: bool((use_theme or {}).get(t, True)) for t in self.themes}
        self.use_valence = bool(use_valence)
        self.valence_min_prob = float(valence_min_prob)
        self.min_participants = int(min_participants)
        self.n_items = int(n_items)
        self.n_participants = int(n_participants)
        self.cv: dict[str, Any] = dict(cv or {})
        self._index = {f: i for i, f in enumerate(self.features)}
        # Both models side by side, so coding one text is one gather-and-sum.
        self._w_all = np.hstack([self.theme_weights, self.valence_weights])
        self._r_all = np.hstack([self.theme_rule_weights, self.valence_rule_weights])
        self._b_all = np.concatenate([self.theme_bias, self.valence_bias])
        self._theme_pos = {t: i for i, t in enumerate(self.themes)}
        self.id = hashlib.sha256(self._canonical().encode("utf-8")).hexdigest()[:12]

    # -- applying -------------------------------------------------------------------------
    @property
    def source_tag(self) -> str:
        """The coding source of everything this model contributed to, e.g. ``model:3fa2…``."""
        return f"model:{self.id}"

    def indices(self, features: Iterable[str]) -> list[int]:
        index = self._index
        return [index[f] for f in features if f in index]

    def logits(self, idx: Sequence[int], rule_conf: Mapping[int, float]) -> list[float]:
        """Linear scores of the themes (in the order of :attr:`themes`) then the valences.

        ``idx`` are the text's feature indices (:meth:`indices`), ``rule_conf`` the rules'
        non-zero confidences by model theme position.
        """
        z = self._b_all + self._w_all[list(idx)].sum(axis=0) if idx else self._b_all.copy()
        for pos, conf in rule_conf.items():
            z += conf * self._r_all[pos]
        out: list[float] = z.tolist()
        return out

    def theme_probabilities(self, idx: Sequence[int], rule_conf: Mapping[int, float]) -> FloatArray:
        """P(theme | text, rules) for every model theme, in the order of :attr:`themes`."""
        z = np.asarray(self.logits(idx, rule_conf)[: len(self.themes)])
        return _sigmoid(z)

    def valence_probabilities(
        self, idx: Sequence[int], rule_conf: Mapping[int, float]
    ) -> FloatArray:
        """P(valence | text, rules) in the order of :data:`analysis.models.VALENCES`."""
        z = np.asarray(self.logits(idx, rule_conf)[len(self.themes) :])
        return _softmax(z)

    def theme_position(self, theme: str) -> int | None:
        return self._theme_pos.get(theme)

    def blend(self, rule_confidence: float, probability: float) -> float:
        w = self.blend_rule_weight
        return w * rule_confidence + (1.0 - w) * probability

    # -- storing --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "id": self.id,
            **self._content(),
        }

    def _content(self) -> dict[str, Any]:
        return {
            "themes": list(self.themes),
            "valences": list(self.valences),
            "blend_rule_weight": self.blend_rule_weight,
            "threshold": self.threshold,
            "use_theme": dict(self.use_theme),
            "use_valence": self.use_valence,
            "valence_min_prob": self.valence_min_prob,
            "min_participants": self.min_participants,
            "n_items": self.n_items,
            "n_participants": self.n_participants,
            "cv": self.cv,
            "features": list(self.features),
            "theme_bias": [round(float(v), 6) for v in self.theme_bias],
            "theme_weights": [[round(float(v), 6) for v in row] for row in self.theme_weights],
            "valence_bias": [round(float(v), 6) for v in self.valence_bias],
            "theme_rule_weights": [
                [round(float(v), 6) for v in row] for row in self.theme_rule_weights
            ],
            "valence_rule_weights": [
                [round(float(v), 6) for v in row] for row in self.valence_rule_weights
            ],
            "valence_weights": [[round(float(v), 6) for v in row] for row in self.valence_weights],
        }

    def _canonical(self) -> str:
        return json.dumps(self._content(), sort_keys=True, ensure_ascii=False)

    def to_json(self) -> str:
        """The model as a JSON document (weights rounded to 6 decimals)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=None, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Model:
        if data.get("format") != FORMAT:
            raise ModelError(f"not a coder model (format {data.get('format')!r}, want {FORMAT})")
        if tuple(data.get("valences", ())) != VALENCES:
            raise ModelError("the model's valence classes differ from this package's")
        try:
            return cls(
                data["features"],
                data["themes"],
                data["theme_weights"],
                np.asarray(data["theme_bias"], dtype=np.float64),
                data["valence_weights"],
                np.asarray(data["valence_bias"], dtype=np.float64),
                data["theme_rule_weights"],
                data["valence_rule_weights"],
                blend_rule_weight=data["blend_rule_weight"],
                threshold=data["threshold"],
                use_theme=data["use_theme"],
                use_valence=data["use_valence"],
                valence_min_prob=data["valence_min_prob"],
                min_participants=data["min_participants"],
                n_items=data["n_items"],
                n_participants=data["n_participants"],
                cv=data["cv"],
            )
        except (KeyError, TypeError) as exc:
            raise ModelError(f"incomplete model file: {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> Model:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"model file is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ModelError("model file is not a JSON object")
        return cls.from_dict(data)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Model:
        """Read a model file; anything but this JSON format (a pickle, say) is refused."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ModelError(f"{path}: not a JSON model file") from exc
        try:
            return cls.from_json(text)
        except ModelError as exc:
            raise ModelError(f"{path}: {exc}") from exc
