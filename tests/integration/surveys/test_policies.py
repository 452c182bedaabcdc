"""Participation policies, resubmission, staff preview, closed stages in the HTML flow."""

from __future__ import annotations

from app.extensions import db
from app.organizations.models import Role
from app.surveys.models import Answer, Response, Resubmission, SurveyStatus
from tests.integration.surveys.conftest import Flow, counts


def post(client, kit, payload, **kw):
    return client.post(f"/api/v1/surveys/{kit.survey.id}/responses", json=payload, **kw)


def login(client, user):
    from tests.conftest import TEST_PASSWORD

    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code in (302, 303)


def test_resubmission_update_replaces_answers_on_the_same_row(web, make_survey):
    kit = make_survey(resubmission=Resubmission.UPDATE)
    first = post(web, kit, kit.payload())
    assert first.status_code == 201
    answers = kit.replace("likert", {"value": 1})
    answers = [a for a in answers if "features" not in a]
    second = post(web, kit, kit.payload(answers))
    assert second.status_code == 201
    assert second.get_json()["id"] == first.get_json()["id"]
    assert second.get_json()["updated_at"] is not None
    assert counts() == (1, 12, 0)
    likert = db.session.scalar(db.select(Answer).where(Answer.question_id == kit.qid("likert")))
    assert likert.value == 1


def test_resubmission_refuse_answers_409(web, make_survey):
    kit = make_survey(resubmission=Resubmission.REFUSE)
    assert post(web, kit, kit.payload()).status_code == 201
    second = post(web, kit, kit.payload())
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "already_answered"
    assert counts() == (1, 15, 3)
    # The HTML page says so instead of showing the form.
    page = web.get(f"/s/{kit.survey.id}").get_data(as_text=True)
    assert "Du har redan svarat på enkäten" in page
    assert "survey-form" not in page


def test_another_participant_may_answer_when_refusing(web, make_survey, make_app):
    kit = make_survey(resubmission=Resubmission.REFUSE)
    assert post(web, kit, kit.payload()).status_code == 201
    other = make_app().test_client()
    assert post(other, kit, kit.payload()).status_code == 201
    assert counts()[0] == 2


def test_nickname_policy_requires_and_stores_a_nickname(web, make_survey):
    kit = make_survey(policy="nickname")
    response = post(web, kit, kit.payload())
    assert response.status_code == 422
    assert "nickname" in response.get_json()["error"]["fields"]
    assert counts() == (0, 0, 0)
    response = post(web, kit, kit.payload(nickname="Parkvän"))
    assert response.status_code == 201
    stored = db.session.scalar(db.select(Response))
    assert stored.participant.nickname == "Parkvän"
    too_long = post(web, kit, kit.payload(nickname="x" * 61))
    assert too_long.status_code == 422


def test_nickname_policy_in_the_html_flow(web, make_survey):
    kit = make_survey(policy="nickname")
    flow = Flow(web, kit.survey.id)
    assert 'name="nickname"' in flow.page
    response = flow.next({})
    assert response.status_code == 422
    assert "Välj ett smeknamn" in flow.page
    flow.next({"nickname": "Ekorren"})
    assert "Sida 2 av 4" in flow.page
    for _ in range(3):
        flow.next({})
    assert "Ekorren" in flow.page
    assert flow.post(action="submit").status_code == 303
    assert db.session.scalar(db.select(Response)).participant.nickname == "Ekorren"


def test_account_policy_sends_to_login_and_needs_a_verified_account(web, make_survey, make_user):
    kit = make_survey(policy="account")
    page = web.get(f"/s/{kit.survey.id}")
    assert page.status_code == 302
    assert "/login?next=" in page.headers["Location"]
    response = post(web, kit, kit.payload())
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "account_required"
    unverified = make_user(verified=False)
    login(web, unverified)
    assert post(web, kit, kit.payload()).status_code == 403
    assert counts() == (0, 0, 0)
    verified = make_user()
    web.post("/logout")
    login(web, verified)
    response = post(web, kit, kit.payload())
    assert response.status_code == 201, response.get_json()
    assert db.session.scalar(db.select(Response)).participant.user_id == verified.id
    assert web.get(f"/s/{kit.survey.id}").status_code == 200


def test_closed_and_upcoming_stage_pages_explain_and_store_nothing(web, make_survey):
    kit = make_survey(open_stage=False)
    page = web.get(f"/s/{kit.survey.id}")
    assert page.status_code == 200
    assert "inte öppen för svar" in page.get_data(as_text=True)
    response = web.post(f"/s/{kit.survey.id}", data={"step": "review", "action": "submit"})
    assert response.status_code == 409
    assert counts() == (0, 0, 0)


def test_draft_survey_is_404_for_residents(web, make_survey):
    kit = make_survey(status=SurveyStatus.DRAFT)
    assert web.get(f"/s/{kit.survey.id}").status_code == 404
    assert web.get(f"/s/{kit.survey.id}?preview=1").status_code == 404
    assert web.get(f"/api/v1/surveys/{kit.survey.id}").status_code == 404


def test_staff_preview_of_a_draft_stores_nothing(web, make_survey, make_user):
    kit = make_survey(status=SurveyStatus.DRAFT, required=True)
    planner = make_user(role=Role.PLANNER, org=kit.project.organization)
    login(web, planner)
    flow = Flow(web, kit.survey.id, "?preview=1")
    assert flow.response.status_code == 200
    assert "Förhandsvisning" in flow.page and "Inget du fyller i här sparas" in flow.page
    response = flow.next({})
    assert response.status_code == 422, "validation works as for residents"
    assert "Förhandsvisning" in flow.page
    assert counts() == (0, 0, 0)


def test_staff_preview_full_run_stores_nothing(web, make_survey, make_user):
    from tests.integration.surveys.test_html_flow import page1, page2, page3, page4

    kit = make_survey(status=SurveyStatus.DRAFT)
    login(web, make_user(role=Role.PLANNER, org=kit.project.organization))
    flow = Flow(web, kit.survey.id, "?preview=1")
    for data in (page1(kit), page2(kit), page3(kit), page4(kit)):
        flow.next(data)
    assert flow.step == "review"
    response = flow.post(action="submit")
    assert response.status_code == 200
    assert "Inget har sparats" in flow.page
    assert counts() == (0, 0, 0)


def test_preview_needs_edit_survey_permission(web, make_survey, make_user, make_org):
    kit = make_survey()
    moderator = make_user(role=Role.MODERATOR, org=kit.project.organization)
    login(web, moderator)
    assert web.get(f"/s/{kit.survey.id}?preview=1").status_code == 403
    outsider = make_user(role=Role.PLANNER, org=make_org())
    web.post("/logout")
    login(web, outsider)
    assert web.get(f"/s/{kit.survey.id}?preview=1").status_code == 403


def test_html_post_without_csrf_token_is_refused(make_app, make_survey):
    kit = make_survey()
    strict = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = strict.post(f"/s/{kit.survey.id}", data={"step": "review", "action": "submit"})
    assert response.status_code == 400
    assert counts() == (0, 0, 0)


def test_html_flow_with_csrf_on_works(make_app, make_survey):
    kit = make_survey()
    strict = make_app(WTF_CSRF_ENABLED=True).test_client()
    flow = Flow(strict, kit.survey.id)
    for _ in range(4):
        flow.next({})
    assert flow.step == "review"
    assert flow.post(action="submit").status_code == 303
    assert counts() == (1, 0, 0)


def test_response_language_follows_the_interface(web, make_survey):
    kit = make_survey()
    web.get("/lang/en")
    flow = Flow(web, kit.survey.id)
    assert "Page 1 of 4" in flow.page
    for _ in range(4):
        flow.next({})
    flow.post(action="submit")
    assert db.session.scalar(db.select(Response)).language == "en"


def test_html_flow_checks_the_nickname_with_the_response_schema(web, make_survey):
    """The first page's nickname gets the message the API gives for the same nickname."""
    from app.accounts.models import Participant

    kit = make_survey(policy="nickname")
    too_long = "x" * 61
    api = post(web, kit, kit.payload(nickname=too_long))
    assert api.status_code == 422
    message = api.get_json()["error"]["fields"]["nickname"]
    assert message == "Välj ett smeknamn på högst 60 tecken."
    flow = Flow(web, kit.survey.id)
    response = flow.next({"nickname": too_long})
    assert response.status_code == 422
    assert message in flow.page
    assert db.session.scalar(db.select(db.func.count(Participant.id))) == 0
