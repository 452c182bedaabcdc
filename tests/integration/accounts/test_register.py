"""Registering an account, verifying the address by the mailed link, resending it."""

from __future__ import annotations

import pytest

from app.accounts.models import User
from app.accounts.tokens import Purpose, make_token
from app.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.integration.accounts.conftest import audit_actions, link_in, user_count

GOOD = {
    "email": "Anna.Svensson@Example.se",
    "display_name": "Anna",
    "password": "en lång fras på svenska",
    "confirm": "en lång fras på svenska",
    "consent": "y",
    "notify_feedback": "y",
}


def post(client, **changes):
    data = {**GOOD, **changes}
    return client.post("/register", data={k: v for k, v in data.items() if v is not None})


def test_register_page_has_labelled_fields(client):
    html = client.get("/register?lang=en").get_data(as_text=True)
    for name in ("email", "display_name", "password", "confirm", "consent", "notify_feedback"):
        assert f'for="{name}"' in html
    assert 'autocomplete="new-password"' in html
    assert "/privacy" in html


def test_register_stores_unverified_user_and_mails_a_link(client, mails):
    response = post(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verify/sent")
    user = db.session.scalar(db.select(User))
    assert user.email == "anna.svensson@example.se"
    assert user.display_name == "Anna"
    assert user.notify_feedback is True
    assert user.email_verified_at is None
    assert user.password_hash.startswith("$argon2id$")
    assert "en lång fras" not in user.password_hash
    assert user.locale == "sv"
    assert "user.register" in audit_actions()
    sent = mails()
    assert len(sent) == 1
    assert sent[0]["To"] == "anna.svensson@example.se"
    # The mail speaks the language the resident registered in.
    assert "Bekräfta" in sent[0]["Subject"]


def test_verification_link_verifies_and_then_login_works(client, mails, login):
    post(client)
    path = link_in(mails()[0], "/verify/")
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    user = db.session.scalar(db.select(User))
    db.session.refresh(user)
    assert user.email_verified_at is not None
    login(user, password=GOOD["password"])
    page = client.get("/account?lang=en").get_data(as_text=True)
    assert "anna.svensson@example.se" in page
    assert "is verified" in page
    # Opening the link again is harmless.
    assert client.get(path).status_code == 302


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": ""}, "email", "Enter your email address."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": "a" * 250 + "@example.se"}, "email", "The email address is too long."),
        ({"password": "short", "confirm": "short"}, "password", "between 10 and 200"),
        ({"password": "x" * 201, "confirm": "x" * 201}, "password", "between 10 and 200"),
        ({"password": " " * 12, "confirm": " " * 12}, "password", "Enter a password."),
        ({"confirm": "something else entirely"}, "confirm", "The passwords do not match."),
        ({"consent": None}, "consent", "You need to accept the privacy notice"),
        ({"display_name": "n" * 101}, "display_name", "The name is too long"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_stored(
    client, mails, changes, field, message
):
    response = client.post(
        "/register?lang=en",
        data={k: v for k, v in {**GOOD, **changes}.items() if v is not None},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html
    assert f'aria-describedby="{field}-error"' in html or f'{field}-error"' in html
    assert user_count() == 0
    assert mails() == []


def test_bad_input_message_in_swedish(client):
    response = client.post("/register", data={**GOOD, "confirm": "en annan fras helt"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Lösenorden stämmer inte överens." in html
    assert user_count() == 0


def test_registering_a_taken_address_looks_the_same_and_mails_its_owner(app, make_user, mails):
    owner = make_user("anna.svensson@example.se", password="ägarens eget lösenord")
    # The same answer for a new address and for a taken one.
    fresh = app.test_client()
    taken = app.test_client()
    answers = [
        post(fresh, email="ny.person@example.se"),
        post(taken),  # the owner's address, in other letter case
    ]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    pages = [
        c.get(a.headers["Location"]).get_data(as_text=True)
        for c, a in zip((fresh, taken), answers, strict=True)
    ]
    assert pages[0] == pages[1]
    assert "finns redan" not in pages[1]
    # Nothing about the owner's account changed; the owner is told, with a way in.
    assert user_count() == 2
    db.session.refresh(owner)
    assert owner.display_name != "Anna"
    to_owner = [m for m in mails() if m["To"] == "anna.svensson@example.se"]
    assert len(to_owner) == 1
    body = to_owner[0].get_content()
    base = app.config["BASE_URL"]
    assert f"{base}/login\n" in body and f"{base}/reset\n" in body
    assert "user.register_existing" in audit_actions()


def test_registering_an_unverified_address_again_sends_a_new_verification_link(
    client, make_user, mails
):
    make_user("anna.svensson@example.se", verified=False)
    assert post(client).status_code == 302
    (mail,) = mails()
    assert link_in(mail, "/verify/")
    assert user_count() == 1


def test_tampered_verification_link_is_refused(client, make_user):
    user = make_user(verified=False)
    token = make_token(user, Purpose.VERIFY_EMAIL)
    response = client.get(f"/verify/{token[:-3]}xyz?lang=en")
    assert response.status_code == 422
    assert "The link is not valid" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email_verified_at is None


def test_reset_token_cannot_verify_an_address(client, make_user):
    user = make_user(verified=False)
    token = make_token(user, Purpose.RESET_PASSWORD)
    assert client.get(f"/verify/{token}").status_code == 422
    db.session.refresh(user)
    assert user.email_verified_at is None


def test_expired_verification_link_is_refused(client, make_user, monkeypatch):
    user = make_user(verified=False)
    token = make_token(user, Purpose.VERIFY_EMAIL)
    monkeypatch.setitem(
        __import__("app.accounts.tokens", fromlist=["MAX_AGE"]).MAX_AGE, Purpose.VERIFY_EMAIL, -1
    )
    response = client.get(f"/verify/{token}?lang=en")
    assert response.status_code == 422
    assert "The link has expired" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email_verified_at is None


def test_verification_link_dies_when_the_address_changes(client, make_user, login, mails):
    user = make_user("gammal@example.se", verified=False)
    old_token = make_token(user, Purpose.VERIFY_EMAIL)
    login(user)
    response = client.post(
        "/account",
        data={
            "email": "ny@example.se",
            "display_name": "",
            "locale": "sv",
            "current_password": TEST_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get(f"/verify/{old_token}").status_code == 422
    # The new address gets its own link.
    path = link_in(mails()[-1], "/verify/")
    assert client.get(path).status_code == 302
    db.session.refresh(user)
    assert user.email_verified_at is not None


def test_resend_answers_the_same_for_unknown_and_known_addresses(client, make_user, mails):
    make_user("overifierad@example.se", verified=False)
    make_user("klar@example.se", verified=True)
    answers = []
    for email in ("overifierad@example.se", "klar@example.se", "okand@example.se"):
        response = client.post("/verify/resend", data={"email": email}, follow_redirects=True)
        assert response.status_code == 200
        answers.append(response.get_data(as_text=True).split("<main")[1].split("</main>")[0])
    assert answers[0] == answers[1] == answers[2]
    # Only the unverified account gets a mail.
    assert [m["To"] for m in mails()] == ["overifierad@example.se"]


def test_resend_with_invalid_email_is_422(client, mails):
    response = client.post("/verify/resend?lang=en", data={"email": "nope"})
    assert response.status_code == 422
    assert "Enter a valid email address." in response.get_data(as_text=True)
    assert mails() == []
