"""The follow form on the project page, and the unsubscribe confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import Email, Length, Optional

from app.accounts.forms import EMAIL_MAX
from app.core.forms import FlaskForm


class FollowForm(FlaskForm):
    """An address for residents without an account; an account follows with its own."""

    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            Optional(),
            Length(max=EMAIL_MAX, message=_l("The email address is too long.")),
            Email(_l("Enter a valid email address.")),
        ],
    )


class UnfollowForm(FlaskForm):
    """Stop a follow from "Mina bidrag" or the account page (CSRF protected)."""
