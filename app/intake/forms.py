"""Forms of the intake domain: the intake form, a register entry and the CSV import."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, FloatField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.comments.models import ContributionChannel, SenderType
from app.core.forms import FlaskForm
from app.core.models import translated
from app.intake.models import RegisterKind


def channel_labels() -> dict[str, Any]:
    return {
        ContributionChannel.LETTER.value: _l("Letter"),
        ContributionChannel.EMAIL.value: _l("E-mail"),
        ContributionChannel.MEETING.value: _l("Notes from a consultation meeting (samrådsmöte)"),
        ContributionChannel.PAPER.value: _l("Paper form"),
        ContributionChannel.KIOSK.value: _l("Kiosk"),
        ContributionChannel.WEB.value: _l("Web"),
        ContributionChannel.OFFLINE.value: _l("Web (sent offline)"),
    }


def sender_type_labels() -> dict[str, Any]:
    return {
        SenderType.RESIDENT.value: _l("Resident"),
        SenderType.SAKAGARE.value: _l("Sakägare (property owner or other concerned party)"),
        SenderType.REMISSINSTANS.value: _l("Remissinstans (authority or body consulted)"),
        SenderType.ORGANISATION.value: _l("Organisation or association"),
    }


def sender_type_short_labels() -> dict[str, Any]:
    """Sender types in tables and public pages (the form explains them at length)."""
    return {
        SenderType.RESIDENT.value: _l("Resident"),
        SenderType.SAKAGARE.value: _l("Sakägare"),
        SenderType.REMISSINSTANS.value: _l("Remissinstans"),
        SenderType.ORGANISATION.value: _l("Organisation"),
    }


def sender_type_label(sender_type: str) -> str:
    """A sender type's short name, for tables and public pages."""
    return str(sender_type_short_labels().get(sender_type, sender_type))


def register_kind_labels() -> dict[str, Any]:
    return {
        RegisterKind.REMISSINSTANS.value: _l("Remissinstans"),
        RegisterKind.SAKAGARE.value: _l("Sakägare"),
    }


class IntakeForm(FlaskForm):
    stage = SelectField(_l("Stage it belongs to"), coerce=int, validate_choice=False)
    channel = SelectField(_l("How it arrived"), validate_choice=False)
    sender_type = SelectField(_l("Sender type"), validate_choice=False)
    register_entry = SelectField(
        _l("From the register (optional)"), coerce=int, validate_choice=False
    )
    sender_name = StringField(_l("Sender's name"))
    sender_contact = StringField(_l("Sender's address or e-mail (optional)"))
    received_on = DateField(
        _l("Date received"),
        validators=[InputRequired(message=_l("Give the date it was received."))],
    )
    body = TextAreaField(_l("Text of the contribution"), render_kw={"rows": 10})
    lat = FloatField(_l("Latitude (optional)"), validators=[Optional()])
    lon = FloatField(_l("Longitude (optional)"), validators=[Optional()])
    attachment = FileField(_l("Attachment: PDF or image (optional)"))


def intake_form(
    channels: list[str], entries: list[Any], stages: list[Any], *, locale: str, **kw: Any
) -> Any:
    form = IntakeForm(**kw)
    labels = channel_labels()
    form.channel.choices = [(c, labels[c]) for c in channels]
    form.sender_type.choices = list(sender_type_labels().items())
    kinds = register_kind_labels()
    form.register_entry.choices = [(0, _l("None"))] + [
        (e.id, f"{e.name} ({kinds[e.kind.value]})") for e in entries
    ]
    form.stage.choices = [(s.id, translated(s.title, locale)) for s in stages]
    return form


class EntryForm(FlaskForm):
    kind = SelectField(_l("Kind"), validate_choice=False)
    name = StringField(_l("Name"))
    property_designation = StringField(_l("Property designation (fastighetsbeteckning)"))
    address = StringField(_l("Address"))
    email = StringField(_l("E-mail"))


def entry_form(**kw: Any) -> Any:
    form = EntryForm(**kw)
    form.kind.choices = list(register_kind_labels().items())
    return form


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file from the property register"))
