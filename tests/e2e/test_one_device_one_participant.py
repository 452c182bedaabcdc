"""One phone is one participant, whatever races (issue 16 item 2): a double tap on "send"
and an offline send racing a page load both end with exactly one response that "Mina
bidrag" lists."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.accounts.models import Participant
from app.extensions import db
from app.projects.models import ActivityKind
from app.surveys.models import Question, QuestionType, Response


@pytest.fixture()
def survey_url(app, live_server, make_project, make_activity) -> str:
    project = make_project()
    survey = make_activity(project.current_stage, ActivityKind.SURVEY).survey
    survey.questions.append(
        Question(
            type=QuestionType.SHORT_TEXT,
            page=1,
            position=0,
            prompt={"sv": "Vad saknas i parken?", "en": "What is missing?"},
        )
    )
    db.session.commit()
    return f"{live_server.url}/s/{survey.id}"


SEND_TWICE = """async ({survey, question}) => {
  const token = document.querySelector('meta[name=csrf-token]').content;
  const body = JSON.stringify({client_id: crypto.randomUUID(), language: 'sv',
    answers: [{question_id: question, value: 'Skugga och bänkar'}]});
  const send = () => fetch('/api/v1/surveys/' + survey + '/responses', {method: 'POST',
    credentials: 'same-origin', body,
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}});
  const answers = await Promise.all([send(), send()]);
  return answers.map(a => a.status);
}"""


def _stored() -> tuple[int, int]:
    db.session.expire_all()
    responses = db.session.scalar(db.select(db.func.count(Response.id)))
    participants = db.session.scalar(db.select(db.func.count(Participant.id)))
    return responses, participants


def test_a_double_tap_on_send_stores_one_response_of_one_participant(
    browser, playwright, live_server, survey_url
):
    survey_id = int(survey_url.rsplit("/", 1)[1])
    question_id = db.session.scalar(db.select(Question.id).where(Question.survey_id == survey_id))
    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    try:
        page.goto(survey_url)
        page.get_by_label("Vad saknas i parken?").fill("Skugga och bänkar")
        page.get_by_role("button", name="Granska dina svar").click()
        expect(page.get_by_role("button", name="Skicka dina svar")).to_be_visible()
        # What a double tap sends: the same answers twice, the second request leaving before
        # the first is answered (so before any cookie it might set has arrived).
        statuses = page.evaluate(SEND_TWICE, {"survey": survey_id, "question": question_id})
        assert sorted(statuses) in ([200, 201], [201, 201]), statuses
        page.goto(live_server.url + "/my")
        expect(page.locator("[aria-labelledby=my-responses] li")).to_have_count(1)
    finally:
        context.close()
    assert _stored() == (1, 1)


def test_an_offline_send_racing_a_page_load_is_one_response(
    browser, playwright, live_server, survey_url
):
    context = browser.new_context(**playwright.devices["Pixel 7"])
    page = context.new_page()
    try:
        page.goto(survey_url)
        page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        context.set_offline(True)
        page.get_by_label("Vad saknas i parken?").fill("Belysning")
        page.get_by_role("button", name="Granska dina svar").click()
        page.get_by_role("button", name="Skicka dina svar").click()
        expect(page.get_by_text("Dina svar är sparade på enheten").first).to_be_visible()
        # The connection returns and a second tab loads a page at once: the "online" flush
        # and the page load's flush race each other.
        other = context.new_page()
        context.set_offline(False)
        other.goto(live_server.url + "/")
        page.wait_for_function(
            "() => document.querySelector('[data-state=sent]') !== null", timeout=15_000
        )
        other.goto(live_server.url + "/my")
        expect(other.locator("[aria-labelledby=my-responses] li")).to_have_count(1)
    finally:
        context.close()
    assert _stored() == (1, 1)
