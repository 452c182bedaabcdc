"""Compiled term matching over tokens, shared by the theme coder and the valence lexicon.

See :mod:`analysis.codebook` for the pattern syntax. Every distinct token is matched once per
language and the result cached, so coding cost grows with the vocabulary, not the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from analysis.text import Stemmer

#: (key index, weight, matched term) for one key that a token or phrase matched.
Hit = tuple[int, float, str]


@dataclass(frozen=True, slots=True)
class TermSet:
    """The patterns of one key (a theme id or a valence polarity)."""

    key: str
    strong: Sequence[str]
    weak: Sequence[str] = ()
    exclude: Sequence[str] = ()


def _fragment(pattern: str, endings: str) -> str:
    """Regex for one token pattern; the caller anchors it."""
    if pattern.startswith("~"):
        pattern = pattern[1:]
    if pattern.startswith("="):
        return re.escape(pattern[1:])
    lead = pattern.startswith("*")
    trail = pattern.endswith("*") and len(pattern) > 1
    core = re.escape(pattern.strip("*"))
    if lead and trail:
        return rf"[\w']*{core}[\w']*"
    if trail:
        return rf"{core}[\w']*"
    if lead:
        return rf"[\w']*{core}{endings}"
    return rf"{core}{endings}"


def _alternation(fragments: list[str]) -> re.Pattern[str] | None:
    if not fragments:
        return None
    return re.compile("(?:" + "|".join(fragments) + ")")


class TermMatcher:
    """Matches tokens and phrases of one language against several keyed term sets."""

    def __init__(
        self,
        term_sets: Sequence[TermSet],
        stemmer: Stemmer,
        endings: Sequence[str],
        strong_weight: float,
        weak_weight: float,
    ) -> None:
        self.keys = tuple(ts.key for ts in term_sets)
        self._stem = stemmer.stem
        ends = sorted({e for e in endings if e}, key=len, reverse=True)
        self._endings = "(?:" + "|".join(re.escape(e) for e in ends) + ")?" if ends else ""
        self._cache: dict[str, tuple[Hit, ...]] = {}
        self._token_rules: list[
            tuple[
                re.Pattern[str] | None,
                re.Pattern[str] | None,
                re.Pattern[str] | None,
                dict[str, float],
            ]
        ] = []
        self._phrase_rules: list[tuple[int, float, re.Pattern[str]]] = []
        self._veto_rules: list[tuple[int, re.Pattern[str]]] = []
        for idx, ts in enumerate(term_sets):
            strong_f: list[str] = []
            weak_f: list[str] = []
            stems: dict[str, float] = {}
            for weight, patterns, frags in (
                (strong_weight, ts.strong, strong_f),
                (weak_weight, ts.weak, weak_f),
            ):
                phrases = [
                    " ".join(self._fragment(w) for w in p.split()) for p in patterns if " " in p
                ]
                if phrases:
                    rx = re.compile(r"(?<![\w'])(?:" + "|".join(phrases) + r")(?![\w'])")
                    self._phrase_rules.append((idx, weight, rx))
                for p in patterns:
                    if " " in p:
                        continue
                    if p.startswith("~"):
                        s = self._stem(p[1:])
                        stems[s] = max(stems.get(s, 0.0), weight)
                    else:
                        frags.append(self._fragment(p))
            excl = _alternation([self._fragment(p) for p in ts.exclude if " " not in p])
            excl_phrases = [
                " ".join(self._fragment(w) for w in p.split()) for p in ts.exclude if " " in p
            ]
            if excl_phrases:
                rx = re.compile(r"(?<![\w'])(?:" + "|".join(excl_phrases) + r")(?![\w'])")
                self._veto_rules.append((idx, rx))
            self._token_rules.append((_alternation(strong_f), _alternation(weak_f), excl, stems))
        self._weights = (strong_weight, weak_weight)

    def _fragment(self, pattern: str) -> str:
        return _fragment(pattern, self._endings)

    def token_hits(self, token: str) -> tuple[Hit, ...]:
        """The keys a token matches, with the strongest weight per key (cached)."""
        hits = self._cache.get(token)
        if hits is not None:
            return hits
        found: list[Hit] = []
        stem: str | None = None
        strong_w, weak_w = self._weights
        for idx, (strong, weak, excl, stems) in enumerate(self._token_rules):
            if excl is not None and excl.fullmatch(token):
                continue
            weight = 0.0
            if strong is not None and strong.fullmatch(token):
                weight = strong_w
            elif weak is not None and weak.fullmatch(token):
                weight = weak_w
            if weight < strong_w and stems:
                if stem is None:
                    stem = self._stem(token)
                weight = max(weight, stems.get(stem, 0.0))
            if weight > 0.0:
                found.append((idx, weight, token))
        hits = tuple(found)
        if len(self._cache) < 1_000_000:
            self._cache[token] = hits
        return hits

    def vetoes(self, tokens: Sequence[str]) -> set[tuple[int, int]]:
        """(key index, token index) pairs an exclusion phrase takes away from a key.

        ``skate park`` excluded under green keeps ``park`` in "a skate park" from counting.
        """
        if not self._veto_rules or len(tokens) < 2:
            return set()
        joined = " ".join(tokens)
        out: set[tuple[int, int]] = set()
        for idx, rx in self._veto_rules:
            for m in rx.finditer(joined):
                first = joined.count(" ", 0, m.start())
                for k in range(first, first + m.group(0).count(" ") + 1):
                    out.add((idx, k))
        return out

    def phrase_hits(self, tokens: Sequence[str]) -> list[tuple[int, float, str, int]]:
        """Phrase matches as (key index, weight, phrase, index of the phrase's first token)."""
        if not self._phrase_rules or len(tokens) < 2:
            return []
        joined = " ".join(tokens)
        out: list[tuple[int, float, str, int]] = []
        for idx, weight, rx in self._phrase_rules:
            for m in rx.finditer(joined):
                out.append((idx, weight, m.group(0), joined.count(" ", 0, m.start())))
        return out
