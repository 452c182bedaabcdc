"""Services of the survey builder: writes on surveys, questions and options.

Every function validates, flushes and returns what it changed, or raises
:class:`BuilderError` (a field -> message mapping, shown next to the fields with 422) or
:class:`BuilderConflict` (a refused action, 409). The request boundary commits.

Once a survey has responses, nothing that answers point at is deleted or silently
reinterpreted: deletions archive, changes of meaning are refused, and structural changes
bump ``Survey.version``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from app.codebook.themes import theme_ids
from app.core import translations
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import Organization, PopulationRow
from app.projects.models import Activity, ActivityKind, Project, Stage
from app.surveys.models import (
    DEMOGRAPHIC_TYPES,
    MAP_TYPES,
    OptionKind,
    Question,
    QuestionOption,
    QuestionType,
    Response,
    Resubmission,
    Survey,
    SurveyStatus,
)

#: Icons a map category may use (the survey page maps each name to a symbol).
ICONS: tuple[str, ...] = (
    "star",
    "warning",
    "lightbulb",
    "heart",
    "tree",
    "bus",
    "bench",
    "bike",
    "walk",
    "car",
    "child",
    "light",
    "water",
    "question",
)


def icon_labels() -> dict[str, str]:
    """What each icon shows, in the planner's language (the ids stay in the data)."""
    return {
        "star": _("Star"),
        "warning": _("Warning sign"),
        "lightbulb": _("Light bulb (idea)"),
        "heart": _("Heart"),
        "tree": _("Tree"),
        "bus": _("Bus"),
        "bench": _("Bench"),
        "bike": _("Bicycle"),
        "walk": _("Pedestrian"),
        "car": _("Car"),
        "child": _("Child"),
        "light": _("Street light"),
        "water": _("Water"),
        "question": _("Question mark"),
    }


VALENCES: tuple[str, ...] = ("positive", "negative", "neutral")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE} | DEMOGRAPHIC_TYPES
#: Types whose options the planner edits as plain options.
OPTION_TYPES = CHOICE_TYPES | {QuestionType.RANKING}
COUNT_TYPES = MAP_TYPES | {QuestionType.MULTI_CHOICE, QuestionType.RANKING}

DEFAULT_LIKERT = {
    "sv": [
        "Instämmer inte alls",
        "Instämmer delvis inte",
        "Varken eller",
        "Instämmer delvis",
        "Instämmer helt",
    ],
    "en": ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"],
}
DEFAULT_SCALE = {
    "min_label": {"sv": "Inte alls", "en": "Not at all"},
    "max_label": {"sv": "Helt och hållet", "en": "Completely"},
}
DEFAULT_MAP_CATEGORIES = [
    ({"sv": "Bra plats", "en": "Good place"}, "heart", "#1e6b32", "positive"),
    ({"sv": "Behöver förbättras", "en": "Needs improvement"}, "warning", "#b00020", "negative"),
    ({"sv": "Idé", "en": "Idea"}, "lightbulb", "#005a9c", "neutral"),
]
DEMOGRAPHIC_OPTIONS: dict[QuestionType, list[tuple[str, dict[str, str]]]] = {
    QuestionType.AGE_BAND: [
        ("0-17", {"sv": "0–17 år", "en": "0–17 years"}),
        ("18-29", {"sv": "18–29 år", "en": "18–29 years"}),
        ("30-44", {"sv": "30–44 år", "en": "30–44 years"}),
        ("45-64", {"sv": "45–64 år", "en": "45–64 years"}),
        ("65-79", {"sv": "65–79 år", "en": "65–79 years"}),
        ("80+", {"sv": "80 år eller äldre", "en": "80 years or older"}),
    ],
    QuestionType.GENDER: [
        ("woman", {"sv": "Kvinna", "en": "Woman"}),
        ("man", {"sv": "Man", "en": "Man"}),
        ("other", {"sv": "Annat", "en": "Other"}),
        ("no_answer", {"sv": "Vill inte svara", "en": "Prefer not to say"}),
    ],
    QuestionType.RELATION: [
        ("live", {"sv": "Jag bor här", "en": "I live here"}),
        ("work", {"sv": "Jag arbetar här", "en": "I work here"}),
        ("study", {"sv": "Jag studerar här", "en": "I study here"}),
        ("visit", {"sv": "Jag besöker området", "en": "I visit the area"}),
    ],
}
DEFAULT_PROMPTS: dict[QuestionType, dict[str, str]] = {
    QuestionType.AGE_BAND: {"sv": "Hur gammal är du?", "en": "How old are you?"},
    QuestionType.GENDER: {"sv": "Vilket kön har du?", "en": "What is your gender?"},
    QuestionType.DISTRICT: {"sv": "Var bor du?", "en": "Where do you live?"},
    QuestionType.RELATION: {
        "sv": "Vilken relation har du till området?",
        "en": "What is your relation to the area?",
    },
}


class BuilderError(ValueError):
    """Invalid input: ``fields`` maps a form field name (or "") to a message."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


class BuilderConflict(ValueError):
    """A refused action (e.g. changing the meaning of answered questions)."""


# --- reads ---------------------------------------------------------------------------------


def response_count(survey: Survey) -> int:
    """How many responses the survey has."""
    return int(
        db.session.scalar(
            db.select(db.func.count(Response.id)).where(Response.survey_id == survey.id)
        )
        or 0
    )


def has_responses(survey: Survey) -> bool:
    return (
        db.session.scalar(db.select(Response.id).where(Response.survey_id == survey.id).limit(1))
        is not None
    )


def stage_of(survey: Survey) -> Stage | None:
    return survey.activity.stage if survey.activity is not None else None


def project_of_survey(survey: Survey) -> Project | None:
    stage = stage_of(survey)
    return stage.project if stage is not None else None


def pages_of(survey: Survey) -> list[int]:
    pages = sorted({q.page for q in survey.active_questions})
    return pages or [1]


def condition_candidates(
    survey: Survey, question: Question | None, page: int | None = None
) -> list[tuple[Question, list[QuestionOption]]]:
    """Earlier choice questions ``question`` may depend on: (question, options) pairs."""
    result = []
    for other in survey.active_questions:
        if question is not None and other.id == question.id:
            break
        if other.type not in CHOICE_TYPES:
            continue
        if page is not None and other.page > page:
            continue
        options = other.options_of(OptionKind.OPTION)
        if options:
            result.append((other, options))
    return result


def open_problems(survey: Survey) -> tuple[list[str], list[str]]:
    """What blocks opening the survey, and what only deserves a warning."""
    blocking: list[str] = []
    warnings: list[str] = []
    if not survey.active_questions:
        blocking.append(_("Add at least one question before opening the survey."))
    blocking.extend(_empty_questions(survey))
    stage = stage_of(survey)
    if stage is None:
        blocking.append(_("The survey is not attached to a stage."))
    else:
        if stage.has_ended:
            blocking.append(
                _("The stage has already ended. Change the stage's dates before opening.")
            )
        elif stage.closes_at is None:
            warnings.append(_("The stage has no closing date."))
        if not stage.has_started:
            warnings.append(_("The stage has not started yet: residents can answer once it opens."))
        if "respond" not in (stage.allowed_actions or []):
            warnings.append(_("The stage does not allow residents to answer surveys."))
    return blocking, warnings


def _empty_questions(survey: Survey) -> list[str]:
    """One message per question residents could not answer: no text, or nothing to choose."""
    lang = default_language(survey)
    problems: list[str] = []
    for number, question in enumerate(ordered(survey), start=1):
        if not (question.prompt or {}).get(lang, "").strip():
            problems.append(
                _(
                    "Question %(number)d has no question text. Write it before opening.",
                    number=number,
                )
            )
        if question.type in OPTION_TYPES and not question.options_of(OptionKind.OPTION):
            problems.append(
                _(
                    "Question %(number)d has no options to choose from. Add them before opening.",
                    number=number,
                )
            )
    return problems


def closes_last_activity(survey: Survey) -> bool:
    """True when closing this open survey leaves its open stage with nothing to take part in:
    no other open survey and no discussion. The builder then offers to close the stage too."""
    stage = stage_of(survey)
    if stage is None or survey.status != SurveyStatus.OPEN or not stage.is_open:
        return False
    for activity in stage.activities:
        if activity.survey_id == survey.id:
            continue
        if activity.kind == ActivityKind.DISCUSSION:
            return False
        if activity.survey is not None and activity.survey.status == SurveyStatus.OPEN:
            return False
    return True


# --- internal helpers ----------------------------------------------------------------------


def _structural_change(survey: Survey) -> None:
    """Bump the survey version when questions change after answers arrived."""
    if has_responses(survey):
        survey.version = (survey.version or 1) + 1


def _renumber(items: list[Any]) -> None:
    for index, item in enumerate(items):
        item.position = index


def _clean_text(values: dict[str, str | None]) -> dict[str, str]:
    return {lang: text.strip() for lang, text in values.items() if text and text.strip()}


def default_language(survey: Survey, fallback: str = "sv") -> str:
    languages = survey.languages or [fallback]
    return fallback if fallback in languages else languages[0]


# --- survey --------------------------------------------------------------------------------


def update_survey(
    survey: Survey,
    *,
    title: dict[str, str | None],
    intro: dict[str, str | None],
    languages: list[str],
    resubmission: str,
    default_lang: str = "sv",
) -> Survey:
    """Update the survey's texts and settings. Raises BuilderError."""
    errors: dict[str, str] = {}
    if not languages:
        errors["languages"] = _("Choose at least one language.")
    title_clean = _clean_text(title)
    lang = default_lang if default_lang in languages or not languages else languages[0]
    if not title_clean.get(lang):
        errors[f"title_{lang}"] = _("Enter a title in the default language.")
    if resubmission not in {r.value for r in Resubmission}:
        errors["resubmission"] = _("Choose what happens when someone answers again.")
    if errors:
        raise BuilderError(errors)
    intro_clean = _clean_text(intro)
    translations.record_change(survey, "title", survey.title, title_clean)
    translations.record_change(survey, "intro", survey.intro, intro_clean)
    survey.title = title_clean
    survey.intro = intro_clean
    survey.languages = languages
    survey.resubmission = Resubmission(resubmission)
    db.session.flush()
    return survey


def create_survey(stage: Stage, *, title: dict[str, str] | None = None) -> Survey:
    """A new draft survey in a new survey activity of ``stage``. Returns the survey."""
    survey = Survey(
        organization_id=stage.project.organization_id,
        title=title or {"sv": "Ny enkät", "en": "New survey"},
        status=SurveyStatus.DRAFT,
        languages=list(stage.project.organization.languages or ["sv", "en"]),
    )
    db.session.add(survey)
    db.session.flush()
    activity = Activity(
        stage=stage,
        kind=ActivityKind.SURVEY,
        survey=survey,
        title=dict(survey.title),
        position=len(stage.activities),
    )
    db.session.add(activity)
    db.session.flush()
    return survey


def set_status(survey: Survey, status: str) -> Survey:
    """Open or close the survey (draft -> open -> closed; a closed survey may reopen).

    Raises BuilderConflict when opening is blocked or the transition is not allowed."""
    target = SurveyStatus(status)
    allowed = {
        SurveyStatus.OPEN: {SurveyStatus.DRAFT, SurveyStatus.CLOSED},
        SurveyStatus.CLOSED: {SurveyStatus.OPEN},
        SurveyStatus.DRAFT: set(),
    }
    if survey.status not in allowed[target]:
        raise BuilderConflict(_("The survey cannot change to that status now."))
    if target == SurveyStatus.OPEN:
        blocking, _warnings = open_problems(survey)
        if blocking:
            raise BuilderConflict(" ".join(blocking))
    survey.status = target
    db.session.flush()
    return survey


# --- questions -----------------------------------------------------------------------------


def _district_options(organization_id: int) -> list[tuple[str, dict[str, str]]]:
    names = db.session.scalars(
        db.select(PopulationRow.district)
        .where(PopulationRow.organization_id == organization_id)
        .distinct()
        .order_by(PopulationRow.district)
    ).all()
    return [(name, {"sv": name, "en": name}) for name in names]


def default_settings(qtype: QuestionType) -> dict[str, Any]:
    if qtype in MAP_TYPES:
        return {"restrict_to_area": True, "require_comment": False, "max_comment_length": 1000}
    if qtype == QuestionType.LIKERT:
        return {"labels": {k: list(v) for k, v in DEFAULT_LIKERT.items()}}
    if qtype == QuestionType.SCALE:
        return {k: dict(v) for k, v in DEFAULT_SCALE.items()}
    if qtype == QuestionType.NUMBER:
        return {"min": None, "max": None, "integer": True, "unit": ""}
    if qtype == QuestionType.SHORT_TEXT:
        return {"max_length": 200}
    if qtype == QuestionType.LONG_TEXT:
        return {"max_length": 4000}
    return {}


def add_question(survey: Survey, qtype: str, *, page: int | None = None) -> Question:
    """Append a question of ``qtype`` (with default options and settings). Returns it."""
    try:
        kind = QuestionType(qtype)
    except ValueError:
        raise BuilderError({"type": _("Choose a question type.")}) from None
    active = survey.active_questions
    page = page or (active[-1].page if active else 1)
    if page < 1:
        raise BuilderError({"page": _("The page must be 1 or more.")})
    position = max((q.position for q in active if q.page == page), default=-1) + 1
    question = Question(
        survey=survey,
        type=kind,
        page=page,
        position=position,
        prompt=dict(DEFAULT_PROMPTS.get(kind, {})),
        settings=default_settings(kind),
    )
    db.session.add(question)
    if kind == QuestionType.DISTRICT:
        defaults = _district_options(survey.organization_id)
    else:
        defaults = DEMOGRAPHIC_OPTIONS.get(kind, [])
    for index, (code, label) in enumerate(defaults):
        question.options.append(
            QuestionOption(kind=OptionKind.OPTION, position=index, code=code, label=dict(label))
        )
    if kind in MAP_TYPES:
        for index, (label, icon, color, valence) in enumerate(DEFAULT_MAP_CATEGORIES):
            question.options.append(
                QuestionOption(
                    kind=OptionKind.CATEGORY,
                    position=index,
                    label=dict(label),
                    icon=icon,
                    color=color,
                    valence_hint=valence,
                    code=f"c{index + 1}",
                )
            )
    _structural_change(survey)
    db.session.flush()
    return question


@dataclass
class QuestionInput:
    """Validated shapes of the question form (domain rules are checked by the service)."""

    type: str
    prompt: dict[str, str | None]
    help_text: dict[str, str | None]
    required: bool
    page: int
    theme_hint: str | None
    min_count: int | None
    max_count: int | None
    condition: str | None  # "<question id>:<option id>" or empty
    settings: dict[str, Any] = field(default_factory=dict)


def _parse_condition(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    try:
        qid, oid = (int(part) for part in value.split(":", 1))
    except ValueError:
        return None
    return qid, oid


def _validate_settings(
    qtype: QuestionType, raw: dict[str, Any], languages: list[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Keep only the settings of ``qtype`` and check them. Returns (settings, errors)."""
    errors: dict[str, str] = {}
    settings: dict[str, Any] = {}
    if qtype in MAP_TYPES:
        settings["restrict_to_area"] = bool(raw.get("restrict_to_area"))
        settings["require_comment"] = bool(raw.get("require_comment"))
        length = raw.get("max_comment_length") or 1000
        if not 1 <= length <= 4000:
            errors["max_comment_length"] = _("Enter a length between 1 and 4000.")
        settings["max_comment_length"] = length
    elif qtype == QuestionType.LIKERT:
        labels: dict[str, list[str]] = {}
        for lang in languages:
            lines = [
                line.strip()
                for line in (raw.get(f"likert_{lang}") or "").splitlines()
                if line.strip()
            ]
            if not lines:
                lines = list(DEFAULT_LIKERT.get(lang, DEFAULT_LIKERT["en"]))
            if len(lines) != 5:
                errors[f"likert_{lang}"] = _("Write exactly five labels, one per line.")
            labels[lang] = lines
        settings["labels"] = labels
    elif qtype == QuestionType.SCALE:
        settings["min_label"] = _clean_text(
            {lang: raw.get(f"min_label_{lang}") for lang in languages}
        )
        settings["max_label"] = _clean_text(
            {lang: raw.get(f"max_label_{lang}") for lang in languages}
        )
    elif qtype == QuestionType.NUMBER:
        low, high = raw.get("number_min"), raw.get("number_max")
        if low is not None and high is not None and low > high:
            errors["number_max"] = _("The largest value must not be smaller than the smallest.")
        settings.update(
            min=low,
            max=high,
            integer=bool(raw.get("number_integer")),
            unit=(raw.get("number_unit") or "").strip(),
        )
    elif qtype in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
        limit = 200 if qtype == QuestionType.SHORT_TEXT else 4000
        length = raw.get("max_length") or limit
        if not 1 <= length <= 10000:
            errors["max_length"] = _("Enter a length between 1 and 10000.")
        settings["max_length"] = length
    return settings, errors


def _check_counts(min_count: int | None, max_count: int | None, errors: dict[str, str]) -> None:
    """How many choices or places a question asks for: 0 or more, the minimum first."""
    for name, value in (("min_count", min_count), ("max_count", max_count)):
        if value is not None and value < 0:
            errors[name] = _("Enter 0 or more.")
    if min_count is not None and max_count is not None and min_count > max_count:
        errors["max_count"] = _("The maximum must not be smaller than the minimum.")


def _checked_condition(
    question: Question, data: QuestionInput, errors: dict[str, str]
) -> tuple[int, int] | None:
    """The (question id, option id) the question is shown on, if it is one the form offered."""
    condition = _parse_condition(data.condition)
    if data.condition and condition is None:
        errors["condition"] = _("Choose a condition from the list.")
    if condition is not None:
        allowed = {
            (q.id, o.id)
            for q, options in condition_candidates(question.survey, question, page=data.page)
            for o in options
        }
        if condition not in allowed:
            errors["condition"] = _(
                "A condition must point to an option of an earlier choice question on "
                "this or an earlier page."
            )
    return condition


def update_question(question: Question, data: QuestionInput, *, default_lang: str) -> Question:
    """Apply the question form. Raises BuilderError (invalid) or BuilderConflict (refused)."""
    survey = question.survey
    answered = has_responses(survey)
    errors: dict[str, str] = {}
    try:
        qtype = QuestionType(data.type)
    except ValueError:
        qtype = question.type
        errors["type"] = _("Choose a question type.")
    if qtype != question.type and answered:
        raise BuilderConflict(
            _(
                "This survey has responses, so a question's type cannot change. Delete the "
                "question (it is archived with its answers) and add a new one instead."
            )
        )
    prompt = _clean_text(data.prompt)
    if not prompt.get(default_lang):
        errors[f"prompt_{default_lang}"] = _("Enter the question in the default language.")
    if data.page < 1:
        errors["page"] = _("The page must be 1 or more.")
    if data.theme_hint and data.theme_hint not in theme_ids(project_of_survey(question.survey)):
        errors["theme_hint"] = _("Choose a theme from the list.")
    _check_counts(data.min_count, data.max_count, errors)
    condition = _checked_condition(question, data, errors)
    if qtype == question.type:
        settings, setting_errors = _validate_settings(qtype, data.settings, survey.languages or [])
        errors.update(setting_errors)
    else:
        # The form showed the old type's settings: start the new type from its defaults.
        settings = default_settings(qtype)
    if errors:
        raise BuilderError(errors)

    structural = (
        qtype != question.type
        or bool(data.required) != bool(question.required)
        or (condition or (None, None))
        != (question.condition_question_id, question.condition_option_id)
        or data.min_count != question.min_count
        or data.max_count != question.max_count
        or settings != (question.settings or {})
    )
    if qtype != question.type:
        question.type = qtype
        _reset_options_for_type(question)
    if data.page != question.page:
        _move_to_page(question, data.page)
    help_text = _clean_text(data.help_text)
    translations.record_change(question, "prompt", question.prompt, prompt)
    translations.record_change(question, "help_text", question.help_text, help_text)
    for name in translations.SETTINGS_FIELDS:
        translations.record_change(
            question,
            name,
            translations.settings_texts(question.settings, name),
            translations.settings_texts(settings, name),
        )
    question.prompt = prompt
    question.help_text = help_text
    question.required = bool(data.required)
    question.theme_hint = data.theme_hint or None
    if qtype in COUNT_TYPES:
        question.min_count, question.max_count = data.min_count, data.max_count
    else:
        question.min_count = question.max_count = None
    question.condition_question_id, question.condition_option_id = condition or (None, None)
    question.settings = settings
    if structural and answered:
        _structural_change(survey)
    db.session.flush()
    return question


def _reset_options_for_type(question: Question) -> None:
    """After a type change on an unanswered survey, keep only the options the type uses."""
    keep: set[OptionKind] = set()
    if question.type in OPTION_TYPES:
        keep.add(OptionKind.OPTION)
    if question.type in MAP_TYPES:
        keep |= {OptionKind.CATEGORY, OptionKind.PLACE}
    for option in list(question.options):
        if option.kind not in keep:
            question.options.remove(option)
    question.settings = default_settings(question.type)


def _dependents(question: Question) -> list[Question]:
    return [
        q
        for q in question.survey.active_questions
        if q.condition_question_id == question.id and q.id != question.id
    ]


def ordered(survey: Survey) -> list[Question]:
    return sorted(survey.active_questions, key=lambda q: (q.page, q.position, q.id))


def _conditions_hold(order: list[tuple[Question, int]]) -> bool:
    """Every condition points to an earlier question on an earlier or the same page."""
    index = {q.id: (i, page) for i, (q, page) in enumerate(order)}
    for i, (q, page) in enumerate(order):
        if q.condition_question_id is None or q.condition_question_id not in index:
            continue
        j, other_page = index[q.condition_question_id]
        if j >= i or other_page > page:
            return False
    return True


def _move_to_page(question: Question, page: int) -> None:
    question.page = page
    question.position = (
        max(
            (
                q.position
                for q in question.survey.active_questions
                if q.page == page and q is not question
            ),
            default=-1,
        )
        + 1
    )


def move_question(
    question: Question, *, direction: str | None = None, page: int | None = None
) -> Question:
    """Move a question up or down (across page boundaries) or to another page.

    Raises BuilderConflict if the move would break a display condition."""
    survey = question.survey
    order = ordered(survey)
    pages = {q.id: q.page for q in order}
    if page is not None:
        if page < 1:
            raise BuilderError({"page": _("The page must be 1 or more.")})
        target_page = page
        rest = [q for q in order if q is not question]
        # Place it last on the target page.
        insert_at = max(
            (i + 1 for i, q in enumerate(rest) if pages[q.id] <= target_page), default=0
        )
        new_order = rest[:insert_at] + [question] + rest[insert_at:]
        pages[question.id] = target_page
    else:
        i = order.index(question)
        j = i - 1 if direction == "up" else i + 1
        if j < 0 or j >= len(order):
            return question
        other = order[j]
        new_order = list(order)
        if other.page != question.page:
            # Crossing a page boundary: the question joins the neighbour's page.
            pages[question.id] = other.page
            new_order = order  # same sequence, different page
        else:
            new_order[i], new_order[j] = new_order[j], new_order[i]
    if not _conditions_hold([(q, pages[q.id]) for q in new_order]):
        raise BuilderConflict(
            _("That move would put a question before the question its display condition uses.")
        )
    for q in new_order:
        q.page = pages[q.id]
    by_page: dict[int, list[Question]] = {}
    for q in new_order:
        by_page.setdefault(q.page, []).append(q)
    for items in by_page.values():
        _renumber(items)
    db.session.flush()
    return question


def delete_question(question: Question) -> bool:
    """Delete the question, or archive it if the survey has responses. True if archived.

    Raises BuilderConflict if another question's display condition uses it."""
    survey = question.survey
    if _dependents(question):
        raise BuilderConflict(
            _("Another question's display condition uses this question. Remove that first.")
        )
    if has_responses(survey):
        question.archived_at = utcnow()
        _structural_change(survey)
        db.session.flush()
        return True
    survey.questions.remove(question)
    db.session.delete(question)
    db.session.flush()
    _renumber([q for q in ordered(survey) if q.page == question.page])
    db.session.flush()
    return False


# --- options, categories, places -----------------------------------------------------------


@dataclass
class OptionInput:
    kind: str
    label: dict[str, str | None]
    code: str | None = None
    icon: str | None = None
    color: str | None = None
    valence_hint: str | None = None
    is_other: bool = False
    lat: float | None = None
    lon: float | None = None


def allowed_option_kinds(question: Question) -> list[OptionKind]:
    if question.type in MAP_TYPES:
        return [OptionKind.CATEGORY, OptionKind.PLACE]
    if question.type in OPTION_TYPES:
        return [OptionKind.OPTION]
    return []


def _validate_option(
    question: Question, data: OptionInput, default_lang: str, existing: QuestionOption | None
) -> tuple[OptionKind, dict[str, str]]:
    errors: dict[str, str] = {}
    try:
        kind = OptionKind(data.kind)
    except ValueError:
        kind = OptionKind.OPTION
        errors["kind"] = _("Choose what to add.")
    if kind not in allowed_option_kinds(question):
        errors["kind"] = _("This question type does not take that kind of item.")
    label = _clean_text(data.label)
    if not label.get(default_lang):
        errors[f"label_{default_lang}"] = _("Enter a label in the default language.")
    if kind == OptionKind.CATEGORY:
        if data.icon not in ICONS:
            errors["icon"] = _("Choose an icon from the list.")
        if not data.color or not COLOR_RE.match(data.color):
            errors["color"] = _("Enter a colour as #rrggbb, for example #1e6b32.")
        if data.valence_hint not in VALENCES:
            errors["valence_hint"] = _("Choose positive, negative or neutral.")
    if data.is_other:
        if question.type != QuestionType.MULTI_CHOICE:
            errors["is_other"] = _("Only a multiple-choice question can have an “other” option.")
        elif any(
            o.is_other and o is not existing and o.archived_at is None for o in question.options
        ):
            errors["is_other"] = _("The question already has an “other” option.")
    if (data.lat is None) != (data.lon is None):
        errors["lat"] = _("Enter both latitude and longitude, or neither.")
    elif data.lat is not None and not (-90 <= data.lat <= 90 and -180 <= (data.lon or 0) <= 180):
        errors["lat"] = _("Enter a valid position.")
    if errors:
        raise BuilderError(errors)
    return kind, label


def _apply_option(
    option: QuestionOption, kind: OptionKind, label: dict[str, str], data: OptionInput
) -> None:
    option.kind = kind
    translations.record_change(option, "label", option.label, label)
    option.label = label
    option.code = (data.code or "").strip() or None
    option.is_other = bool(data.is_other) and kind == OptionKind.OPTION
    if kind == OptionKind.CATEGORY:
        option.icon, option.color = data.icon, (data.color or "").lower()
        option.valence_hint = data.valence_hint
    else:
        option.icon = option.color = option.valence_hint = None
    if kind == OptionKind.PLACE and data.lat is not None and data.lon is not None:
        option.geometry = {"type": "Point", "coordinates": [data.lon, data.lat]}
    elif kind == OptionKind.PLACE:
        option.geometry = None


def add_option(question: Question, data: OptionInput, *, default_lang: str) -> QuestionOption:
    """Add an option, category or place to ``question``. Raises BuilderError."""
    kind, label = _validate_option(question, data, default_lang, None)
    siblings = question.options_of(kind)
    option = QuestionOption(position=(max((o.position for o in siblings), default=-1) + 1))
    _apply_option(option, kind, label, data)
    question.options.append(option)
    _structural_change(question.survey)
    db.session.flush()
    return option


def update_option(option: QuestionOption, data: OptionInput, *, default_lang: str) -> bool:
    """Edit an option. Returns True when a label changed on an answered survey (warn).

    Raises BuilderError, or BuilderConflict when answers exist and the meaning would change."""
    question = option.question
    kind, label = _validate_option(question, data, default_lang, option)
    answered = has_responses(question.survey)
    if answered:
        new_code = (data.code or "").strip() or None
        changed_meaning = (
            kind != option.kind
            or new_code != option.code
            or bool(data.is_other) != bool(option.is_other)
            or (kind == OptionKind.CATEGORY and data.valence_hint != option.valence_hint)
        )
        if changed_meaning:
            raise BuilderConflict(
                _(
                    "This survey has responses, so an option's meaning (code, kind, valence or "
                    "“other”) cannot change. Delete it (it is archived) and add a new one."
                )
            )
    label_changed = label != (option.label or {})
    _apply_option(option, kind, label, data)
    db.session.flush()
    return answered and label_changed


def move_option(option: QuestionOption, direction: str) -> QuestionOption:
    siblings = option.question.options_of(option.kind)
    siblings.sort(key=lambda o: (o.position, o.id))
    i = siblings.index(option)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(siblings):
        siblings[i], siblings[j] = siblings[j], siblings[i]
        _renumber(siblings)
        db.session.flush()
    return option


def delete_option(option: QuestionOption) -> bool:
    """Delete an option, or archive it when the survey has responses. True if archived.

    Raises BuilderConflict if a display condition uses the option."""
    question = option.question
    used = db.session.scalar(
        db.select(Question.id)
        .where(Question.condition_option_id == option.id, Question.archived_at.is_(None))
        .limit(1)
    )
    if used is not None:
        raise BuilderConflict(
            _("A question's display condition uses this option. Remove that condition first.")
        )
    if has_responses(question.survey):
        option.archived_at = utcnow()
        _structural_change(question.survey)
        db.session.flush()
        return True
    question.options.remove(option)
    db.session.delete(option)
    db.session.flush()
    return False


# --- duplicate -----------------------------------------------------------------------------


def duplicate_survey(source: Survey, stage: Stage) -> Survey:
    """Deep-copy ``source``'s active questions and options into a new draft survey in a new
    survey activity of ``stage`` (conditions point to the copies). Returns the copy."""
    copy = create_survey(stage, title=dict(source.title))
    copy.intro = dict(source.intro or {})
    copy.translated_from = _deep_copy(source.translated_from or {})
    copy.languages = list(source.languages or [])
    copy.resubmission = source.resubmission
    question_map: dict[int, Question] = {}
    option_map: dict[int, QuestionOption] = {}
    for question in ordered(source):
        new_q = Question(
            survey=copy,
            type=question.type,
            page=question.page,
            position=question.position,
            prompt=dict(question.prompt or {}),
            help_text=dict(question.help_text or {}),
            translated_from=_deep_copy(question.translated_from or {}),
            required=question.required,
            theme_hint=question.theme_hint,
            min_count=question.min_count,
            max_count=question.max_count,
            settings=_deep_copy(question.settings or {}),
        )
        for option in question.options:
            if option.archived_at is not None:
                continue
            new_o = QuestionOption(
                kind=option.kind,
                position=option.position,
                label=dict(option.label or {}),
                translated_from=_deep_copy(option.translated_from or {}),
                code=option.code,
                icon=option.icon,
                color=option.color,
                valence_hint=option.valence_hint,
                is_other=option.is_other,
                geometry=_deep_copy(option.geometry) if option.geometry else None,
            )
            new_q.options.append(new_o)
            option_map[option.id] = new_o
        db.session.add(new_q)
        question_map[question.id] = new_q
    db.session.flush()
    for old_id, new_q in question_map.items():
        old = db.session.get(Question, old_id)
        if old is None or old.condition_question_id not in question_map:
            continue
        new_q.condition_question_id = question_map[old.condition_question_id].id
        target = option_map.get(old.condition_option_id or -1)
        new_q.condition_option_id = target.id if target is not None else None
        if new_q.condition_option_id is None:
            new_q.condition_question_id = None
    db.session.flush()
    return copy


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def _organization_languages(survey: Survey) -> list[str]:
    org = db.session.get(Organization, survey.organization_id)
    return list(org.languages or []) if org else []


def translation_gaps(survey: Survey) -> dict[str, dict[str, list[str]]]:
    """For the builder: the survey's texts missing in, or older than the source text in, each
    language of its organization."""
    return translations.survey_gaps(survey, _organization_languages(survey))


def translation_states(obj: Survey | Question | QuestionOption) -> dict[str, dict[str, str]]:
    """For the builder: ``{field: {lang: "missing" | "outdated"}}`` of a survey, question or
    option, in the languages of its organization."""
    if isinstance(obj, QuestionOption):
        survey = obj.question.survey
    elif isinstance(obj, Question):
        survey = obj.survey
    else:
        survey = obj
    return translations.statuses(obj, _organization_languages(survey))


def translation_summary(obj: Question | QuestionOption) -> list[tuple[str, str]]:
    """For a question or option in a list: each (language, state) that needs work, once."""
    return translations.merged_states(translation_states(obj))
