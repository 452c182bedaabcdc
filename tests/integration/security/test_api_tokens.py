"""Staff API tokens: created once, hashed at rest, scoped to one organization, revocable."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from app.accounts.models import ApiToken
from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Membership, Role


def _create(client: Any, org: Any, name: str = "Nattlig export") -> str:
    response = client.post("/account/tokens", data={"name": name, "organization": org.id})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    match = re.search(r'id="new-token"[^>]*value="(pd_[^"]+)"', page)
    assert match, page
    return match.group(1)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_staff_lists_responses_with_a_token_and_last_use_is_recorded(
    app, client, login, make_org, make_user, make_open_survey
):
    org = make_org()
    planner = make_user(role=Role.PLANNER, org=org)
    survey = make_open_survey(org)
    login(planner)
    token = _create(client, org)
    client.get("/logout")

    script = app.test_client()  # a script: no session cookie at all
    response = script.get(f"/api/v1/surveys/{survey.id}/responses", headers=_bearer(token))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["survey_id"] == survey.id
    stored = db.session.scalar(sa.select(ApiToken))
    db.session.refresh(stored)
    assert stored.last_used_at is not None
    # The token never becomes a login: the same client (same cookies) without it is refused.
    assert script.get(f"/api/v1/surveys/{survey.id}/responses").status_code == 401


def test_token_is_stored_only_as_a_hash_and_creation_is_audited(
    app, client, login, make_org, make_user
):
    org = make_org()
    planner = make_user(role=Role.PLANNER, org=org)
    login(planner)
    token = _create(client, org)
    # The list page never shows it again.
    assert token not in client.get("/account/tokens").get_data(as_text=True)
    stored = db.session.scalar(sa.select(ApiToken))
    assert stored.token_hash != token and len(stored.token_hash) == 64
    # Not anywhere in the database in clear text.
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                assert token not in repr(tuple(row)), table.name
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "api_token.create" in actions


def test_revoked_token_gets_401_json(app, client, login, make_org, make_user, make_open_survey):
    org = make_org()
    planner = make_user(role=Role.PLANNER, org=org)
    survey = make_open_survey(org)
    login(planner)
    token = _create(client, org)
    stored = db.session.scalar(sa.select(ApiToken))
    response = client.post(f"/account/tokens/{stored.id}/revoke")
    assert response.status_code == 302
    assert "Revoked" in client.get("/account/tokens?lang=en").get_data(as_text=True)
    assert "api_token.revoke" in db.session.scalars(sa.select(AuditEvent.action)).all()

    script = app.test_client()
    response = script.get(f"/api/v1/surveys/{survey.id}/responses", headers=_bearer(token))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    assert "Bearer" in response.headers["WWW-Authenticate"]
    bogus = script.get("/api/v1/projects", headers=_bearer("pd_not-a-token"))
    assert bogus.status_code == 401


def test_token_is_limited_to_its_organization_even_for_a_member_of_both(
    app, client, login, make_org, make_user, make_open_survey
):
    home, other = make_org(), make_org()
    planner = make_user(role=Role.PLANNER, org=home)
    db.session.add(Membership(user_id=planner.id, organization_id=other.id, role=Role.PLANNER))
    db.session.commit()
    mine, theirs = make_open_survey(home), make_open_survey(other)
    login(planner)
    token = _create(client, home)
    # In the browser session the planner sees both organizations' responses.
    assert client.get(f"/api/v1/surveys/{theirs.id}/responses").status_code == 200

    script = app.test_client()
    assert (
        script.get(f"/api/v1/surveys/{mine.id}/responses", headers=_bearer(token)).status_code
        == 200
    )
    response = script.get(f"/api/v1/surveys/{theirs.id}/responses", headers=_bearer(token))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    stage = theirs.activity.stage
    assert (
        script.get(f"/api/v1/stages/{stage.id}/comments", headers=_bearer(token)).status_code == 404
    )


def test_cannot_make_a_token_for_a_foreign_organization_or_revoke_anothers(
    app, client, login, make_org, make_user
):
    home, other = make_org(), make_org()
    planner = make_user(role=Role.PLANNER, org=home)
    colleague = make_user(role=Role.PLANNER, org=home)
    login(planner)
    response = client.post("/account/tokens", data={"name": "x", "organization": other.id})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
    assert (
        client.post("/account/tokens", data={"name": "", "organization": home.id}).status_code
        == 422
    )
    _create(client, home)
    token_id = db.session.scalar(sa.select(ApiToken.id))
    client.get("/logout")
    login(colleague)
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token_id).revoked_at is None


def test_residents_have_no_token_page(client, login, make_user):
    login(make_user())
    assert client.get("/account/tokens").status_code == 404


def test_token_requests_skip_csrf_but_cookie_writes_keep_it(
    make_app, make_org, make_user, make_open_survey
):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        org = make_org()
        planner = make_user(role=Role.PLANNER, org=org)
        survey = make_open_survey(org)
        from app.api.tokens import create_token

        _token, clear = create_token(planner, org.id, "skript")
        db.session.commit()
        body = {"client_id": "2d1c7f52-7a47-4d7b-9a39-5b2a1c0e6f11", "answers": []}
        browser = app.test_client()
        refused = browser.post(f"/api/v1/surveys/{survey.id}/responses", json=body)
        assert refused.status_code == 400
        assert refused.get_json()["error"]["code"] == "csrf"
        script = app.test_client()
        accepted = script.post(
            f"/api/v1/surveys/{survey.id}/responses", json=body, headers=_bearer(clear)
        )
        assert accepted.status_code in (201, 422), accepted.get_json()
        assert accepted.get_json().get("error", {}).get("code") != "csrf"


def test_every_api_rule_with_an_object_id_is_scoped(app):
    from app.api.auth import SCOPED_PARAMETERS

    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for name, converter in rule._converters.items():
            if type(converter).__name__ == "IntegerConverter":
                assert name in SCOPED_PARAMETERS, f"{rule.rule}: {name} is not scoped"


def test_token_dies_with_the_membership_or_a_deactivated_account(
    app, make_org, make_user, make_open_survey
):
    from app.api.tokens import create_token

    org = make_org()
    planner = make_user(role=Role.PLANNER, org=org)
    survey = make_open_survey(org)
    _token, clear = create_token(planner, org.id, "skript")
    db.session.commit()
    script = app.test_client()
    url = f"/api/v1/surveys/{survey.id}/responses"
    assert script.get(url, headers=_bearer(clear)).status_code == 200
    planner.active = False
    db.session.commit()
    assert script.get(url, headers=_bearer(clear)).status_code == 401
    planner.active = True
    db.session.execute(sa.delete(Membership).where(Membership.user_id == planner.id))
    db.session.commit()
    assert script.get(url, headers=_bearer(clear)).status_code == 401
