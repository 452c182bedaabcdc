"""Safe redirects and security headers."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import Flask, Response, request


def is_safe_redirect(target: str | None) -> bool:
    """Only redirect to paths on our own host."""
    if not target:
        return False
    if target.startswith("//") or "\\" in target:
        return False
    host = urlsplit(request.host_url)
    test = urlsplit(urljoin(request.host_url, target))
    return test.scheme in ("http", "https") and test.netloc == host.netloc


def safe_next(target: str | None, default: str) -> str:
    return target if target and is_safe_redirect(target) else default


CSP = (
    "default-src 'self'; img-src 'self' data: blob: https:; script-src 'self'; "
    "style-src 'self'; font-src 'self'; connect-src 'self'; worker-src 'self'; "
    "manifest-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()"
        )
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
