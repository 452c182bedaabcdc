"""The base of every form and the fields several forms share, as classes the type checker can
see: Flask-WTF and WTForms 3.3 ship no type information (their classes are ``Any``)."""

from __future__ import annotations

from typing import Any

import flask_wtf
import wtforms
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, widgets


class FlaskForm(flask_wtf.FlaskForm):  # type: ignore[misc]  # Flask-WTF ships no types
    """A form bound to the request, with a CSRF token unless its ``Meta`` says otherwise."""


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]  # WTForms 3.3 ships no types
    """Checkboxes in a list; keyboard and screen-reader friendly, unlike a multi-select."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class SubForm(wtforms.Form):  # type: ignore[misc]  # WTForms 3.3 ships no types
    """A form nested in another (``FormField``): no CSRF token of its own."""


class DecimalField(wtforms.FloatField):  # type: ignore[misc]  # WTForms 3.3 ships no types
    """A decimal number that also takes a Swedish decimal comma ("59,2345"); blank is None."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = float(str(valuelist[0]).strip().replace(",", "."))
        except ValueError as exc:
            self.data = None
            raise ValueError(_l("Give a number, such as 59.2345.")) from exc
