"""The base class of every question type: validate an answer, read it from a form, summarise.

An answer arrives "raw" in the API's shape without ``question_id``: ``{"value": ...}``,
``{"features": [...]}`` for map questions and ``{"value": [...], "other": "..."}`` for
multi-choice. The HTML flow turns its form fields into the same shape (``from_form``), so the
API and the web pages share one validation path.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import gettext as _

from app.core.models import translated
from app.surveys.models import OptionKind, Question, QuestionOption, QuestionType

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry
    from typing_extensions import TypeIs

    from app.surveys.models import Answer


class AnswerError(ValueError):
    """An answer is not acceptable; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class AnswerContext:
    """What a question needs besides the answer: the project area and the language."""

    area: BaseGeometry | None = None
    language: str = "sv"


@dataclass
class CleanedFeature:
    geometry: dict[str, Any]
    category_id: int | None
    comment: str | None
    #: The key of the marking's photo: a file sent with the submission under
    #: ``photo-<key>``, or the token of a photo the resident sent before (app.surveys.photos).
    photo: str | None = None
    photo_alt: str | None = None


@dataclass
class Cleaned:
    """A validated answer, ready to be stored as an ``Answer`` (+ ``AnswerFeature`` rows)."""

    value: Any
    text: str | None = None
    features: list[CleanedFeature] = field(default_factory=list)


def is_int(value: Any) -> TypeIs[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def clean_text(value: Any, *, max_length: int, what: str | None = None) -> str:
    """A stripped string without NUL characters, or ``AnswerError``."""
    if not isinstance(value, str):
        raise AnswerError("not_text", _("Please write text."))
    text = value.replace("\x00", "").strip()
    if len(text) > max_length:
        raise AnswerError(
            "too_long",
            _("Please shorten the text to at most %(n)s characters.", n=max_length),
        )
    return text


def form_int(value: str | None) -> int | str | None:
    """An integer from a form field, the raw string if it is not one, None if empty."""
    if value is None or value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        return value


class QuestionKind:
    """One question type. Subclasses set ``type`` and override what differs."""

    type: ClassVar[QuestionType]

    def __init__(self, question: Question) -> None:
        self.question = question

    # -- identity and rendering ----------------------------------------------------------
    @property
    def name(self) -> str:
        """The form field name of this question."""
        return f"q{self.question.id}"

    @property
    def template(self) -> str:
        return f"surveys/questions/_{self.type.value}.html"

    @property
    def options(self) -> list[QuestionOption]:
        return self.question.options_of(OptionKind.OPTION)

    def label(self, option: QuestionOption, language: str) -> str:
        return translated(option.label, language)

    def option_by_id(self, option_id: Any, kind: OptionKind = OptionKind.OPTION) -> QuestionOption:
        for option in self.question.options_of(kind):
            if option.id == option_id:
                return option
        raise AnswerError("invalid_option", _("Please choose one of the listed alternatives."))

    # -- answers ------------------------------------------------------------------------
    def is_blank(self, raw: Mapping[str, Any]) -> bool:
        """Did the resident leave the question unanswered?"""
        value = raw.get("value")
        return value is None or value == "" or value == [] or value == {}

    def validate(self, raw: Mapping[str, Any], context: AnswerContext) -> Cleaned:
        """Return the cleaned answer or raise ``AnswerError``. ``raw`` is not blank."""
        raise NotImplementedError

    def from_form(self, formdata: Any) -> dict[str, Any] | None:
        """The raw answer from the HTML form's fields, or None when left empty."""
        value = formdata.get(self.name, "")
        return {"value": value.strip()} if value and value.strip() else None

    def selected_option_ids(self, cleaned: Cleaned) -> set[int]:
        """Option ids chosen in this answer (display conditions look at these)."""
        return set()

    def describe(self, cleaned: Cleaned, language: str) -> str:
        """A short human-readable version of the answer for the review step."""
        return "" if cleaned.value is None else str(cleaned.value)

    def api_settings(self) -> dict[str, Any]:
        """The type-specific settings the API shows to clients."""
        return dict(self.question.settings or {})

    # -- analysis ------------------------------------------------------------------------
    #: How per-question results draw this type: "bars" (counts per option), "diverging"
    #: (Likert), "ranking" (mean position), "histogram" (numbers) or None (no chart: text, map).
    chart: ClassVar[str | None] = None

    def summarise(self, answers: Sequence[Answer]) -> dict[str, Any]:
        """Aggregates of ``answers`` (this question's stored answers).

        The one place each type turns its answers into figures: the staff analysis page,
        the dialogue summary and the API all read these. ``total`` counts the answers.
        """
        return {
            "type": self.type.value,
            "question_id": self.question.id,
            "total": len(answers),
            "chart": self.chart,
        }


def number_summary(values: list[float]) -> dict[str, Any]:
    """Count, mean, median, min and max of numbers (None when there are none)."""
    values = [v for v in values if isinstance(v, (int, float)) and math.isfinite(v)]
    if not values:
        return {"count": 0, "mean": None, "median": None, "min": None, "max": None}
    return {
        "count": len(values),
        "mean": round(statistics.fmean(values), 3),
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
    }


def _nice_step(span: float, bins: int) -> float:
    raw = span / bins
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= raw:
            return float(factor * magnitude)
    return float(10 * magnitude)


def histogram(values: list[float], max_bins: int = 8) -> list[dict[str, Any]]:
    """Counts of ``values`` in at most ``max_bins`` bins of a round width.

    Whole numbers spanning at most ``max_bins`` values get one bin each (``low == high``);
    otherwise bins are ``[low, high)`` with the last one closed. Empty when there are no values.
    """
    values = [v for v in values if math.isfinite(v)]
    if not values:
        return []
    low, high = min(values), max(values)
    if all(float(v).is_integer() for v in values) and high - low < max_bins:
        return [
            {"low": k, "high": k, "count": sum(1 for v in values if v == k)}
            for k in range(int(low), int(high) + 1)
        ]
    if high == low:
        return [{"low": low, "high": high, "count": len(values)}]
    step = _nice_step(high - low, max_bins)
    start = math.floor(low / step) * step
    edges = [start]
    while edges[-1] + step <= high:
        edges.append(edges[-1] + step)
    bins: list[dict[str, Any]] = [
        {"low": _tidy(edge), "high": _tidy(edge + step), "count": 0} for edge in edges
    ]
    for row, count in zip(bins, count_in_bins(values, bins), strict=True):
        row["count"] = count
    return bins


def count_in_bins(values: Sequence[float], bins: Sequence[Mapping[str, Any]]) -> list[int]:
    """How many ``values`` fall in each bin of :func:`histogram` (the same edges for every
    group of a cross table). A bin with ``low == high`` holds that value; others are
    ``[low, high)``, the last one closed."""
    out = []
    for i, b in enumerate(bins):
        low, high = b["low"], b["high"]
        last = i == len(bins) - 1
        if low == high:
            out.append(sum(1 for v in values if v == low))
        else:
            out.append(sum(1 for v in values if low <= v < high or (last and v == high)))
    return out


def _tidy(value: float) -> float | int:
    rounded = round(value, 6)
    return int(rounded) if float(rounded).is_integer() else rounded
