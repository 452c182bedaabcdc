"""htmx helpers: one URL serves the full page or the fragment, from the same partial."""

from __future__ import annotations

from typing import Any

from flask import render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


def render(page: str, fragment: str, **context: Any) -> str:
    """Render ``fragment`` for htmx requests and ``page`` (which includes it) otherwise."""
    return render_template(fragment if is_htmx() else page, **context)
