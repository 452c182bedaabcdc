"""The demo surveys (one uses every question type) and how demo residents answer them."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from app.demo.geography import AGE_BANDS, Municipality
from app.demo.projects import ProjectSpec, t
from app.demo.texts import Writer
from app.surveys.models import (
    Answer,
    AnswerFeature,
    OptionKind,
    Question,
    QuestionOption,
    QuestionType,
    Survey,
)

QT = QuestionType

#: Map categories: key -> (label, icon, colour, valence hint).
CATEGORIES: dict[str, tuple[dict[str, str], str, str, str]] = {
    "good": (t("Bra plats", "Good place"), "heart", "#1b7a3d", "positive"),
    "improve": (t("Behöver förbättras", "Needs improvement"), "wrench", "#b3261e", "negative"),
    "idea": (t("Idé", "Idea"), "lightbulb", "#1f5fa8", "neutral"),
    "unsafe": (t("Känns otryggt", "Feels unsafe"), "alert", "#6b2c91", "negative"),
    "good_route": (t("Bra väg", "Good route"), "route", "#1b7a3d", "positive"),
    "danger_route": (t("Farlig sträcka", "Dangerous stretch"), "alert", "#b3261e", "negative"),
}
VALENCE_KIND = {"positive": "pos", "negative": "neg", "neutral": "idea"}
SAFETY_TOPICS = ("tunnel", "light", "safety", "traffic", "school")

AGE_LABELS = {
    "0-17": t("0–17 år", "0–17 years"),
    "18-29": t("18–29 år", "18–29 years"),
    "30-44": t("30–44 år", "30–44 years"),
    "45-64": t("45–64 år", "45–64 years"),
    "65-79": t("65–79 år", "65–79 years"),
    "80+": t("80 år eller äldre", "80 years or older"),
}
GENDER_OPTIONS = [
    ("woman", t("Kvinna", "Woman")),
    ("man", t("Man", "Man")),
    ("other", t("Annat", "Other")),
    ("no_answer", t("Vill inte svara", "Prefer not to say")),
]
RELATION_OPTIONS = [
    ("live", t("Jag bor här", "I live here")),
    ("work", t("Jag arbetar här", "I work here")),
    ("study", t("Jag studerar här", "I study here")),
    ("visit", t("Jag besöker området", "I visit the area")),
]
LIKERT_LABELS = {
    "sv": [
        "Instämmer inte alls",
        "Instämmer delvis inte",
        "Varken eller",
        "Instämmer delvis",
        "Instämmer helt",
    ],
    "en": ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"],
}

#: Who answers (skewed against the population: few young people, many middle-aged).
AGE_WEIGHTS = [0.04, 0.10, 0.29, 0.34, 0.19, 0.04]
GENDER_WEIGHTS = [0.57, 0.39, 0.015, 0.025]


@dataclass
class Q:
    """A question of a demo survey, before it becomes a ``Question`` row."""

    key: str
    type: QuestionType
    page: int
    prompt: dict[str, str]
    help_text: dict[str, str] = field(default_factory=dict)
    required: bool = False
    theme_hint: str | None = None
    #: Choice options as (code, label).
    options: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    #: Relative weights of the options (or of 1..5 / 0..10 for likert and scale).
    weights: list[float] | None = None
    other: bool = False
    categories: list[str] = field(default_factory=list)
    category_weights: list[float] | None = None
    min_count: int | None = None
    max_count: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    condition: tuple[str, str] | None = None
    #: Share of respondents answering an optional question.
    answer_rate: float = 0.85


def _map_settings() -> dict[str, Any]:
    return {"restrict_to_area": True, "require_comment": False}


def demographics(page: int, org: Municipality, relation: bool = False) -> list[Q]:
    qs = [
        Q(
            "age",
            QT.AGE_BAND,
            page,
            t("Hur gammal är du?", "How old are you?"),
            options=[(code, AGE_LABELS[code]) for code in AGE_BANDS],
            weights=AGE_WEIGHTS,
        ),
        Q(
            "gender",
            QT.GENDER,
            page,
            t("Vilket kön har du?", "What is your gender?"),
            options=GENDER_OPTIONS,
            weights=GENDER_WEIGHTS,
        ),
        Q(
            "district",
            QT.DISTRICT,
            page,
            t("I vilken kommundel bor du?", "Which district do you live in?"),
            options=[(d.name, t(d.name, d.name)) for d in org.districts],
        ),
    ]
    if relation:
        qs.append(
            Q(
                "relation",
                QT.RELATION,
                page,
                t("Vad har du för koppling till området?", "How are you connected to the area?"),
                options=RELATION_OPTIONS,
                weights=[0.6, 0.15, 0.15, 0.1],
            )
        )
    return qs


def flemingsberg_consultation(org: Municipality) -> tuple[dict[str, str], list[Q]]:
    """The consultation survey: every question type, three pages, one display condition."""
    questions = [
        Q(
            "relation",
            QT.RELATION,
            1,
            t(
                "Vad har du för koppling till Flemingsberg?",
                "How are you connected to Flemingsberg?",
            ),
            options=RELATION_OPTIONS,
            weights=[0.55, 0.15, 0.2, 0.1],
            required=True,
        ),
        Q(
            "places",
            QT.MAP_POINT,
            1,
            t(
                "Markera platser som är bra, som behöver förbättras eller där du har en idé.",
                "Mark places that are good, that need improving or where you have an idea.",
            ),
            help_text=t(
                "Sätt ut upp till fem punkter och skriv gärna en kommentar. Du kan också välja "
                "en plats ur listan.",
                "Place up to five points and add a comment if you like. You can also pick a "
                "place from the list.",
            ),
            categories=["good", "improve", "idea", "unsafe"],
            category_weights=[0.25, 0.3, 0.2, 0.25],
            min_count=0,
            max_count=5,
            settings=_map_settings(),
        ),
        Q(
            "safe_evening",
            QT.LIKERT,
            1,
            t(
                "Jag känner mig trygg när jag går till stationen en kväll.",
                "I feel safe walking to the station in the evening.",
            ),
            theme_hint="safety",
            weights=[0.24, 0.28, 0.2, 0.2, 0.08],
            settings={"labels": LIKERT_LABELS},
            required=True,
        ),
        Q(
            "travel",
            QT.SINGLE_CHOICE,
            1,
            t("Hur tar du dig oftast till stationen?", "How do you usually get to the station?"),
            theme_hint="mobility",
            options=[
                ("walk", t("Går", "Walk")),
                ("bike", t("Cyklar", "Cycle")),
                ("bus", t("Buss", "Bus")),
                ("car", t("Bil", "Car")),
            ],
            weights=[0.38, 0.1, 0.3, 0.22],
            required=True,
        ),
        Q(
            "car_instead",
            QT.SHORT_TEXT,
            1,
            t(
                "Vad skulle få dig att välja något annat än bilen?",
                "What would make you choose something other than the car?",
            ),
            theme_hint="mobility",
            settings={"max_length": 200},
            condition=("travel", "car"),
            answer_rate=0.7,
        ),
        Q(
            "route",
            QT.MAP_LINE,
            2,
            t(
                "Rita vägen du går eller cyklar till stationen.",
                "Draw the route you walk or cycle to the station.",
            ),
            theme_hint="mobility",
            categories=["good_route", "danger_route", "unsafe"],
            category_weights=[0.35, 0.35, 0.3],
            min_count=0,
            max_count=3,
            settings=_map_settings(),
            answer_rate=0.55,
        ),
        Q(
            "park_area",
            QT.MAP_POLYGON,
            2,
            t(
                "Rita ett område som borde bli park eller mötesplats.",
                "Draw an area that should become a park or a meeting place.",
            ),
            theme_hint="green",
            categories=["idea", "good"],
            category_weights=[0.7, 0.3],
            min_count=0,
            max_count=2,
            settings=_map_settings(),
            answer_rate=0.35,
        ),
        Q(
            "missing",
            QT.MULTI_CHOICE,
            2,
            t(
                "Vad saknas mest i området i dag? Välj högst tre.",
                "What is most missing in the area today? Choose up to three.",
            ),
            options=[
                ("cafe", t("Kaféer och restauranger", "Cafés and restaurants")),
                ("green", t("Parker och grönska", "Parks and greenery")),
                ("play", t("Lek och aktiviteter för barn", "Play and activities for children")),
                ("youth", t("Något för unga", "Something for young people")),
                ("shops", t("Butiker och service", "Shops and services")),
                ("light", t("Bättre belysning", "Better lighting")),
                ("seats", t("Sittplatser", "Places to sit")),
                ("other", t("Annat", "Other")),
            ],
            weights=[0.2, 0.14, 0.1, 0.12, 0.12, 0.16, 0.1, 0.06],
            other=True,
            min_count=1,
            max_count=3,
        ),
        Q(
            "priorities",
            QT.RANKING,
            2,
            t(
                "Rangordna vad som är viktigast i den nya stadsdelen.",
                "Rank what matters most in the new neighbourhood.",
            ),
            options=[
                ("affordable", t("Bostäder man har råd med", "Affordable homes")),
                ("green", t("Grönska och parker", "Greenery and parks")),
                ("safe", t("Trygga gångvägar", "Safe walking routes")),
                ("meeting", t("Mötesplatser", "Meeting places")),
                ("parking", t("Parkering", "Parking")),
            ],
            weights=[0.3, 0.22, 0.28, 0.12, 0.08],
            answer_rate=0.75,
        ),
        Q(
            "overall",
            QT.SCALE,
            2,
            t(
                "Vad tycker du om förslaget som helhet?",
                "What do you think of the proposal overall?",
            ),
            weights=[0.04, 0.03, 0.05, 0.07, 0.09, 0.14, 0.14, 0.17, 0.15, 0.07, 0.05],
            settings={
                "min_label": t("Mycket dåligt", "Very bad"),
                "max_label": t("Mycket bra", "Very good"),
            },
        ),
        Q(
            "more",
            QT.LONG_TEXT,
            2,
            t("Har du fler synpunkter på förslaget?", "Any other comments on the proposal?"),
            settings={"max_length": 4000},
            answer_rate=0.45,
        ),
        Q(
            "years",
            QT.NUMBER,
            3,
            t(
                "Hur många år har du bott eller arbetat i området?",
                "How many years have you lived or worked in the area?",
            ),
            settings={"min": 0, "max": 100, "integer": True, "unit": t("år", "years")},
            answer_rate=0.7,
        ),
        *[q for q in demographics(3, org) if q.key != "relation"],
    ]
    title = t("Tyck till om planförslaget", "Have your say on the plan proposal")
    return title, questions


def flemingsberg_early(org: Municipality) -> tuple[dict[str, str], list[Q]]:
    return t("Hur använder du området i dag?", "How do you use the area today?"), [
        Q(
            "places",
            QT.MAP_POINT,
            1,
            t(
                "Markera platser du använder, tycker om eller undviker.",
                "Mark places you use, like or avoid.",
            ),
            categories=["good", "improve", "unsafe"],
            category_weights=[0.3, 0.3, 0.4],
            min_count=1,
            max_count=5,
            settings=_map_settings(),
            required=True,
        ),
        Q(
            "needed",
            QT.LONG_TEXT,
            1,
            t("Vad behövs i området?", "What does the area need?"),
            settings={"max_length": 4000},
            answer_rate=0.7,
        ),
        *demographics(2, org, relation=True),
    ]


def tumba(org: Municipality) -> tuple[dict[str, str], list[Q]]:
    return t("Ditt Tumba centrum", "Your Tumba centre"), [
        Q(
            "places",
            QT.MAP_POINT,
            1,
            t(
                "Var i centrum trivs du, och var inte?",
                "Where in the centre do you feel at home, and where not?",
            ),
            categories=["good", "improve", "idea", "unsafe"],
            category_weights=[0.3, 0.3, 0.2, 0.2],
            min_count=0,
            max_count=5,
            settings=_map_settings(),
        ),
        Q(
            "welcoming",
            QT.LIKERT,
            1,
            t("Tumba centrum känns välkomnande.", "Tumba centre feels welcoming."),
            theme_hint="meeting",
            weights=[0.15, 0.25, 0.25, 0.25, 0.1],
            settings={"labels": LIKERT_LABELS},
        ),
        Q(
            "do_more",
            QT.MULTI_CHOICE,
            1,
            t("Vad vill du kunna göra i centrum?", "What would you like to do in the centre?"),
            options=[
                ("sit", t("Sitta och fika", "Sit and have a coffee")),
                ("market", t("Gå på marknad", "Visit a market")),
                ("culture", t("Kultur och bibliotek", "Culture and the library")),
                ("play", t("Lek för barn", "Play for children")),
                ("shop", t("Handla", "Shop")),
                ("other", t("Annat", "Other")),
            ],
            weights=[0.25, 0.2, 0.2, 0.15, 0.15, 0.05],
            other=True,
            max_count=3,
        ),
        Q(
            "more",
            QT.LONG_TEXT,
            1,
            t(
                "Vad är det viktigaste vi ska tänka på?",
                "What is most important for us to consider?",
            ),
            settings={"max_length": 4000},
            answer_rate=0.5,
        ),
        *demographics(2, org),
    ]


def handen(org: Municipality) -> tuple[dict[str, str], list[Q]]:
    return t("Tyck till om parken", "Your say on the park"), [
        Q(
            "places",
            QT.MAP_POINT,
            1,
            t(
                "Var vill du ha bänkar, grill, lek eller odling?",
                "Where would you like benches, barbecues, play or planters?",
            ),
            categories=["idea", "good", "improve", "unsafe"],
            category_weights=[0.45, 0.2, 0.2, 0.15],
            min_count=0,
            max_count=5,
            settings=_map_settings(),
        ),
        Q(
            "sketch",
            QT.SINGLE_CHOICE,
            1,
            t(
                "Vilken skiss för lekplatsen gillar du mest?",
                "Which playground sketch do you like best?",
            ),
            theme_hint="children",
            options=[
                ("a", t("A: Klätterskog", "A: Climbing forest")),
                ("b", t("B: Vattenlek", "B: Water play")),
                ("c", t("C: Lek för alla åldrar", "C: Play for all ages")),
            ],
            weights=[0.3, 0.3, 0.4],
        ),
        Q(
            "more",
            QT.LONG_TEXT,
            1,
            t("Något mer vi ska veta?", "Anything else we should know?"),
            settings={"max_length": 4000},
            answer_rate=0.45,
        ),
        *demographics(2, org),
    ]


def trollbacken(org: Municipality) -> tuple[dict[str, str], list[Q]]:
    return t("Kartlägg skolvägen", "Map the route to school"), [
        Q(
            "route",
            QT.MAP_LINE,
            1,
            t("Rita barnets väg till skolan.", "Draw your child's route to school."),
            theme_hint="children",
            categories=["good_route", "danger_route"],
            category_weights=[0.4, 0.6],
            min_count=1,
            max_count=2,
            settings=_map_settings(),
            required=True,
        ),
        Q(
            "danger",
            QT.MAP_POINT,
            1,
            t("Markera platser där det känns farligt.", "Mark places that feel dangerous."),
            theme_hint="safety",
            categories=["unsafe", "improve", "idea"],
            category_weights=[0.5, 0.3, 0.2],
            min_count=0,
            max_count=5,
            settings=_map_settings(),
        ),
        Q(
            "mode",
            QT.SINGLE_CHOICE,
            1,
            t(
                "Hur tar sig barnet oftast till skolan?",
                "How does the child usually get to school?",
            ),
            options=[
                ("walk", t("Går själv", "Walks alone")),
                ("walk_adult", t("Går med vuxen", "Walks with an adult")),
                ("bike", t("Cyklar", "Cycles")),
                ("car", t("Skjutsas med bil", "Driven by car")),
            ],
            weights=[0.3, 0.2, 0.15, 0.35],
        ),
        Q(
            "more",
            QT.LONG_TEXT,
            1,
            t("Vad skulle göra skolvägen tryggare?", "What would make the route safer?"),
            settings={"max_length": 4000},
            answer_rate=0.55,
        ),
        *demographics(2, org),
    ]


def huddinge_op(org: Municipality) -> tuple[dict[str, str], list[Q]]:
    return t("Huddinge 2050", "Huddinge 2050"), [
        Q(
            "places",
            QT.MAP_POINT,
            1,
            t(
                "Var är Huddinge som bäst, och var behövs förändring?",
                "Where is Huddinge at its best, and where is change needed?",
            ),
            categories=["good", "improve", "idea"],
            category_weights=[0.4, 0.35, 0.25],
            min_count=0,
            max_count=5,
            settings=_map_settings(),
        ),
        Q(
            "nature",
            QT.LIKERT,
            1,
            t(
                "Naturområdena ska skyddas även om det blir färre nya bostäder.",
                "Nature areas should be protected even if that means fewer new homes.",
            ),
            theme_hint="green",
            weights=[0.06, 0.1, 0.16, 0.3, 0.38],
            settings={"labels": LIKERT_LABELS},
        ),
        Q(
            "more",
            QT.LONG_TEXT,
            1,
            t("Dina synpunkter på förslaget", "Your comments on the proposal"),
            settings={"max_length": 4000},
            answer_rate=0.6,
        ),
        *demographics(2, org),
    ]


SURVEYS = {
    "flemingsberg_consultation": flemingsberg_consultation,
    "flemingsberg_early": flemingsberg_early,
    "tumba": tumba,
    "handen": handen,
    "trollbacken": trollbacken,
    "huddinge_op": huddinge_op,
}


@dataclass
class BuiltSurvey:
    survey: Survey
    specs: list[Q]
    questions: dict[str, Question]
    #: (question key, option code or category key) -> option row.
    options: dict[tuple[str, str], QuestionOption]


def build_survey(key: str, org: Municipality, spec: ProjectSpec, survey: Survey) -> BuiltSurvey:
    """Add the questions and options of survey ``key`` to ``survey`` (not flushed)."""
    title, specs = SURVEYS[key](org)
    survey.title = title
    survey.intro = t(
        "Det tar ungefär fem minuter. Du är anonym om du inte själv skriver vem du är.",
        "It takes about five minutes. You stay anonymous unless you say who you are.",
    )
    questions: dict[str, Question] = {}
    options: dict[tuple[str, str], QuestionOption] = {}
    positions: dict[int, int] = {}
    for q in specs:
        position = positions.get(q.page, 0)
        positions[q.page] = position + 1
        question = Question(
            type=q.type,
            page=q.page,
            position=position,
            prompt=q.prompt,
            help_text=q.help_text,
            required=q.required,
            theme_hint=q.theme_hint,
            min_count=q.min_count,
            max_count=q.max_count,
            settings=q.settings,
        )
        for i, (code, label) in enumerate(q.options):
            opt = QuestionOption(
                kind=OptionKind.OPTION,
                position=i,
                label=label,
                code=code,
                is_other=q.other and code == "other",
            )
            question.options.append(opt)
            options[(q.key, code)] = opt
        for i, cat in enumerate(q.categories):
            label, icon, color, valence = CATEGORIES[cat]
            opt = QuestionOption(
                kind=OptionKind.CATEGORY,
                position=i,
                label=label,
                code=cat,
                icon=icon,
                color=color,
                valence_hint=valence,
            )
            question.options.append(opt)
            options[(q.key, cat)] = opt
        if q.type in (QT.MAP_POINT, QT.MAP_LINE, QT.MAP_POLYGON):
            for i, (label, (lon, lat)) in enumerate(spec.places):
                opt = QuestionOption(
                    kind=OptionKind.PLACE,
                    position=len(q.categories) + i,
                    label=label,
                    code=f"place-{i + 1}",
                    geometry={"type": "Point", "coordinates": [lon, lat]},
                )
                question.options.append(opt)
                options[(q.key, f"place-{i + 1}")] = opt
        survey.questions.append(question)
        questions[q.key] = question
    return BuiltSurvey(survey, specs, questions, options)


def link_conditions(built: BuiltSurvey) -> None:
    """Set display conditions (needs flushed option ids)."""
    for q in built.specs:
        if q.condition:
            qkey, code = q.condition
            built.questions[q.key].condition_question_id = built.questions[qkey].id
            built.questions[q.key].condition_option_id = built.options[(qkey, code)].id


class Sampler:
    """Random geometries inside a project area, clustered around its named places."""

    def __init__(self, rng: random.Random, area: BaseGeometry, hotspots: list[tuple[float, float]]):
        self.rng = rng
        self.area = area
        self.hotspots = hotspots
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = area.bounds
        # Spread scales with the area: a station area vs a whole municipality.
        self.spread = max(self.max_lon - self.min_lon, self.max_lat - self.min_lat) / 25

    def point(self) -> tuple[float, float]:
        rng = self.rng
        for _ in range(200):
            if self.hotspots and rng.random() < 0.6:
                lon, lat = rng.choice(self.hotspots)
                lon += rng.gauss(0, self.spread)
                lat += rng.gauss(0, self.spread / 2)
            else:
                lon = rng.uniform(self.min_lon, self.max_lon)
                lat = rng.uniform(self.min_lat, self.max_lat)
            lon, lat = round(lon, 6), round(lat, 6)
            if self.area.contains(Point(lon, lat)):
                return lon, lat
        raise RuntimeError("could not sample a point inside the area")  # pragma: no cover

    def line(self) -> list[tuple[float, float]]:
        rng = self.rng
        for _ in range(200):
            coords = [self.point()]
            heading = rng.uniform(0, 6.283)
            for _ in range(rng.randint(2, 4)):
                heading += rng.uniform(-0.7, 0.7)
                step = self.spread * rng.uniform(1.0, 2.5)
                lon, lat = coords[-1]
                coords.append(
                    (
                        round(lon + step * math.cos(heading), 6),
                        round(lat + step * math.sin(heading) / 2, 6),
                    )
                )
            line = LineString(coords)
            if line.is_simple and self.area.contains(line):
                return coords
        raise RuntimeError("could not sample a line inside the area")  # pragma: no cover

    def polygon(self) -> list[tuple[float, float]]:
        rng = self.rng
        for _ in range(200):
            lon0, lat0 = self.point()
            n = rng.randint(4, 7)
            angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(n))
            radius = self.spread * rng.uniform(0.6, 1.5)
            ring = [
                (round(lon0 + radius * math.cos(a), 6), round(lat0 + radius * math.sin(a) / 2, 6))
                for a in angles
            ]
            shape = Polygon(ring)
            if shape.is_valid and shape.area > 0 and self.area.contains(shape):
                return ring
        raise RuntimeError("could not sample a polygon inside the area")  # pragma: no cover


def weighted_order(rng: random.Random, items: list[Any], weights: list[float]) -> list[Any]:
    """Items in a random order where heavier items tend to come first."""
    keyed = [(rng.random() ** (1.0 / w), item) for item, w in zip(items, weights, strict=True)]
    return [item for _, item in sorted(keyed, key=lambda p: p[0], reverse=True)]


class Answerer:
    """Fills in a survey the way a demo resident would."""

    def __init__(
        self,
        rng: random.Random,
        built: BuiltSurvey,
        spec: ProjectSpec,
        writer: Writer,
        sampler: Sampler,
    ) -> None:
        self.rng = rng
        self.built = built
        self.spec = spec
        self.writer = writer
        self.sampler = sampler
        self.safety_topics = [x for x in spec.topics if x in SAFETY_TOPICS] or ["safety"]

    def answers(self, lang: str) -> list[Answer]:
        rng = self.rng
        chosen: dict[str, str] = {}
        result = []
        for q in self.built.specs:
            if q.condition and chosen.get(q.condition[0]) != q.condition[1]:
                continue
            if not q.required and rng.random() > q.answer_rate:
                continue
            answer = self.answer(q, lang, chosen)
            if answer is not None:
                answer.question = self.built.questions[q.key]
                result.append(answer)
        return result

    def _option(self, q: Q, code: str) -> QuestionOption:
        return self.built.options[(q.key, code)]

    def _pick(self, q: Q) -> str:
        codes = [code for code, _ in q.options if not (q.other and code == "other")]
        weights = q.weights[: len(codes)] if q.weights else None
        if q.type == QT.DISTRICT:
            weights = [self.spec.districts.get(code, 0.02) for code in codes]
        return self.rng.choices(codes, weights)[0]

    def answer(self, q: Q, lang: str, chosen: dict[str, str]) -> Answer | None:
        rng = self.rng
        w = self.writer
        if q.type in (QT.SINGLE_CHOICE, QT.AGE_BAND, QT.GENDER, QT.DISTRICT, QT.RELATION):
            code = self._pick(q)
            chosen[q.key] = code
            return Answer(value=self._option(q, code).id)
        if q.type == QT.MULTI_CHOICE:
            codes = [code for code, _ in q.options if code != "other"]
            weights = (q.weights or [1.0] * len(q.options))[: len(codes)]
            k = rng.randint(max(1, q.min_count or 1), q.max_count or len(codes))
            picked = weighted_order(rng, codes, weights)[:k]
            other_text = None
            if q.other and rng.random() < 0.12:
                if len(picked) == k and k > 1:
                    picked = picked[:-1]
                other_text = w.sentence(lang, "idea")
                picked.append("other")
            ids = [self._option(q, c).id for c in picked]
            return Answer(value={"options": ids, "other": other_text}, text=other_text)
        if q.type == QT.RANKING:
            codes = [code for code, _ in q.options]
            order = weighted_order(rng, codes, q.weights or [1.0] * len(codes))
            return Answer(value=[self._option(q, c).id for c in order])
        if q.type == QT.LIKERT:
            return Answer(value=rng.choices([1, 2, 3, 4, 5], q.weights)[0])
        if q.type == QT.SCALE:
            return Answer(value=rng.choices(range(11), q.weights)[0])
        if q.type == QT.NUMBER:
            return Answer(value=min(60, int(rng.expovariate(1 / 9))))
        if q.type == QT.SHORT_TEXT:
            text = w.sentence(lang, "idea", rng.choice(["bus", "cycle", "parking"]))[:200]
            return Answer(value=text, text=text)
        if q.type == QT.LONG_TEXT:
            text = w.comment(lang)
            return Answer(value=text, text=text)
        return self.map_answer(q, lang)

    def map_answer(self, q: Q, lang: str) -> Answer | None:
        rng = self.rng
        w = self.writer
        places = [
            code for (key, code) in self.built.options if key == q.key and code.startswith("place-")
        ]
        if places and rng.random() < 0.08:
            # The text alternative: a named place from the list, or a description.
            if rng.random() < 0.6:
                return Answer(value={"place": self._option(q, rng.choice(places)).id})
            text = w.sentence(lang, "neg")
            return Answer(value={"description": text}, text=text)
        if q.type == QT.MAP_POINT:
            n = rng.choices([1, 2, 3, 4, 5], [0.42, 0.28, 0.15, 0.09, 0.06])[0]
        elif q.type == QT.MAP_LINE:
            n = rng.choices([1, 2, 3], [0.75, 0.2, 0.05])[0]
        else:
            n = rng.choices([1, 2], [0.85, 0.15])[0]
        n = max(q.min_count or 0, min(n, q.max_count or n))
        if n == 0:
            return None
        # The markings' comments live on the markings only (one contribution each).
        answer = Answer(value=None, text=None)
        for i in range(n):
            cat = rng.choices(q.categories, q.category_weights)[0]
            valence = CATEGORIES[cat][3]
            if q.type == QT.MAP_POINT:
                geometry = {"type": "Point", "coordinates": list(self.sampler.point())}
            elif q.type == QT.MAP_LINE:
                geometry = {
                    "type": "LineString",
                    "coordinates": [list(c) for c in self.sampler.line()],
                }
            else:
                ring = self.sampler.polygon()
                geometry = {"type": "Polygon", "coordinates": [[list(c) for c in [*ring, ring[0]]]]}
            feature = AnswerFeature(position=i, category=self._option(q, cat))
            feature.set_geometry(geometry, within=self.sampler.area)
            if rng.random() < 0.65:
                topic = (
                    rng.choice(self.safety_topics) if cat in ("unsafe", "danger_route") else None
                )
                feature.comment = w.typo(w.sentence(lang, VALENCE_KIND[valence], topic))
            answer.features.append(feature)
        return answer
