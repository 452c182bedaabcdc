"""Administering users: list, search, paginate, create, toggle platform administration."""

from __future__ import annotations

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Membership, Role
from tests.integration.accounts.conftest import count

NEW = {
    "email": "Ny.Handlaggare@Example.se",
    "display_name": "Ny Handläggare",
    "password": "ett långt startlösenord",
    "organization": "",
    "role": "",
}


def test_only_superadmin_sees_users(client, make_user, make_org, login):
    org = make_org()
    login(make_user(role=Role.ADMIN, org=org))
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/new").status_code == 403


def test_users_search_and_pagination(client, make_user, login, count_queries):
    login(make_user("admin@example.se", superadmin=True))
    for i in range(30):
        make_user(f"person{i:02d}@example.se", display_name=f"Person {i}")
    make_user("karin@example.se", display_name="Karin Lund")
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Sida 1 av 2" in first
    assert "admin@example.se" in first and "person29@example.se" not in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "person29@example.se" in second
    found = client.get("/admin/users?q=lund").get_data(as_text=True)
    assert "karin@example.se" in found and "person01@example.se" not in found
    # A LIKE wildcard in the search is a literal character.
    assert "karin@example.se" not in client.get("/admin/users?q=%25").get_data(as_text=True)
    assert client.get("/admin/users?page=abc").status_code == 200
    assert client.get("/admin/users?page=999").status_code == 200
    with count_queries() as statements:
        client.get("/admin/users")
    assert len(statements) < 10


def test_superadmin_creates_a_user_with_a_role(client, make_user, make_org, login):
    org = make_org()
    login(make_user(superadmin=True))
    response = client.post(
        "/admin/users/new", data={**NEW, "organization": str(org.id), "role": "facilitator"}
    )
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "ny.handlaggare@example.se"))
    assert user.email_verified_at is not None
    assert not user.is_superadmin
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == user.id))
    assert membership.role == Role.FACILITATOR
    done = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"user.create", "membership.create"} <= done


def test_create_user_bad_input(client, make_user, make_org, login):
    org = make_org()
    login(make_user("admin@example.se", superadmin=True))
    cases = [
        ({"email": ""}, "email"),
        ({"email": "fel"}, "email"),
        ({"email": "Admin@example.se"}, "email"),
        ({"password": "kort"}, "password"),
        ({"password": "p" * 201}, "password"),
        ({"display_name": "n" * 101}, "display_name"),
        ({"organization": str(org.id), "role": ""}, "role"),
        ({"organization": "", "role": "planner"}, "role"),
        ({"organization": "999999", "role": "planner"}, "organization"),
    ]
    for changes, field in cases:
        response = client.post("/admin/users/new", data={**NEW, **changes})
        assert response.status_code == 422, changes
        assert f'id="{field}-error"' in response.get_data(as_text=True), changes
    assert count(User) == 1
    assert count(Membership) == 0


def test_toggle_superadmin_but_never_your_own(client, make_user, login):
    me = make_user(superadmin=True)
    other = make_user()
    login(me)
    assert (
        client.post(f"/admin/users/{other.id}/superadmin", data={"value": "on"}).status_code == 302
    )
    db.session.refresh(other)
    assert other.is_superadmin
    assert (
        client.post(f"/admin/users/{other.id}/superadmin", data={"value": "off"}).status_code == 302
    )
    db.session.refresh(other)
    assert not other.is_superadmin
    response = client.post(f"/admin/users/{me.id}/superadmin", data={"value": "off"})
    assert response.status_code == 409
    assert "Du kan inte ta bort din egen behörighet" in response.get_data(as_text=True)
    db.session.refresh(me)
    assert me.is_superadmin
    actions = list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["user.superadmin_grant", "user.superadmin_revoke"]
    assert (
        client.post(f"/admin/users/{other.id}/superadmin", data={"value": "x"}).status_code == 400
    )


def test_org_admin_cannot_toggle_superadmin(client, make_user, make_org, login):
    org = make_org()
    admin = make_user(role=Role.ADMIN, org=org)
    login(admin)
    assert (
        client.post(f"/admin/users/{admin.id}/superadmin", data={"value": "on"}).status_code == 403
    )
    db.session.refresh(admin)
    assert not admin.is_superadmin
