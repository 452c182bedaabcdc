"""Reads of the staff response browser: filtered, paginated responses of one survey and one
response in full (answers with their labels, map markings as GeoJSON).

Filtering by a choice answer loads that question's answers once and matches them in Python,
since the answer value is JSON (an option id, a list of ids or ``{"options": [...]}``) and
JSON containment differs between SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.core.i18n import tr
from app.extensions import db
from app.surveys.models import (
    DEMOGRAPHIC_TYPES,
    MAP_TYPES,
    Answer,
    AnswerFeature,
    Channel,
    MarkingPhoto,
    OptionKind,
    Question,
    QuestionOption,
    QuestionType,
    Response,
    Survey,
)

PAGE_SIZE = 50
CHOICE_TYPES = {
    QuestionType.SINGLE_CHOICE,
    QuestionType.MULTI_CHOICE,
    QuestionType.RANKING,
    *DEMOGRAPHIC_TYPES,
}


@dataclass
class Filters:
    answer: tuple[int, int] | None = None  # (question id, option id)
    channel: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    def args(self) -> dict[str, Any]:
        """The filters as query arguments (for pagination links)."""
        out: dict[str, Any] = {}
        if self.answer:
            out["answer"] = f"{self.answer[0]}:{self.answer[1]}"
        if self.channel:
            out["channel"] = self.channel
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        return out


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_filters(args: Mapping[str, str], survey: Survey) -> Filters:
    """Filters from the query string; unknown values are ignored rather than refused."""
    filters = Filters()
    raw = args.get("answer", "")
    q_id, _colon, o_id = raw.partition(":")
    if q_id.isdigit() and o_id.isdigit():
        known = {(o.question_id, o.id) for q, opts in choice_questions(survey) for o in opts}
        if (int(q_id), int(o_id)) in known:
            filters.answer = (int(q_id), int(o_id))
    channel = args.get("channel", "")
    if channel in {c.value for c in Channel}:
        filters.channel = channel
    filters.date_from = _date(args.get("from"))
    filters.date_to = _date(args.get("to"))
    try:
        filters.page = max(int(args.get("page", "1")), 1)
    except ValueError:
        filters.page = 1
    return filters


def choice_questions(survey: Survey) -> list[tuple[Question, list[QuestionOption]]]:
    """The survey's choice questions with their answer options, in survey order."""
    return [
        (q, [o for o in q.options if o.kind == OptionKind.OPTION])
        for q in sorted(survey.questions, key=lambda q: (q.page, q.position, q.id))
        if q.type in CHOICE_TYPES and any(o.kind == OptionKind.OPTION for o in q.options)
    ]


def chosen_ids(value: Any) -> list[int]:
    """The option ids an answer value names (single, multi with "other", ranking)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict):
        value = value.get("options") or []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return []


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Stockholm"))


@dataclass
class Page:
    rows: list[Response]
    total: int
    page: int
    pages: int
    answered: dict[int, int] = field(default_factory=dict)
    markings: dict[int, int] = field(default_factory=dict)


def browse(survey: Survey, filters: Filters) -> Page:
    """One page of the survey's responses matching ``filters``, newest first."""
    stmt = db.select(Response).where(Response.survey_id == survey.id)
    if filters.channel:
        stmt = stmt.where(Response.channel == Channel(filters.channel))
    zone = _zone()
    if filters.date_from:
        start = datetime.combine(filters.date_from, time.min, tzinfo=zone)
        stmt = stmt.where(Response.submitted_at >= start)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone)
        stmt = stmt.where(Response.submitted_at < end)
    if filters.answer:
        question_id, option_id = filters.answer
        matching = [
            response_id
            for response_id, value in db.session.execute(
                db.select(Answer.response_id, Answer.value)
                .join(Response, Response.id == Answer.response_id)
                .where(Response.survey_id == survey.id, Answer.question_id == question_id)
            )
            if option_id in chosen_ids(value)
        ]
        stmt = stmt.where(Response.id.in_(matching or [-1]))
    total = int(db.session.scalar(db.select(sa.func.count()).select_from(stmt.subquery())) or 0)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(filters.page, pages)
    rows = list(
        db.session.scalars(
            stmt.order_by(Response.submitted_at.desc(), Response.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    ids = [r.id for r in rows]
    answered: dict[int, int] = {}
    markings: dict[int, int] = {}
    if ids:
        answered = {
            int(rid): int(n)
            for rid, n in db.session.execute(
                db.select(Answer.response_id, sa.func.count(Answer.id))
                .where(Answer.response_id.in_(ids))
                .group_by(Answer.response_id)
            )
        }
        markings = {
            int(rid): int(n)
            for rid, n in db.session.execute(
                db.select(Answer.response_id, sa.func.count(AnswerFeature.id))
                .join(AnswerFeature, AnswerFeature.answer_id == Answer.id)
                .where(Answer.response_id.in_(ids))
                .group_by(Answer.response_id)
            )
        }
    return Page(rows, total, page, pages, answered, markings)


# --- one response ---------------------------------------------------------------------------


@dataclass
class Marking:
    number: int
    question: str
    category: str | None
    comment: str | None
    geometry: dict[str, Any]
    #: The resident's photo of the place, if any (app.surveys.photos).
    photo: MarkingPhoto | None = None

    @property
    def kind(self) -> str:
        return str(self.geometry.get("type", ""))

    @property
    def where(self) -> str:
        """A short text of the place: the point, or the first point of a line or area."""
        coords: Any = self.geometry.get("coordinates")
        while isinstance(coords, list) and coords and isinstance(coords[0], list):
            coords = coords[0]
        if isinstance(coords, list) and len(coords) >= 2:
            return f"{coords[1]:.5f}, {coords[0]:.5f}"
        return ""


@dataclass
class AnswerView:
    question: Question
    values: list[str]
    markings: list[Marking] = field(default_factory=list)


def _label(option: QuestionOption | None, fallback: Any) -> str:
    if option is None:
        return str(fallback)
    return tr(option.label) or option.code or str(option.id)


def response_in_full(response: Response) -> tuple[list[AnswerView], list[Marking]]:
    """Each answered question with its readable values, and every map marking numbered."""
    answers = list(
        db.session.scalars(
            db.select(Answer)
            .where(Answer.response_id == response.id)
            .options(
                selectinload(Answer.question).selectinload(Question.options),
                selectinload(Answer.features).selectinload(AnswerFeature.photo),
            )
        )
    )
    answers.sort(key=lambda a: (a.question.page, a.question.position, a.question.id))
    views: list[AnswerView] = []
    markings: list[Marking] = []
    for answer in answers:
        q = answer.question
        options = {o.id: o for o in q.options}
        values: list[str] = []
        value = answer.value
        if q.type in CHOICE_TYPES:
            chosen = chosen_ids(value)
            if q.type == QuestionType.RANKING:
                values = [f"{i}. {_label(options.get(o), o)}" for i, o in enumerate(chosen, 1)]
            else:
                values = [_label(options.get(o), o) for o in chosen]
            if isinstance(value, dict) and value.get("other"):
                values.append(str(value["other"]))
        elif q.type in MAP_TYPES:
            if isinstance(value, dict) and value.get("place") is not None:
                values.append(_label(options.get(value["place"]), value["place"]))
            elif isinstance(value, dict) and value.get("description"):
                values.append(str(value["description"]))
        elif answer.text is not None:
            values = [answer.text]
        elif value is not None and not isinstance(value, (dict, list)):
            values = [str(value)]
        view = AnswerView(q, values)
        for feature in sorted(answer.features, key=lambda f: f.position):
            if not feature.geometry:
                continue
            category = options.get(feature.category_id) if feature.category_id else None
            marking = Marking(
                number=len(markings) + 1,
                question=tr(q.prompt),
                category=_label(category, "") if category else None,
                comment=feature.comment,
                geometry=feature.geometry,
                photo=feature.photo,
            )
            markings.append(marking)
            view.markings.append(marking)
        views.append(view)
    return views, markings


def geojson(markings: Sequence[Marking]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": m.geometry,
                "properties": {
                    "number": m.number,
                    "question": m.question,
                    "category": m.category or "",
                    "comment": m.comment or "",
                },
            }
            for m in markings
        ],
    }


# --- links from the analysis ----------------------------------------------------------------


def response_ids_for(keys: Iterable[tuple[str, str, int]]) -> dict[str, tuple[int, int]]:
    """Map analysis item keys to ``(survey id, response id)``; the keys come as
    ``(key, target_type, target_id)`` for survey answers ("answer") and map markings
    ("feature"); comments have no response. Two queries at most."""
    answers: dict[int, str] = {}
    features: dict[int, str] = {}
    for key, kind, target_id in keys:
        if kind == "answer":
            answers[target_id] = key
        elif kind == "feature":
            features[target_id] = key
    out: dict[str, tuple[int, int]] = {}
    if answers:
        for answer_id, survey_id, response_id in db.session.execute(
            db.select(Answer.id, Response.survey_id, Response.id)
            .join(Response, Response.id == Answer.response_id)
            .where(Answer.id.in_(answers))
        ):
            out[answers[answer_id]] = (int(survey_id), int(response_id))
    if features:
        for feature_id, survey_id, response_id in db.session.execute(
            db.select(AnswerFeature.id, Response.survey_id, Response.id)
            .join(Answer, Answer.id == AnswerFeature.answer_id)
            .join(Response, Response.id == Answer.response_id)
            .where(AnswerFeature.id.in_(features))
        ):
            out[features[feature_id]] = (int(survey_id), int(response_id))
    return out
