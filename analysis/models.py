"""Plain input and output records of the analysis package.

The web app converts its ORM rows into these in one place; nothing here knows about a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Valence = Literal["positive", "negative", "neutral", "mixed"]
VALENCES: tuple[Valence, ...] = ("positive", "negative", "neutral", "mixed")


@dataclass(frozen=True, slots=True)
class Contribution:
    """One resident contribution: a comment, a map pin's text or a free-text answer."""

    id: str
    text: str
    lang: str | None = None
    channel: str | None = None
    #: The resident's own map category, e.g. "Känns otryggt" or "Idé".
    category: str | None = None
    participant_id: str | None = None
    created_at: datetime | None = None
    #: WGS84 longitude and latitude of the pin (or of a geometry's representative point).
    lon: float | None = None
    lat: float | None = None
    stage_id: str | None = None
    #: Free demographic answers, e.g. {"age_band": "16-19", "gender": "f", "district": "Alby"}.
    demographics: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ThemeAssignment:
    """One theme found in a text, with the coder's confidence in [0, 1]."""

    theme: str
    confidence: float
    #: The matched terms, for explaining a coding to a facilitator.
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Coding:
    """A theme attached to a contribution, machine or human, as stored by the web app."""

    contribution_id: str
    theme: str
    source: str
    confidence: float = 1.0
    version: str = ""
    #: One of "machine", "accepted", "rejected", "added" (a human decision always wins).
    review: str = "machine"


@dataclass(frozen=True, slots=True)
class CodedContribution:
    """The automatic coder's output for one contribution."""

    id: str
    lang: str
    themes: tuple[ThemeAssignment, ...]
    valence: Valence
    source: str
    version: str

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(t.theme for t in self.themes)

    def codings(self) -> list[Coding]:
        """The themes as storable codings marked with source and version."""
        return [
            Coding(self.id, t.theme, self.source, t.confidence, self.version) for t in self.themes
        ]


@dataclass(frozen=True, slots=True)
class PopulationRow:
    """One row of the population reference: district × age band × gender → count."""

    district: str
    age_band: str
    gender: str
    count: int


@dataclass(frozen=True, slots=True)
class Quote:
    """An extractive quote: the contribution's own text, never rewritten."""

    contribution_id: str
    theme: str
    text: str
    confidence: float
