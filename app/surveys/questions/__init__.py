"""Question types: one class per ``QuestionType`` that validates, reads, renders and summarises.

kind = kind_for(question)              # the QuestionKind instance for a question
cleaned = kind.validate(raw, context)  # or raises AnswerError(code, message)
kind.summarise(answers)                # aggregates for the analysis
"""

from __future__ import annotations

from app.surveys.models import Question, QuestionType
from app.surveys.questions.base import (
    AnswerContext,
    AnswerError,
    Cleaned,
    CleanedFeature,
    QuestionKind,
)
from app.surveys.questions.choice import (
    AgeBand,
    District,
    Gender,
    MultiChoice,
    Ranking,
    Relation,
    SingleChoice,
)
from app.surveys.questions.map import MAX_FEATURES, MapLine, MapPoint, MapPolygon, MapQuestion
from app.surveys.questions.scales import Likert, Number, Scale
from app.surveys.questions.text import LongText, ShortText

#: The registry: every question type and the class that handles it.
REGISTRY: dict[QuestionType, type[QuestionKind]] = {
    cls.type: cls
    for cls in (
        MapPoint,
        MapLine,
        MapPolygon,
        SingleChoice,
        MultiChoice,
        Likert,
        Scale,
        Ranking,
        ShortText,
        LongText,
        Number,
        AgeBand,
        Gender,
        District,
        Relation,
    )
}


def kind_for(question: Question) -> QuestionKind:
    """The question-type object for ``question``."""
    return REGISTRY[QuestionType(question.type)](question)


__all__ = [
    "MAX_FEATURES",
    "REGISTRY",
    "AnswerContext",
    "AnswerError",
    "Cleaned",
    "CleanedFeature",
    "MapQuestion",
    "QuestionKind",
    "kind_for",
]
