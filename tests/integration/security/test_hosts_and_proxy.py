"""Links in mail come from BASE_URL, production answers only for its own host names, and the
client's address is read from the proxy only when a proxy is configured (issue 15)."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import ConfigError
from app.core.mail import outbox

PROD_SECRET = "a-production-secret-that-is-long-enough-0123456789"


def test_a_reset_requested_with_a_forged_host_mails_a_link_to_base_url(make_app, make_user):
    app = make_app(BASE_URL="https://dialog.kommun.example")
    with app.app_context():
        user = make_user()
        client = app.test_client()
        response = client.post(
            "/reset", data={"email": user.email}, headers={"Host": "evil.example"}
        )
        assert response.status_code == 302
        (mail,) = outbox()
    body = mail.get_content()
    assert "evil.example" not in body
    assert "https://dialog.kommun.example/reset/" in body


def test_a_verification_link_comes_from_base_url_with_its_path(make_app):
    app = make_app(BASE_URL="https://www.kommun.example/dialog/")
    with app.app_context():
        client = app.test_client()
        response = client.post(
            "/register",
            data={
                "email": "ny@example.se",
                "password": "ett långt lösenord 123",
                "confirm": "ett långt lösenord 123",
                "consent": "y",
            },
            headers={"Host": "evil.example"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        (mail,) = outbox()
    body = mail.get_content()
    assert "evil.example" not in body
    assert "https://www.kommun.example/dialog/verify/" in body


def test_production_refuses_to_start_without_base_url(base_config):
    config = {**base_config, "ENV_MODE": "production", "SECRET_KEY": PROD_SECRET}
    config["BASE_URL"] = None
    with pytest.raises(ConfigError, match="BASE_URL"):
        create_app(config)


def test_production_answers_only_for_its_own_hosts(make_app):
    app = make_app(
        ENV_MODE="production",
        SECRET_KEY=PROD_SECRET,
        BASE_URL="https://dialog.kommun.example",
        TRUSTED_HOSTS=["localhost"],
    )
    client = app.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "dialog.kommun.example"}).status_code == 200
    # Extra names (a health check on the machine itself) are added, not substituted.
    assert client.get("/healthz", headers={"Host": "localhost:8000"}).status_code == 200


def test_development_answers_for_any_host(make_app):
    client = make_app().test_client()
    assert client.get("/", headers={"Host": "laptop.local:5000"}).status_code == 200


def _login_statuses(client, addresses):
    return [
        client.post(
            "/login",
            data={"email": "nobody@example.se", "password": "wrong-pass"},
            headers={"X-Forwarded-For": address},
        ).status_code
        for address in addresses
    ]


def test_behind_a_configured_proxy_limits_count_each_client_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", PROXY_FIX_X_FOR=1)
    client = app.test_client()
    # An attacker behind the same proxy uses up their own allowance...
    assert _login_statuses(client, ["203.0.113.7"] * 11)[-1] == 429
    # ...and a legitimate user arriving through the same proxy can still log in.
    assert _login_statuses(client, ["198.51.100.2"]) == [422]


def test_without_a_proxy_setting_a_forwarded_address_is_ignored(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    client = app.test_client()
    # A client cannot escape its limit by inventing a new X-Forwarded-For each time.
    statuses = _login_statuses(client, [f"203.0.113.{n}" for n in range(11)])
    assert statuses[-1] == 429


def test_hsts_behind_a_tls_proxy(make_app):
    app = make_app(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    client = app.test_client()
    secure = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    plain = make_app().test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in plain.headers
