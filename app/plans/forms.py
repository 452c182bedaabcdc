"""Staff forms: upload a plan map, place it by three corners, the organization's base layers."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import FieldList, FormField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from app.core.forms import DecimalField, FlaskForm, SubForm
from app.plans.services import MAX_LAYERS

CORNERS = ("tl", "tr", "bl")


class PlanUploadForm(FlaskForm):
    file = FileField(_l("Plan map (PNG, JPEG or PDF)"))
    page = IntegerField(
        _l("Page of the PDF"),
        default=1,
        validators=[Optional(), NumberRange(min=1, max=9999, message=_l("Give a page number."))],
    )


def _coordinate(label: Any) -> DecimalField:
    return DecimalField(
        label, validators=[InputRequired(message=_l("Give a number, such as 59.2345."))]
    )


class PlacementForm(FlaskForm):
    tl_lat = _coordinate(_l("Top-left corner, latitude"))
    tl_lon = _coordinate(_l("Top-left corner, longitude"))
    tr_lat = _coordinate(_l("Top-right corner, latitude"))
    tr_lon = _coordinate(_l("Top-right corner, longitude"))
    bl_lat = _coordinate(_l("Bottom-left corner, latitude"))
    bl_lon = _coordinate(_l("Bottom-left corner, longitude"))

    def corners(self) -> list[tuple[float, float]]:
        return [
            (float(getattr(self, f"{c}_lat").data), float(getattr(self, f"{c}_lon").data))
            for c in CORNERS
        ]


class LayerForm(SubForm):
    name = StringField(_l("Name shown in the map"))
    type = SelectField(
        _l("Type"),
        choices=[SelectChoice("xyz", _l("XYZ tiles")), SelectChoice("wms", _l("WMS"))],
        default="xyz",
    )
    url = StringField(_l("Address (https://)"))
    layers = StringField(_l("WMS layers"))
    attribution = StringField(_l("Attribution (source and licence)"))

    def is_blank(self) -> bool:
        return not any((self.name.data or "", self.url.data or "", self.layers.data or ""))


class MapLayersForm(FlaskForm):
    layers = FieldList(FormField(LayerForm), min_entries=MAX_LAYERS, max_entries=MAX_LAYERS)
