"""Valence: positive, negative, neutral or mixed.

The resident's own map category decides first ("Känns otryggt" is negative whatever the text
says). Otherwise a Swedish or English lexicon with a planning-domain list scores the text;
a negator up to three tokens before an evaluative word flips it ("inte trygg", "not safe").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis.matcher import TermMatcher, TermSet
from analysis.models import Valence
from analysis.text import NEGATORS, detect_language, get_stemmer, tokenize

DEFAULT_VALENCE_PATH = Path(__file__).resolve().parent / "data" / "valence.json"

STRONG = 0.9
WEAK = 0.45
_NEGATION_WINDOW = 3
# Tokens that end a negator's reach ("inte dyrt men fint": the negation stops at "men").
_SCOPE_BREAKERS = frozenset({"men", "but", "och", "and", "fast", "although", "utan"})
_SV_ENDINGS = ("a", "t", "e", "en", "et", "er", "ar", "na", "s")
_EN_ENDINGS = ("s", "es", "ed", "ing", "ly")


@dataclass(frozen=True, slots=True)
class ValenceScore:
    """The evidence behind a valence: summed positive and negative weights."""

    valence: Valence
    positive: float
    negative: float
    from_category: bool = False


def normalize_category(category: str) -> str:
    return " ".join(category.lower().replace("!", " ").replace(".", " ").split())


class ValenceScorer:
    """Scores texts with the category map and the lexicon of ``data/valence.json``."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        if data is None:
            with DEFAULT_VALENCE_PATH.open(encoding="utf-8") as fh:
                data = dict(json.load(fh))
        self.version = str(data.get("version", "v1"))
        self._categories: dict[str, Valence] = {}
        for polarity in ("negative", "positive", "neutral"):
            for label in data["categories"].get(polarity, []):
                self._categories[normalize_category(label)] = polarity
        self._contrast = {k: frozenset(v) for k, v in data["contrast"].items()}
        self._suggestion = {k: frozenset(v) for k, v in data["suggestion"].items()}
        self._null = {k: frozenset(v) for k, v in data["null_phrases"].items()}
        self._matchers: dict[str, TermMatcher] = {}
        for lang, lex in data["lexicon"].items():
            sets = [
                TermSet(pol, lex[pol].get("strong", []), lex[pol].get("weak", []))
                for pol in ("positive", "negative")
            ]
            self._matchers[lang] = TermMatcher(
                sets,
                get_stemmer(lang),
                _SV_ENDINGS if lang == "sv" else _EN_ENDINGS,
                STRONG,
                WEAK,
            )

    def category_valence(self, category: str | None) -> Valence | None:
        """The valence a resident's own category implies, or None when it implies none."""
        if not category:
            return None
        return self._categories.get(normalize_category(category))

    def score(
        self,
        text: str,
        lang: str,
        category: str | None = None,
        tokens: Sequence[str] | None = None,
    ) -> ValenceScore:
        """Score ``text`` in ``lang`` (tokens may be passed to avoid re-tokenizing)."""
        hint = self.category_valence(category)
        if hint in ("positive", "negative"):
            return ValenceScore(hint, 0.0, 0.0, from_category=True)
        toks = list(tokens) if tokens is not None else tokenize(text)
        matcher = self._matchers.get(lang) or self._matchers["sv"]
        joined = " ".join(toks)
        if joined in self._null.get(lang, frozenset()):
            return ValenceScore("neutral", 0.0, 0.0)
        negators = NEGATORS.get(lang, frozenset())
        scores = [0.0, 0.0]  # positive, negative
        covered: set[int] = set()
        for idx, weight, phrase, start in matcher.phrase_hits(toks):
            scores[idx] += weight
            covered.update(range(start, start + phrase.count(" ") + 1))
        for i, tok in enumerate(toks):
            if i in covered:
                continue
            for idx, weight, _term in matcher.token_hits(tok):
                if self._negated(toks, i, negators):
                    idx = 1 - idx
                    # A negated complaint ("inte farligt") is weaker praise than a plain one.
                    weight = weight * 0.5 if idx == 0 else weight
                scores[idx] += weight
        pos, neg = scores
        suggestion = self._suggestion.get(lang, frozenset())
        is_suggestion = any(t in suggestion for t in toks)
        is_question = text.rstrip().endswith("?")
        contrast = any(t in self._contrast.get(lang, frozenset()) for t in toks)
        return ValenceScore(
            self._decide(pos, neg, is_suggestion or hint == "neutral", is_question, contrast),
            pos,
            neg,
        )

    @staticmethod
    def _negated(toks: Sequence[str], i: int, negators: frozenset[str]) -> bool:
        for j in range(i - 1, max(-1, i - 1 - _NEGATION_WINDOW), -1):
            if toks[j] in _SCOPE_BREAKERS:
                return False
            if toks[j] in negators:
                return True
        return False

    @staticmethod
    def _decide(
        pos: float, neg: float, suggestion: bool, question: bool, contrast: bool
    ) -> Valence:
        if pos >= STRONG and neg >= STRONG and (contrast or abs(pos - neg) < WEAK):
            return "mixed"
        if suggestion or question:
            # A wish or a question is neutral unless it states a problem outright.
            if neg >= STRONG and neg > pos:
                return "negative"
            return "neutral"
        if neg > pos and neg >= WEAK:
            return "negative"
        if pos > neg and pos >= WEAK:
            return "positive"
        return "neutral"


@lru_cache(maxsize=1)
def default_scorer() -> ValenceScorer:
    """The shared scorer with the shipped lexicon."""
    return ValenceScorer()


def valence(
    text: str,
    lang: str | None = None,
    category: str | None = None,
    default_lang: str = "sv",
) -> Valence:
    """The valence of one text: the resident's category first, then the lexicon."""
    toks = tokenize(text)
    if lang is None:
        lang = detect_language(text, default=default_lang, tokens=toks)
    return default_scorer().score(text, lang, category, toks).valence
