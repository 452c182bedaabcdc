"""Login does the same password-hash work whether or not the account exists."""

from __future__ import annotations

import pytest

from app.accounts import passwords
from tests.conftest import TEST_PASSWORD


@pytest.fixture()
def hash_checks(monkeypatch):
    """Count Argon2 verifications (the expensive part of a login)."""
    calls: list[str] = []
    real = passwords.PasswordHasher.verify

    def counting(self, hash_, password):
        calls.append(hash_)
        return real(self, hash_, password)

    monkeypatch.setattr(passwords.PasswordHasher, "verify", counting)
    return calls


@pytest.mark.parametrize(
    "case", ["unknown address", "wrong password", "deactivated account", "right password"]
)
def test_login_checks_one_password_hash_whoever_asks(client, make_user, hash_checks, case):
    make_user("finns@example.se", active=case != "deactivated account")
    email = "finns-inte@example.se" if case == "unknown address" else "finns@example.se"
    password = TEST_PASSWORD if case in ("right password", "deactivated account") else "fel fel fel"
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == (302 if case == "right password" else 422)
    assert len(hash_checks) == 1
    assert hash_checks[0].startswith("$argon2id$")


def test_the_dummy_hash_has_the_configured_cost(make_app):
    from argon2 import extract_parameters

    app = make_app(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=2048)
    with app.app_context():
        passwords.verify_dummy("anything")
        (dummy,) = [h for k, h in passwords._DUMMY_HASHES.items() if k == (2, 2048)]
    params = extract_parameters(dummy)
    assert (params.time_cost, params.memory_cost) == (2, 2048)
