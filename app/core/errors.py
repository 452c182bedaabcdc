"""Error responses negotiated by where they happen: JSON under /api/, a fragment for htmx,
a page otherwise. No stack trace ever reaches a user.

Services refuse a use case by raising a :class:`DomainError` (``Malformed``, ``Invalid``,
``Forbidden``, ``NotFound``, ``Conflict``): a stable code, a message for people and messages
per input field, but no HTTP status. :data:`STATUS_OF` is the one place that maps them to
statuses; :func:`register_error_handlers` answers an uncaught one as JSON under /api/ and as
the error page otherwise. HTML views that can show the messages next to the fields catch
``Invalid`` themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from app.core.extensions import db

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


class DomainError(Exception):
    """A use case refused: ``code`` for programs, ``message`` for people, ``fields`` for forms
    (the input field's name to its message)."""

    default_code = "error"

    def __init__(
        self, message: str, *, code: str | None = None, fields: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = dict(fields or {})

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, code={self.code!r}, fields={self.fields!r})"
        )


class Malformed(DomainError):
    """The input is not even of the right shape (not a JSON object)."""

    default_code = "malformed"


class Invalid(DomainError):
    """The input breaks a rule; ``fields`` says which."""

    default_code = "invalid"


class TooLarge(Invalid):
    """An uploaded file is over its limit (413); ``fields`` says which."""

    default_code = "too_large"


class Forbidden(DomainError):
    """The actor may not do this (policy, role, closed stage)."""

    default_code = "forbidden"


class NotFound(DomainError):
    """The object does not exist or is not visible to the actor."""

    default_code = "not_found"


class Conflict(DomainError):
    """The state of what is stored refuses it (closed, already done, id used by another)."""

    default_code = "conflict"


#: The HTTP status of each domain error: the only place where the two meet.
STATUS_OF: dict[type[DomainError], int] = {
    Malformed: 400,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    TooLarge: 413,
}


def status_of(error: DomainError) -> int:
    """The HTTP status for ``error`` (its nearest class in :data:`STATUS_OF`)."""
    for cls in type(error).__mro__:
        status = STATUS_OF.get(cls)
        if status is not None:
            return status
    return 400


def domain_error_response(error: DomainError) -> Any:
    """``error`` as the API's JSON error."""
    return api_error(status_of(error), error.message, code=error.code, fields=error.fields)


def messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("You need to log in to do that."),
        403: _("You are not allowed to do that."),
        404: _("We could not find that page."),
        405: _("That method is not allowed here."),
        409: _("That conflicts with something already stored."),
        413: _("What you sent is too large."),
        422: _("Some of what you sent is not valid."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Nothing you sent was half-saved."),
        503: _("The service is temporarily unavailable. Please try again shortly."),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def api_error(
    status: int,
    message: str | None = None,
    *,
    code: str | None = None,
    fields: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """A JSON error in the API's shape: ``{"error": {"code", "message", "fields"}}``."""
    body = {
        "error": {
            "code": code or CODES.get(status, "error"),
            "message": message or messages().get(status, ""),
            "fields": fields or {},
        }
    }
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


#: Errors that mean the database cannot take writes right now (down, read-only, disk full).
DATABASE_DOWN = (sa_exc.OperationalError, sa_exc.InterfaceError)


def database_unavailable(error: BaseException) -> Any:
    """A clean 503 when the database fails: nothing was stored and a retry is safe
    (submissions are idempotent on their client id)."""
    current_app.logger.error(
        "Database unavailable on %s %s: %s", request.method, request.path, error
    )
    db.session.rollback()
    status = 503
    message = messages()[status]
    if wants_json():
        response = api_error(status, message, code="unavailable")
    else:
        response = current_app.make_response(
            (render_template("errors/error.html", status=status, message=message), status)
        )
    response.headers["Retry-After"] = "5"
    return response


def _http_error_reply(error: HTTPException, status: int) -> tuple[str, str | None, dict[str, str]]:
    """The message, machine code and extra headers that answer ``error``."""
    message = messages().get(status, error.description or "")
    headers = {}
    if status == 429:
        retry = getattr(error, "retry_after", None) or (
            error.get_response().headers.get("Retry-After") if error.response else None
        )
        if retry:
            headers["Retry-After"] = str(retry)
            message = _("Too many requests. Please try again in %(s)s seconds.", s=retry)
    if isinstance(error, CSRFError):
        message = _("The form has expired or lacks its security token. Reload and retry.")
        code = "csrf"
    else:
        code = None
    description = getattr(error, "user_message", None)
    if description:
        message = description
    return message, code, headers


def _error_page(status: int, message: str, headers: dict[str, str] | None = None) -> Any:
    """The error page (a fragment for htmx) with ``status``."""
    template = "errors/_error.html" if request.headers.get("HX-Request") else "errors/error.html"
    response = current_app.make_response(
        (render_template(template, status=status, message=message), status)
    )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def register_error_handlers(app: Flask) -> None:
    def handle(error: HTTPException) -> Any:
        status = error.code or 500
        if status >= 500:
            db.session.rollback()
        message, code, headers = _http_error_reply(error, status)
        if wants_json():
            return api_error(status, message, code=code, headers=headers)
        return _error_page(status, message, headers)

    @app.errorhandler(DomainError)
    def refused(error: DomainError) -> Any:
        """A use case a service refused and the view did not handle itself."""
        if wants_json():
            return domain_error_response(error)
        return _error_page(status_of(error), error.message)

    for status in CODES:
        if status in (500, 503):
            continue
        app.register_error_handler(status, handle)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        cause = getattr(error, "original_exception", None) or error
        if isinstance(cause, DATABASE_DOWN):
            return database_unavailable(cause)
        if isinstance(error, HTTPException):
            return handle(error)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return handle(InternalServerError())
