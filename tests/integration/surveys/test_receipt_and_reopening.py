"""The receipt closes the loop (issue 19 item 6): what happens next and when, a copy of the
answers, links to "Mina bidrag" and to follow the project; and an answered survey opens with
its earlier answers (issue 16 item 14), every question type kept as it was sent."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import pytest

from app.extensions import db
from app.surveys.models import Answer, Question, Response
from tests.formparse import form_by_action, form_fields
from tests.integration.surveys.conftest import Flow, hidden_fields


def _send(web: Any, kit: Any) -> dict[str, Any]:
    response = web.post(f"/api/v1/surveys/{kit.survey.id}/responses", json=kit.payload())
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "sv",
            [
                "Vad händer nu",
                "till och med 15 mars 2099",
                "Dina svar",
                "Fler bänkar",
                "Hur många minuter går du dit?",
                "Mina bidrag",
                "Följ projektet",
            ],
        ),
        (
            "en",
            [
                "What happens next",
                "until March 15, 2099",
                "Your answers",
                "Fler bänkar",
                "How many minutes do you walk there?",
                "My contributions",
                "Follow the project",
            ],
        ),
    ],
)
def test_the_receipt_says_what_happens_next_and_copies_the_answers(
    web, make_survey, language, texts
):
    kit = make_survey()
    stage = kit.survey.activity.stage
    stage.closes_at = datetime(2099, 3, 15, 12, 0)
    db.session.commit()
    if language != "sv":
        web.get(f"/lang/{language}")
    sent = _send(web, kit)
    page = web.get(f"/s/{kit.survey.id}/receipt/{sent['client_id']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for expected in texts:
        assert expected in text, expected
    # Every answered question is in the copy, once, with its answer.
    assert text.count('class="review-row"') == len(kit.valid_answers())
    assert re.search(r"<dt>[^<]*minut[^<]*</dt><dd[^>]*>12 min</dd>", text)
    assert 'href="/my"' in text
    project = kit.project
    assert f'href="/p/{project.organization.slug}/{project.slug}#follow"' in text


def test_the_receipt_is_in_the_language_the_survey_was_shown_in(web, make_survey):
    """A survey with an English text missing is shown in Swedish to a resident reading
    English; the receipt's copy of the answers is too, never half in each language."""
    kit = make_survey()
    text_question = db.session.get(Question, kit.qid("long"))
    text_question.prompt = {"sv": "Berätta mer"}  # the English is missing
    db.session.commit()
    web.get("/lang/en")
    sent = _send(web, kit)
    text = web.get(f"/s/{kit.survey.id}/receipt/{sent['client_id']}").get_data(as_text=True)
    assert "What happens next" in text  # the page itself stays English
    assert "Hur många minuter går du dit?" in text
    assert "How many minutes do you walk there?" not in text
    assert "This page is not yet fully translated into English" in text


def test_a_kiosk_receipt_shows_no_answers_and_starts_the_next_person(web, make_survey):
    kit = make_survey()
    sent = _send(web, kit)
    text = web.get(f"/s/{kit.survey.id}/receipt/{sent['client_id']}?kiosk=1").get_data(as_text=True)
    assert "Tack för dina svar" in text
    assert "Fler bänkar" not in text and "receipt-follow" not in text
    assert f'href="/s/{kit.survey.id}?kiosk=1"' in text


def _as_browser(web: Any, page: str, survey_id: int, **extra: Any) -> Any:
    """Post the survey form as a browser would: every control with what it shows."""
    data = form_fields(form_by_action(page, f"/s/{survey_id}"))
    data.update(extra)
    return web.post(f"/s/{survey_id}", data=data)


def _snapshot() -> dict[int, Any]:
    db.session.expire_all()
    return {
        a.question_id: (
            a.value,
            a.text,
            [(f.geometry, f.category_id, f.comment) for f in a.features],
        )
        for a in db.session.scalars(db.select(Answer))
    }


def test_reopening_fills_in_every_question_type_and_sending_again_keeps_them(web, make_survey):
    kit = make_survey()
    _send(web, kit)
    before = _snapshot()
    page = web.get(f"/s/{kit.survey.id}").get_data(as_text=True)
    assert "dina svar är ifyllda" in page
    state = json.loads(hidden_fields(page)["state"])
    assert {int(k) for k in state["answers"]} == {a["question_id"] for a in kit.valid_answers()}
    assert 'value="Fler bänkar"' in page
    for _page in range(4):
        response = _as_browser(web, page, kit.survey.id, action="next")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
    assert "Granska dina svar" in page and "Fler bänkar" in page and "12 min" in page
    assert _as_browser(web, page, kit.survey.id, action="submit").status_code == 303
    assert _snapshot() == before
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 1


def test_a_kiosk_opens_empty_even_after_the_device_answered(web, make_survey):
    kit = make_survey()
    _send(web, kit)
    flow = Flow(web, kit.survey.id, "?kiosk=1")
    assert json.loads(hidden_fields(flow.page)["state"])["answers"] == {}
    assert "data-kiosk" in flow.page and "dina svar är ifyllda" not in flow.page


def test_change_on_the_review_returns_to_the_review(web, make_survey):
    kit = make_survey()
    _send(web, kit)
    page = web.get(f"/s/{kit.survey.id}").get_data(as_text=True)
    for _page in range(4):
        page = _as_browser(web, page, kit.survey.id, action="next").get_data(as_text=True)
    page = _as_browser(web, page, kit.survey.id, goto="3").get_data(as_text=True)
    assert "Tillbaka till granskningen" in page and "Sida 3 av 4" in page
    changes = {f"q{kit.qid('short')}": "Färre bilar", "action": "review"}
    page = _as_browser(web, page, kit.survey.id, **changes).get_data(as_text=True)
    assert "Granska dina svar" in page and "Färre bilar" in page


def test_an_expired_token_keeps_the_answers_and_stores_nothing(make_app, make_survey):
    kit = make_survey()
    web = make_app(WTF_CSRF_ENABLED=True).test_client()
    flow = Flow(web, kit.survey.id)
    flow.post(action="next")
    answered = hidden_fields(flow.page)["state"]
    response = flow.post({f"q{kit.qid('single')}": str(kit.option("single", 1))}, csrf_token="x")
    assert response.status_code == 400
    assert "Av säkerhetsskäl hade sidan gått ut" in flow.page
    state = json.loads(hidden_fields(flow.page)["state"])
    assert state["answers"] == json.loads(answered)["answers"] | {
        str(kit.qid("single")): {"value": kit.option("single", 1)}
    }
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0
    # The fresh token in the page works.
    assert flow.post(action="next").status_code == 200
    assert "Sida 3 av 4" in flow.page
