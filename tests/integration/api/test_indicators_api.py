"""GET /api/v1/stages/{id}/indicators: staff and partners get aggregates; others do not."""

from __future__ import annotations

import uuid

from app.comments.models import Comment
from app.extensions import db
from app.projects.models import ProjectPartner


def _stage_with_comments(make_project, make_activity, make_participant, n=6):
    project = make_project()
    stage = project.current_stage
    discussion = make_activity(stage, "discussion")
    for i in range(n):
        db.session.add(
            Comment(
                activity=discussion,
                stage=stage,
                participant=make_participant(),
                body=f"Det känns otryggt i gångtunneln på kvällen ({i}).",
                client_id=str(uuid.uuid4()),
            )
        )
    db.session.commit()
    return project, stage


def test_facilitator_gets_the_stage_indicators(
    client, login, make_user, make_project, make_activity, make_participant
):
    project, stage = _stage_with_comments(make_project, make_activity, make_participant)
    login(make_user(role="facilitator", org=project.organization))
    response = client.get(f"/api/v1/stages/{stage.id}/indicators")
    assert response.status_code == 200
    body = response.get_json()
    assert body["stage_id"] == stage.id
    assert "indicators" in body and body["indicators"]


def test_partner_gets_aggregates(
    client, login, make_user, make_org, make_project, make_activity, make_participant
):
    project, stage = _stage_with_comments(make_project, make_activity, make_participant)
    partner = make_user(role="planner", org=make_org())
    db.session.add(ProjectPartner(project=project, user_id=partner.id))
    db.session.commit()
    login(partner)
    assert client.get(f"/api/v1/stages/{stage.id}/indicators").status_code == 200


def test_anonymous_moderator_and_other_organizations_are_refused(
    client, app, login, make_user, make_org, make_project, make_activity, make_participant
):
    project, stage = _stage_with_comments(make_project, make_activity, make_participant)
    url = f"/api/v1/stages/{stage.id}/indicators"
    anonymous = client.get(url)
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"]["code"] == "unauthorized"
    moderator = app.test_client()
    login(make_user(role="moderator", org=project.organization), test_client=moderator)
    assert moderator.get(url).status_code == 403
    stranger = app.test_client()
    login(make_user(role="facilitator", org=make_org()), test_client=stranger)
    assert stranger.get(url).status_code == 404
    assert stranger.get("/api/v1/stages/999999/indicators").status_code == 404
