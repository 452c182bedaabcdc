"""The staff form for a meeting (times in Swedish time, texts per content language)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, Field, StringField, URLField, ValidationError
from wtforms.validators import URL, InputRequired, Length, Optional

from app.projects.forms import LocalizedForm, localized_form


class MeetingBase(LocalizedForm):
    starts_at = DateTimeLocalField(
        _l("Starts"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Give the date and time it starts."))],
    )
    ends_at = DateTimeLocalField(
        _l("Ends"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Give the date and time it ends."))],
    )
    place = StringField(_l("Place and address"), validators=[Optional(), Length(max=300)])
    online_url = URLField(
        _l("Link to take part digitally (optional)"),
        validators=[
            Optional(),
            Length(max=1000),
            URL(require_tld=True, message=_l("Give a full link starting with https://")),
        ],
    )

    def validate_ends_at(self, field: Field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_("The meeting must end after it starts."))

    def validate_place(self, field: Field) -> None:
        if not (field.data or "").strip() and not (self.online_url.data or "").strip():
            raise ValidationError(_("Give a place, a link to take part digitally, or both."))


def meeting_form(languages: list[str]) -> Any:
    return localized_form(
        MeetingBase,
        languages,
        [
            ("title", _("Meeting name"), False, True, 200),
            ("accessibility", _("Accessibility of the venue"), True, False, 1000),
            ("description", _("About the meeting"), True, False, 3000),
        ],
    )
