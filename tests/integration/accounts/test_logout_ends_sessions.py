"""Logout ends the session server-side: a cookie copied before it no longer logs anybody in."""

from __future__ import annotations

from app.accounts.tokens import Purpose, make_token
from app.extensions import db
from tests.conftest import TEST_PASSWORD

NEW = "ett helt nytt lösenord"


def _cookie(client, name):
    cookie = client.get_cookie(name)
    assert cookie is not None, name
    return cookie.value


def test_a_session_cookie_copied_before_logout_no_longer_works(app, client, make_user, login):
    user = make_user()
    login(user)
    assert client.get("/account").status_code == 200
    copied = _cookie(client, "session")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/account").status_code == 200  # the copy works while the session lives

    assert client.post("/logout").status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", copied)
    response = replay.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert thief.get("/account").status_code == 302


def test_a_remember_me_cookie_copied_before_logout_no_longer_works(app, client, make_user):
    user = make_user()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"})
    remembered = _cookie(client, "remember_token")
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("remember_token", remembered)
    assert replay.get("/account").status_code == 302


def test_logging_in_again_after_logout_works(client, make_user, login):
    user = make_user()
    login(user)
    client.post("/logout")
    login(user)
    assert client.get("/account").status_code == 200


def test_a_reset_link_survives_logout_but_not_its_own_use(app, client, make_user, login):
    user = make_user()
    token = make_token(user, Purpose.RESET_PASSWORD)
    login(user)
    client.post("/logout")
    assert client.get(f"/reset/{token}").status_code == 200
    response = client.post(f"/reset/{token}", data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert client.get(f"/reset/{token}").status_code == 422


def test_a_verification_link_survives_logout(client, make_user, login):
    user = make_user(verified=False)
    token = make_token(user, Purpose.VERIFY_EMAIL)
    login(user)
    client.post("/logout")
    assert client.get(f"/verify/{token}").status_code == 302
    db.session.refresh(user)
    assert user.email_verified_at is not None
