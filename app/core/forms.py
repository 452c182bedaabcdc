"""The base of every form: Flask-WTF's ``FlaskForm`` (CSRF token, request data), as a class the
type checker can see. Flask-WTF and WTForms 3.3 ship no type information."""

from __future__ import annotations

import flask_wtf


class FlaskForm(flask_wtf.FlaskForm):  # type: ignore[misc]  # Flask-WTF ships no types
    """A form bound to the request, with a CSRF token unless its ``Meta`` says otherwise."""
