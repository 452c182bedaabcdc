"""Forms of the comments domain: CSRF and rendering only.

The input is validated once, by the use case's schema in ``app/comments/schemas.py``, for the
pages and the API alike; the views turn these forms' data into that schema's input and put
its messages back next to the fields.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.comments.models import FlagReason
from app.comments.schemas import MAX_BODY, MAX_NICKNAME, MAX_NOTE
from app.core.forms import FlaskForm


def _text(value: str | None) -> str | None:
    return value if value and value.strip() else None


class CommentForm(FlaskForm):
    """A new comment or reply, optionally placed on the map."""

    body = TextAreaField(
        _l("Your comment"), render_kw={"required": True, "data-max-chars": MAX_BODY}
    )
    nickname = StringField(_l("Nickname"), render_kw={"maxlength": MAX_NICKNAME})
    lat = StringField(_l("Latitude"))
    lon = StringField(_l("Longitude"))
    official = BooleanField(_l("Answer on behalf of the municipality"))
    #: One photo, checked and cleaned by ``app.comments.photos.services.prepare``.
    photo = FileField(_l("Photo (optional)"))
    photo_alt = StringField(_l("Describe the photo"), render_kw={"maxlength": 300})
    client_id = HiddenField()
    submit = SubmitField(_l("Post comment"))

    def schema_input(self, client_id: str, parent_id: int | None = None) -> dict[str, Any]:
        """What was posted as the input of ``NewComment`` (``client_id`` when it had none)."""
        data: dict[str, Any] = {
            "body": self.body.data,
            "client_id": self.client_id.data or client_id,
            "nickname": _text(self.nickname.data),
            "official": bool(self.official.data),
            "parent_id": parent_id,
        }
        lat, lon = _text(self.lat.data), _text(self.lon.data)
        if lat is not None or lon is not None:
            data["geometry"] = {"type": "Point", "coordinates": [_number(lon), _number(lat)]}
        return data


def _number(text: str | None) -> float | str | None:
    """A coordinate typed in the form: a number, or the text itself for the schema to refuse."""
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        return text


class EditForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"), render_kw={"required": True, "data-max-chars": MAX_BODY}
    )
    #: A placed comment's place, movable within the edit window (empty: kept as it is).
    lat = StringField(_l("Latitude"))
    lon = StringField(_l("Longitude"))
    submit = SubmitField(_l("Save changes"))

    def schema_input(self) -> dict[str, Any]:
        data: dict[str, Any] = {"body": self.body.data}
        lat, lon = _text(self.lat.data), _text(self.lon.data)
        if lat is not None or lon is not None:
            data["geometry"] = {"type": "Point", "coordinates": [_number(lon), _number(lat)]}
        return data


class FlagForm(FlaskForm):
    reason = RadioField(
        _l("Why should a moderator look at this comment?"),
        choices=[
            SelectChoice(FlagReason.SPAM.value, _l("Spam or advertising")),
            SelectChoice(FlagReason.OFFENSIVE.value, _l("Offensive or threatening")),
            SelectChoice(FlagReason.PERSONAL_DATA.value, _l("Reveals personal data")),
            SelectChoice(FlagReason.OFF_TOPIC.value, _l("Off topic")),
            SelectChoice(FlagReason.OTHER.value, _l("Something else")),
        ],
        # The schema checks the choice; WTForms would refuse unknown values in its own words.
        validate_choice=False,
        render_kw={"required": True},
    )
    note = TextAreaField(_l("Anything to add (optional)"), render_kw={"maxlength": MAX_NOTE})
    submit = SubmitField(_l("Report comment"))

    def schema_input(self) -> dict[str, Any]:
        return {"reason": self.reason.data, "note": self.note.data}


class ConfirmForm(FlaskForm):
    """A button with a CSRF token (support, delete)."""

    submit = SubmitField(_l("Confirm"))
