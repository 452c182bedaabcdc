"""Partners get aggregates only through the API, and every staff read of individual
responses is audited (issue 15)."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ProjectPartner
from tests.conftest import TEST_PASSWORD

SECRET_TEXT = "Jag heter Anna och bor på Parkvägen 3"


def _login(client, user):
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def _survey_with_a_response(make_app, make_survey):
    kit = make_survey()
    answers = kit.replace("long", {"value": SECRET_TEXT})
    resident = make_app().test_client()
    sent = resident.post(f"/api/v1/surveys/{kit.survey.id}/responses", json=kit.payload(answers))
    assert sent.status_code == 201, sent.get_json()
    return kit


def _reads():
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "survey.responses_read")
    ).all()


def test_partners_get_403_on_individual_responses(make_app, make_survey, make_user, make_org):
    kit = _survey_with_a_response(make_app, make_survey)
    partner_org = make_org()
    single_partner = make_user("konsult@example.se")
    db.session.add(ProjectPartner(project_id=kit.project.id, organization_id=partner_org.id))
    db.session.add(ProjectPartner(project_id=kit.project.id, user_id=single_partner.id))
    db.session.commit()
    url = f"/api/v1/surveys/{kit.survey.id}/responses"
    for user in (
        make_user(role=Role.ADMIN, org=partner_org),  # an admin of the partner organization
        single_partner,  # a person invited to the project
    ):
        client = make_app().test_client()
        _login(client, user)
        response = client.get(url)
        assert response.status_code == 403
        body = response.get_json()
        assert body["error"]["code"] == "forbidden" and "responses" not in body
        assert SECRET_TEXT not in response.get_data(as_text=True)
    assert _reads() == []  # nothing was read


def test_every_staff_read_of_individual_responses_is_audited(make_app, make_survey, make_user):
    kit = _survey_with_a_response(make_app, make_survey)
    facilitator = make_user(role=Role.FACILITATOR, org=kit.project.organization)
    client = make_app().test_client()
    _login(client, facilitator)
    url = f"/api/v1/surveys/{kit.survey.id}/responses"
    assert client.get(url).status_code == 200
    assert client.get(url + "?page=2").status_code == 200

    from app.api.tokens import create_token

    _token, clear = create_token(facilitator, kit.project.organization_id, "skript")
    db.session.commit()
    script = make_app().test_client()
    assert script.get(url, headers={"Authorization": f"Bearer {clear}"}).status_code == 200

    db.session.expire_all()
    reads = _reads()
    assert len(reads) == 3
    assert {r.actor_user_id for r in reads} == {facilitator.id}
    assert {r.organization_id for r in reads} == {kit.project.organization_id}
    assert {(r.object_type, r.object_id) for r in reads} == {("survey", kit.survey.id)}
    assert [(r.data["page"], r.data["count"], r.data["via"]) for r in reads] == [
        (1, 1, "session"),
        (2, 0, "session"),
        (1, 1, "token"),
    ]
    assert all(SECRET_TEXT not in json.dumps(r.data) for r in reads)  # who and what, not the data


def test_the_own_organizations_staff_still_read_responses(make_app, make_survey, make_user):
    kit = _survey_with_a_response(make_app, make_survey)
    planner = make_user(role=Role.PLANNER, org=kit.project.organization)
    # A planner of the owning organization who is also listed as a partner keeps full access.
    db.session.add(ProjectPartner(project_id=kit.project.id, user_id=planner.id))
    db.session.commit()
    client = make_app().test_client()
    _login(client, planner)
    body = client.get(f"/api/v1/surveys/{kit.survey.id}/responses").get_json()
    assert body["total"] == 1 and body["personal_data"] is True
