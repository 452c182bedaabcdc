"""Forms of the analysis screens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange


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
