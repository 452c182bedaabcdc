"""The form that starts an export."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from app.core.forms import FlaskForm
from app.exports.services import FORMATS, STAGE_KINDS

KIND_CHOICES = [
    SelectChoice("responses", _l("Survey responses")),
    SelectChoice("comments", _l("Comments")),
    SelectChoice("summary", _l("Dialogue summary")),
    SelectChoice("report", _l("Draft consultation report")),
]
FORMAT_CHOICES = [
    SelectChoice("xlsx", _l("Excel (XLSX)")),
    SelectChoice("csv", _l("CSV")),
    SelectChoice("geojson", _l("GeoJSON (WGS84)")),
    SelectChoice("gpkg", _l("GeoPackage (SWEREF 99 TM)")),
    SelectChoice("pdf", _l("PDF")),
    SelectChoice("html", _l("HTML")),
    SelectChoice("docx", _l("Word (DOCX)")),
]


class ExportForm(FlaskForm):
    scope = SelectField(_l("What to export from"), validators=[DataRequired()])
    kind = SelectField(_l("Export"), choices=KIND_CHOICES, validators=[DataRequired()])
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES, validators=[DataRequired()])
    lang = SelectField(
        _l("Language of the file"),
        choices=[SelectChoice("sv", "Svenska"), SelectChoice("en", "English")],
        default="sv",
    )
    delimiter = SelectField(
        _l("CSV separator"),
        choices=[
            SelectChoice(";", _l("Semicolon (Swedish Excel)")),
            SelectChoice(",", _l("Comma")),
        ],
        default=";",
    )

    def __init__(self, *args: Any, scope_choices: list[SelectChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope.choices = scope_choices

    def validate_format(self, field: Any) -> None:
        if field.data not in FORMATS.get(self.kind.data, ()):
            raise ValidationError(_l("This format is not available for this export."))

    def validate_kind(self, field: Any) -> None:
        if field.data in STAGE_KINDS and str(self.scope.data or "").startswith("survey:"):
            raise ValidationError(_l("Choose a stage or a project for this export."))
