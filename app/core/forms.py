"""The base of every form and the fields several forms share, as classes the type checker can
see: Flask-WTF and WTForms 3.3 ship no type information (their classes are ``Any``)."""

from __future__ import annotations

import flask_wtf
from wtforms import SelectMultipleField, widgets


class FlaskForm(flask_wtf.FlaskForm):  # type: ignore[misc]  # Flask-WTF ships no types
    """A form bound to the request, with a CSRF token unless its ``Meta`` says otherwise."""


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]  # WTForms 3.3 ships no types
    """Checkboxes in a list; keyboard and screen-reader friendly, unlike a multi-select."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
