"""Logging in and out, password reset by mailed link, changing the password, the account page."""

from __future__ import annotations

import pytest

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.accounts.tokens import MAX_AGE, Purpose, make_token
from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Membership, Role
from tests.conftest import TEST_PASSWORD
from tests.integration.accounts.conftest import audit_actions, count, link_in

NEW = "ett helt nytt lösenord"


def test_login_redirects_and_rotates_the_session(client, make_user):
    user = make_user()
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    response = client.post("/login", data={"email": user.email.upper(), "password": TEST_PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as s:
        assert "planted" not in s
    assert client.get("/account").status_code == 200


def test_wrong_password_is_422_and_audited(client, make_user):
    user = make_user()
    response = client.post("/login?lang=en", data={"email": user.email, "password": "nope nope"})
    assert response.status_code == 422
    assert "The email address or password is wrong." in response.get_data(as_text=True)
    assert "login.failed" in audit_actions()
    assert client.get("/account").status_code == 302  # still logged out


def test_inactive_user_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 422


def test_login_follows_only_safe_next(client, make_user):
    user = make_user()
    response = client.post(
        "/login?next=https://evil.example/x", data={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post(
        "/login?next=/account", data={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/account"


def test_logout_is_post_only(client, make_user, login):
    login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_account_page_requires_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# Password reset -----------------------------------------------------------------------------


def test_reset_request_answers_the_same_whether_or_not_the_email_exists(client, make_user, mails):
    make_user("finns@example.se")
    bodies = []
    for email in ("finns@example.se", "finns-inte@example.se"):
        response = client.post("/reset", data={"email": email}, follow_redirects=True)
        assert response.status_code == 200
        bodies.append(response.get_data(as_text=True).split("<main")[1].split("</main>")[0])
    assert bodies[0] == bodies[1]
    assert "en timme" in bodies[0]
    assert [m["To"] for m in mails()] == ["finns@example.se"]


def test_reset_link_sets_a_new_password_once(client, make_user, mails, login):
    user = make_user("glomsk@example.se")
    client.post("/reset", data={"email": user.email})
    path = link_in(mails()[0], "/reset/")
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)
    login(user, password=NEW)
    # Single use: the link carries a tag of the password it replaces.
    client.post("/logout")
    again = client.post(
        path + "?lang=en", data={"password": "yet another one!", "confirm": "yet another one!"}
    )
    assert again.status_code == 422
    assert "The link is not valid" in again.get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)


def test_reset_ends_other_sessions(app, client, make_user, login):
    user = make_user()
    other = app.test_client()
    login(user, test_client=other)
    assert other.get("/account").status_code == 200
    token = make_token(user, Purpose.RESET_PASSWORD)
    assert client.post(f"/reset/{token}", data={"password": NEW, "confirm": NEW}).status_code == 302
    assert other.get("/account").status_code == 302


def test_expired_reset_link_is_refused(client, make_user, monkeypatch):
    user = make_user()
    token = make_token(user, Purpose.RESET_PASSWORD)
    monkeypatch.setitem(MAX_AGE, Purpose.RESET_PASSWORD, -1)
    response = client.post(f"/reset/{token}", data={"password": NEW, "confirm": NEW})
    assert response.status_code == 422
    assert "Länken har slutat gälla" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user.password_hash, TEST_PASSWORD)


def test_reset_link_lasts_one_hour():
    assert MAX_AGE[Purpose.RESET_PASSWORD] == 3600


def test_tampered_reset_link_is_refused(client, make_user):
    user = make_user()
    token = make_token(user, Purpose.RESET_PASSWORD)
    tampered = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    assert client.get(f"/reset/{tampered}").status_code == 422
    assert client.get("/reset/not-a-token").status_code == 422


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password": "", "confirm": ""}, "password", "Enter a password."),
        ({"password": "kort", "confirm": "kort"}, "password", "between 10 and 200"),
        ({"password": NEW, "confirm": NEW + "x"}, "confirm", "The passwords do not match."),
    ],
)
def test_reset_form_bad_input(client, make_user, data, field, message):
    user = make_user()
    before = user.password_hash
    token = make_token(user, Purpose.RESET_PASSWORD)
    response = client.post(f"/reset/{token}?lang=en", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    db.session.refresh(user)
    assert user.password_hash == before
    assert user.session_version == 1


def test_reset_request_bad_email_is_422(client, mails):
    response = client.post("/reset?lang=en", data={"email": ""})
    assert response.status_code == 422
    assert "Enter your email address." in response.get_data(as_text=True)
    assert mails() == []


# Change password ----------------------------------------------------------------------------


def test_change_password_logs_out_other_sessions_but_not_this_one(app, client, make_user, login):
    user = make_user()
    login(user)
    other = app.test_client()
    login(user, test_client=other)
    response = client.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "password": NEW, "confirm": NEW},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    db.session.refresh(user)
    assert user.session_version == 2
    assert verify_password(user.password_hash, NEW)
    assert "user.password_change" in audit_actions()


def test_change_password_with_wrong_current_password(client, make_user, login):
    user = make_user()
    login(user)
    response = client.post(
        "/account/password",
        data={"current_password": "not my password", "password": NEW, "confirm": NEW},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="current_password-error"' in html
    assert "Det nuvarande lösenordet är fel." in html
    db.session.refresh(user)
    assert user.session_version == 1
    assert verify_password(user.password_hash, TEST_PASSWORD)


def test_change_password_mismatch_in_english(client, make_user, login):
    login(make_user())
    response = client.post(
        "/account/password?lang=en",
        data={"current_password": TEST_PASSWORD, "password": NEW, "confirm": "different!!"},
    )
    assert response.status_code == 422
    assert "The passwords do not match." in response.get_data(as_text=True)


# Account page -------------------------------------------------------------------------------


def test_account_page_lists_memberships(client, make_user, make_org, login):
    org = make_org(name="Huddinge kommun")
    user = make_user(role=Role.PLANNER, org=org)
    login(user)
    html = client.get("/account").get_data(as_text=True)
    assert "Huddinge kommun" in html
    assert "Planerare" in html


def test_account_settings_are_saved_and_language_applies(client, make_user, login):
    user = make_user("jag@example.se")
    login(user)
    response = client.post(
        "/account",
        data={
            "email": "jag@example.se",
            "display_name": "  Jag Själv ",
            "locale": "en",
            "notify_feedback": "y",
        },
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.locale, user.notify_feedback) == ("Jag Själv", "en", True)
    assert '<html lang="en">' in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "inte en adress", "locale": "sv"}, "email"),
        ({"email": "", "locale": "sv"}, "email"),
        ({"email": "jag@example.se", "locale": "xx"}, "locale"),
        ({"email": "jag@example.se", "locale": "sv", "display_name": "x" * 101}, "display_name"),
    ],
)
def test_account_bad_input_stores_nothing(client, make_user, login, data, field):
    user = make_user("jag@example.se", display_name="Före")
    login(user)
    response = client.post("/account", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.email, user.display_name, user.locale) == ("jag@example.se", "Före", None)


def test_account_email_taken_by_someone_else(client, make_user, login):
    make_user("upptagen@example.se")
    user = make_user("jag@example.se")
    login(user)
    events = count(AuditEvent)
    response = client.post(
        "/account",
        data={"email": "Upptagen@example.se", "locale": "sv", "current_password": TEST_PASSWORD},
    )
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "jag@example.se"
    assert count(AuditEvent) == events
    assert count(User) == 2


def test_account_page_links_organization_admins_to_administration(
    client, make_user, make_org, login
):
    org = make_org(name="Nynäshamns kommun")
    user = make_user(role=Role.ADMIN, org=org)
    other = make_org(name="Salems kommun")
    db.session.add(Membership(user_id=user.id, organization_id=other.id, role=Role.MODERATOR))
    db.session.commit()
    login(user)
    html = client.get("/account").get_data(as_text=True)
    assert f"/admin/organizations/{org.id}/members" in html
    assert f"/admin/organizations/{other.id}/members" not in html


def test_reset_by_mailed_link_also_verifies_the_address(client, make_user):
    user = make_user(verified=False)
    token = make_token(user, Purpose.RESET_PASSWORD)
    assert client.post(f"/reset/{token}", data={"password": NEW, "confirm": NEW}).status_code == 302
    db.session.refresh(user)
    assert user.email_verified_at is not None


def test_changing_the_email_needs_the_current_password(client, make_user, login, mails):
    user = make_user("jag@example.se")
    login(user)
    for password, message in (("", "Ange ditt nuvarande lösenord"), ("fel lösenord", "är fel")):
        response = client.post(
            "/account",
            data={"email": "kapad@example.se", "locale": "sv", "current_password": password},
        )
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert 'id="current_password-error"' in html and message in html
    db.session.refresh(user)
    assert user.email == "jag@example.se"
    assert mails() == []
    # Other settings change without it.
    response = client.post("/account", data={"email": "JAG@example.se", "locale": "en"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.email, user.locale) == ("jag@example.se", "en")


def test_login_keeps_the_chosen_language(client, make_user):
    user = make_user()
    client.get("/?lang=en")
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert '<html lang="en">' in client.get("/account").get_data(as_text=True)
