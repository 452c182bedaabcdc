"""Administering organizations: list, create, edit; who may do it; bad input; audit."""

from __future__ import annotations

import pytest

from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import ErasureMode, Organization, Role
from tests.integration.accounts.conftest import count

VALID = {
    "name": "Tyresö kommun",
    "slug": "tyreso",
    "map_lat": "59.24",
    "map_lon": "18.23",
    "map_zoom": "12",
    "primary_color": "#00639A",
    "privacy_contact": "dataskydd@tyreso.se",
    "privacy_notice_sv": "Vi behandlar dina uppgifter enligt GDPR.",
    "privacy_notice_en": "We process your data under the GDPR.",
    "retention_months": "18",
    "erasure_mode": "remove",
    "languages": ["sv", "en"],
}


def test_superadmin_creates_an_organization(client, make_user, login):
    admin = make_user(superadmin=True)
    login(admin)
    assert client.get("/admin/organizations/new").status_code == 200
    response = client.post("/admin/organizations/new", data=VALID)
    assert response.status_code == 302
    org = db.session.scalar(db.select(Organization).where(Organization.slug == "tyreso"))
    assert org.name == "Tyresö kommun"
    assert (org.map_lat, org.map_lon, org.map_zoom) == (59.24, 18.23, 12)
    assert org.primary_color == "#00639a"
    assert org.privacy_notice == {
        "sv": "Vi behandlar dina uppgifter enligt GDPR.",
        "en": "We process your data under the GDPR.",
    }
    assert org.retention_months == 18
    assert org.erasure_mode == ErasureMode.REMOVE
    assert org.languages == ["sv", "en"]
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "organization.create")
    )
    assert event.actor_user_id == admin.id and event.organization_id == org.id
    listing = client.get("/admin/organizations").get_data(as_text=True)
    assert "Tyresö kommun" in listing


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name."),
        ({"name": "n" * 201}, "name", "At most 200 characters."),
        ({"slug": "Tyresö Kommun"}, "slug", "lower-case letters"),
        ({"slug": "s" * 65}, "slug", "At most 64 characters."),
        ({"map_lat": "north"}, "map_lat", ""),
        ({"map_lat": "91"}, "map_lat", "between -90 and 90"),
        ({"map_lon": "-181"}, "map_lon", "between -180 and 180"),
        ({"map_zoom": "20"}, "map_zoom", "between 1 and 19"),
        ({"map_zoom": "1.5"}, "map_zoom", ""),
        ({"primary_color": "blue"}, "primary_color", "#005a9c"),
        ({"retention_months": "0"}, "retention_months", "between 1 and 240"),
        ({"erasure_mode": "shred"}, "erasure_mode", ""),
        ({"languages": []}, "languages", "Choose at least one language."),
        ({"languages": ["sv", "xx"]}, "languages", ""),
        ({"privacy_notice_sv": "x" * 20001}, "privacy_notice_sv", "At most 20000"),
    ],
)
def test_bad_organization_input_is_422_and_nothing_stored(
    client, make_user, login, changes, field, message
):
    login(make_user(superadmin=True))
    response = client.post("/admin/organizations/new?lang=en", data={**VALID, **changes})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html
    assert count(Organization) == 0
    assert count(AuditEvent) == 0


def test_duplicate_slug_is_a_field_error_in_swedish(client, make_user, make_org, login):
    make_org(slug="tyreso")
    login(make_user(superadmin=True))
    response = client.post("/admin/organizations/new", data=VALID)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="slug-error"' in html
    assert "En annan organisation använder redan det här kortnamnet." in html
    assert count(Organization) == 1


def test_org_admin_edits_own_organization_but_not_its_slug(client, make_user, make_org, login):
    org = make_org(slug="haninge", name="Haninge")
    login(make_user(role=Role.ADMIN, org=org))
    page = client.get(f"/admin/organizations/{org.id}")
    assert page.status_code == 200
    response = client.post(
        f"/admin/organizations/{org.id}",
        data={**VALID, "slug": "hijacked", "name": "Haninge kommun"},
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.name == "Haninge kommun"
    assert org.slug == "haninge"
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "organization.update")
    )
    assert "name" in event.data["fields"]
    assert "slug" not in event.data["fields"]


def test_superadmin_may_change_the_slug(client, make_user, make_org, login):
    org = make_org(slug="gammal")
    login(make_user(superadmin=True))
    response = client.post(f"/admin/organizations/{org.id}", data={**VALID, "slug": "ny-slug"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.slug == "ny-slug"


@pytest.mark.parametrize("role", [Role.PLANNER, Role.FACILITATOR, Role.MODERATOR])
def test_other_roles_cannot_edit_the_organization(client, make_user, make_org, login, role):
    org = make_org()
    login(make_user(role=role, org=org))
    assert client.get(f"/admin/organizations/{org.id}").status_code == 403
    assert client.post(f"/admin/organizations/{org.id}", data=VALID).status_code == 403
    assert client.get("/admin/").status_code == 403


def test_admin_of_another_organization_cannot_edit(client, make_user, make_org, login):
    mine, theirs = make_org(), make_org(name="Annan kommun")
    login(make_user(role=Role.ADMIN, org=mine))
    assert client.post(f"/admin/organizations/{theirs.id}", data=VALID).status_code == 403
    db.session.refresh(theirs)
    assert theirs.name == "Annan kommun"
    listing = client.get("/admin/organizations").get_data(as_text=True)
    assert mine.name in listing and "Annan kommun" not in listing


def test_org_admin_cannot_create_organizations(client, make_user, make_org, login):
    login(make_user(role=Role.ADMIN, org=make_org()))
    assert client.get("/admin/organizations/new").status_code == 403
    assert client.post("/admin/organizations/new", data=VALID).status_code == 403
    assert count(Organization) == 1


def test_anonymous_is_sent_to_login(client, make_org):
    org = make_org()
    response = client.get(f"/admin/organizations/{org.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unknown_organization_is_404(client, make_user, login):
    login(make_user(superadmin=True))
    assert client.get("/admin/organizations/9999").status_code == 404


def test_admin_index_for_org_admin_links_own_organization(client, make_user, make_org, login):
    org = make_org(name="Salems kommun")
    login(make_user(role=Role.ADMIN, org=org))
    html = client.get("/admin/").get_data(as_text=True)
    assert "Salems kommun" in html
    assert f"/admin/organizations/{org.id}/members" in html
    assert "/admin/users" not in html.split("<main")[1]
