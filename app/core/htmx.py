"""htmx helpers: one URL serves the full page or the fragment, from the same partial."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, render_template, request


def is_htmx() -> bool:
    """True for htmx requests that want a fragment. Boosted navigation and htmx restoring a
    page for Back (a URL it pushed, not in its history cache) want the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and not request.headers.get("HX-Boosted")
        and not request.headers.get("HX-History-Restore-Request")
    )


def render(page: str, fragment: str, **context: Any) -> str:
    """Render ``fragment`` for htmx requests and ``page`` (which includes it) otherwise."""
    return render_template(fragment if is_htmx() else page, **context)


def register_htmx_handling(app: Flask) -> None:
    """Tell caches that a page's URL answers htmx with a fragment: the browser must not
    reuse a fragment it fetched for a pushed URL (a page of comments) as the whole page."""

    @app.after_request
    def vary_on_htmx(response: Response) -> Response:
        if response.mimetype == "text/html":
            response.vary.add("HX-Request")
        return response
