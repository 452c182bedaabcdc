"""Safe redirects and security headers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from flask import Flask, Response, abort, request
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as PlainResponse
from werkzeug.wsgi import get_host

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


def is_safe_redirect(target: str | None) -> bool:
    """Only redirect to paths on our own host."""
    if not target:
        return False
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return False  # a line break would split the Location header (and browsers drop it)
    if target.startswith("//") or "\\" in target:
        return False
    host = urlsplit(request.host_url)
    test = urlsplit(urljoin(request.host_url, target))
    return test.scheme in ("http", "https") and test.netloc == host.netloc


def safe_next(target: str | None, default: str) -> str:
    return target if target and is_safe_redirect(target) else default


#: Pages about the person looking at them: never stored by a browser or proxy cache.
PERSONAL_PATHS = ("/my", "/account")

CSP = (
    "default-src 'self'; img-src 'self' data: blob: https:; script-src 'self'; "
    "style-src 'self'; font-src 'self'; connect-src 'self'; worker-src 'self'; "
    "manifest-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)


class _TrustedHosts:
    """Answer a plain 400 to a ``Host`` header we do not serve, before Flask builds anything
    from it (URLs, error pages)."""

    def __init__(self, wsgi_app: Any, hosts: list[str]) -> None:
        self.wsgi_app = wsgi_app
        self.hosts = hosts

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        try:
            get_host(environ, self.hosts)
        except SecurityError:
            response = PlainResponse("Bad Request: unknown host\n", status=400)
            return response(environ, start_response)
        return self.wsgi_app(environ, start_response)


def configure_hosts_and_proxy(app: Flask) -> None:
    """Answer only for our own host names in production, and read the client's address and
    scheme from the proxy's headers only when a proxy is configured.

    ``TRUSTED_HOSTS`` makes Flask answer 400 to any other ``Host`` header; in production the
    host of ``BASE_URL`` is always trusted. ``PROXY_FIX_X_FOR`` / ``PROXY_FIX_X_PROTO`` count
    the proxies in front of the app (0: forwarded headers are ignored, so nobody can fake the
    address that abuse limits count by).
    """
    hosts = list(app.config.get("TRUSTED_HOSTS") or [])
    if app.config.get("ENV_MODE") == "production":
        base_host = urlsplit(str(app.config.get("BASE_URL") or "")).hostname
        if base_host and base_host not in hosts:
            hosts.insert(0, base_host)
    app.config["TRUSTED_HOSTS"] = hosts or None
    x_for = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    x_proto = int(app.config.get("PROXY_FIX_X_PROTO") or 0)
    if not (hosts or x_for or x_proto):
        return
    wsgi: WSGIApplication = app.wsgi_app
    if hosts:
        wsgi = _TrustedHosts(wsgi, hosts)
    if x_for or x_proto:
        wsgi = ProxyFix(wsgi, x_for=x_for, x_proto=x_proto)
    # Flask's documented way to add WSGI middleware.
    app.wsgi_app = wsgi  # type: ignore[method-assign,assignment]  # replaces the method


def register_security_headers(app: Flask) -> None:
    from app.core.access_log import install_development_filter

    configure_hosts_and_proxy(app)
    install_development_filter()

    @app.before_request
    def refuse_out_of_range_arguments() -> None:
        """``?page=99999999999999999999`` is a 400, not a database overflow."""
        if request.args is not None and getattr(request, "out_of_range_args", None):
            abort(400)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()"
        )
        if request.path.startswith(PERSONAL_PATHS):
            # A shared device's browser cache must not keep one person's pages for the next.
            response.headers["Cache-Control"] = "private, no-store"
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
