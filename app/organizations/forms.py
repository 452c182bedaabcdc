"""Forms for administering organizations, their members and users."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.accounts.forms import EMAIL_MAX, LANGUAGE_NAMES, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN
from app.core.forms import FlaskForm, MultiCheckboxField
from app.organizations.models import ErasureMode, Role

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
NOTICE_MAX = 20000

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.PLANNER: _l("Planner"),
    Role.FACILITATOR: _l("Facilitator"),
    Role.MODERATOR: _l("Moderator"),
}

ERASURE_LABELS = {
    ErasureMode.ANONYMISE: _l("Anonymise contributions, keep their text"),
    ErasureMode.REMOVE: _l("Remove contributions"),
}


def role_label(role: Role | str) -> str:
    """The translated name of a role."""
    try:
        return str(ROLE_LABELS[Role(role)])
    except ValueError:
        return str(role)


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class OrganizationForm(FlaskForm):
    slug = StringField(
        _l("Short name in addresses (slug)"),
        validators=[
            DataRequired(_l("Enter a short name.")),
            Length(max=64, message=_l("At most %(max)d characters.", max=64)),
            Regexp(
                SLUG_PATTERN,
                message=_l("Use lower-case letters a–z, digits and single hyphens, e.g. huddinge."),
            ),
        ],
        filters=[_strip],
    )
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(max=200, message=_l("At most %(max)d characters.", max=200)),
        ],
        filters=[_strip],
    )
    map_lat = FloatField(
        _l("Map centre latitude"),
        validators=[
            InputRequired(_l("Enter a number, e.g. 59.2.")),
            NumberRange(-90, 90, message=_l("The latitude must be between -90 and 90.")),
        ],
    )
    map_lon = FloatField(
        _l("Map centre longitude"),
        validators=[
            InputRequired(_l("Enter a number, e.g. 17.9.")),
            NumberRange(-180, 180, message=_l("The longitude must be between -180 and 180.")),
        ],
    )
    map_zoom = IntegerField(
        _l("Map zoom level"),
        validators=[
            InputRequired(_l("Enter a whole number between 1 and 19.")),
            NumberRange(1, 19, message=_l("Enter a whole number between 1 and 19.")),
        ],
    )
    primary_color = StringField(
        _l("Primary colour"),
        validators=[
            DataRequired(_l("Enter a colour such as #005a9c.")),
            Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Enter a colour such as #005a9c.")),
        ],
        filters=[_strip],
    )
    privacy_contact = StringField(
        _l("Privacy contact"),
        validators=[
            Optional(),
            Length(max=255, message=_l("At most %(max)d characters.", max=255)),
        ],
        filters=[_strip],
    )
    retention_months = IntegerField(
        _l("Months to keep personal data after a round closes"),
        validators=[
            InputRequired(_l("Enter a whole number of months between 1 and 240.")),
            NumberRange(1, 240, message=_l("Enter a whole number of months between 1 and 240.")),
        ],
    )
    erasure_mode = SelectField(
        _l("On an erasure request"),
        choices=[SelectChoice(mode.value, label) for mode, label in ERASURE_LABELS.items()],
    )
    languages = MultiCheckboxField(_l("Content languages"))

    def __init__(self, *args: Any, available_languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.available_languages = available_languages
        self.languages.choices = [
            SelectChoice(c, LANGUAGE_NAMES.get(c, c)) for c in available_languages
        ]

    def validate_languages(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one language."))

    def validate_primary_color(self, field: Any) -> None:
        """White text on the colour (buttons, the header band of documents) must meet WCAG AA."""
        from flask_babel import format_decimal
        from flask_babel import gettext as _

        from app.core.content import AA_CONTRAST, contrast_with_white

        if field.errors:  # the pattern already failed
            return
        ratio = contrast_with_white(field.data)
        if ratio < AA_CONTRAST:
            raise ValidationError(
                _(
                    "White text on this colour has a contrast of only %(ratio)s:1; it must be "
                    "at least 4.5:1 (WCAG AA). Choose a darker colour.",
                    ratio=format_decimal(int(ratio * 100) / 100, "0.##"),
                )
            )


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo (PNG or JPEG)"))


def organization_form_class(languages: list[str]) -> type[OrganizationForm]:
    """``OrganizationForm`` with one privacy-notice field per platform language."""

    class Form(OrganizationForm):
        pass

    for code in languages:
        setattr(
            Form,
            f"privacy_notice_{code}",
            TextAreaField(
                _l("Privacy notice (%(language)s)", language=LANGUAGE_NAMES.get(code, code)),
                validators=[
                    Optional(),
                    Length(
                        max=NOTICE_MAX, message=_l("At most %(max)d characters.", max=NOTICE_MAX)
                    ),
                ],
            ),
        )
    return Form


class MemberAddForm(FlaskForm):
    email = EmailField(
        _l("Email of the person"),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Length(max=EMAIL_MAX, message=_l("The email address is too long.")),
            Email(_l("Enter a valid email address.")),
        ],
    )
    role = SelectField(_l("Role"), choices=role_choices)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)


class UserCreateForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Length(max=EMAIL_MAX, message=_l("The email address is too long.")),
            Email(_l("Enter a valid email address.")),
        ],
    )
    display_name = StringField(
        _l("Name (optional)"),
        validators=[
            Optional(),
            Length(max=NAME_MAX, message=_l("The name is too long (at most 100 characters).")),
        ],
        filters=[_strip],
    )
    password = PasswordField(
        _l("Initial password"),
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
    organization = SelectField(_l("Organization (optional)"), coerce=str)
    role = SelectField(_l("Role in the organization"))
    superadmin = BooleanField(_l("Platform administrator"))

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(str(o.id), o.name) for o in organizations
        ]
        self.role.choices = [SelectChoice("", _l("None")), *role_choices()]

    def validate_role(self, field: Any) -> None:
        if self.organization.data and not field.data:
            raise ValidationError(_l("Choose a role in the organization."))
        if field.data and not self.organization.data:
            raise ValidationError(_l("Choose an organization for the role."))
