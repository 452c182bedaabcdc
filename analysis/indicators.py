"""Dialogue indicators (docs/design.md 6 step 6). Formulas are written out in docs/indicators.md.

Inputs are plain records (:class:`CodedItem`, :class:`StageInfo`, :class:`AnswerThread`), so the
web app adapts its rows once and every function stays a pure computation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from analysis.models import CodedContribution, Contribution, Valence

#: The participation ladder used by Swedish municipalities, lowest first.
LADDER: tuple[str, ...] = ("information", "consultation", "dialogue", "influence", "codecision")


@dataclass(frozen=True, slots=True)
class CodedItem:
    """A contribution's final coding: themes (human decisions applied) and valence."""

    id: str
    themes: frozenset[str]
    valence: Valence = "neutral"
    participant_id: str | None = None
    supports: int = 0
    #: Whether any theme was reviewed (accepted, rejected or added) by a human.
    reviewed: bool = False
    demographics: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Proportion:
    """A share k/n with its Wilson score interval at the given z."""

    k: int
    n: int
    share: float
    low: float
    high: float


def wilson_interval(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials.

    centre = (p̂ + z²/2n) / (1 + z²/n); half = z·√(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n).
    Returns (0, 1) for n = 0.
    """
    if n < 0 or k < 0 or k > n:
        raise ValueError("need 0 <= k <= n")
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def proportion(k: int, n: int, z: float = 1.96) -> Proportion:
    low, high = wilson_interval(k, n, z)
    return Proportion(k, n, k / n if n else 0.0, low, high)


def theme_share(items: Sequence[CodedItem], theme: str, z: float = 1.96) -> Proportion:
    """Share of contributions coded ``theme``, with a Wilson interval."""
    k = sum(1 for it in items if theme in it.themes)
    return proportion(k, len(items), z)


def theme_shares(
    items: Sequence[CodedItem], themes: Iterable[str], z: float = 1.96
) -> dict[str, Proportion]:
    return {t: theme_share(items, t, z) for t in themes}


def net_valence(items: Sequence[CodedItem], theme: str) -> float | None:
    """(P − N) / T over the T contributions coded ``theme``; mixed counts on neither side.

    In [−1, 1]; None when no contribution has the theme.
    """
    about = [it for it in items if theme in it.themes]
    if not about:
        return None
    pos = sum(1 for it in about if it.valence == "positive")
    neg = sum(1 for it in about if it.valence == "negative")
    return (pos - neg) / len(about)


def need_intensity(items: Sequence[CodedItem], theme: str) -> float:
    """Σ_{i∈t} w_i·(neg_i + ½·mixed_i) / Σ_all w_i, with w_i = 1 + supports_i.

    The share of all expressed weight (a contribution and the supports it gathered) that
    states a problem or lack about ``theme``. 0 when there are no items.
    """
    total = sum(1 + max(0, it.supports) for it in items)
    if total == 0:
        return 0.0
    need = 0.0
    for it in items:
        if theme not in it.themes:
            continue
        weight = 1 + max(0, it.supports)
        if it.valence == "negative":
            need += weight
        elif it.valence == "mixed":
            need += 0.5 * weight
    return need / total


def hhi(counts: Sequence[float]) -> float:
    """Herfindahl–Hirschman index Σ s_c², s_c = x_c / Σx. 0 for an empty or all-zero input."""
    total = sum(counts)
    if total <= 0:
        return 0.0
    return sum((c / total) ** 2 for c in counts)


def normalized_hhi(counts: Sequence[float]) -> float:
    """(HHI − 1/K) / (1 − 1/K) over K cells: 0 when even, 1 when all in one cell."""
    k = len(counts)
    if k <= 1:
        return 1.0 if k == 1 and sum(counts) > 0 else 0.0
    return (hhi(counts) - 1 / k) / (1 - 1 / k) if sum(counts) > 0 else 0.0


def gini(counts: Sequence[float]) -> float:
    """Gini coefficient Σ_i Σ_j |x_i − x_j| / (2 K² μ) over K cells (zeros included)."""
    k = len(counts)
    total = sum(counts)
    if k == 0 or total <= 0:
        return 0.0
    xs = sorted(counts)
    # Equivalent O(K log K) form: Σ (2i − K − 1) x_(i) / (K · Σx), i = 1..K.
    acc = sum((2 * i - k - 1) * x for i, x in enumerate(xs, start=1))
    return acc / (k * total)


@dataclass(frozen=True, slots=True)
class StageInfo:
    """A stage as the indicators need it."""

    id: str
    #: One of :data:`LADDER`.
    level: str
    #: Whether residents could contribute in this stage (an activity was open).
    open_for_dialogue: bool
    contributions: int = 0


@dataclass(frozen=True, slots=True)
class StageCoverage:
    stages: int
    with_dialogue: int
    with_contributions: int
    coverage: float
    highest_level: str | None
    mean_level: float | None


def stage_coverage(stages: Sequence[StageInfo]) -> StageCoverage:
    """Coverage = stages open for dialogue / all stages; the ladder step is 1..5.

    ``mean_level`` averages the ladder steps of the stages open for dialogue.
    """
    for s in stages:
        if s.level not in LADDER:
            raise ValueError(f"unknown participation level: {s.level!r}")
    open_stages = [s for s in stages if s.open_for_dialogue]
    steps = [LADDER.index(s.level) + 1 for s in open_stages]
    return StageCoverage(
        stages=len(stages),
        with_dialogue=len(open_stages),
        with_contributions=sum(1 for s in open_stages if s.contributions > 0),
        coverage=len(open_stages) / len(stages) if stages else 0.0,
        highest_level=LADDER[max(steps) - 1] if steps else None,
        mean_level=sum(steps) / len(steps) if steps else None,
    )


@dataclass(frozen=True, slots=True)
class AnswerThread:
    """A resident contribution and when the municipality first answered it officially."""

    id: str
    created_at: datetime
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AnswerStats:
    threads: int
    answered: int
    answer_rate: float
    median_hours: float | None


def official_answers(threads: Sequence[AnswerThread]) -> AnswerStats:
    """Answer rate = answered / threads; median of (answered_at − created_at) in hours."""
    delays = [
        (t.answered_at - t.created_at).total_seconds() / 3600
        for t in threads
        if t.answered_at is not None
    ]
    return AnswerStats(
        threads=len(threads),
        answered=len(delays),
        answer_rate=len(delays) / len(threads) if threads else 0.0,
        median_hours=median(delays) if delays else None,
    )


_BAND_RE = re.compile(r"^\s*(\d+)\s*(?:[-–]\s*(\d+)|\+)?\s*$")


def age_band_bounds(band: str) -> tuple[int, int | None] | None:
    """Parse "13-15" → (13, 15), "80+" → (80, None), "17" → (17, 17); None if unparsable."""
    m = _BAND_RE.match(band)
    if not m:
        return None
    low = int(m.group(1))
    if m.group(2):
        return (low, int(m.group(2)))
    return (low, None) if band.strip().endswith("+") else (low, low)


@dataclass(frozen=True, slots=True)
class YouthShare:
    participants_with_age: int
    young_participants: int
    participant_share: Proportion
    children_theme_share: Proportion


def youth_share(
    items: Sequence[CodedItem], max_age: int = 19, age_key: str = "age_band"
) -> YouthShare:
    """Children's and young people's share.

    Participants: distinct participants whose age band lies wholly at or below ``max_age``,
    over distinct participants who gave a parseable age band. Contributions: share coded
    ``children``.
    """
    ages: dict[str, bool] = {}
    for it in items:
        key = it.participant_id or f"contribution:{it.id}"
        band = it.demographics.get(age_key)
        bounds = age_band_bounds(band) if band else None
        if bounds is None:
            continue
        high = bounds[1]
        ages[key] = high is not None and high <= max_age
    young = sum(ages.values())
    return YouthShare(
        participants_with_age=len(ages),
        young_participants=young,
        participant_share=proportion(young, len(ages)),
        children_theme_share=theme_share(items, "children"),
    )


@dataclass(frozen=True, slots=True)
class CodingQuality:
    items: int
    coded: int
    reviewed: int
    share_coded: float
    share_reviewed: float


def coding_quality(items: Sequence[CodedItem]) -> CodingQuality:
    """Share coded (≥ 1 theme after review) and share with a human review decision."""
    n = len(items)
    coded = sum(1 for it in items if it.themes)
    reviewed = sum(1 for it in items if it.reviewed)
    return CodingQuality(n, coded, reviewed, coded / n if n else 0.0, reviewed / n if n else 0.0)


def distinct_participants(items: Iterable[CodedItem]) -> int:
    """Distinct participants; a contribution without a participant counts as its own."""
    return len({it.participant_id or f"contribution:{it.id}" for it in items})


def valence_counts(items: Sequence[CodedItem], theme: str) -> Mapping[str, int]:
    out = {"positive": 0, "negative": 0, "neutral": 0, "mixed": 0}
    for it in items:
        if theme in it.themes:
            out[it.valence] += 1
    return out


def coded_items(
    contributions: Iterable[Contribution],
    coded: Mapping[str, CodedContribution],
    reviewed: Mapping[str, frozenset[str]] | None = None,
    supports: Mapping[str, int] | None = None,
) -> list[CodedItem]:
    """Join contributions with their codings into :class:`CodedItem` records.

    ``reviewed`` maps a contribution id to the themes a human settled on; when present it
    replaces the machine's themes (a human decision always wins).
    """
    items = []
    for c in contributions:
        res = coded.get(c.id)
        human = reviewed.get(c.id) if reviewed is not None else None
        themes = human if human is not None else frozenset(res.theme_ids if res else ())
        items.append(
            CodedItem(
                id=c.id,
                themes=frozenset(themes),
                valence=res.valence if res else "neutral",
                participant_id=c.participant_id,
                supports=(supports or {}).get(c.id, 0),
                reviewed=human is not None,
                demographics=c.demographics,
            )
        )
    return items
