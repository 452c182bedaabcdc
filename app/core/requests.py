"""The request class: NUL characters never get past the request boundary.

A NUL is never meaningful in anything a person types, PostgreSQL refuses it in text columns
(a 500 instead of a stored comment), and SQLite would store it silently. Dropping it from
form fields, query strings and JSON strings in one place protects every field of every form.
"""

from __future__ import annotations

from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

NUL = "\x00"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, "") if NUL in value else value
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def _clean_multidict(data: Any) -> Any:
    if not any(NUL in v for v in data.values() if isinstance(v, str)) and not any(
        NUL in k for k in data
    ):
        return data
    return ImmutableMultiDict([(_clean(k), _clean(v)) for k, v in data.items(multi=True)])


class PlatsdialogRequest(Request):
    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.form = _clean_multidict(self.form)

    @property
    def args(self) -> Any:  # type: ignore[override]
        return _clean_multidict(super().args)

    def get_json(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return _clean(super().get_json(*args, **kwargs))


class IdConverter(IntegerConverter):
    """``<int:...>`` in every URL: a number no row can have is a 404, never a database error
    (PostgreSQL refuses integers above 2**31 - 1 outright)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        from app.core.models import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
