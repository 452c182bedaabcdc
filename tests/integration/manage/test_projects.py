"""The project editor: create from a template, edit, publish, permissions."""

from __future__ import annotations

from typing import Any

import pytest

from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import Project, ProjectStatus, Stage, StageKind


def _create(client: Any, org: Any, **overrides: Any) -> Any:
    data = {
        "template": "detaljplan_standard",
        "kind": "detaljplan",
        "slug": "norra-parken",
        "title_sv": "Norra parken",
        "title_en": "North park",
        "summary_sv": "Ny park",
        "summary_en": "",
        "body_sv": "",
        "body_en": "",
    }
    data.update(overrides)
    return client.post(f"/manage/projects/new?org={org.slug}", data=data)


def test_create_from_template_makes_draft_with_pbl_stages(client, org, as_planner, count_rows):
    page = client.get(f"/manage/projects/new?org={org.slug}")
    assert page.status_code == 200
    assert 'name="title_sv"' in page.get_data(as_text=True)
    assert 'name="title_en"' in page.get_data(as_text=True)

    response = _create(client, org)
    assert response.status_code == 302
    project = db.session.scalar(db.select(Project))
    assert response.headers["Location"].endswith(f"/manage/projects/{project.id}")
    assert project.status == ProjectStatus.DRAFT
    assert project.title == {"sv": "Norra parken", "en": "North park"}
    assert project.summary == {"sv": "Ny park"}
    assert project.created_by_id == as_planner.id
    assert [s.kind for s in project.stages] == [
        StageKind.START,
        StageKind.EARLY_DIALOGUE,
        StageKind.CONSULTATION,
        StageKind.REVIEW,
        StageKind.ADOPTION,
        StageKind.IN_FORCE,
        StageKind.IMPLEMENTATION,
    ]
    assert [s.position for s in project.stages] == list(range(7))
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "project.create"))
    assert event.actor_user_id == as_planner.id
    assert event.organization_id == org.id
    overview = client.get(f"/manage/projects/{project.id}")
    assert overview.status_code == 200
    assert "Consultation" in overview.get_data(as_text=True)


@pytest.mark.parametrize(
    ("template", "kinds"),
    [
        (
            "detaljplan_extended",
            [
                "start",
                "tidig_dialog",
                "kungorelse",
                "samrad",
                "underrattelse",
                "granskning",
                "antagande",
                "laga_kraft",
                "genomforande",
            ],
        ),
        ("oversiktsplan", ["tidig_dialog", "samrad", "granskning", "antagande", "uppfoljning"]),
        ("free", []),
    ],
)
def test_other_templates(client, org, as_planner, template, kinds):
    assert _create(client, org, template=template, slug=f"p-{template[:5]}").status_code == 302
    project = db.session.scalar(db.select(Project))
    assert [s.kind.value for s in project.stages] == kinds
    assert project.template == template


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title_sv": ""}, "title_sv", "Enter the title"),
        ({"slug": "Norra Parken!"}, "slug", "lower-case"),
        ({"slug": ""}, "slug", "Enter an address name"),
        ({"template": "nope"}, "template", ""),
        ({"kind": "castle"}, "kind", ""),
    ],
)
def test_create_invalid_is_422_and_stores_nothing(
    client, org, as_planner, count_rows, overrides, field, message
):
    response = _create(client, org, **overrides)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html
    assert count_rows(Project) == 0
    assert count_rows(Stage) == 0


def test_slug_unique_per_organization(client, org, as_planner, make_project, make_org, count_rows):
    make_project(org, slug="norra-parken")
    other = make_project(make_org(), slug="sodra-parken")
    response = _create(client, org)
    assert response.status_code == 422
    assert "already uses it" in response.get_data(as_text=True)
    assert count_rows(Project) == 2
    # The same slug in another organization is fine.
    assert _create(client, org, slug=other.slug).status_code == 302


def test_edit_project(client, org, as_planner, make_project):
    project = make_project(org, status=ProjectStatus.DRAFT, slug="gamla")
    page = client.get(f"/manage/projects/{project.id}/edit")
    assert page.status_code == 200
    assert 'value="gamla"' in page.get_data(as_text=True)
    bad = client.post(
        f"/manage/projects/{project.id}/edit",
        data={"slug": "nya", "kind": "park", "title_sv": "", "title_en": "X"},
    )
    assert bad.status_code == 422
    db.session.expire_all()
    assert project.slug == "gamla"
    ok = client.post(
        f"/manage/projects/{project.id}/edit",
        data={"slug": "nya", "kind": "park", "title_sv": "Nya", "title_en": "New"},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert (project.slug, project.kind.value, project.title) == (
        "nya",
        "park",
        {"sv": "Nya", "en": "New"},
    )
    assert (
        db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "project.update")
        ).object_id
        == project.id
    )


def test_publish_needs_confirmation_and_shows_in_catalogue(client, org, as_planner, make_project):
    project = make_project(org, status=ProjectStatus.DRAFT, title={"sv": "Parkprojektet"})
    assert "Parkprojektet" not in client.get("/").get_data(as_text=True)
    confirm = client.get(f"/manage/projects/{project.id}/status?status=active")
    assert confirm.status_code == 200
    assert 'name="confirm" value="yes"' in confirm.get_data(as_text=True)
    # Without the confirmation nothing changes.
    client.post(f"/manage/projects/{project.id}/status", data={"status": "active"})
    db.session.expire_all()
    assert project.status == ProjectStatus.DRAFT
    done = client.post(
        f"/manage/projects/{project.id}/status", data={"status": "active", "confirm": "yes"}
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert project.status == ProjectStatus.ACTIVE
    assert "Parkprojektet" in client.get("/").get_data(as_text=True)
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "project.status"))
    assert event.data["before"] == "draft"
    assert event.data["after"] == "active"
    # Unpublish again.
    client.post(f"/manage/projects/{project.id}/status", data={"status": "draft", "confirm": "yes"})
    db.session.expire_all()
    assert project.status == ProjectStatus.DRAFT
    assert "Parkprojektet" not in client.get("/").get_data(as_text=True)


def test_impossible_status_move_is_refused(client, org, as_planner, make_project):
    project = make_project(org, status=ProjectStatus.DRAFT)
    response = client.post(
        f"/manage/projects/{project.id}/status", data={"status": "completed", "confirm": "yes"}
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert project.status == ProjectStatus.DRAFT


def test_other_organization_gets_404(client, login, make_user, make_org, make_project, org):
    project = make_project(org, status=ProjectStatus.DRAFT)
    published = make_project(org, status=ProjectStatus.ACTIVE)
    stranger = make_user(role=Role.PLANNER, org=make_org())
    login(stranger)
    for target in (project, published):
        for url in (
            f"/manage/projects/{target.id}",
            f"/manage/projects/{target.id}/edit",
            f"/manage/projects/{target.id}/area",
            f"/manage/projects/{target.id}/stages",
            f"/manage/projects/{target.id}/status?status=archived",
        ):
            assert client.get(url).status_code == 404, url
        response = client.post(
            f"/manage/projects/{target.id}/edit",
            data={"slug": "hacked", "kind": "park", "title_sv": "X"},
        )
        assert response.status_code == 404
    assert client.get(f"/manage/projects/new?org={org.slug}").status_code == 404
    db.session.expire_all()
    assert project.slug != "hacked"


def test_moderator_and_partner_cannot_edit(client, login, make_user, make_org, make_project, org):
    project = make_project(org, status=ProjectStatus.DRAFT)
    moderator = make_user(role=Role.MODERATOR, org=org)
    login(moderator)
    assert client.get(f"/manage/projects/{project.id}/edit").status_code == 403
    assert client.get(f"/manage/projects/new?org={org.slug}").status_code == 403
    response = client.post(
        f"/manage/projects/{project.id}/status", data={"status": "active", "confirm": "yes"}
    )
    assert response.status_code == 403
    # Moderators may look at the overview without edit controls.
    overview = client.get(f"/manage/projects/{project.id}")
    assert overview.status_code == 200
    assert "Publish" not in overview.get_data(as_text=True)
    client.post("/logout")

    partner_org = make_org()
    partner = make_user(role=Role.PLANNER, org=partner_org)
    from app.projects.models import ProjectPartner

    db.session.add(ProjectPartner(project_id=project.id, organization_id=partner_org.id))
    db.session.commit()
    login(partner)
    assert client.get(f"/manage/projects/{project.id}").status_code == 200
    assert client.get(f"/manage/projects/{project.id}/edit").status_code == 403
    assert client.get(f"/manage/projects/{project.id}/stages").status_code == 403
    db.session.expire_all()
    assert project.status == ProjectStatus.DRAFT


def test_anonymous_is_sent_to_login(client, org, make_project):
    project = make_project(org)
    response = client.get(f"/manage/projects/{project.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_fields_follow_the_organizations_languages(client, login, make_org, make_user):
    org = make_org(slug="salem", languages=["sv"])
    login(make_user(role=Role.PLANNER, org=org))
    html = client.get("/manage/projects/new?org=salem").get_data(as_text=True)
    assert 'name="title_sv"' in html
    assert 'name="title_en"' not in html
    response = client.post(
        "/manage/projects/new?org=salem",
        data={
            "template": "free",
            "kind": "park",
            "slug": "lekparken",
            "title_sv": "Lekparken",
            "title_en": "Ignored",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(Project)).title == {"sv": "Lekparken"}


def test_dashboard_in_swedish_by_default(client, org, planner, make_project):
    from tests.conftest import TEST_PASSWORD

    make_project(org)
    client.post("/login", data={"email": planner.email, "password": TEST_PASSWORD})
    html = client.get("/manage/").get_data(as_text=True)
    assert "Öppna dialogomgångar" in html
    assert "Nytt projekt" in html
