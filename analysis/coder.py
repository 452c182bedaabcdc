"""The automatic coder: multi-label themes with a confidence, plus valence, for each text.

Each token of the detected language is matched once against the codebook's compiled patterns
(see :mod:`analysis.codebook`) and the result cached. A theme's confidence combines its distinct
matched terms as independent evidence, ``1 - Π(1 - w_i)``; the theme is assigned when the
confidence reaches the codebook's threshold. A term right after a locative preposition ("vid
stationen", "near the station") names where something happens rather than what the text is
about, so its weight is damped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache

from analysis.codebook import Codebook, load_codebook
from analysis.learned import Model, text_features
from analysis.matcher import TermMatcher, TermSet
from analysis.models import CodedContribution, Contribution, ThemeAssignment, Valence
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
        model: Model | None = None,
    ) -> None:
        self.codebook = codebook if codebook is not None else load_codebook()
        self.default_lang = default_lang
        self.enabled = tuple(enabled)
        self.scorer = scorer if scorer is not None else default_scorer()
        self.rule_source = self.codebook.source_tag
        self.model = model
        ids = self.codebook.theme_ids
        model_pos = {t: i for i, t in enumerate(model.themes)} if model else {}
        # Model theme position of each codebook theme (None: not in the model).
        self._model_of = [model_pos.get(t) for t in ids]
        self._model_use = [bool(model and t in model_pos and model.use_theme[t]) for t in ids]
        self._model_used = any(self._model_use)
        # With a model every coding records both: "rule:v1+model:<hash>", version "v1+<hash>".
        self.source = self.rule_source + (f"+{model.source_tag}" if model else "")
        self.version = self.codebook.version + (f"+{model.id}" if model else "")
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

    def rule_evidence(self, tokens: Sequence[str], lang: str) -> dict[int, dict[str, float]]:
        """Matched terms and their weights per theme index, before any threshold."""
        matcher = self._matchers.get(lang) or self._matchers[self.enabled[0]]
        if not tokens or (len(tokens) <= 3 and tokens[0] in NEGATORS.get(lang, ())):
            # "Inga synpunkter", "no comment": a negated nothing is no content.
            return {}
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
        return evidence

    @staticmethod
    def combine(terms: dict[str, float]) -> float:
        """Distinct terms as independent evidence: ``1 - Π(1 - w)``."""
        miss = 1.0
        for w in terms.values():
            miss *= 1.0 - w
        return round(1.0 - miss, 4)

    def rule_confidences(self, tokens: Sequence[str], lang: str) -> list[float]:
        """The rules' confidence for every codebook theme (0.0 when no term matched)."""
        conf = [0.0] * len(self._theme_ids)
        for idx, terms in self.rule_evidence(tokens, lang).items():
            conf[idx] = self.combine(terms)
        return conf

    def themes(self, tokens: Sequence[str], lang: str) -> tuple[ThemeAssignment, ...]:
        """Themes of already tokenized text in ``lang`` by the rules alone, best first."""
        evidence = self.rule_evidence(tokens, lang)
        return self._rule_themes(evidence, {i: self.combine(t) for i, t in evidence.items()})

    def _rule_themes(
        self, evidence: dict[int, dict[str, float]], conf: dict[int, float]
    ) -> tuple[ThemeAssignment, ...]:
        out: list[ThemeAssignment] = []
        threshold = self.codebook.threshold
        for idx, terms in evidence.items():
            if conf[idx] >= threshold:
                out.append(ThemeAssignment(self._theme_ids[idx], conf[idx], tuple(terms)))
        out.sort(key=lambda a: (-a.confidence, self._theme_ids.index(a.theme)))
        return tuple(out)

    def _with_model(
        self,
        model: Model,
        text: str,
        tokens: list[str],
        lang: str,
        category: str | None,
        channel: str | None,
    ) -> tuple[tuple[ThemeAssignment, ...], Valence]:
        evidence = self.rule_evidence(tokens, lang)
        conf = {i: self.combine(terms) for i, terms in evidence.items()}
        lexicon = self.scorer.score(text, lang, category, tokens)
        model_valence = model.use_valence and not lexicon.from_category
        if not (self._model_used or model_valence):
            return self._rule_themes(evidence, conf), lexicon.valence
        feats = text_features(
            tokens, lang, category, channel, lexicon.valence, text.rstrip().endswith("?")
        )
        rule_conf = {}
        for i, c in conf.items():
            pos = self._model_of[i]
            if pos is not None:
                rule_conf[pos] = c
        z = model.logits(model.indices(feats), rule_conf)
        out: list[ThemeAssignment] = []
        threshold = self.codebook.threshold
        w = model.blend_rule_weight
        for i, theme in enumerate(self._theme_ids):
            rule = conf.get(i, 0.0)
            pos = self._model_of[i]
            if pos is not None and self._model_use[i]:
                p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z[pos]))))
                score = round(w * rule + (1.0 - w) * p, 4)
                if score >= model.threshold:
                    terms = tuple(evidence.get(i, ()))
                    out.append(ThemeAssignment(theme, score, (*terms, f"model p={p:.2f}")))
            elif rule >= threshold:
                out.append(ThemeAssignment(theme, rule, tuple(evidence[i])))
        out.sort(key=lambda a: (-a.confidence, self._theme_ids.index(a.theme)))
        val: Valence = lexicon.valence
        if model_valence:
            vz = z[len(model.themes) :]
            top = max(vz)
            exps = [math.exp(v - top) for v in vz]
            best = vz.index(top)
            if 1.0 / sum(exps) >= model.valence_min_prob:
                val = model.valences[best]
        return tuple(out), val

    def code(
        self,
        text: str,
        lang: str | None = None,
        category: str | None = None,
        id: str = "",
        channel: str | None = None,
    ) -> CodedContribution:
        """Code one text: language (detected when not given), themes and valence."""
        tokens = tokenize(text)
        if lang not in self._matchers:
            lang = self.detect(text, tokens)
        if self.model is not None:
            themes, val = self._with_model(self.model, text, tokens, lang, category, channel)
            return CodedContribution(id, lang, themes, val, self.source, self.version)
        themes = self.themes(tokens, lang)
        val = self.scorer.score(text, lang, category, tokens).valence
        return CodedContribution(id, lang, themes, val, self.source, self.version)

    def code_contribution(self, c: Contribution) -> CodedContribution:
        return self.code(c.text, c.lang, c.category, c.id, c.channel)

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
