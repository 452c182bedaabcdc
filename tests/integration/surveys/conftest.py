"""Factories for survey tests: a survey with every question type, and payload helpers."""

from __future__ import annotations

import html
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.extensions import db
from app.projects.models import ActivityKind, ParticipationPolicy
from app.surveys.models import (
    Answer,
    AnswerFeature,
    OptionKind,
    Question,
    QuestionOption,
    QuestionType,
    Response,
    Resubmission,
    Survey,
    SurveyStatus,
)
from tests.factories import INSIDE

AGE_CODES = ["0-17", "18-29", "30-44", "45-64", "65-79", "80+"]
GENDER_CODES = ["woman", "man", "other", "no_answer"]
RELATION_CODES = ["live", "work", "study", "visit"]


@dataclass
class SurveyKit:
    """A built survey and handles on its questions and options."""

    survey: Survey
    project: Any
    activity: Any
    q: dict[str, Question] = field(default_factory=dict)

    def qid(self, name: str) -> int:
        return self.q[name].id

    def option(self, name: str, index: int = 0, kind: OptionKind = OptionKind.OPTION) -> int:
        return self.q[name].options_of(kind)[index].id

    def category(self, name: str = "point", index: int = 0) -> int:
        return self.option(name, index, OptionKind.CATEGORY)

    def place(self, name: str = "point", index: int = 0) -> int:
        return self.option(name, index, OptionKind.PLACE)

    def valid_answers(self) -> list[dict[str, Any]]:
        """A complete, valid answer to every always-visible question."""
        ranking = [o.id for o in self.q["ranking"].options_of(OptionKind.OPTION)]
        return [
            {"question_id": self.qid("point"), "features": [point_feature(self.category())]},
            {
                "question_id": self.qid("line"),
                "features": [
                    feature(
                        {"type": "LineString", "coordinates": [[17.945, 59.22], [17.955, 59.221]]},
                        self.category("line"),
                    )
                ],
            },
            {
                "question_id": self.qid("polygon"),
                "features": [feature(SMALL_POLYGON, self.category("polygon"), "Ängen")],
            },
            {"question_id": self.qid("single"), "value": self.option("single", 0)},
            {
                "question_id": self.qid("multi"),
                "value": [self.option("multi", 0), self.option("multi", 1)],
            },
            {"question_id": self.qid("likert"), "value": 4},
            {"question_id": self.qid("scale"), "value": 7},
            {"question_id": self.qid("ranking"), "value": list(reversed(ranking))},
            {"question_id": self.qid("short"), "value": "Fler bänkar"},
            {"question_id": self.qid("long"), "value": "Parken behöver bättre belysning."},
            {"question_id": self.qid("number"), "value": 12},
            {"question_id": self.qid("age"), "value": self.option("age", 2)},
            {"question_id": self.qid("gender"), "value": self.option("gender", 0)},
            {"question_id": self.qid("district"), "value": self.option("district", 0)},
            {"question_id": self.qid("relation"), "value": self.option("relation", 0)},
        ]

    def payload(self, answers: list[dict[str, Any]] | None = None, **extra: Any) -> dict:
        body = {
            "client_id": str(uuid.uuid4()),
            "language": "sv",
            "answers": self.valid_answers() if answers is None else answers,
        }
        body.update(extra)
        return body

    def replace(self, name: str, answer: dict[str, Any] | None) -> list[dict[str, Any]]:
        """The valid answers with question ``name``'s answer replaced (or removed)."""
        answers = [a for a in self.valid_answers() if a["question_id"] != self.qid(name)]
        if answer is not None:
            answers.append({"question_id": self.qid(name), **answer})
        return answers


SMALL_POLYGON = {
    "type": "Polygon",
    "coordinates": [
        [[17.945, 59.218], [17.95, 59.218], [17.95, 59.221], [17.945, 59.221], [17.945, 59.218]]
    ],
}


def feature(geometry: dict[str, Any], category: int | None, comment: str = "") -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"category": category, "comment": comment},
    }


def point_feature(category: int | None, comment: str = "Bra plats för lek") -> dict[str, Any]:
    return feature(dict(INSIDE), category, comment)


def counts() -> tuple[int, int, int]:
    """(responses, answers, answer features) stored."""
    db.session.expire_all()
    return (
        db.session.scalar(db.select(db.func.count(Response.id))),
        db.session.scalar(db.select(db.func.count(Answer.id))),
        db.session.scalar(db.select(db.func.count(AnswerFeature.id))),
    )


def _options(labels: list[tuple[str, str]], codes: list[str] | None = None) -> list[QuestionOption]:
    return [
        QuestionOption(
            kind=OptionKind.OPTION,
            position=i,
            label={"sv": sv, "en": en},
            code=(codes[i] if codes else None),
        )
        for i, (sv, en) in enumerate(labels)
    ]


def _map_options() -> list[QuestionOption]:
    cats = [
        ("Bra plats", "Good place", "star", "#1e6b32", "positive"),
        ("Behöver förbättras", "Needs improvement", "wrench", "#b35900", "negative"),
        ("Känns otryggt", "Feels unsafe", "alert", "#b00020", "negative"),
    ]
    options = [
        QuestionOption(
            kind=OptionKind.CATEGORY,
            position=i,
            label={"sv": sv, "en": en},
            icon=icon,
            color=color,
            valence_hint=valence,
        )
        for i, (sv, en, icon, color, valence) in enumerate(cats)
    ]
    options += [
        QuestionOption(
            kind=OptionKind.PLACE,
            position=10 + i,
            label={"sv": sv, "en": en},
            geometry=geometry,
        )
        for i, (sv, en, geometry) in enumerate(
            [
                ("Torget", "The square", dict(INSIDE)),
                ("Stationen", "The station", None),
            ]
        )
    ]
    return options


@pytest.fixture()
def make_survey(app: Any, make_project: Any, make_activity: Any) -> Any:
    """Build a survey with every question type in the current (open) stage of a project.

    Pages: 1 map questions, 2 choices and scales (+ a conditional question), 3 text and
    number, 4 demographics.
    """

    def make(
        *,
        project: Any = None,
        policy: ParticipationPolicy | str = ParticipationPolicy.ANONYMOUS,
        resubmission: Resubmission = Resubmission.UPDATE,
        status: SurveyStatus = SurveyStatus.OPEN,
        restrict_to_area: bool = True,
        required: bool = False,
        open_stage: bool = True,
        **project_kw: Any,
    ) -> SurveyKit:
        project = project or make_project(open_stage=open_stage, **project_kw)
        stage = project.current_stage
        activity = make_activity(stage, ActivityKind.SURVEY, policy=policy)
        survey = activity.survey
        survey.status = status
        survey.resubmission = resubmission
        survey.title = {"sv": "Hur vill du att parken ska bli?", "en": "What should the park be?"}
        survey.intro = {"sv": "Berätta vad du tycker.", "en": "Tell us what you think."}
        map_settings = {
            "restrict_to_area": restrict_to_area,
            "require_comment": False,
            "max_comment_length": 500,
        }
        specs: list[tuple[str, QuestionType, int, dict[str, Any]]] = [
            ("point", QuestionType.MAP_POINT, 1, {"max_count": 5}),
            ("line", QuestionType.MAP_LINE, 1, {"max_count": 3}),
            ("polygon", QuestionType.MAP_POLYGON, 1, {"max_count": 3}),
            ("single", QuestionType.SINGLE_CHOICE, 2, {}),
            ("multi", QuestionType.MULTI_CHOICE, 2, {"max_count": 3}),
            ("likert", QuestionType.LIKERT, 2, {}),
            ("scale", QuestionType.SCALE, 2, {}),
            ("ranking", QuestionType.RANKING, 2, {}),
            ("short", QuestionType.SHORT_TEXT, 3, {}),
            ("long", QuestionType.LONG_TEXT, 3, {}),
            ("number", QuestionType.NUMBER, 3, {}),
            ("age", QuestionType.AGE_BAND, 4, {}),
            ("gender", QuestionType.GENDER, 4, {}),
            ("district", QuestionType.DISTRICT, 4, {}),
            ("relation", QuestionType.RELATION, 4, {}),
        ]
        prompts = {
            "point": ("Var trivs du?", "Where do you feel at home?"),
            "line": ("Hur går du genom parken?", "How do you walk through the park?"),
            "polygon": ("Vilket område ska bevaras?", "Which area should be kept?"),
            "single": ("Hur ofta besöker du parken?", "How often do you visit the park?"),
            "multi": ("Vad gör du i parken?", "What do you do in the park?"),
            "likert": ("Parken känns trygg.", "The park feels safe."),
            "scale": ("Hur nöjd är du med parken?", "How satisfied are you with the park?"),
            "ranking": ("Rangordna förslagen.", "Rank the proposals."),
            "short": ("Ett ord om parken", "One word about the park"),
            "long": ("Berätta mer", "Tell us more"),
            "number": ("Hur många minuter går du dit?", "How many minutes do you walk there?"),
            "age": ("Ålder", "Age"),
            "gender": ("Kön", "Gender"),
            "district": ("Stadsdel", "District"),
            "relation": ("Din relation till området", "Your relation to the area"),
        }
        kit = SurveyKit(survey=survey, project=project, activity=activity)
        for position, (name, qtype, page, extra) in enumerate(specs):
            sv, en = prompts[name]
            question = Question(
                type=qtype,
                page=page,
                position=position,
                prompt={"sv": sv, "en": en},
                required=required,
                **extra,
            )
            if qtype in (QuestionType.MAP_POINT, QuestionType.MAP_LINE, QuestionType.MAP_POLYGON):
                question.settings = dict(map_settings)
                question.options = _map_options()
            elif name == "single":
                question.options = _options(
                    [("Varje dag", "Every day"), ("Varje vecka", "Weekly"), ("Sällan", "Rarely")]
                )
            elif name == "multi":
                question.options = _options(
                    [("Promenerar", "Walk"), ("Leker", "Play"), ("Grillar", "Barbecue")]
                )
                question.options.append(
                    QuestionOption(
                        kind=OptionKind.OPTION,
                        position=9,
                        label={"sv": "Annat", "en": "Other"},
                        is_other=True,
                    )
                )
            elif name == "likert":
                question.settings = {
                    "labels": {
                        "sv": [
                            "Instämmer inte alls",
                            "Instämmer inte",
                            "Varken eller",
                            "Instämmer",
                            "Instämmer helt",
                        ],
                        "en": [
                            "Strongly disagree",
                            "Disagree",
                            "Neither",
                            "Agree",
                            "Strongly agree",
                        ],
                    }
                }
            elif name == "scale":
                question.settings = {
                    "min_label": {"sv": "Inte alls nöjd", "en": "Not at all"},
                    "max_label": {"sv": "Mycket nöjd", "en": "Very"},
                }
            elif name == "ranking":
                question.options = _options(
                    [("Lekplats", "Playground"), ("Utegym", "Outdoor gym"), ("Odling", "Garden")]
                )
            elif name == "short":
                question.settings = {"max_length": 50}
            elif name == "number":
                question.settings = {"min": 0, "max": 120, "integer": True, "unit": "min"}
            elif name == "age":
                question.options = _options([(c, c) for c in AGE_CODES], AGE_CODES)
            elif name == "gender":
                question.options = _options(
                    [
                        ("Kvinna", "Woman"),
                        ("Man", "Man"),
                        ("Annat", "Other"),
                        ("Vill ej svara", "Prefer not to say"),
                    ],
                    GENDER_CODES,
                )
            elif name == "district":
                districts = ["Flemingsberg", "Visättra", "Annat område"]
                question.options = _options([(d, d) for d in districts], districts)
            elif name == "relation":
                question.options = _options(
                    [
                        ("Bor", "Live"),
                        ("Arbetar", "Work"),
                        ("Studerar", "Study"),
                        ("Besöker", "Visit"),
                    ],
                    RELATION_CODES,
                )
            survey.questions.append(question)
            kit.q[name] = question
        db.session.flush()
        # Shown only to those who barbecue (an option of the multi-choice question).
        conditional = Question(
            type=QuestionType.SHORT_TEXT,
            page=2,
            position=100,
            prompt={"sv": "Var vill du grilla?", "en": "Where would you like to barbecue?"},
            condition_question_id=kit.qid("multi"),
            condition_option_id=kit.option("multi", 2),
        )
        survey.questions.append(conditional)
        kit.q["conditional"] = conditional
        db.session.commit()
        return kit

    return make


@pytest.fixture()
def web(make_app: Any, app: Any) -> Any:
    """A client of a separate app instance: every request gets its own app context, session
    and ``g`` (as in production), unlike ``client`` which shares the test's context."""
    return make_app().test_client()


_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of a rendered survey page (state, step, shown, csrf_token ...)."""
    fields = {}
    for tag in _HIDDEN.findall(page):
        attrs = dict(_ATTR.findall(tag))
        if "name" in attrs:
            fields[attrs["name"]] = html.unescape(attrs.get("value", ""))
    return fields


class Flow:
    """Drive the HTML survey flow like a browser without JavaScript."""

    def __init__(self, client: Any, survey_id: int, query: str = "") -> None:
        self.client = client
        self.url = f"/s/{survey_id}{query}"
        self.response = client.get(self.url)
        self.page = self.response.get_data(as_text=True)

    def post(self, data: dict[str, Any] | None = None, **extra: Any) -> Any:
        form = {k: v for k, v in hidden_fields(self.page).items() if k != "q_features"}
        form.update(data or {})
        form.update(extra)
        self.response = self.client.post(self.url.split("?")[0], data=form)
        self.page = self.response.get_data(as_text=True)
        return self.response

    def next(self, data: dict[str, Any] | None = None) -> Any:
        return self.post(data, action="next")

    @property
    def step(self) -> str:
        return hidden_fields(self.page).get("step", "")

    @property
    def state(self) -> dict[str, Any]:
        return json.loads(hidden_fields(self.page).get("state") or "{}")
