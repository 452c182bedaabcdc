"""Forms of the comments domain. The services check the rules; the forms carry the input."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.comments.models import FlagReason
from app.comments.services import MAX_BODY, MAX_NICKNAME, MAX_NOTE


class CommentForm(FlaskForm):
    """A new comment or reply, optionally placed on the map."""

    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(message=_l("Write your comment.")),
            Length(max=MAX_BODY, message=_l("The comment is too long.")),
        ],
    )
    nickname = StringField(_l("Nickname"), validators=[Optional(), Length(max=MAX_NICKNAME)])
    lat = FloatField(
        _l("Latitude"),
        validators=[Optional(), NumberRange(min=-90, max=90)],
    )
    lon = FloatField(
        _l("Longitude"),
        validators=[Optional(), NumberRange(min=-180, max=180)],
    )
    official = BooleanField(_l("Answer on behalf of the municipality"))
    client_id = HiddenField()
    submit = SubmitField(_l("Post comment"))

    def geometry(self) -> dict[str, object] | None:
        """The chosen place as a GeoJSON point, or None when no place was chosen."""
        if self.lat.data is None or self.lon.data is None:
            return None
        return {"type": "Point", "coordinates": [self.lon.data, self.lat.data]}


class EditForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(message=_l("Write your comment.")),
            Length(max=MAX_BODY, message=_l("The comment is too long.")),
        ],
    )
    submit = SubmitField(_l("Save changes"))


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
        validators=[InputRequired(message=_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("Anything to add (optional)"), validators=[Optional(), Length(max=MAX_NOTE)]
    )
    submit = SubmitField(_l("Report comment"))


class ConfirmForm(FlaskForm):
    """A button with a CSRF token (support, delete)."""

    submit = SubmitField(_l("Confirm"))
