"""Forms of the privacy domain."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from app.core.forms import FlaskForm


class DeleteOwnForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, delete everything I have contributed"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class DeleteAccountForm(FlaskForm):
    """Delete one's own account: the password confirms it, the resident chooses what happens
    to what they wrote."""

    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    contributions = RadioField(
        _l("What you have written and answered"),
        choices=[
            SelectChoice("delete", _l("Delete it too")),
            SelectChoice("keep", _l("Keep it without my name (it can no longer be linked to me)")),
        ],
        default="delete",
    )


class EraseForm(FlaskForm):
    email = EmailField(
        _l("The resident's account email"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
    )
    reference = StringField(
        _l("Or a contribution: comment number or response reference"),
        validators=[Optional(), Length(max=40)],
    )
    organization_id = SelectField(_l("Organization"), coerce=int)
    method = RadioField(
        _l("How to erase"),
        choices=[
            SelectChoice("delete", _l("Delete the contributions (their text and places go)")),
            SelectChoice(
                "redact",
                _l("Redact: remove the personal data from the text and keep it, unlinked"),
            ),
        ],
        validators=[Optional()],
        validate_choice=False,
    )
    extra = TextAreaField(
        _l("Also remove these words when redacting (one per line, e.g. a name)"),
        validators=[Optional(), Length(max=2000)],
    )
    confirm = BooleanField(_l("I have checked the request and want to erase now"))

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.email.data or self.reference.data):
            self.email.errors.append(
                str(_l("Give the account email or a contribution to find the resident."))
            )
            return False
        return True
