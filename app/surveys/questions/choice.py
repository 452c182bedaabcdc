"""Choice questions: single choice, the demographic questions, multi-choice and ranking."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from app.surveys.models import QuestionType
from app.surveys.questions.base import (
    AnswerContext,
    AnswerError,
    Cleaned,
    QuestionKind,
    clean_text,
    form_int,
    is_int,
)

if TYPE_CHECKING:
    from app.surveys.models import Answer

OTHER_MAX_LENGTH = 200


def option_counts(kind: QuestionKind, counts: Counter[int]) -> list[dict[str, Any]]:
    return [
        {"option_id": o.id, "code": o.code, "label": dict(o.label), "count": counts.get(o.id, 0)}
        for o in kind.options
    ]


class SingleChoice(QuestionKind):
    """Exactly one option; stored as the option id."""

    type = QuestionType.SINGLE_CHOICE
    chart = "bars"

    def validate(self, raw: Mapping[str, Any], context: AnswerContext) -> Cleaned:
        value = raw.get("value")
        if isinstance(value, str) and not is_int(value):
            # Demographics may be sent by code ("18-29", "woman") as well as by id.
            match = next((o for o in self.options if o.code and o.code == value), None)
            if match is not None:
                value = match.id
        if not is_int(value):
            raise AnswerError("invalid_option", _("Please choose one of the listed alternatives."))
        return Cleaned(value=self.option_by_id(value).id)

    def from_form(self, formdata: Any) -> dict[str, Any] | None:
        value = form_int(formdata.get(self.name))
        return None if value is None else {"value": value}

    def selected_option_ids(self, cleaned: Cleaned) -> set[int]:
        return {cleaned.value}

    def describe(self, cleaned: Cleaned, language: str) -> str:
        return self.label(self.option_by_id(cleaned.value), language)

    def summarise(self, answers: Sequence[Answer]) -> dict[str, Any]:
        counts = Counter(a.value for a in answers if is_int(a.value))
        return {**super().summarise(answers), "options": option_counts(self, counts)}


class AgeBand(SingleChoice):
    type = QuestionType.AGE_BAND


class Gender(SingleChoice):
    type = QuestionType.GENDER


class District(SingleChoice):
    type = QuestionType.DISTRICT


class Relation(SingleChoice):
    type = QuestionType.RELATION


class MultiChoice(QuestionKind):
    """Any number of options within ``min_count``/``max_count``, plus optional "other" text."""

    type = QuestionType.MULTI_CHOICE
    chart = "bars"

    @property
    def other_option(self) -> Any:
        return next((o for o in self.options if o.is_other), None)

    def is_blank(self, raw: Mapping[str, Any]) -> bool:
        other = raw.get("other")
        return super().is_blank(raw) and not (isinstance(other, str) and other.strip())

    def validate(self, raw: Mapping[str, Any], context: AnswerContext) -> Cleaned:
        value = raw.get("value")
        if value is None:
            value = []
        if not isinstance(value, list) or not all(is_int(v) for v in value):
            raise AnswerError("invalid_option", _("Please choose among the listed alternatives."))
        if len(set(value)) != len(value):
            raise AnswerError("duplicate_option", _("Each alternative can be chosen only once."))
        ids = [self.option_by_id(v).id for v in value]
        other_option = self.other_option
        other = raw.get("other")
        other_text: str | None = None
        if other is not None and other != "":
            if other_option is None:
                raise AnswerError("no_other", _("This question has no “other” alternative."))
            other_text = clean_text(other, max_length=OTHER_MAX_LENGTH) or None
            if other_text and other_option.id not in ids:
                ids.append(other_option.id)
        if other_option is not None and other_option.id in ids and not other_text:
            raise AnswerError("other_missing", _("Please describe your “other” alternative."))
        q = self.question
        if q.min_count is not None and len(ids) < q.min_count:
            raise AnswerError(
                "too_few", _("Please choose at least %(n)s alternatives.", n=q.min_count)
            )
        if q.max_count is not None and len(ids) > q.max_count:
            raise AnswerError(
                "too_many", _("Please choose at most %(n)s alternatives.", n=q.max_count)
            )
        if not ids:
            raise AnswerError("invalid_option", _("Please choose among the listed alternatives."))
        return Cleaned(value={"options": ids, "other": other_text}, text=other_text)

    def from_form(self, formdata: Any) -> dict[str, Any] | None:
        values = [form_int(v) for v in formdata.getlist(self.name)]
        other = (formdata.get(f"{self.name}_other") or "").strip()
        if not values and not other:
            return None
        return {"value": [v for v in values if v is not None], "other": other or None}

    def selected_option_ids(self, cleaned: Cleaned) -> set[int]:
        return set(cleaned.value["options"])

    def describe(self, cleaned: Cleaned, language: str) -> str:
        labels = []
        for option_id in cleaned.value["options"]:
            option = self.option_by_id(option_id)
            text = self.label(option, language)
            if option.is_other and cleaned.value.get("other"):
                text = f"{text}: {cleaned.value['other']}"
            labels.append(text)
        return ", ".join(labels)

    def summarise(self, answers: Sequence[Answer]) -> dict[str, Any]:
        counts: Counter[int] = Counter()
        others = respondents = 0
        for answer in answers:
            value = answer.value if isinstance(answer.value, dict) else {}
            chosen = {v for v in value.get("options", []) if is_int(v)}
            counts.update(chosen)
            respondents += bool(chosen)
            others += bool(value.get("other"))
        return {
            **super().summarise(answers),
            "options": option_counts(self, counts),
            "other_count": others,
            # Residents who chose at least one option: the denominator of each option's share.
            "respondents": respondents,
        }


class Ranking(QuestionKind):
    """Every option in the resident's order of preference; stored as the list of ids."""

    type = QuestionType.RANKING
    chart = "ranking"

    def validate(self, raw: Mapping[str, Any], context: AnswerContext) -> Cleaned:
        value = raw.get("value")
        expected = {o.id for o in self.options}
        if not isinstance(value, list) or not all(is_int(v) for v in value):
            raise AnswerError("invalid_ranking", _("Please put every alternative in order."))
        if len(set(value)) != len(value):
            raise AnswerError("duplicate_rank", _("Each place in the order can be used only once."))
        if set(value) != expected:
            if set(value) - expected:
                raise AnswerError(
                    "invalid_option", _("Please choose one of the listed alternatives.")
                )
            raise AnswerError("invalid_ranking", _("Please put every alternative in order."))
        return Cleaned(value=list(value))

    def from_form(self, formdata: Any) -> dict[str, Any] | None:
        ranks: list[tuple[int, int]] = []
        seen: set[int] = set()
        given = False
        for option in self.options:
            rank = form_int(formdata.get(f"{self.name}_rank_{option.id}"))
            if rank is None:
                continue
            given = True
            if not is_int(rank) or rank in seen:
                # Two alternatives with the same place: let validation report it.
                return {"value": [o.id for o in self.options] + [option.id]}
            seen.add(rank)
            ranks.append((rank, option.id))
        if not given:
            return None
        return {"value": [option_id for _rank, option_id in sorted(ranks)]}

    def rank_of(self, raw: Mapping[str, Any] | None, option_id: int) -> int | None:
        """The place (1-based) of an option in a raw answer, for re-filling the form."""
        value = (raw or {}).get("value")
        if isinstance(value, list) and option_id in value:
            return value.index(option_id) + 1
        return None

    def describe(self, cleaned: Cleaned, language: str) -> str:
        return " › ".join(
            f"{i}. {self.label(self.option_by_id(v), language)}"
            for i, v in enumerate(cleaned.value, start=1)
        )

    def summarise(self, answers: Sequence[Answer]) -> dict[str, Any]:
        totals: Counter[int] = Counter()
        firsts: Counter[int] = Counter()
        counted = 0
        for answer in answers:
            if not isinstance(answer.value, list):
                continue
            counted += 1
            for place, option_id in enumerate(answer.value, start=1):
                totals[option_id] += place
            if answer.value:
                firsts[answer.value[0]] += 1
        rows = [
            {
                "option_id": o.id,
                "code": o.code,
                "label": dict(o.label),
                "mean_rank": round(totals[o.id] / counted, 3) if counted else None,
                "first_count": firsts.get(o.id, 0),
            }
            for o in self.options
        ]
        rows.sort(key=lambda r: (r["mean_rank"] is None, r["mean_rank"] or 0))
        return {**super().summarise(answers), "options": rows, "respondents": counted}
