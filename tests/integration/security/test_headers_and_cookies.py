"""The headers and cookie flags every response carries."""

from __future__ import annotations

from app.core.security import CSP


def test_html_and_json_responses_carry_the_security_headers(client):
    for url in ("/", "/api/v1/projects", "/nonexistent-page"):
        response = client.get(url)
        headers = response.headers
        assert headers["Content-Security-Policy"] == CSP, url
        assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP
        assert "frame-ancestors 'none'" in CSP
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "geolocation=(self)" in headers["Permissions-Policy"]
        # HSTS only over HTTPS: on plain HTTP it would be ignored or lock out a dev setup.
        assert "Strict-Transport-Security" not in headers


def test_hsts_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_session_and_participant_cookies_are_httponly_lax_and_secure_when_configured(
    make_app, make_project, make_activity
):
    from app.projects.models import ActivityKind

    app = make_app(SESSION_COOKIE_SECURE=True)
    with app.app_context():
        project = make_project()
        stage = project.current_stage
        make_activity(stage, ActivityKind.DISCUSSION)
        client = app.test_client()
        response = client.post(
            f"/api/v1/stages/{stage.id}/comments",
            json={"body": "Hej", "client_id": "0b8a0c86-8d1b-4a4e-9a43-3c7e7f0b2d11"},
            base_url="https://localhost",
        )
        assert response.status_code == 201
        cookies = response.headers.getlist("Set-Cookie")
        assert cookies
        for cookie in cookies:
            flags = cookie.lower()
            assert "httponly" in flags and "samesite=lax" in flags and "secure" in flags, cookie
