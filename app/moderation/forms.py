"""Forms of the moderation queue and official answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from app.core.forms import FlaskForm


class DecisionForm(FlaskForm):
    """One decision on one comment; the reason is required for hiding (checked by the service)."""

    reason = StringField(_l("Reason (shown publicly when hiding)"), validators=[Length(max=300)])


class BulkForm(FlaskForm):
    action = SelectField(
        _l("Action for the selected comments"),
        choices=[
            SelectChoice("hide", _l("Hide")),
            SelectChoice("restore", _l("Restore")),
            SelectChoice("approve", _l("Approve")),
            SelectChoice("dismiss", _l("Dismiss flags")),
        ],
        validate_choice=False,
    )
    reason = StringField(
        _l("Reason (required for hiding, shown publicly)"), validators=[Length(max=300)]
    )


class AnswerForm(FlaskForm):
    body = TextAreaField(_l("Official answer"), validators=[Length(max=4000)])
