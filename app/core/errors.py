"""Error responses negotiated by where they happen: JSON under /api/, a fragment for htmx,
a page otherwise. No stack trace ever reaches a user."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db

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


def register_error_handlers(app: Flask) -> None:
    def handle(error: HTTPException) -> Any:
        status = error.code or 500
        if status >= 500:
            db.session.rollback()
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
        if wants_json():
            return api_error(status, message, code=code, headers=headers)
        template = (
            "errors/_error.html" if request.headers.get("HX-Request") else "errors/error.html"
        )
        response = app.make_response(
            (render_template(template, status=status, message=message), status)
        )
        for key, value in headers.items():
            response.headers[key] = value
        return response

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
