"""POST /api/v1/surveys/<id>/responses: every question type, idempotency and bad input.

Every rejected submission must store nothing: the tests count Response, Answer and
AnswerFeature rows after each one.
"""

from __future__ import annotations

import json
import math

from app.extensions import db
from app.projects.models import ProjectStatus
from app.surveys.models import Answer, AnswerFeature, Response, SurveyStatus
from tests.factories import INSIDE, OUTSIDE
from tests.integration.surveys.conftest import SMALL_POLYGON, counts, feature, point_feature


def post(client, kit, payload, **kw):
    return client.post(f"/api/v1/surveys/{kit.survey.id}/responses", json=payload, **kw)


def test_valid_response_with_every_question_type_is_stored(web, make_survey):
    kit = make_survey()
    payload = kit.payload(channel="offline")
    response = post(web, kit, payload)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["client_id"] == payload["client_id"]
    assert body["survey_id"] == kit.survey.id
    assert body["channel"] == "offline" and body["submitted_at"].endswith("Z")
    assert counts() == (1, 15, 3)
    answers = {a.question_id: a for a in db.session.scalars(db.select(Answer))}
    assert answers[kit.qid("single")].value == kit.option("single", 0)
    assert answers[kit.qid("multi")].value == {
        "options": [kit.option("multi", 0), kit.option("multi", 1)],
        "other": None,
    }
    assert answers[kit.qid("likert")].value == 4
    assert answers[kit.qid("scale")].value == 7
    assert answers[kit.qid("short")].text == "Fler bänkar"
    assert answers[kit.qid("long")].value == "Parken behöver bättre belysning."
    assert answers[kit.qid("number")].value == 12
    assert answers[kit.qid("age")].value == kit.option("age", 2)
    polygon = answers[kit.qid("polygon")]
    assert polygon.value is None and polygon.text is None
    assert polygon.features[0].comment == "Ängen"
    stored = polygon.features[0]
    assert stored.geometry["type"] == "Polygon"
    assert stored.category_id == kit.category("polygon")
    assert (stored.min_lon, stored.min_lat) == (17.945, 59.218)
    point = answers[kit.qid("point")].features[0]
    assert point.geometry == {"type": "Point", "coordinates": [17.95, 59.22]}
    assert point.comment == "Bra plats för lek"


def test_repeat_with_same_client_id_answers_200_with_identical_body(web, make_survey):
    kit = make_survey()
    payload = kit.payload()
    first = post(web, kit, payload)
    second = post(web, kit, payload)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json() == second.get_json()
    assert counts() == (1, 15, 3)
    # Even from another device (cookie) and after the stage closed: the client id decides.
    from datetime import timedelta

    from app.core.models import utcnow

    stage = kit.project.current_stage
    stage.opens_at, stage.closes_at = utcnow() - timedelta(days=9), utcnow() - timedelta(days=1)
    db.session.commit()
    other = web.application.test_client()
    third = post(other, kit, payload)
    assert third.status_code == 200 and third.get_json() == first.get_json()
    assert counts() == (1, 15, 3)


def test_race_on_the_same_client_id_is_answered_from_the_stored_row(app, make_survey):
    """The loser of a race: another request stores the same client id between this one's
    look-up and its INSERT. The unique constraint tells, and the stored row is the answer."""
    import sqlalchemy as sa

    from app.accounts.models import Participant
    from app.surveys import services

    kit = make_survey()
    payload = kit.payload()
    phone = Participant(token_hash="f" * 64)
    db.session.add(phone)
    db.session.commit()
    rival_ids: list[int] = []
    raced: list[bool] = []

    def rival_stores_first(conn, cursor, statement, *args):
        if raced or not statement.lstrip().upper().startswith("INSERT INTO RESPONSES"):
            return
        raced.append(True)
        with db.engine.connect() as rival:
            insert = sa.insert(Response).values(
                survey_id=kit.survey.id, client_id=payload["client_id"], language="sv"
            )
            rival_ids.append(rival.execute(insert.returning(Response.id)).scalar_one())
            rival.commit()

    sa.event.listen(db.engine, "before_cursor_execute", rival_stores_first)
    try:
        with app.test_request_context():
            response, created = services.submit_response(kit.survey, phone, payload, channel="web")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", rival_stores_first)
    assert rival_ids, "the rival stored its row first"
    assert created is False and response.id == rival_ids[0]
    db.session.commit()
    assert counts() == (1, 0, 0)


def test_a_new_phone_resending_after_the_survey_closed_is_acknowledged(web, make_survey):
    """A phone that lost its cookie re-sends a stored response after closing time."""
    kit = make_survey()
    payload = kit.payload()
    first = post(web, kit, payload)
    assert first.status_code == 201
    kit.survey.status = SurveyStatus.CLOSED
    db.session.commit()
    web.delete_cookie("pd_participant")
    again = post(web, kit, payload)
    assert again.status_code == 200, again.get_json()
    assert again.get_json() == first.get_json()
    assert counts()[0] == 1


INVALID_ANSWERS = (
    ("single", {"value": 999999}),
    ("single", {"value": "Varje dag"}),
    ("single", {"value": True}),
    ("multi", {"value": [999999]}),
    ("multi", {"value": "not a list"}),
    ("multi", {"value": [1, 1]}),
    ("likert", {"value": 6}),
    ("likert", {"value": 0}),
    ("likert", {"value": "4"}),
    ("scale", {"value": 11}),
    ("scale", {"value": -1}),
    ("scale", {"value": 2.5}),
    ("ranking", {"value": [1, 1, 1]}),
    ("ranking", {"value": [1, 2]}),
    ("short", {"value": "x" * 51}),
    ("short", {"value": 12}),
    ("long", {"value": "x" * 4001}),
    ("number", {"value": 121}),
    ("number", {"value": -1}),
    ("number", {"value": 1.5}),
    ("number", {"value": "tolv"}),
    ("age", {"value": 999999}),
    ("gender", {"value": "alien"}),
    ("point", {"value": {"place": 999999}}),
    ("point", {"value": {"description": "x" * 1001}}),
    ("point", {"value": {"somewhere": 1}}),
    ("point", {"features": "nope"}),
)


def test_invalid_answers_are_rejected_with_422_and_nothing_stored(web, make_survey):
    kit = make_survey()
    for name, answer in INVALID_ANSWERS:
        response = post(web, kit, kit.payload(kit.replace(name, answer)))
        assert response.status_code == 422, (name, answer, response.get_json())
        error = response.get_json()["error"]
        assert error["code"] == "invalid"
        assert error["fields"].get(f"answers.{kit.qid(name)}"), (name, answer)
        assert counts() == (0, 0, 0)


def test_valid_variants_of_answers(web, make_survey):
    kit = make_survey()
    answers = kit.replace("multi", {"value": [kit.option("multi", 3)], "other": "Fåglar"})
    answers = [a for a in answers if a["question_id"] != kit.qid("number")]
    answers.append({"question_id": kit.qid("number"), "value": 12.0})
    answers = [a for a in answers if a["question_id"] != kit.qid("line")]
    answers.append({"question_id": kit.qid("line"), "value": {"description": "Längs ån"}})
    answers = [a for a in answers if a["question_id"] != kit.qid("polygon")]
    answers.append({"question_id": kit.qid("polygon"), "value": {"place": kit.place("polygon")}})
    response = post(web, kit, kit.payload(answers, demographics=None))
    assert response.status_code == 201, response.get_json()
    stored = {a.question_id: a for a in db.session.scalars(db.select(Answer))}
    assert stored[kit.qid("multi")].value == {
        "options": [kit.option("multi", 3)],
        "other": "Fåglar",
    }
    assert stored[kit.qid("multi")].text == "Fåglar"
    assert stored[kit.qid("line")].value == {"description": "Längs ån"}
    assert stored[kit.qid("line")].text == "Längs ån"
    assert stored[kit.qid("polygon")].value == {"place": kit.place("polygon")}
    assert counts() == (1, 15, 1)


def test_demographics_by_code(web, make_survey):
    kit = make_survey()
    answers = [
        a
        for a in kit.valid_answers()
        if a["question_id"] not in {kit.qid("age"), kit.qid("gender")}
    ]
    demographics = {"age_band": "65-79", "gender": "no_answer"}
    response = post(web, kit, kit.payload(answers, demographics=demographics))
    assert response.status_code == 201, response.get_json()
    stored = {a.question_id: a.value for a in db.session.scalars(db.select(Answer))}
    assert stored[kit.qid("age")] == kit.option("age", 4)
    assert stored[kit.qid("gender")] == kit.option("gender", 3)
    bad = post(web, kit, kit.payload(answers, demographics={"shoe_size": "42"}))
    assert bad.status_code == 422 and "demographics.shoe_size" in bad.get_json()["error"]["fields"]


def test_multi_choice_other_needs_text_and_counts_are_enforced(web, make_survey):
    kit = make_survey()
    other_without_text = kit.replace("multi", {"value": [kit.option("multi", 3)]})
    too_many = kit.replace(
        "multi",
        {
            "value": [kit.option("multi", i) for i in range(3)] + [kit.option("multi", 3)],
            "other": "x",
        },
    )
    for answers in (other_without_text, too_many):
        response = post(web, kit, kit.payload(answers))
        assert response.status_code == 422
        assert f"answers.{kit.qid('multi')}" in response.get_json()["error"]["fields"]
    assert counts() == (0, 0, 0)


def _polygon(coords):
    return {"type": "Polygon", "coordinates": [coords]}


BOWTIE = _polygon(
    [[17.945, 59.218], [17.95, 59.221], [17.95, 59.218], [17.945, 59.221], [17.945, 59.218]]
)


BAD_FEATURES = (
    ("point", [{"type": "Feature", "geometry": {"type": "Point"}, "properties": {}}], "giltig"),
    ("point", [{"type": "Feature", "geometry": "POINT(1 2)", "properties": {}}], "giltig"),
    ("point", [{"type": "Nope", "geometry": INSIDE, "properties": {}}], "giltig"),
    (
        "point",
        [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [17.95]}}],
        "giltig",
    ),
    ("point", [feature({"type": "Point", "coordinates": [200.0, 59.0]}, None)], "intervallet"),
    ("point", [feature({"type": "Point", "coordinates": [17.95, 95.0]}, None)], "intervallet"),
    ("point", [feature(dict(OUTSIDE), None)], "utanför projektområdet"),
    ("point", [feature(dict(SMALL_POLYGON), None)], "annan sorts"),
    ("polygon", [feature(BOWTIE, None)], "korsar sig själv"),
    (
        "line",
        [feature({"type": "LineString", "coordinates": [[17.95, 59.22]] * 2001}, None)],
        "för många punkter",
    ),
    ("point", [point_feature(None)] * 6, "högst 5"),
    ("point", [point_feature(999999)], "kategorierna"),
    ("point", [feature(dict(INSIDE), None, "x" * 501)], "högst 500 tecken"),
)


def test_bad_geometries_are_rejected_with_clear_messages(web, make_survey):
    kit = make_survey()
    for name, features, fragment in BAD_FEATURES:
        # Fill in categories where the case is not about them.
        features = json.loads(json.dumps(features))
        for item in features:
            if isinstance(item, dict) and isinstance(item.get("properties"), dict):
                if item["properties"].get("category", "unset") is None:
                    item["properties"]["category"] = kit.category(name)
        response = post(web, kit, kit.payload(kit.replace(name, {"features": features})))
        assert response.status_code == 422, (name, fragment, response.get_json())
        message = response.get_json()["error"]["fields"][f"answers.{kit.qid(name)}"]
        assert fragment in message, (fragment, message)
        assert counts() == (0, 0, 0)


def test_more_than_fifty_features_are_refused_even_without_a_max(web, make_survey):
    kit = make_survey()
    kit.q["point"].max_count = None
    db.session.commit()
    many = [point_feature(kit.category()) for _ in range(51)]
    response = post(web, kit, kit.payload(kit.replace("point", {"features": many})))
    assert response.status_code == 422
    assert "högst 50" in response.get_json()["error"]["fields"][f"answers.{kit.qid('point')}"]
    assert counts() == (0, 0, 0)


def test_outside_area_is_fine_when_not_restricted(web, make_survey):
    kit = make_survey(restrict_to_area=False)
    answers = kit.replace("point", {"features": [feature(dict(OUTSIDE), kit.category())]})
    assert post(web, kit, kit.payload(answers)).status_code == 201


def test_unknown_question_and_other_surveys_questions_are_rejected(web, make_survey):
    kit = make_survey()
    other = make_survey()  # another organization's project and survey
    answers = kit.valid_answers() + [
        {"question_id": other.qid("single"), "value": other.option("single", 0)}
    ]
    response = post(web, kit, kit.payload(answers))
    assert response.status_code == 422
    assert f"answers.{other.qid('single')}" in response.get_json()["error"]["fields"]
    # An option id of the other survey's question is not an option of ours.
    answers = kit.replace("single", {"value": other.option("single", 0)})
    response = post(web, kit, kit.payload(answers))
    assert response.status_code == 422
    assert f"answers.{kit.qid('single')}" in response.get_json()["error"]["fields"]
    assert counts() == (0, 0, 0)


def test_answer_to_a_question_hidden_by_its_condition_is_an_error(web, make_survey):
    kit = make_survey()
    answers = kit.valid_answers() + [{"question_id": kit.qid("conditional"), "value": "Vid dammen"}]
    response = post(web, kit, kit.payload(answers))
    assert response.status_code == 422
    assert f"answers.{kit.qid('conditional')}" in response.get_json()["error"]["fields"]
    assert counts() == (0, 0, 0)
    # Shown (and so answerable) when the condition holds.
    answers = kit.replace("multi", {"value": [kit.option("multi", 2)]}) + [
        {"question_id": kit.qid("conditional"), "value": "Vid dammen"}
    ]
    assert post(web, kit, kit.payload(answers)).status_code == 201


def test_required_questions_and_duplicates(web, make_survey):
    kit = make_survey(required=True)
    answers = kit.replace("likert", None)
    response = post(web, kit, kit.payload(answers))
    assert response.status_code == 422
    assert f"answers.{kit.qid('likert')}" in response.get_json()["error"]["fields"]
    # The hidden conditional question is required too, but hidden: not asked for.
    assert f"answers.{kit.qid('conditional')}" not in response.get_json()["error"]["fields"]
    duplicated = kit.valid_answers() + [{"question_id": kit.qid("likert"), "value": 2}]
    response = post(web, kit, kit.payload(duplicated))
    assert response.status_code == 422
    assert counts() == (0, 0, 0)


def test_all_or_nothing_one_bad_answer_among_many_stores_nothing(web, make_survey):
    kit = make_survey()
    answers = kit.replace("polygon", {"features": [feature(BOWTIE, kit.category("polygon"))]})
    response = post(web, kit, kit.payload(answers))
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert list(fields) == [f"answers.{kit.qid('polygon')}"]
    assert counts() == (0, 0, 0)


def test_a_failure_while_writing_rolls_everything_back(web, make_survey):
    """Validation passes but the database refuses the map features: nothing at all remains,
    the participant made for this new phone included."""
    import sqlalchemy as sa

    from app.accounts.models import Participant

    kit = make_survey()

    def disk_full(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO ANSWER_FEATURES"):
            raise RuntimeError("disk full")

    with web.application.app_context():
        engine = db.engine  # the engine of the app serving the requests
    sa.event.listen(engine, "before_cursor_execute", disk_full)
    try:
        response = post(web, kit, kit.payload())
    finally:
        sa.event.remove(engine, "before_cursor_execute", disk_full)
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert counts() == (0, 0, 0)
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0


def test_a_refused_submission_from_a_new_phone_leaves_no_participant(web, make_survey):
    import sqlalchemy as sa

    from app.accounts.models import Participant

    kit = make_survey()
    refused = post(web, kit, kit.payload(kit.replace("single", {"value": 999999})))
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0
    assert "pd_participant" not in refused.headers.get("Set-Cookie", "")
    assert post(web, kit, kit.payload()).status_code == 201
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 1


def test_malformed_json_is_400(web, make_survey):
    kit = make_survey()
    for body in ("{not json", "[1, 2]", '"text"', ""):
        response = web.post(
            f"/api/v1/surveys/{kit.survey.id}/responses",
            data=body,
            content_type="application/json",
        )
        assert response.status_code == 400, body
        assert response.get_json()["error"]["code"] == "malformed"
        assert counts() == (0, 0, 0)


BAD_ENVELOPES = (
    {"client_id": None},
    {"client_id": ""},
    {"client_id": "x" * 37},
    {"client_id": "bad id with spaces"},
    {"language": "xx"},
    {"channel": "fax"},
    {"answers": "all of them"},
    {"answers": [{"value": 1}]},
    {"answers": [{"question_id": "1", "value": 1}]},
)


def test_bad_envelope_is_422(web, make_survey):
    kit = make_survey()
    for change in BAD_ENVELOPES:
        payload = kit.payload()
        payload.update(change)
        response = post(web, kit, payload)
        assert response.status_code == 422, (change, response.get_json())
        assert response.get_json()["error"]["fields"]
        assert counts() == (0, 0, 0)


def test_too_large_body_is_413(web, make_survey):
    kit = make_survey()
    payload = kit.payload()
    payload["padding"] = "x" * (4 * 1024 * 1024 + 1)
    response = post(web, kit, payload)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert counts() == (0, 0, 0)


def test_unknown_survey_is_404(web, make_survey):
    make_survey()
    response = web.post("/api/v1/surveys/987654/responses", json={"client_id": "abc"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_closed_stage_is_409_closed(web, make_survey):
    kit = make_survey(open_stage=False)
    response = post(web, kit, kit.payload())
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "closed"
    assert counts() == (0, 0, 0)


def test_not_yet_open_stage_is_409_closed(web, make_survey):
    from datetime import timedelta

    from app.core.models import utcnow

    kit = make_survey()
    stage = kit.project.current_stage
    stage.opens_at, stage.closes_at = utcnow() + timedelta(days=2), utcnow() + timedelta(days=9)
    db.session.commit()
    response = post(web, kit, kit.payload())
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "closed"
    assert counts() == (0, 0, 0)


def test_closed_survey_is_409_and_draft_survey_is_404(web, make_survey):
    kit = make_survey(status=SurveyStatus.CLOSED)
    response = post(web, kit, kit.payload())
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "closed"
    kit.survey.status = SurveyStatus.DRAFT
    db.session.commit()
    response = post(web, kit, kit.payload())
    assert response.status_code == 404
    assert counts() == (0, 0, 0)


def test_unpublished_project_is_404(web, make_survey):
    kit = make_survey(status=ProjectStatus.DRAFT)
    response = post(web, kit, kit.payload())
    assert response.status_code == 404
    assert counts() == (0, 0, 0)


def test_stage_without_respond_action_is_409(web, make_survey):
    kit = make_survey()
    kit.project.current_stage.allowed_actions = ["view_answers"]
    db.session.commit()
    response = post(web, kit, kit.payload())
    assert response.status_code == 409
    assert counts() == (0, 0, 0)


def test_missing_csrf_token_is_refused_and_stores_nothing(make_app, make_survey):
    kit = make_survey()
    strict = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = post(strict, kit, kit.payload())
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"
    assert counts() == (0, 0, 0)
    # With the token from the page's meta tag (as the browser sends it) it works.
    page = strict.get(f"/s/{kit.survey.id}").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    response = post(strict, kit, kit.payload(), headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.get_json()


def test_nan_and_infinity_are_not_numbers(web, make_survey):
    kit = make_survey()
    body = json.dumps(kit.payload(kit.replace("number", {"value": math.inf})))
    response = web.post(
        f"/api/v1/surveys/{kit.survey.id}/responses", data=body, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert counts() == (0, 0, 0)


def test_no_feature_rows_without_features(web, make_survey):
    kit = make_survey()
    answers = [a for a in kit.valid_answers() if "features" not in a]
    assert post(web, kit, kit.payload(answers)).status_code == 201
    assert db.session.scalar(db.select(db.func.count(AnswerFeature.id))) == 0
