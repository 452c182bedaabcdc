"""The request class: what gets past the request boundary.

- NUL characters are dropped. A NUL is never meaningful in anything a person types,
  PostgreSQL refuses it in text columns (a 500 instead of a stored comment), and SQLite would
  store it silently. Dropping it from form fields, query strings and JSON strings in one place
  protects every field of every form.
- Numeric query arguments (``page``, ``project``, ``stage`` ...) that no id or page can
  reach are dropped from ``args`` and answered with 400 (``app.core.security``), never a
  database overflow.
- JSON nested deeper than ``MAX_JSON_DEPTH`` is malformed (a 400, or ``None`` for
  ``silent=True``), never a ``RecursionError``.
- Survey submissions (a form page or an API body: map answers are the large part) are
  limited to ``MAX_SURVEY_SUBMISSION_BYTES`` (plus ``SURVEY_MAX_PHOTOS`` photos of at most
  ``PHOTO_MAX_BYTES`` when sent as multipart) and each form field to ``MAX_FORM_FIELD_BYTES``:
  larger ones get 413 before anything is parsed.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Request, current_app, has_app_context
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

NUL = "\x00"

#: Query arguments that hold an id or a page number somewhere in the app.
NUMERIC_ARGS = frozenset({"page", "project", "stage", "survey", "activity", "a", "b", "moved"})
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")

#: Deeper JSON is refused. Real bodies (GeoJSON polygons with holes inside an answer inside
#: a response) stay under 10 levels.
MAX_JSON_DEPTH = 32

#: Endpoints that take a whole survey submission.
SURVEY_SUBMISSIONS = frozenset({"surveys.take", "api.create_response"})


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


def _too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Is ``value`` nested more than ``limit`` levels? (Iterative: no recursion limit.)"""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _without_out_of_range(args: Any) -> tuple[Any, list[str]]:
    """``args`` without numeric arguments no id or page can reach, and their names."""
    from app.core.models import MAX_ID

    bad = [
        key
        for key in NUMERIC_ARGS.intersection(args.keys())
        if any(_INTEGER.fullmatch(v) and abs(int(v)) > MAX_ID for v in args.getlist(key))
    ]
    if not bad:
        return args, []
    kept = [(k, v) for k, v in args.items(multi=True) if k not in bad]
    return ImmutableMultiDict(kept), bad


class PlatsdialogRequest(Request):
    #: Names of numeric query arguments that were out of range (dropped from ``args``;
    #: ``app.core.security`` answers 400 before the view runs).
    out_of_range_args: list[str] = []

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except RequestEntityTooLarge:
            # The first reader gets the 413; later ones (after-request hooks rendering the
            # error) see an empty form instead of raising again.
            self.__dict__.setdefault("form", ImmutableMultiDict())
            self.__dict__.setdefault("files", ImmutableMultiDict())
            raise
        self.form = _clean_multidict(self.form)

    @property
    def args(self) -> Any:
        args, self.out_of_range_args = _without_out_of_range(_clean_multidict(super().args))
        return args

    def get_json(self, *args: Any, **kwargs: Any) -> Any:
        silent = kwargs.get("silent", args[1] if len(args) > 1 else False)
        try:
            value = super().get_json(*args, **kwargs)
        except RecursionError:
            value = _MALFORMED
        if value is not _MALFORMED and not _too_deep(value):
            return _clean(value)
        if silent:
            return None
        raise BadRequest("The JSON body is nested too deeply.")

    def _submission_limit(self, setting: str) -> int | None:
        rule = self.url_rule
        if rule is None or rule.endpoint not in SURVEY_SUBMISSIONS or not has_app_context():
            return None
        return current_app.config.get(setting)

    def _submission_body_limit(self) -> int | None:
        limit = self._submission_limit("MAX_SURVEY_SUBMISSION_BYTES")
        if limit is not None and self.mimetype == "multipart/form-data":
            # Photos of marked places travel beside the answers (docs/photos.md).
            config = current_app.config
            per_photo = int(config.get("PHOTO_MAX_BYTES", 0)) + 64 * 1024
            limit += int(config.get("SURVEY_MAX_PHOTOS", 0)) * per_photo
        return limit

    @property
    def max_content_length(self) -> int | None:
        limits = [super().max_content_length, self._submission_body_limit()]
        present = [limit for limit in limits if limit is not None]
        return min(present) if present else None

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        limits = [super().max_form_memory_size, self._submission_limit("MAX_FORM_FIELD_BYTES")]
        present = [limit for limit in limits if limit is not None]
        return min(present) if present else None

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value


_MALFORMED = object()


class IdConverter(IntegerConverter):
    """``<int:...>`` in every URL: a number no row can have is a 404, never a database error
    (PostgreSQL refuses integers above 2**31 - 1 outright)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        from app.core.models import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
