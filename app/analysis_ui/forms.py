"""Forms of the analysis screens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange

from app.core.forms import FlaskForm


class PopulationForm(FlaskForm):
    """Upload of the population reference (a CSV file)."""

    file = FileField(_l("CSV file"))
    year = IntegerField(
        _l("Year"),
        validators=[InputRequired(), NumberRange(min=1900, max=2100)],
    )


class DecisionForm(FlaskForm):
    """Accept or reject one theme of a contribution, or add one."""

    decision = HiddenField(validators=[DataRequired()])
    theme = SelectField(_l("Theme"), validators=[DataRequired()], validate_choice=True)
    next = HiddenField()


class RecomputeForm(FlaskForm):
    """The "Recompute" button: only the CSRF token."""


class ValenceForm(FlaskForm):
    """A reviewer's valence for one contribution ("" removes the correction)."""

    valence = SelectField(
        _l("Valence"),
        choices=[
            SelectChoice("", _l("As the machine says")),
            SelectChoice("positive", _l("positive")),
            SelectChoice("negative", _l("negative")),
            SelectChoice("neutral", _l("neutral")),
            SelectChoice("mixed", _l("mixed")),
        ],
        validate_choice=True,
    )
    next = HiddenField()


class DispositionForm(FlaskForm):
    """The planner's decision on one contribution, reported in the consultation report."""

    disposition = SelectField(
        _l("Decision"),
        choices=[
            SelectChoice("", _l("Not decided")),
            SelectChoice("met", _l("Met")),
            SelectChoice("partly", _l("Partly met")),
            SelectChoice("not_met", _l("Not met")),
        ],
        validate_choice=True,
    )
    next = HiddenField()


class BulkAcceptForm(FlaskForm):
    """ "Accept all on this page": only the CSRF token (the filters travel in the URL)."""


class SuggestionForm(FlaskForm):
    """Accept a codebook term suggested from the reviews (one click)."""

    theme = HiddenField(validators=[DataRequired()])
    lang = HiddenField(validators=[DataRequired()])
    term = HiddenField(validators=[DataRequired()])
