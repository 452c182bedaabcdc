"""The automatic coder: multi-label themes with a confidence, plus valence, for each text.

Each token of the detected language is matched once against the codebook's compiled patterns
(see :mod:`analysis.codebook`) and the result cached. A theme's confidence combines its distinct
matched terms as independent evidence, ``1 - Π(1 - w_i)``; the theme is assigned when the
confidence reaches the codebook's threshold. A term right after a locative preposition ("vid
stationen", "near the station") names where something happens rather than what the text is
about, so its weight is damped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from analysis.codebook import Codebook, load_codebook
from analysis.matcher import TermMatcher, TermSet
from analysis.models import CodedContribution, Contribution, ThemeAssignment
from analysis.text import NEGATORS, SUPPORTED_LANGUAGES, detect_language, get_stemmer, tokenize
from analysis.valence import ValenceScorer, default_scorer

# Words that may stand between a locative preposition and its noun ("vid den nya stationen").
_DETERMINERS = frozenset(
    "den det de en ett nya nye gamla stora lilla the a an new old big small".split()
)


class Coder:
    """Codes texts against a codebook; build once and reuse (it caches per token)."""

    def __init__(
        self,
        codebook: Codebook | None = None,
        default_lang: str = "sv",
        enabled: Sequence[str] = SUPPORTED_LANGUAGES,
        scorer: ValenceScorer | None = None,
    ) -> None:
        self.codebook = codebook if codebook is not None else load_codebook()
        self.default_lang = default_lang
        self.enabled = tuple(enabled)
        self.scorer = scorer if scorer is not None else default_scorer()
        self.source = self.codebook.source_tag
        self.version = self.codebook.version
        self._theme_ids = self.codebook.theme_ids
        self._matchers: dict[str, TermMatcher] = {}
        for lang in self.enabled:
            sets = []
            for theme in self.codebook.themes:
                p = theme.patterns.get(lang)
                sets.append(
                    TermSet(theme.id, p.strong, p.weak, p.exclude)
                    if p is not None
                    else TermSet(theme.id, ())
                )
            self._matchers[lang] = TermMatcher(
                sets,
                get_stemmer(lang),
                self.codebook.endings.get(lang, ()),
                self.codebook.strong_weight,
                self.codebook.weak_weight,
            )

    def detect(self, text: str, tokens: list[str] | None = None) -> str:
        return detect_language(text, self.default_lang, self.enabled, tokens)

    def themes(self, tokens: Sequence[str], lang: str) -> tuple[ThemeAssignment, ...]:
        """Themes of already tokenized text in ``lang``, best first."""
        matcher = self._matchers.get(lang) or self._matchers[self.enabled[0]]
        if not tokens or (len(tokens) <= 3 and tokens[0] in NEGATORS.get(lang, ())):
            # "Inga synpunkter", "no comment": a negated nothing is no content.
            return ()
        locatives = self.codebook.locatives.get(lang, frozenset())
        damping = self.codebook.locative_damping
        evidence: dict[int, dict[str, float]] = {}
        vetoed = matcher.vetoes(tokens)
        for i, tok in enumerate(tokens):
            hits = matcher.token_hits(tok)
            if not hits:
                continue
            located = i > 0 and (
                tokens[i - 1] in locatives
                or (i > 1 and tokens[i - 1] in _DETERMINERS and tokens[i - 2] in locatives)
            )
            for idx, weight, term in hits:
                if vetoed and (idx, i) in vetoed:
                    continue
                w = weight * damping if located else weight
                terms = evidence.setdefault(idx, {})
                if w > terms.get(term, 0.0):
                    terms[term] = w
        for idx, weight, phrase, _start in matcher.phrase_hits(tokens):
            terms = evidence.setdefault(idx, {})
            terms[phrase] = max(weight, terms.get(phrase, 0.0))
        out: list[ThemeAssignment] = []
        threshold = self.codebook.threshold
        for idx, terms in evidence.items():
            miss = 1.0
            for w in terms.values():
                miss *= 1.0 - w
            conf = round(1.0 - miss, 4)
            if conf >= threshold:
                out.append(ThemeAssignment(self._theme_ids[idx], conf, tuple(terms)))
        out.sort(key=lambda a: (-a.confidence, self._theme_ids.index(a.theme)))
        return tuple(out)

    def code(
        self,
        text: str,
        lang: str | None = None,
        category: str | None = None,
        id: str = "",
    ) -> CodedContribution:
        """Code one text: language (detected when not given), themes and valence."""
        tokens = tokenize(text)
        if lang not in self._matchers:
            lang = self.detect(text, tokens)
        themes = self.themes(tokens, lang)
        val = self.scorer.score(text, lang, category, tokens).valence
        return CodedContribution(id, lang, themes, val, self.source, self.version)

    def code_contribution(self, c: Contribution) -> CodedContribution:
        return self.code(c.text, c.lang, c.category, c.id)

    def code_many(self, contributions: Iterable[Contribution]) -> list[CodedContribution]:
        return [self.code_contribution(c) for c in contributions]


@lru_cache(maxsize=1)
def default_coder() -> Coder:
    """A shared coder with the default codebook."""
    return Coder()


def code_contribution(c: Contribution, coder: Coder | None = None) -> CodedContribution:
    """Code one contribution with ``coder`` (the default coder when None)."""
    return (coder or default_coder()).code_contribution(c)


def code_texts(texts: Iterable[str], coder: Coder | None = None) -> list[CodedContribution]:
    """Code plain texts; ids are their positions as strings."""
    cd = coder or default_coder()
    return [cd.code(t, id=str(i)) for i, t in enumerate(texts)]
