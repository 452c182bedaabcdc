"""The honeypot and the minimum fill time refuse bots and let people through."""

from __future__ import annotations

import re

import pytest

from app.core import bot_trap


@pytest.fixture()
def trapped_login(monkeypatch):
    monkeypatch.setattr(bot_trap, "TRAPPED_ENDPOINTS", {"accounts.login"})


def _stamp(app, path="/login"):
    """The stamp a form at ``path`` (posting to itself) is rendered with."""
    with app.test_request_context(path):
        html = str(bot_trap.bot_trap())
    return re.search(r'name="pd_form_started" value="([^"]+)"', html).group(1)


def test_person_who_leaves_the_honeypot_empty_gets_through(trapped_login, app, make_user):
    user = make_user()
    response = app.test_client().post(
        "/login",
        data={
            "email": user.email,
            "password": "correct horse battery staple",
            "website": "",
            "pd_form_started": _stamp(app),
        },
    )
    assert response.status_code == 302


def test_filled_honeypot_is_refused(trapped_login, app, make_user):
    user = make_user()
    response = app.test_client().post(
        "/login",
        data={
            "email": user.email,
            "password": "correct horse battery staple",
            "website": "http://spam.example",
            "pd_form_started": _stamp(app),
        },
    )
    assert response.status_code == 422
    assert "vänta" in response.get_data(as_text=True) or "wait" in response.get_data(as_text=True)


def test_missing_or_forged_stamp_is_refused(trapped_login, make_app, make_user):
    app = make_app(BOT_TRAP_MIN_SECONDS=1)
    with app.app_context():
        email = make_user().email
    client = app.test_client()
    data = {"email": email, "password": "correct horse battery staple", "website": ""}
    assert client.post("/login", data=data).status_code == 422
    forged = {**data, "pd_form_started": "form.AAAAAA.forged"}
    assert client.post("/login", data=forged).status_code == 422


def test_with_the_timing_check_off_the_honeypot_still_works(trapped_login, app, make_user):
    user = make_user()
    client = app.test_client()
    data = {"email": user.email, "password": "correct horse battery staple"}
    assert client.post("/login", data={**data, "website": "x"}).status_code == 422
    forged = {**data, "pd_form_started": "form.AAAAAA.forged"}
    assert client.post("/login", data=forged).status_code == 422
    assert client.post("/login", data=data).status_code == 302


def test_too_fast_is_refused(trapped_login, make_app, make_user):
    app = make_app(BOT_TRAP_MIN_SECONDS=30)
    with app.app_context():
        user = make_user()
        email = user.email
    response = app.test_client().post(
        "/login",
        data={
            "email": email,
            "password": "correct horse battery staple",
            "website": "",
            "pd_form_started": _stamp(app),
        },
    )
    assert response.status_code == 422


def test_honeypot_is_hidden_from_people(app):
    with app.test_request_context():
        html = str(bot_trap.bot_trap())
    assert 'aria-hidden="true"' in html and 'tabindex="-1"' in html


def test_a_form_shown_again_keeps_its_first_stamp(app):
    first = _stamp(app, "/s/1")
    with app.test_request_context("/s/1", method="POST", data={"pd_form_started": first}):
        assert f'value="{first}"' in str(bot_trap.bot_trap())
    with app.test_request_context("/s/1", method="POST", data={"pd_form_started": "forged"}):
        assert 'value="forged"' not in str(bot_trap.bot_trap())


def _aged_stamp(app, monkeypatch, hours, path="/login"):
    """A stamp made ``hours`` ago (the signer's clock injected, no sleeping)."""
    real = bot_trap.TimestampSigner.get_timestamp
    monkeypatch.setattr(
        bot_trap.TimestampSigner, "get_timestamp", lambda self: real(self) - int(hours * 3600)
    )
    stamp = _stamp(app, path)
    monkeypatch.setattr(bot_trap.TimestampSigner, "get_timestamp", real)
    return stamp


def test_a_stamp_lasts_hours_not_days(trapped_login, make_app, make_user, monkeypatch):
    app = make_app(BOT_TRAP_MIN_SECONDS=1)
    with app.app_context():
        email = make_user().email
    data = {"email": email, "password": "correct horse battery staple", "website": ""}
    client = app.test_client()
    seven_hours = _aged_stamp(app, monkeypatch, 7)
    assert client.post("/login", data={**data, "pd_form_started": seven_hours}).status_code == 302
    client.post("/logout")
    nine_hours = _aged_stamp(app, monkeypatch, 9)
    assert client.post("/login", data={**data, "pd_form_started": nine_hours}).status_code == 422
    six_days = _aged_stamp(app, monkeypatch, 6 * 24)
    assert client.post("/login", data={**data, "pd_form_started": six_days}).status_code == 422


def test_a_stamp_works_only_on_the_form_it_was_made_for(trapped_login, make_app, make_user):
    app = make_app(BOT_TRAP_MIN_SECONDS=0.001)
    with app.app_context():
        email = make_user().email
    data = {"email": email, "password": "correct horse battery staple", "website": ""}
    client = app.test_client()
    for other in ("/register", "/s/1", "/reset"):
        stolen = _stamp(app, other)
        assert client.post("/login", data={**data, "pd_form_started": stolen}).status_code == 422
    with app.test_request_context("/"):
        named = str(bot_trap.bot_trap("accounts.login"))
    stamp = re.search(r'name="pd_form_started" value="([^"]+)"', named).group(1)
    assert client.post("/login", data={**data, "pd_form_started": stamp}).status_code == 302
