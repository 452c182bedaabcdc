"""Forms of the survey builder.

Texts are multilingual, so the forms get one field per content language of the survey
(``prompt_sv``, ``prompt_en`` ...), added by the ``*_form`` factories below. Shapes are
checked here; rules that need the database (conditions, answered surveys) live in
``app.surveys.builder``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.codebook.themes import theme_choices
from app.core.forms import FlaskForm, MultiCheckboxField
from app.surveys.builder import ICONS, icon_labels
from app.surveys.models import QuestionType, Resubmission

LANGUAGE_NAMES = {"sv": _l("Swedish"), "en": _l("English")}


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


def type_labels() -> dict[str, Any]:
    return {
        QuestionType.MAP_POINT: _l("Map: points"),
        QuestionType.MAP_LINE: _l("Map: lines"),
        QuestionType.MAP_POLYGON: _l("Map: areas"),
        QuestionType.SINGLE_CHOICE: _l("Single choice"),
        QuestionType.MULTI_CHOICE: _l("Multiple choice"),
        QuestionType.LIKERT: _l("Agreement scale (5 steps)"),
        QuestionType.SCALE: _l("Scale 0–10"),
        QuestionType.RANKING: _l("Ranking"),
        QuestionType.SHORT_TEXT: _l("Short text"),
        QuestionType.LONG_TEXT: _l("Long text"),
        QuestionType.NUMBER: _l("Number"),
        QuestionType.AGE_BAND: _l("Age band"),
        QuestionType.GENDER: _l("Gender"),
        QuestionType.DISTRICT: _l("District"),
        QuestionType.RELATION: _l("Relation to the area"),
    }


def type_choices() -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in type_labels().items()]


def _optional_int(label: Any, **kw: Any) -> IntegerField:
    return IntegerField(label, validators=[Optional()], **kw)


class _SurveyFormBase(FlaskForm):
    languages = MultiCheckboxField(_l("Languages residents may answer in"))
    resubmission = SelectField(
        _l("When someone answers again"),
        choices=[
            SelectChoice(Resubmission.UPDATE.value, _l("Their new answers replace the old ones")),
            SelectChoice(Resubmission.REFUSE.value, _l("Refuse a second answer")),
        ],
    )


def survey_form(languages: list[str], **kwargs: Any) -> Any:
    """The survey settings form with title/intro fields for each of ``languages``."""

    class SurveyForm(_SurveyFormBase):
        pass

    for lang in languages:
        name = language_name(lang)
        setattr(
            SurveyForm,
            f"title_{lang}",
            StringField(_l("Title (%(lang)s)", lang=name), validators=[Length(max=200)]),
        )
        setattr(
            SurveyForm,
            f"intro_{lang}",
            TextAreaField(_l("Introduction (%(lang)s)", lang=name), validators=[Length(max=4000)]),
        )
    form = SurveyForm(**kwargs)
    form.languages.choices = [(code, language_name(code)) for code in languages]
    return form


class AddQuestionForm(FlaskForm):
    type = SelectField(_l("Question type"), choices=[])
    page = _optional_int(_l("Page"), default=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = type_choices()


class MoveForm(FlaskForm):
    direction = SelectField(
        choices=[SelectChoice("up"), SelectChoice("down")], validate_choice=False
    )
    page = IntegerField(_l("Move to page"), validators=[Optional(), NumberRange(min=1)])


class _QuestionFormBase(FlaskForm):
    type = SelectField(_l("Question type"), choices=[])
    required = BooleanField(_l("An answer is required"))
    page = IntegerField(
        _l("Page"),
        validators=[InputRequired(_l("Enter a page number.")), NumberRange(min=1)],
    )
    theme_hint = SelectField(_l("Theme (optional)"), choices=[], validate_choice=False)
    min_count = IntegerField(_l("Minimum number"), validators=[Optional(), NumberRange(min=0)])
    max_count = IntegerField(_l("Maximum number"), validators=[Optional(), NumberRange(min=0)])
    condition = SelectField(
        _l("Show only when an earlier answer is"), choices=[], validate_choice=False
    )
    # Map questions
    restrict_to_area = BooleanField(_l("Only places inside the project area"))
    require_comment = BooleanField(_l("A comment is required for each place"))
    max_comment_length = IntegerField(_l("Longest comment (characters)"), validators=[Optional()])
    # Number
    number_min = FloatField(_l("Smallest value"), validators=[Optional()])
    number_max = FloatField(_l("Largest value"), validators=[Optional()])
    number_integer = BooleanField(_l("Whole numbers only"))
    number_unit = StringField(_l("Unit"), validators=[Length(max=20)])
    # Text
    max_length = IntegerField(_l("Longest answer (characters)"), validators=[Optional()])

    def validate_max_count(self, field: Any) -> None:
        low = self.min_count.data
        if field.data is not None and low is not None and low > field.data:
            raise ValidationError(str(_l("The maximum must not be smaller than the minimum.")))

    def validate_number_max(self, field: Any) -> None:
        low = self.number_min.data
        if field.data is not None and low is not None and low > field.data:
            raise ValidationError(
                str(_l("The largest value must not be smaller than the smallest."))
            )

    def validate_theme_hint(self, field: Any) -> None:
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(str(_l("Choose a theme from the list.")))


def question_form(
    languages: list[str], themes: list[tuple[str, str]] | None = None, **kwargs: Any
) -> Any:
    """The question form with prompt/help (and likert/scale label) fields per language.

    ``themes`` are the ``(id, label)`` choices of the theme hint (``theme_choices`` of the
    survey's project); without them the hint offers the default codebook's themes."""

    class QuestionForm(_QuestionFormBase):
        pass

    for lang in languages:
        name = language_name(lang)
        setattr(
            QuestionForm,
            f"prompt_{lang}",
            StringField(_l("Question (%(lang)s)", lang=name), validators=[Length(max=500)]),
        )
        setattr(
            QuestionForm,
            f"help_{lang}",
            TextAreaField(_l("Help text (%(lang)s)", lang=name), validators=[Length(max=1000)]),
        )
        setattr(
            QuestionForm,
            f"likert_{lang}",
            TextAreaField(
                _l("Five answer labels, one per line (%(lang)s)", lang=name),
                validators=[Length(max=1000)],
                render_kw={"rows": 5},  # all five in view
            ),
        )
        setattr(
            QuestionForm,
            f"min_label_{lang}",
            StringField(_l("Label for 0 (%(lang)s)", lang=name), validators=[Length(max=100)]),
        )
        setattr(
            QuestionForm,
            f"max_label_{lang}",
            StringField(_l("Label for 10 (%(lang)s)", lang=name), validators=[Length(max=100)]),
        )
    form = QuestionForm(**kwargs)
    form.type.choices = type_choices()
    if themes is None:
        themes = theme_choices()
    form.theme_hint.choices = [("", _l("No theme")), *themes]
    return form


def option_form(languages: list[str], **kwargs: Any) -> Any:
    """The form for an option, a map category or a named place."""

    class OptionForm(FlaskForm):
        kind = SelectField(_l("Kind"), choices=[], validate_choice=False)
        code = StringField(_l("Code (for exports)"), validators=[Length(max=60)])
        icon = SelectField(_l("Icon"), choices=[], validate_choice=False)
        color = StringField(_l("Colour (#rrggbb)"), validators=[Length(max=7)])
        valence_hint = SelectField(
            _l("Tone"),
            choices=[
                SelectChoice("positive", _l("Positive (something good)")),
                SelectChoice("negative", _l("Negative (a problem)")),
                SelectChoice("neutral", _l("Neutral (an idea or a fact)")),
            ],
            validate_choice=False,
        )
        is_other = BooleanField(_l("“Other” with a text box"))
        lat = FloatField(_l("Latitude (optional)"), validators=[Optional()])
        lon = FloatField(_l("Longitude (optional)"), validators=[Optional()])

    for lang in languages:
        setattr(
            OptionForm,
            f"label_{lang}",
            StringField(
                _l("Label (%(lang)s)", lang=language_name(lang)), validators=[Length(max=200)]
            ),
        )
    form = OptionForm(**kwargs)
    labels = icon_labels()
    form.icon.choices = [(name, labels.get(name, name)) for name in ICONS]
    return form


class StatusForm(FlaskForm):
    status = SelectField(
        choices=[SelectChoice("open"), SelectChoice("closed")], validate_choice=False
    )
    close_stage = BooleanField(_l("Close the stage too"))


class DuplicateForm(FlaskForm):
    stage_id = SelectField(_l("Copy into stage"), choices=[], coerce=int, validate_choice=False)
