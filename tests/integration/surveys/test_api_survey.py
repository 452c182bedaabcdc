"""GET /api/v1/surveys/<id> and the staff list of responses; query counts."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.organizations.models import Role
from tests.integration.surveys.test_policies import login, post


def test_survey_document_in_the_request_language(web, make_survey):
    kit = make_survey()
    body = web.get(f"/api/v1/surveys/{kit.survey.id}?lang=en").get_json()
    assert body["id"] == kit.survey.id
    assert body["title"] == "What should the park be?"
    assert body["status"] == "open" and body["languages"] == ["sv", "en"]
    assert [p["number"] for p in body["pages"]] == [1, 2, 3, 4]
    questions = {q["id"]: q for q in body["questions"]}
    point = questions[kit.qid("point")]
    assert point["type"] == "map_point" and point["page"] == 1
    assert point["prompt"] == "Where do you feel at home?"
    assert point["categories"][0] == {
        "id": kit.category(),
        "label": "Good place",
        "icon": "star",
        "color": "#1e6b32",
    }
    assert [p["label"] for p in point["places"]] == ["The square", "The station"]
    assert point["max"] == 5 and point["settings"]["restrict_to_area"] is True
    assert questions[kit.qid("single")]["options"][0]["label"] == "Every day"
    assert questions[kit.qid("conditional")]["condition"] == {
        "question_id": kit.qid("multi"),
        "option_id": kit.option("multi", 2),
    }
    assert questions[kit.qid("single")]["condition"] is None
    sv = web.get(f"/api/v1/surveys/{kit.survey.id}?lang=sv").get_json()
    assert sv["title"] == "Hur vill du att parken ska bli?"


def test_unknown_survey_document_is_404(web, make_survey):
    make_survey()
    response = web.get("/api/v1/surveys/424242")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_staff_list_needs_export_and_hides_personal_data_without_permission(
    web, make_survey, make_user, make_org, make_app
):
    kit = make_survey(policy="nickname")
    resident = make_app().test_client()
    assert post(resident, kit, kit.payload(nickname="Parkvän")).status_code == 201
    url = f"/api/v1/surveys/{kit.survey.id}/responses"
    assert web.get(url).status_code in (401, 403)
    # Another organization's planner: not theirs.
    login(web, make_user(role=Role.PLANNER, org=make_org()))
    assert web.get(url).status_code in (403, 404)
    web.post("/logout")
    # A moderator of the organization has no export right.
    login(web, make_user(role=Role.MODERATOR, org=kit.project.organization))
    assert web.get(url).status_code == 403
    web.post("/logout")
    facilitator = make_user(role=Role.FACILITATOR, org=kit.project.organization)
    login(web, facilitator)
    body = web.get(url + "?page=1").get_json()
    assert body["total"] == 1 and body["personal_data"] is True
    row = body["responses"][0]
    assert row["participant"]["nickname"] == "Parkvän"
    assert kit.qid("age") in {a["question_id"] for a in row["answers"]}
    point = next(a for a in row["answers"] if a["question_id"] == kit.qid("point"))
    assert point["features"][0]["geometry"]["type"] == "Point"
    web.post("/logout")


def test_partner_gets_no_individual_responses(web, make_survey, make_user, make_org, make_app):
    from app.projects.models import ProjectPartner

    kit = make_survey()
    assert post(make_app().test_client(), kit, kit.payload()).status_code == 201
    partner_org = make_org()
    db.session.add(ProjectPartner(project_id=kit.project.id, organization_id=partner_org.id))
    db.session.commit()
    login(web, make_user(role=Role.PLANNER, org=partner_org))
    response = web.get(f"/api/v1/surveys/{kit.survey.id}/responses")
    assert response.status_code == 403  # aggregates only (tests/integration/security)
    assert "responses" not in response.get_json()


def _counting(app):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    return statements, lambda: sa.event.remove(engine, "before_cursor_execute", before)


def test_survey_page_query_count_is_bounded(web, make_survey):
    from app.surveys.models import OptionKind, Question, QuestionOption, QuestionType

    kit = make_survey()
    big = make_survey()
    for n in range(12):
        question = Question(
            type=QuestionType.SINGLE_CHOICE, page=1, position=50 + n, prompt={"sv": f"Fråga {n}"}
        )
        question.options = [
            QuestionOption(kind=OptionKind.OPTION, position=i, label={"sv": f"Val {i}"})
            for i in range(6)
        ]
        big.survey.questions.append(question)
    db.session.commit()
    web.get(f"/s/{kit.survey.id}")
    statements, stop = _counting(web.application)
    try:
        assert web.get(f"/s/{kit.survey.id}").status_code == 200
        small = len(statements)
        statements.clear()
        page = web.get(f"/s/{big.survey.id}")
        assert page.status_code == 200 and "Fråga 11" in page.get_data(as_text=True)
        large = len(statements)
    finally:
        stop()
    assert small <= 12, statements
    assert large == small, (small, large)


def test_api_post_query_count_is_bounded(web, make_survey):
    kit = make_survey()
    statements, stop = _counting(web.application)
    try:
        assert post(web, kit, kit.payload()).status_code == 201
    finally:
        stop()
    # Look-ups and one insert per row; no query per option or per question type.
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    others = len(statements) - len(inserts)
    assert others <= 15, statements


def test_summaries_of_stored_answers(web, make_survey, make_app):
    from app.surveys.queries import summarise_survey

    kit = make_survey()
    assert post(web, kit, kit.payload()).status_code == 201
    answers = kit.replace("likert", {"value": 2})
    assert post(make_app().test_client(), kit, kit.payload(answers)).status_code == 201
    db.session.expire_all()
    summary = summarise_survey(kit.survey)
    assert summary[kit.qid("likert")]["mean"] == 3.0
    assert summary[kit.qid("likert")]["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}
    single = summary[kit.qid("single")]["options"]
    assert [o["count"] for o in single] == [2, 0, 0]
    point = summary[kit.qid("point")]
    assert point["feature_count"] == 2
    assert (
        point["categories"][0]["count"] == 2
        and point["categories"][0]["label"]["sv"] == "Bra plats"
    )
    assert summary[kit.qid("short")]["text_count"] == 2
    assert summary[kit.qid("conditional")]["total"] == 0
