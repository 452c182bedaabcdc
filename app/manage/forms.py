"""Staff forms that belong to no single domain: the audit log filter."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from app.core.forms import FlaskForm


class AuditFilterForm(FlaskForm):
    """Filters of the audit log (a GET form: no CSRF token, bookmarkable)."""

    class Meta:
        csrf = False

    action = StringField(_l("Action starts with"), validators=[Optional(), Length(max=60)])
    actor = SelectField(_l("Done by"), choices=[], validators=[Optional()])
    since = DateField(_l("From date"), validators=[Optional()])
    until = DateField(_l("To date"), validators=[Optional()])

    def __init__(self, *args: Any, staff: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.actor.choices = [("", str(_l("Anyone")))] + staff

    def validate_until(self, field: Any) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(str(_l("The end date must not be before the start date.")))
