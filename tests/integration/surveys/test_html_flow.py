"""The resident HTML flow: pages, Back/Next, review, submit, receipt; without JavaScript."""

from __future__ import annotations

import json
import re

from app.extensions import db
from app.surveys.models import Answer, Response
from tests.factories import INSIDE
from tests.integration.surveys.conftest import Flow, counts, hidden_fields


def page1(kit, **extra):
    feature = {
        "type": "Feature",
        "geometry": INSIDE,
        "properties": {"category": kit.category(), "comment": "Bra lekplats"},
    }
    data = {f"q{kit.qid('point')}_features": json.dumps([feature])}
    data[f"q{kit.qid('line')}_place"] = str(kit.place("line"))
    data[f"q{kit.qid('polygon')}_description"] = "Skogsdungen vid skolan"
    data.update(extra)
    return data


def page2(kit, **extra):
    ranking = kit.q["ranking"].options
    q = kit.qid
    data = {
        f"q{q('single')}": str(kit.option("single", 1)),
        f"q{q('multi')}": [str(kit.option("multi", 0)), str(kit.option("multi", 3))],
        f"q{q('multi')}_other": "Fågelskådning",
        f"q{q('likert')}": "5",
        f"q{q('scale')}": "8",
    }
    for rank, option in enumerate(reversed(ranking), start=1):
        data[f"q{q('ranking')}_rank_{option.id}"] = str(rank)
    data.update(extra)
    return data


def page3(kit, **extra):
    q = kit.qid
    data = {f"q{q('short')}": "Grönt", f"q{q('long')}": "Mer träd.", f"q{q('number')}": "15"}
    data.update(extra)
    return data


def page4(kit):
    q = kit.qid
    return {
        f"q{q('age')}": str(kit.option("age", 1)),
        f"q{q('gender')}": str(kit.option("gender", 0)),
        f"q{q('district')}": str(kit.option("district", 0)),
        f"q{q('relation')}": str(kit.option("relation", 0)),
    }


def test_whole_flow_stores_every_question_type_and_shows_a_receipt(web, make_survey):
    kit = make_survey()
    flow = Flow(web, kit.survey.id)
    assert flow.response.status_code == 200
    assert "Sida 1 av 4" in flow.page
    assert "<progress" in flow.page
    assert "Beskriv platsen i text istället" in flow.page
    assert "husens höjd" in flow.page  # the stage's "what can be influenced"
    assert flow.next(page1(kit)).status_code == 200
    assert "Sida 2 av 4" in flow.page
    flow.next(page2(kit))
    assert "Sida 3 av 4" in flow.page
    flow.next(page3(kit))
    flow.next(page4(kit))
    assert flow.step == "review"
    assert "Granska dina svar" in flow.page
    assert "Fågelskådning" in flow.page and "Skogsdungen vid skolan" in flow.page
    assert counts() == (0, 0, 0), "nothing is stored before the resident submits"
    response = flow.post(action="submit")
    assert response.status_code == 303
    receipt = web.get(response.headers["Location"])
    text = receipt.get_data(as_text=True)
    assert receipt.status_code == 200
    assert "Referensnummer" in text and "Tack för dina svar" in text
    assert counts() == (1, 15, 1)
    stored = db.session.scalar(db.select(Response))
    assert stored.channel.value == "web" and stored.language == "sv"
    assert stored.participant_id is not None
    answers = {a.question_id: a for a in db.session.scalars(db.select(Answer))}
    assert answers[kit.qid("point")].features[0].geometry["coordinates"] == [17.95, 59.22]
    assert answers[kit.qid("point")].features[0].comment == "Bra lekplats"
    assert answers[kit.qid("point")].text is None
    assert answers[kit.qid("line")].value == {"place": kit.place("line")}
    assert answers[kit.qid("polygon")].text == "Skogsdungen vid skolan"
    assert answers[kit.qid("multi")].value["other"] == "Fågelskådning"
    assert answers[kit.qid("number")].value == 15
    ranking = [o.id for o in kit.q["ranking"].options]
    assert answers[kit.qid("ranking")].value == list(reversed(ranking))
    # The receipt belongs to its author only.
    other = web.application.test_client()
    assert other.get(response.headers["Location"]).status_code == 404


def test_back_and_next_keep_answers(web, make_survey):
    kit = make_survey()
    flow = Flow(web, kit.survey.id)
    flow.next(page1(kit))
    flow.post(page2(kit), action="back")
    assert "Sida 1 av 4" in flow.page
    assert "Skogsdungen vid skolan" in flow.page  # the description is filled in again
    # The drawn point travels in its hidden input and is still there.
    assert "Bra lekplats" in hidden_fields(flow.page)[f"q{kit.qid('point')}_features"]
    flow.next(page1(kit))  # the browser sends page 1's filled-in fields again
    assert "Sida 2 av 4" in flow.page
    assert re.search(rf'value="{kit.option("single", 1)}"\s+checked', flow.page)
    assert 'value="Fågelskådning"' in flow.page
    assert flow.state["answers"][str(kit.qid("likert"))] == {"value": 5}


def test_invalid_answer_shows_message_next_to_field_with_422(web, make_survey):
    kit = make_survey()
    flow = Flow(web, kit.survey.id)
    flow.next(page1(kit))
    flow.next(page2(kit))
    response = flow.next(page3(kit, **{f"q{kit.qid('number')}": "500"}))
    assert response.status_code == 422
    assert "Sida 3 av 4" in flow.page
    assert f'id="q{kit.qid("number")}-error"' in flow.page
    assert "högst 120" in flow.page
    response = flow.next(page3(kit, **{f"q{kit.qid('short')}": "x" * 51}))
    assert response.status_code == 422
    assert "högst 50 tecken" in flow.page
    assert counts() == (0, 0, 0)


def test_required_question_blocks_next(web, make_survey):
    kit = make_survey(required=True)
    flow = Flow(web, kit.survey.id)
    response = flow.next({})
    assert response.status_code == 422
    assert "Svara på frågan" in flow.page
    assert 'class="error-summary"' in flow.page


def test_map_question_can_be_answered_by_place_or_description_only(web, make_survey):
    kit = make_survey(required=True)
    flow = Flow(web, kit.survey.id)
    q = kit.qid
    response = flow.next(
        {
            f"q{q('point')}_place": str(kit.place()),
            f"q{q('line')}_description": "Gångvägen längs ån",
            f"q{q('polygon')}_place": str(kit.place("polygon", 1)),
        }
    )
    assert response.status_code == 200, flow.page
    assert "Sida 2 av 4" in flow.page


def test_invalid_drawing_from_the_browser_is_reported_on_its_page(web, make_survey):
    kit = make_survey()
    flow = Flow(web, kit.survey.id)
    bad = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [18.3, 59.4]},
            "properties": {"category": kit.category(), "comment": ""},
        }
    ]
    response = flow.next({f"q{kit.qid('point')}_features": json.dumps(bad)})
    assert response.status_code == 422
    assert "utanför projektområdet" in flow.page
    response = flow.next({f"q{kit.qid('point')}_features": "{not json"})
    assert response.status_code == 422


def test_condition_reveals_question_on_same_page_without_javascript(web, make_survey):
    kit = make_survey()
    flow = Flow(web, kit.survey.id)
    flow.next(page1(kit))
    conditional = f'id="question-{kit.qid("conditional")}"'
    # Rendered hidden (JS may reveal it); not in the "shown" list.
    assert conditional in flow.page
    barbecue = page2(kit, **{f"q{kit.qid('multi')}": [str(kit.option("multi", 2))]})
    barbecue.pop(f"q{kit.qid('multi')}_other")
    flow.next(barbecue)
    assert "Sida 2 av 4" in flow.page, "stays on the page to show the new question"
    assert "Nya frågor" in flow.page
    flow.next({**barbecue, f"q{kit.qid('conditional')}": "Vid dammen"})
    assert "Sida 3 av 4" in flow.page
    flow.next(page3(kit))
    flow.next(page4(kit))
    assert "Vid dammen" in flow.page
    # Changing the earlier answer hides the question again, and its answer is dropped.
    flow.post(goto="2")
    flow.next(page2(kit))
    flow.next(page3(kit))
    flow.next(page4(kit))
    assert "Vid dammen" not in flow.page
    assert flow.post(action="submit").status_code == 303
    stored = {a.question_id for a in db.session.scalars(db.select(Answer))}
    assert kit.qid("conditional") not in stored


def test_change_link_from_review_returns_to_the_page(web, make_survey):
    kit = make_survey()
    flow = Flow(web, kit.survey.id)
    for data in (page1(kit), page2(kit), page3(kit), page4(kit)):
        flow.next(data)
    assert flow.step == "review"
    assert "Ändra" in flow.page
    flow.post(goto="3")
    assert "Sida 3 av 4" in flow.page
    assert 'value="Grönt"' in flow.page


def test_number_unit_in_the_residents_language_on_the_page_and_the_review(web, make_survey):
    kit = make_survey()
    kit.q["number"].settings = {"unit": {"sv": "minuter", "en": "minutes"}}
    db.session.commit()
    flow = Flow(web, kit.survey.id)
    for data in (page1(kit), page2(kit)):
        flow.next(data)
    assert '<span class="unit">minuter</span>' in flow.page
    assert "{&#39;sv&#39;" not in flow.page and "{'sv'" not in flow.page
    for data in (page3(kit), page4(kit)):
        flow.next(data)
    assert flow.step == "review"
    assert "15 minuter" in flow.page
    assert "{&#39;sv&#39;" not in flow.page and "{'sv'" not in flow.page


def test_a_refused_submission_creates_no_participant_and_sets_no_cookie(web, make_survey):
    """A submission refused by the service (an answer changed in the carried state) stores
    nobody and sets no participant cookie."""
    from app.accounts.models import Participant

    kit = make_survey()
    flow = Flow(web, kit.survey.id)
    for page in (page1, page2, page3, page4):
        flow.next(page(kit))
    assert flow.step == "review"
    state = flow.state
    state["answers"][str(kit.qid("likert"))] = {"value": 9}
    response = flow.post({"state": json.dumps(state)}, action="submit")
    assert response.status_code == 422
    assert 'class="field-error"' in flow.page
    assert "pd_participant" not in response.headers.get("Set-Cookie", "")
    assert db.session.scalar(db.select(db.func.count(Participant.id))) == 0
    assert counts() == (0, 0, 0)
