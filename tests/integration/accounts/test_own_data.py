"""A resident finds their data and its deletion from where they look, can delete their
account, and keeps what they wrote on this phone when they log in (issue 16 item 6)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import Participant, User
from app.comments.models import Comment
from app.extensions import db
from tests.conftest import TEST_PASSWORD


@pytest.mark.parametrize("path", ["/my", "/privacy"])
def test_data_and_deletion_are_linked_where_residents_look(client, path):
    html = client.get(path).get_data(as_text=True)
    assert 'href="/my/data"' in html and 'href="/my/delete"' in html


def test_the_account_page_links_data_and_account_deletion(client, make_user, login):
    login(make_user())
    html = client.get("/account").get_data(as_text=True)
    assert 'href="/my/data"' in html and 'href="/account/delete"' in html


def test_a_resident_deletes_their_account_and_contributions(
    client, make_user, login, discussion, make_comment
):
    user = make_user("boende@example.se")
    participant = Participant(user_id=user.id)
    db.session.add(participant)
    db.session.commit()
    stage = discussion()
    make_comment(stage, "Min synpunkt om torget", participant=participant)
    login(user)
    # A wrong password deletes nothing and says so beside the field.
    refused = client.post("/account/delete", data={"password": "fel", "contributions": "delete"})
    assert refused.status_code == 422
    assert "Lösenordet stämmer inte" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    done = client.post(
        "/account/delete", data={"password": TEST_PASSWORD, "contributions": "delete"}
    )
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(sa.select(User).where(User.email == "boende@example.se")) is None
    bodies = [c.body for c in db.session.scalars(sa.select(Comment))]
    assert "Min synpunkt om torget" not in bodies
    assert client.get("/account").status_code in (302, 401)


def test_staff_accounts_are_removed_by_an_administrator(client, make_user, make_org, login):
    user = make_user(role="planner", org=make_org())
    login(user)
    response = client.post(
        "/account/delete", data={"password": TEST_PASSWORD, "contributions": "keep"}
    )
    assert response.status_code == 409
    assert db.session.get(User, user.id) is not None


def test_logging_in_keeps_what_was_written_on_this_phone(
    client, make_user, resident, discussion, make_comment, login
):
    stage = discussion()
    phone = resident(client)
    make_comment(stage, "Skrivet innan jag loggade in", participant=phone)
    user = make_user()
    login(user)
    html = client.get("/my").get_data(as_text=True)
    assert "Skrivet innan jag loggade in" in html
    db.session.expire_all()
    assert db.session.get(Participant, phone.id).user_id == user.id
