"""Numeric questions: likert (1–5, labelled), scale (0–10) and free numbers."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from app.core.models import translated
from app.surveys.models import QuestionType
from app.surveys.questions.base import (
    AnswerContext,
    AnswerError,
    Cleaned,
    QuestionKind,
    form_int,
    histogram,
    is_int,
    number_summary,
)

if TYPE_CHECKING:
    from app.surveys.models import Answer


class _Steps(QuestionKind):
    """An integer on a fixed scale ``low``..``high``, answered with radio buttons."""

    low = 1
    high = 5

    def steps(self) -> list[int]:
        return list(range(self.low, self.high + 1))

    def validate(self, raw: Mapping[str, Any], context: AnswerContext) -> Cleaned:
        value = raw.get("value")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not is_int(value) or not self.low <= value <= self.high:
            raise AnswerError(
                "out_of_scale",
                _("Please choose a value from %(low)s to %(high)s.", low=self.low, high=self.high),
            )
        return Cleaned(value=value)

    def from_form(self, formdata: Any) -> dict[str, Any] | None:
        value = form_int(formdata.get(self.name))
        return None if value is None else {"value": value}

    def summarise(self, answers: Sequence[Answer]) -> dict[str, Any]:
        values = [a.value for a in answers if is_int(a.value)]
        counts = Counter(values)
        return {
            **super().summarise(answers),
            **number_summary([float(v) for v in values]),
            "distribution": {str(step): counts.get(step, 0) for step in self.steps()},
        }


class Likert(_Steps):
    """Five labelled steps; labels per language in ``settings["labels"]``."""

    type = QuestionType.LIKERT
    chart = "diverging"
    low, high = 1, 5

    def step_labels(self, language: str) -> list[str]:
        labels = (self.question.settings or {}).get("labels") or {}
        chosen = labels.get(language) or labels.get("sv") or []
        if isinstance(chosen, list) and len(chosen) == 5:
            return [str(label) for label in chosen]
        defaults = [
            _("Strongly disagree"),
            _("Tend to disagree"),
            _("Neither agree nor disagree"),
            _("Tend to agree"),
            _("Strongly agree"),
        ]
        return defaults

    def describe(self, cleaned: Cleaned, language: str) -> str:
        return f"{cleaned.value} – {self.step_labels(language)[cleaned.value - 1]}"


class Scale(_Steps):
    """0–10 with labelled ends (``settings["min_label"]``/``["max_label"]``)."""

    type = QuestionType.SCALE
    chart = "bars"
    low, high = 0, 10


class Number(QuestionKind):
    """A number within ``settings["min"]``/``["max"]``; ``integer`` forbids decimals."""

    type = QuestionType.NUMBER
    chart = "histogram"

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        settings = self.question.settings or {}
        return settings.get("min"), settings.get("max")

    def validate(self, raw: Mapping[str, Any], context: AnswerContext) -> Cleaned:
        value = raw.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerError("not_a_number", _("Please enter a number."))
        if not math.isfinite(value):
            raise AnswerError("not_a_number", _("Please enter a number."))
        settings = self.question.settings or {}
        if settings.get("integer"):
            if isinstance(value, float) and not value.is_integer():
                raise AnswerError("not_integer", _("Please enter a whole number."))
            value = int(value)
        low, high = self.bounds
        if low is not None and value < low:
            raise AnswerError("too_small", _("Please enter a number of at least %(n)s.", n=low))
        if high is not None and value > high:
            raise AnswerError("too_large", _("Please enter a number of at most %(n)s.", n=high))
        return Cleaned(value=value)

    def from_form(self, formdata: Any) -> dict[str, Any] | None:
        text = (formdata.get(self.name) or "").strip().replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return {"value": text}
        if number.is_integer() and "." not in text and "e" not in text.lower():
            return {"value": int(number)}
        return {"value": number}

    def unit(self, language: str) -> str:
        """The unit after the number ("min"), in ``language`` when it is given per language."""
        unit = (self.question.settings or {}).get("unit") or ""
        return translated(unit, language) if isinstance(unit, dict) else str(unit)

    def describe(self, cleaned: Cleaned, language: str) -> str:
        return f"{cleaned.value} {self.unit(language)}".strip()

    def summarise(self, answers: Sequence[Answer]) -> dict[str, Any]:
        values = [
            float(a.value)
            for a in answers
            if isinstance(a.value, (int, float)) and not isinstance(a.value, bool)
        ]
        return {
            **super().summarise(answers),
            **number_summary(values),
            "bins": histogram(values),
        }
