"""Who took part compared with who lives there (docs/design.md 6 step 6).

For each dimension (district, age band, gender) the participants' distribution p and the
population's distribution q give the dissimilarity index D = ½ Σ_g |p_g − q_g|: the share of
participants who would have to belong to another group for the two to match. Participation per
1,000 inhabitants and the representation ratio p_g / q_g name the groups that are missing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from analysis.models import PopulationRow

DIMENSIONS: tuple[str, ...] = ("district", "age_band", "gender")


def dissimilarity_index(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """D = ½ Σ_g |p_g/P − q_g/Q| over the union of groups (counts or shares accepted)."""
    p_total = sum(p.values())
    q_total = sum(q.values())
    if p_total <= 0 or q_total <= 0:
        raise ValueError("both distributions need a positive total")
    groups = set(p) | set(q)
    return 0.5 * sum(abs(p.get(g, 0) / p_total - q.get(g, 0) / q_total) for g in groups)


@dataclass(frozen=True, slots=True)
class GroupRepresentation:
    group: str
    population: int
    participants: int
    population_share: float
    participant_share: float
    #: participant_share / population_share; None for a group with no population.
    ratio: float | None
    per_1000: float | None


@dataclass(frozen=True, slots=True)
class DimensionReport:
    dimension: str
    dissimilarity: float | None
    groups: tuple[GroupRepresentation, ...]
    #: Participants who did not state this dimension (left out of p).
    unknown: int
    under_represented: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RepresentativenessReport:
    participants: int
    population: int
    per_1000: float
    dimensions: tuple[DimensionReport, ...]

    def dimension(self, name: str) -> DimensionReport:
        for d in self.dimensions:
            if d.dimension == name:
                return d
        raise KeyError(name)


def population_by(rows: Iterable[PopulationRow], dimension: str) -> dict[str, int]:
    out: Counter[str] = Counter()
    for r in rows:
        out[str(getattr(r, dimension))] += r.count
    return dict(out)


def representativeness(
    participants: Mapping[str, Mapping[str, str]],
    population: Sequence[PopulationRow],
    dimensions: Sequence[str] = DIMENSIONS,
    under_ratio: float = 0.8,
) -> RepresentativenessReport:
    """Compare distinct participants' demographics with the population reference.

    ``participants`` maps a participant id to its answers, e.g. ``{"district": "Alby",
    "age_band": "20-29", "gender": "f"}``; missing or unmatched answers count as unknown.
    A group is under-represented when p_g / q_g < ``under_ratio``.
    """
    pop_total = sum(r.count for r in population)
    reports = []
    for dim in dimensions:
        q = population_by(population, dim)
        p: Counter[str] = Counter()
        unknown = 0
        for answers in participants.values():
            value = answers.get(dim)
            if value is None or value == "" or value not in q:
                unknown += 1
            else:
                p[value] += 1
        p_total = sum(p.values())
        q_total = sum(q.values())
        groups = []
        under = []
        for g in sorted(q):
            q_share = q[g] / q_total if q_total else 0.0
            p_share = p[g] / p_total if p_total else 0.0
            ratio = p_share / q_share if q_share else None
            per_1000 = 1000 * p[g] / q[g] if q[g] else None
            groups.append(GroupRepresentation(g, q[g], p[g], q_share, p_share, ratio, per_1000))
            if p_total and ratio is not None and ratio < under_ratio:
                under.append(g)
        d = dissimilarity_index(p, q) if p_total and q_total else None
        reports.append(DimensionReport(dim, d, tuple(groups), unknown, tuple(under)))
    n = len(participants)
    return RepresentativenessReport(
        participants=n,
        population=pop_total,
        per_1000=1000 * n / pop_total if pop_total else 0.0,
        dimensions=tuple(reports),
    )
