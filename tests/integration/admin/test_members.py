"""Memberships: add by email, change role, remove; the last administrator stays; audit."""

from __future__ import annotations

from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Membership, Role
from tests.integration.accounts.conftest import count


def actions() -> list[tuple[str, dict]]:
    return [(e.action, e.data) for e in db.session.scalars(db.select(AuditEvent))]


def test_org_admin_adds_a_member_by_email(client, make_user, make_org, login):
    org = make_org()
    admin = make_user(role=Role.ADMIN, org=org)
    newcomer = make_user("ny.planerare@example.se")
    login(admin)
    response = client.post(
        f"/admin/organizations/{org.id}/members",
        data={"email": "Ny.Planerare@example.se", "role": "planner"},
    )
    assert response.status_code == 302
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == newcomer.id))
    assert membership.role == Role.PLANNER and membership.organization_id == org.id
    assert ("membership.create", {"user_id": newcomer.id, "role": "planner"}) in actions()
    html = client.get(f"/admin/organizations/{org.id}/members").get_data(as_text=True)
    assert "ny.planerare@example.se" in html


def test_add_member_bad_input(client, make_user, make_org, login):
    org = make_org()
    admin = make_user(role=Role.ADMIN, org=org)
    make_user("finns@example.se")
    login(admin)
    url = f"/admin/organizations/{org.id}/members?lang=en"
    cases = [
        ({"email": "", "role": "planner"}, "email", "Enter an email address."),
        ({"email": "inte-en-adress", "role": "planner"}, "email", "Enter a valid email address."),
        ({"email": "okand@example.se", "role": "planner"}, "email", "No account uses"),
        ({"email": "finns@example.se", "role": "king"}, "role", ""),
        ({"email": admin.email, "role": "planner"}, "email", "already a member"),
    ]
    for data, field, message in cases:
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        html = response.get_data(as_text=True)
        assert f'id="{field}-error"' in html, data
        assert message in html
    assert count(Membership) == 1
    assert count(AuditEvent) == 0


def test_change_role_and_remove_member(client, make_user, make_org, login):
    org = make_org()
    admin = make_user(role=Role.ADMIN, org=org)
    member = make_user(role=Role.MODERATOR, org=org)
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == member.id))
    login(admin)
    base = f"/admin/organizations/{org.id}/members/{membership.id}"
    assert client.post(f"{base}/role", data={"role": "facilitator"}).status_code == 302
    db.session.refresh(membership)
    assert membership.role == Role.FACILITATOR
    assert (
        "membership.role_change",
        {"user_id": member.id, "old": "moderator", "new": "facilitator"},
    ) in actions()
    assert client.post(f"{base}/role", data={"role": "emperor"}).status_code == 422
    db.session.refresh(membership)
    assert membership.role == Role.FACILITATOR
    assert client.post(f"{base}/delete").status_code == 302
    assert db.session.get(Membership, membership.id) is None
    assert ("membership.delete", {"user_id": member.id, "role": "facilitator"}) in actions()


def test_last_admin_cannot_be_demoted_or_removed(client, make_user, make_org, login):
    org = make_org()
    admin = make_user(role=Role.ADMIN, org=org)
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == admin.id))
    login(admin)
    base = f"/admin/organizations/{org.id}/members/{membership.id}"
    response = client.post(f"{base}/role?lang=en", data={"role": "planner"})
    assert response.status_code == 409
    assert "at least one administrator" in response.get_data(as_text=True)
    assert client.post(f"{base}/delete").status_code == 409
    db.session.refresh(membership)
    assert membership.role == Role.ADMIN
    assert count(AuditEvent) == 0


def test_membership_of_another_organization_is_404(client, make_user, make_org, login):
    mine, theirs = make_org(), make_org()
    login(make_user(role=Role.ADMIN, org=mine))
    other = make_user(role=Role.PLANNER, org=theirs)
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == other.id))
    url = f"/admin/organizations/{mine.id}/members/{membership.id}/delete"
    assert client.post(url).status_code == 404
    url = f"/admin/organizations/{theirs.id}/members/{membership.id}/delete"
    assert client.post(url).status_code == 403
    assert db.session.get(Membership, membership.id) is not None


def test_planner_cannot_manage_members(client, make_user, make_org, login):
    org = make_org()
    planner = make_user(role=Role.PLANNER, org=org)
    make_user("x@example.se")
    login(planner)
    assert client.get(f"/admin/organizations/{org.id}/members").status_code == 403
    response = client.post(
        f"/admin/organizations/{org.id}/members", data={"email": "x@example.se", "role": "admin"}
    )
    assert response.status_code == 403
    assert count(Membership) == 1


def test_members_page_lists_without_n_plus_one(client, make_user, make_org, login, count_queries):
    org = make_org()
    login(make_user(superadmin=True))
    for _ in range(3):
        make_user(role=Role.PLANNER, org=org)
    with count_queries() as few:
        client.get(f"/admin/organizations/{org.id}/members")
    for _ in range(10):
        make_user(role=Role.MODERATOR, org=org)
    with count_queries() as many:
        html = client.get(f"/admin/organizations/{org.id}/members").get_data(as_text=True)
    assert html.count('name="role"') == 13 + 1  # every member, and the add form
    assert len(many) == len(few)
