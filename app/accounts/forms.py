"""Account forms: log in, register, verification, password reset and change, account settings."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from app.core.forms import FlaskForm

PASSWORD_MIN = 10
PASSWORD_MAX = 200
EMAIL_MAX = 254
NAME_MAX = 100

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}


def _email_field(label: Any = None) -> EmailField:
    return EmailField(
        label or _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=EMAIL_MAX, message=_l("The email address is too long.")),
            Email(_l("Enter a valid email address.")),
        ],
    )


def _new_password_field(label: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Enter a password.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l(
                    "The password must be between %(min)d and %(max)d characters long.",
                    min=PASSWORD_MIN,
                    max=PASSWORD_MAX,
                ),
            ),
        ],
    )


def _confirm_field() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
    )


def _not_blank(form: Any, field: Any) -> None:
    """Reject a password made only of spaces: it looks filled in but is not."""
    if field.data and not field.data.strip():
        raise ValidationError(_l("Enter a password."))


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=200)],
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


class RegisterForm(FlaskForm):
    email = _email_field()
    display_name = StringField(
        _l("Name (optional)"),
        validators=[
            Optional(),
            Length(max=NAME_MAX, message=_l("The name is too long (at most 100 characters).")),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    password = _new_password_field(_l("Password"))
    confirm = _confirm_field()
    consent = BooleanField(
        _l("I have read the privacy notice and agree that my account details are stored."),
        validators=[
            DataRequired(_l("You need to accept the privacy notice to create an account."))
        ],
    )
    notify_feedback = BooleanField(
        _l("Email me when the municipality publishes feedback on dialogues I took part in.")
    )

    def validate_password(self, field: Any) -> None:
        _not_blank(self, field)


class EmailOnlyForm(FlaskForm):
    """Ask for an email address (resend verification, request a password reset)."""

    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()

    def validate_password(self, field: Any) -> None:
        _not_blank(self, field)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(_l("Enter your current password.")),
            Length(max=PASSWORD_MAX, message=_l("The current password is wrong.")),
        ],
    )
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()

    def validate_password(self, field: Any) -> None:
        _not_blank(self, field)


class AccountForm(FlaskForm):
    email = _email_field()
    display_name = StringField(
        _l("Name (optional)"),
        validators=[
            Optional(),
            Length(max=NAME_MAX, message=_l("The name is too long (at most 100 characters).")),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    locale = SelectField(_l("Interface language"), validate_choice=True)
    notify_feedback = BooleanField(
        _l("Email me when the municipality publishes feedback on dialogues I took part in.")
    )
    current_password = PasswordField(
        _l("Current password (only to change the email address)"),
        # No Optional(): it would end the chain before ``validate_current_password`` runs.
        validators=[Length(max=PASSWORD_MAX, message=_l("The current password is wrong."))],
    )

    def __init__(
        self,
        *args: Any,
        languages: list[str] | None = None,
        current_email: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.current_email = current_email
        self.locale.choices = [
            SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in languages or []
        ]
        self.locale.validators = [DataRequired(_l("Choose a language."))]

    def email_changes(self) -> bool:
        return (self.email.data or "").strip().lower() != self.current_email

    def validate_current_password(self, field: Any) -> None:
        # Whoever takes over a session must not be able to move the account to their mailbox.
        if self.email_changes() and not field.data:
            raise ValidationError(_l("Enter your current password to change the email address."))


class StaffNotifyForm(FlaskForm):
    """Staff only: when to be told about comments waiting for moderation or an answer."""

    staff_notify = SelectField(
        _l("Tell me about comments waiting for approval, reports and questions to answer"),
        choices=[
            SelectChoice("immediately", _l("Immediately, one mail per comment")),
            SelectChoice("daily", _l("Once a day, a digest")),
            SelectChoice("off", _l("Never")),
        ],
        validate_choice=True,
    )
