"""Free-text questions: short and long text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from app.surveys.models import QuestionType
from app.surveys.questions.base import AnswerContext, AnswerError, Cleaned, QuestionKind, clean_text

if TYPE_CHECKING:
    from app.surveys.models import Answer


class ShortText(QuestionKind):
    """One line of text, at most ``settings["max_length"]`` characters (200 by default)."""

    type = QuestionType.SHORT_TEXT
    default_max_length = 200

    @property
    def max_length(self) -> int:
        value = (self.question.settings or {}).get("max_length")
        return int(value) if isinstance(value, int) and value > 0 else self.default_max_length

    def is_blank(self, raw: Mapping[str, Any]) -> bool:
        value = raw.get("value")
        return super().is_blank(raw) or (isinstance(value, str) and not value.strip())

    def validate(self, raw: Mapping[str, Any], context: AnswerContext) -> Cleaned:
        text = clean_text(raw.get("value"), max_length=self.max_length)
        if not text:
            raise AnswerError("required", _("Please answer this question."))
        return Cleaned(value=text, text=text)

    def describe(self, cleaned: Cleaned, language: str) -> str:
        return str(cleaned.value)

    def summarise(self, answers: Sequence[Answer]) -> dict[str, Any]:
        texts = [a.text or a.value for a in answers if isinstance(a.text or a.value, str)]
        return {
            **super().summarise(answers),
            "text_count": len(texts),
            "mean_length": round(sum(len(t) for t in texts) / len(texts), 1) if texts else None,
        }


class LongText(ShortText):
    """Several paragraphs, at most ``settings["max_length"]`` characters (4000 by default)."""

    type = QuestionType.LONG_TEXT
    default_max_length = 4000
