"""Representative quotes per theme: extractive, never rewritten, each with its contribution id.

Candidates are the contributions coded with the theme, within a readable length. They are
ranked by theme confidence, then by closeness to a comfortable length, and picked greedily so
that no two chosen quotes share more than ``max_overlap`` of their content words (Jaccard).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analysis.models import CodedContribution, Contribution, Quote
from analysis.text import content_tokens


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def representative_quotes(
    contributions: Sequence[Contribution],
    coded: Mapping[str, CodedContribution],
    theme: str,
    k: int = 3,
    min_chars: int = 30,
    max_chars: int = 300,
    ideal_chars: int = 120,
    max_overlap: float = 0.4,
) -> list[Quote]:
    """Up to ``k`` quotes about ``theme``; each quote's text is the contribution's own text.

    ``coded`` maps contribution ids to their coding. Texts outside [min_chars, max_chars]
    are skipped rather than cut, so nothing is put in a resident's mouth.
    """
    candidates: list[tuple[float, float, str, Contribution]] = []
    for c in contributions:
        res = coded.get(c.id)
        if res is None:
            continue
        conf = next((t.confidence for t in res.themes if t.theme == theme), None)
        text = c.text.strip()
        if conf is None or not (min_chars <= len(text) <= max_chars):
            continue
        length_penalty = abs(len(text) - ideal_chars) / max_chars
        candidates.append((-conf, length_penalty, c.id, c))
    candidates.sort(key=lambda t: (t[0], t[1], t[2]))
    chosen: list[Quote] = []
    chosen_words: list[frozenset[str]] = []
    for neg_conf, _pen, _cid, c in candidates:
        words = frozenset(content_tokens(c.text, coded[c.id].lang))
        if any(_jaccard(words, w) > max_overlap for w in chosen_words):
            continue
        chosen.append(Quote(c.id, theme, c.text.strip(), -neg_conf))
        chosen_words.append(words)
        if len(chosen) == k:
            break
    return chosen
