"""Locale selection: Swedish by default, English (or another enabled language) on request."""

from __future__ import annotations

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

from app.core.models import translated


def enabled_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def select_locale() -> str:
    languages = enabled_languages()
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return str(current_user.locale)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def content_language() -> str:
    """The language this page's content is shown in: the current language, or the source
    language when the content is not complete in the current one
    (``app.core.translations.limit_languages``)."""
    from flask import g, has_request_context

    return str((g.get("content_language") if has_request_context() else None) or current_language())


def tr(value: dict[str, str] | None) -> str:
    """The text of a multilingual content field in ``content_language()``."""
    return translated(value, content_language(), current_app.config["BABEL_DEFAULT_LOCALE"])
