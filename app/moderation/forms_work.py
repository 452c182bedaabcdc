"""Forms of answer work: assignment with a due date, and internal notes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from app.core.forms import FlaskForm


class AssignForm(FlaskForm):
    """Rendered once per comment on "Att besvara" (ids made unique with ``id_prefix``)."""

    assignee = SelectField(_l("Assign to"), validate_choice=False)
    due_on = StringField(_l("Answer by (date)"))

    def set_colleagues(self, users: list[Any]) -> AssignForm:
        self.assignee.choices = [SelectChoice("", str(_l("Nobody")))] + [
            SelectChoice(str(u.id), u.display_name or u.email) for u in users
        ]
        return self


class NoteForm(FlaskForm):
    body = TextAreaField(_l("New internal note"), validators=[Length(max=2000)])
