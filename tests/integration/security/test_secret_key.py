"""Development makes its own random signing key; production refuses a missing or weak one."""

from __future__ import annotations

import stat

import pytest
from itsdangerous import BadSignature

from app import create_app
from app.config import DEV_SECRET_FILE, DEV_SECRET_KEY, ConfigError


def test_development_makes_a_private_random_key_on_first_run(base_config, tmp_path):
    instance = tmp_path / "instance"
    config = {**base_config, "SECRET_KEY": None, "INSTANCE_DIR": str(instance)}
    first = create_app(config)
    key_file = instance / DEV_SECRET_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = first.config["SECRET_KEY"]
    assert key != DEV_SECRET_KEY and len(key) >= 32
    assert key_file.read_text().strip() == key
    # The next start (another worker, a restart) signs with the same key: sessions survive.
    assert create_app(config).config["SECRET_KEY"] == key
    # Another instance folder (a copied checkout) gets a key of its own.
    other = create_app({**config, "INSTANCE_DIR": str(tmp_path / "other")})
    assert other.config["SECRET_KEY"] != key


def test_a_session_forged_with_the_old_public_key_logs_nobody_in(make_app, make_user):
    from flask.sessions import SecureCookieSessionInterface

    app = make_app(SECRET_KEY=None)
    forger = make_app(SECRET_KEY=DEV_SECRET_KEY)  # what a copied instance used to run with
    with app.app_context():
        user = make_user(superadmin=True)
        user_id = user.get_id()
    forged = (
        SecureCookieSessionInterface()
        .get_signing_serializer(forger)
        .dumps({"_user_id": user_id, "_fresh": True})
    )
    with pytest.raises(BadSignature):
        SecureCookieSessionInterface().get_signing_serializer(app).loads(forged)
    victim = app.test_client()
    victim.set_cookie("session", forged)
    assert victim.get("/account").status_code == 302  # sent to log in
    # The same cookie does work where the public key signs sessions (the test can fail).
    old = forger.test_client()
    old.set_cookie("session", forged)
    assert old.get("/account").status_code == 200


@pytest.mark.parametrize(
    ("key", "complaint"),
    [
        (None, "without SECRET_KEY"),
        ("", "without SECRET_KEY"),
        (DEV_SECRET_KEY, "development key"),
        ("short-but-random-Xy7", "at least 32"),
        ("ab" * 20, "weak"),
    ],
)
def test_production_refuses_a_missing_or_weak_key(base_config, key, complaint):
    config = {
        **base_config,
        "ENV_MODE": "production",
        "SECRET_KEY": key,
        "BASE_URL": "https://dialog.kommun.example",
    }
    with pytest.raises(ConfigError, match=complaint):
        create_app(config)
