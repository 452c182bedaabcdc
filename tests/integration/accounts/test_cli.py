"""`flask users ...` and `flask orgs ...` commands."""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Membership, Organization, Role
from tests.integration.accounts.conftest import count

PASSWORD = "ett långt lösenord"


def test_orgs_create_and_list(runner):
    result = runner.invoke(
        args=[
            "orgs",
            "create",
            "--slug",
            "botkyrka",
            "--name",
            "Botkyrka kommun",
            "--lat",
            "59.2",
            "--lon",
            "17.83",
            "--zoom",
            "12",
        ]
    )
    assert result.exit_code == 0, result.output
    org = db.session.scalar(db.select(Organization))
    assert (org.slug, org.name, org.map_lat, org.map_lon, org.map_zoom) == (
        "botkyrka",
        "Botkyrka kommun",
        59.2,
        17.83,
        12,
    )
    assert (
        runner.invoke(args=["orgs", "create", "--slug", "nykvarn", "--name", "Nykvarn"]).exit_code
        == 0
    )
    assert (
        db.session.scalar(db.select(Organization).where(Organization.slug == "nykvarn")).map_zoom
        == 11
    )  # the default view
    listing = runner.invoke(args=["orgs", "list"])
    assert listing.exit_code == 0
    assert "botkyrka" in listing.output and "Nykvarn" in listing.output


def test_orgs_create_refuses_bad_input(runner, make_org):
    make_org(slug="taken")
    cases = [
        ["--slug", "taken", "--name", "Dubblett"],
        ["--slug", "Inte OK", "--name", "X"],
        ["--slug", "ok", "--name", "X", "--zoom", "25"],
        ["--slug", "ok", "--name", "X", "--lat", "north"],
        ["--slug", "ok", "--name", "   "],
    ]
    for args in cases:
        result = runner.invoke(args=["orgs", "create", *args])
        assert result.exit_code != 0, args
    assert (
        "exists" in runner.invoke(args=["orgs", "create", "--slug", "taken", "--name", "D"]).output
    )
    assert count(Organization) == 1


def test_users_create_with_role(runner, make_org):
    org = make_org(slug="huddinge")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Planerare@Huddinge.se",
            "--password",
            PASSWORD,
            "--org",
            "huddinge",
            "--role",
            "planner",
            "--name",
            "Pia Planerare",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User))
    assert user.email == "planerare@huddinge.se"
    assert user.display_name == "Pia Planerare"
    assert user.email_verified_at is not None
    assert verify_password(user.password_hash, PASSWORD)
    membership = db.session.scalar(db.select(Membership))
    assert (membership.organization_id, membership.role) == (org.id, Role.PLANNER)
    assert {"user.create", "membership.create"} <= set(
        db.session.scalars(db.select(AuditEvent.action))
    )
    listing = runner.invoke(args=["users", "list"])
    assert "planerare@huddinge.se" in listing.output and "huddinge:planner" in listing.output


def test_users_create_superadmin(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "root@example.se",
            "--password",
            PASSWORD,
            "--superadmin",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User)).is_superadmin


def test_users_create_refuses_bad_input(runner, make_org, make_user):
    make_org(slug="huddinge")
    make_user("finns@example.se")
    cases = [
        (["--email", "finns@example.se", "--password", PASSWORD], "exists"),
        (["--email", "FINNS@example.se", "--password", PASSWORD], "exists"),
        (
            [
                "--email",
                "ny@example.se",
                "--password",
                PASSWORD,
                "--org",
                "okand",
                "--role",
                "planner",
            ],
            "no organization",
        ),
        (
            [
                "--email",
                "ny@example.se",
                "--password",
                PASSWORD,
                "--org",
                "huddinge",
                "--role",
                "king",
            ],
            "king",
        ),
        (["--email", "ny@example.se", "--password", PASSWORD, "--org", "huddinge"], "together"),
        (["--email", "inte-en-adress", "--password", PASSWORD], "invalid email"),
        (["--email", "ny@example.se", "--password", "kort"], "10 to 200"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["users", "create", *args])
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert count(User) == 1
    assert count(Membership) == 0
