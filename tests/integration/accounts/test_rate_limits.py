"""Forms that send mail are rate-limited per address, so nobody can flood an inbox."""

from __future__ import annotations


def test_password_reset_requests_are_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        statuses = [
            client.post("/reset", data={"email": "someone@example.se"}).status_code
            for _ in range(6)
        ]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429


def test_registration_attempts_are_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        statuses = [client.post("/register", data={}).status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
