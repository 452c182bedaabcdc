"""The municipality's face and true translations, as staff meet them: the cover's alt text,
the brand colour's contrast check, the logo, stage documents with kinds, translation states
in the editors, and the moderation queue in Swedish time."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest

from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Organization, Role
from app.projects.models import Document, ProjectStatus
from tests.integration.accounts.conftest import count
from tests.integration.admin.test_organizations import VALID
from tests.integration.manage.conftest import image_bytes


@pytest.fixture()
def project(make_project: Any, org: Any) -> Any:
    return make_project(org, status=ProjectStatus.ACTIVE)


def _cover(client: Any, project: Any, **data: Any) -> Any:
    return client.post(
        f"/manage/projects/{project.id}/cover", data=data, content_type="multipart/form-data"
    )


def test_a_cover_without_alt_text_is_refused_next_to_the_field(client, as_planner, project):
    response = _cover(client, project, **{"cover-image": (io.BytesIO(image_bytes()), "a.png")})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="cover-alt_sv-error"' in html
    db.session.expire_all()
    assert project.cover_image_path is None
    assert count(AuditEvent) == 0


def test_cover_with_alt_text_and_changing_only_the_text(client, as_planner, project):
    response = _cover(
        client,
        project,
        **{
            "cover-image": (io.BytesIO(image_bytes()), "a.png"),
            "cover-alt_sv": "Torget framför stationen",
            "cover-alt_en": "The square in front of the station",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    path = project.cover_image_path
    assert path and project.cover_alt["en"] == "The square in front of the station"
    # The description alone can be changed; the image stays.
    response = _cover(client, project, **{"cover-alt_sv": "Stationstorget"})
    assert response.status_code == 302
    db.session.expire_all()
    assert project.cover_image_path == path
    assert project.cover_alt == {"sv": "Stationstorget"}
    page = client.get(f"/manage/projects/{project.id}").get_data(as_text=True)
    assert 'alt="Stationstorget"' in page


def _org_form(org: Organization, **changes: Any) -> dict[str, Any]:
    return {**VALID, "name": org.name, "slug": org.slug, **changes}


def test_a_colour_white_text_is_unreadable_on_is_refused_with_its_ratio(
    client, make_user, make_org, login
):
    org = make_org(slug="haninge", name="Haninge", primary_color="#005a9c")
    login(make_user(role=Role.ADMIN, org=org))
    response = client.post(
        f"/admin/organizations/{org.id}", data=_org_form(org, primary_color="#ffcc00")
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="primary_color-error"' in html
    assert "contrast of only 1.51:1; it must be at least 4.5:1" in html
    db.session.expire_all()
    assert org.primary_color == "#005a9c"
    client.get("/lang/sv")
    html = client.post(
        f"/admin/organizations/{org.id}", data=_org_form(org, primary_color="#FFCC00")
    ).get_data(as_text=True)
    assert "kontrasten bara 1,51:1" in html
    # A dark enough colour is saved.
    response = client.post(
        f"/admin/organizations/{org.id}", data=_org_form(org, primary_color="#6a1b4d")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert org.primary_color == "#6a1b4d"


def test_logo_upload_png_only_shown_publicly_and_in_the_summary(
    client, make_user, make_org, make_project, login, app
):
    from app.exports.summary import brand

    org = make_org(slug="botkyrka", name="Botkyrka")
    login(make_user(role=Role.ADMIN, org=org))
    refused = client.post(
        f"/admin/organizations/{org.id}/logo",
        data={"logo-logo": (io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "l.svg")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert 'id="logo-logo-error"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert org.logo_path is None
    big = image_bytes("PNG", size=(2000, 1000))
    response = client.post(
        f"/admin/organizations/{org.id}/logo",
        data={"logo-logo": (io.BytesIO(big), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert org.logo_path.startswith(f"organizations/{org.id}/")
    from PIL import Image

    with client.get("/o/botkyrka/logo.png") as logo:
        assert logo.status_code == 200 and logo.mimetype == "image/png"
        assert Image.open(io.BytesIO(logo.data)).size == (320, 160)  # scaled into 480 x 160
    project = make_project(org)
    page = client.get(f"/p/botkyrka/{project.slug}").get_data(as_text=True)
    assert 'class="org-logo" src="/o/botkyrka/logo.png" alt="Botkyrka"' in page
    assert brand(org)["logo"].startswith("data:image/png;base64,")


def test_a_stage_document_with_its_kind(client, as_planner, project):
    stage = project.current_stage
    response = client.post(
        f"/manage/projects/{project.id}/documents",
        data={
            "doc-title_sv": "Plankarta",
            "doc-url": "https://example.se/plankarta.pdf",
            "doc-stage": str(stage.id),
            "doc-kind": "samradshandling",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    doc = db.session.scalar(db.select(Document))
    assert (doc.stage_id, doc.kind) == (stage.id, "samradshandling")
    bad = client.post(
        f"/manage/projects/{project.id}/documents",
        data={"doc-title_sv": "X", "doc-url": "https://example.se/x", "doc-kind": "hemlig"},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and 'id="doc-kind-error"' in bad.get_data(as_text=True)
    assert count(Document) == 1


def test_the_editor_says_which_translation_is_missing_or_older(client, as_planner, project):
    client.get("/lang/sv")
    form = {
        "kind": "detaljplan",
        "slug": project.slug,
        "title_sv": "Stationsparken",
        "title_en": "Station park",
        "summary_sv": "Ny park vid stationen.",
        "summary_en": "",
    }
    assert client.post(f"/manage/projects/{project.id}/edit", data=form).status_code == 302
    html = client.get(f"/manage/projects/{project.id}/edit").get_data(as_text=True)
    assert "Engelska: saknas" in html  # the summary
    assert "Engelska: äldre" not in html
    # The Swedish title changes, the English one does not: it is now older than the Swedish.
    form["title_sv"] = "Stationsparken och torget"
    assert client.post(f"/manage/projects/{project.id}/edit", data=form).status_code == 302
    html = client.get(f"/manage/projects/{project.id}/edit").get_data(as_text=True)
    assert "Engelska: äldre än svenskan – uppdatera översättningen" in html
    # Updating the translation makes it current again.
    form["title_en"] = "Station park and square"
    client.post(f"/manage/projects/{project.id}/edit", data=form)
    html = client.get(f"/manage/projects/{project.id}/edit").get_data(as_text=True)
    assert "Engelska: äldre" not in html


def test_the_moderation_queue_shows_swedish_time(
    client, make_user, org, make_project, make_activity, make_participant, login
):
    from app.comments.models import Comment, CommentStatus

    project = make_project(org)
    stage = project.current_stage
    activity = make_activity(stage, "discussion", moderation="pre")
    comment = Comment(
        activity_id=activity.id,
        stage_id=stage.id,
        participant_id=make_participant().id,
        body="Väntar på granskning",
        status=CommentStatus.PENDING,
        created_at=datetime(2026, 7, 1, 9, 30, tzinfo=UTC),  # summer time: 11:30 in Stockholm
    )
    db.session.add(comment)
    db.session.commit()
    login(make_user(role=Role.MODERATOR, org=org))
    html = client.get("/manage/moderation?kind=pending&lang=sv").get_data(as_text=True)
    assert "Väntar på granskning" in html
    assert ">2026-07-01 11:30</time>" in html and "UTC" not in html
