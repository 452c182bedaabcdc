"""A resident's answers are never lost on a phone (issue 16 items 5, 10, 14; issue 19 item 5):
a half-finished survey is kept on the device and resumes where it was left, survives a language
switch and an expired security token, an answered survey opens with the earlier answers, and
Back after sending never asks to resend a form. Pixel 7 profile, real Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.projects.models import ActivityKind, ParticipationPolicy
from app.surveys.models import (
    Answer,
    OptionKind,
    Question,
    QuestionOption,
    QuestionType,
    Response,
)

DRAFTS = "() => Object.keys(localStorage).filter(k => k.startsWith('pd-survey-draft-'))"


@pytest.fixture()
def two_pages(app: Any, make_project: Any, make_activity: Any) -> Any:
    """``make(policy=...)``: a survey of two pages; page 1 a required choice and a text,
    page 2 a long text."""

    def make(policy: ParticipationPolicy = ParticipationPolicy.ANONYMOUS) -> Any:
        project = make_project()
        survey = make_activity(project.current_stage, ActivityKind.SURVEY, policy=policy).survey
        survey.title = {"sv": "Parkenkäten", "en": "The park survey"}
        survey.questions.extend(
            [
                Question(
                    type=QuestionType.SINGLE_CHOICE,
                    page=1,
                    position=0,
                    required=True,
                    prompt={"sv": "Hur ofta går du dit?", "en": "How often do you go there?"},
                    options=[
                        QuestionOption(
                            kind=OptionKind.OPTION,
                            position=i,
                            label={"sv": sv, "en": en},
                        )
                        for i, (sv, en) in enumerate(
                            [("Varje dag", "Every day"), ("Sällan", "Rarely")]
                        )
                    ],
                ),
                Question(
                    type=QuestionType.SHORT_TEXT,
                    page=1,
                    position=1,
                    prompt={"sv": "Vad saknas?", "en": "What is missing?"},
                ),
                Question(
                    type=QuestionType.LONG_TEXT,
                    page=2,
                    position=2,
                    prompt={"sv": "Berätta mer", "en": "Tell us more"},
                ),
            ]
        )
        db.session.commit()
        return survey

    return make


@pytest.fixture()
def phone(browser: Any, playwright: Any) -> Any:
    contexts = []

    def make() -> Page:
        context = browser.new_context(**playwright.devices["Pixel 7"])
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _responses() -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Response)))


def _texts() -> set[str]:
    db.session.expire_all()
    return {a.text for a in db.session.scalars(db.select(Answer)) if a.text}


def _to_page_two(page: Page, url: str, missing: str = "Bänkar") -> None:
    page.goto(url)
    page.get_by_label("Sällan").check()
    page.get_by_label("Vad saknas?").fill(missing)
    page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_text("Sida 2 av 2")).to_be_visible()


def _switch_language(page: Page, name: str) -> None:
    page.locator(".nav-menu summary").click()
    page.locator(".nav-menu").get_by_role("link", name=name).click()


def test_a_language_switch_keeps_the_answers_and_the_page(phone, live_server, two_pages):
    survey = two_pages()
    page = phone()
    _to_page_two(page, f"{live_server.url}/s/{survey.id}")
    page.get_by_label("Berätta mer").fill("Fler träd vid dammen")
    _switch_language(page, "English")
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.get_by_label("Tell us more")).to_have_value("Fler träd vid dammen")
    page.get_by_role("button", name="Back", exact=True).click()
    expect(page.get_by_label("Rarely")).to_be_checked()
    expect(page.get_by_label("What is missing?")).to_have_value("Bänkar")
    _switch_language(page, "Svenska")
    expect(page.get_by_text("Sida 1 av 2")).to_be_visible()
    expect(page.get_by_label("Sällan")).to_be_checked()
    page.get_by_role("button", name="Nästa").click()
    page.get_by_role("button", name="Granska dina svar").click()
    page.get_by_role("button", name="Skicka dina svar").click()
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    assert _texts() == {"Bänkar", "Fler träd vid dammen"}


def test_a_half_finished_survey_resumes_after_a_reload_and_can_be_discarded(
    phone, live_server, two_pages
):
    survey = two_pages()
    page = phone()
    _to_page_two(page, f"{live_server.url}/s/{survey.id}")
    page.get_by_label("Berätta mer").fill("Halvfärdig tanke")
    page.reload()
    expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
    expect(page.get_by_label("Berätta mer")).to_have_value("Halvfärdig tanke")
    expect(page.get_by_role("status").filter(has_text="sparade svar")).to_be_visible()
    # Leaving and coming back later (a new visit to the survey's address) resumes too.
    page.goto(live_server.url + "/")
    page.goto(f"{live_server.url}/s/{survey.id}")
    expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
    page.get_by_role("button", name="Börja om").click()
    expect(page.get_by_text("Sida 1 av 2")).to_be_visible()
    expect(page.get_by_label("Sällan")).not_to_be_checked()
    expect(page.get_by_label("Vad saknas?")).to_have_value("")
    page.reload()
    expect(page.get_by_text("Sida 1 av 2")).to_be_visible()
    expect(page.get_by_label("Vad saknas?")).to_have_value("")
    assert page.evaluate(DRAFTS) == []
    assert _responses() == []


def test_reopening_an_answered_survey_shows_the_earlier_answers_and_change_returns_to_review(
    phone, live_server, two_pages
):
    survey = two_pages()
    page = phone()
    _to_page_two(page, f"{live_server.url}/s/{survey.id}")
    page.get_by_role("button", name="Granska dina svar").click()
    page.get_by_role("button", name="Skicka dina svar").click()
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    page.goto(f"{live_server.url}/s/{survey.id}")
    expect(page.get_by_label("Sällan")).to_be_checked()
    expect(page.get_by_label("Vad saknas?")).to_have_value("Bänkar")
    page.get_by_role("button", name="Nästa").click()
    page.get_by_role("button", name="Granska dina svar").click()
    page.get_by_role("button", name=re.compile(r"^Ändra\s*: Vad saknas\?$")).click()
    page.get_by_label("Vad saknas?").fill("Papperskorgar")
    page.get_by_role("button", name="Tillbaka till granskningen").click()
    expect(page.get_by_role("heading", name="Granska dina svar")).to_be_visible()
    expect(page.get_by_text("Papperskorgar")).to_be_visible()
    page.get_by_role("button", name="Skicka dina svar").click()
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    assert len(_responses()) == 1
    assert _texts() == {"Papperskorgar"}


def test_answers_in_progress_win_over_the_saved_earlier_response(phone, live_server, two_pages):
    survey = two_pages()
    page = phone()
    url = f"{live_server.url}/s/{survey.id}"
    _to_page_two(page, url)
    page.get_by_role("button", name="Granska dina svar").click()
    page.get_by_role("button", name="Skicka dina svar").click()
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    page.goto(url)
    page.get_by_label("Varje dag").check()
    page.get_by_label("Vad saknas?").fill("Lekplats")
    page.reload()
    expect(page.get_by_label("Varje dag")).to_be_checked()
    expect(page.get_by_label("Vad saknas?")).to_have_value("Lekplats")
    _switch_language(page, "English")
    expect(page.get_by_label("Every day")).to_be_checked()
    expect(page.get_by_label("What is missing?")).to_have_value("Lekplats")


def test_an_expired_security_token_keeps_the_answers_and_sends_them(phone, live_server, two_pages):
    survey = two_pages()
    page = phone()
    _to_page_two(page, f"{live_server.url}/s/{survey.id}")
    page.get_by_label("Berätta mer").fill("Skickas efter flera timmar")
    page.get_by_role("button", name="Granska dina svar").click()
    # Hours later the token in the page has expired (the session has changed).
    page.evaluate(
        "() => document.querySelectorAll('input[name=csrf_token]')"
        ".forEach(i => { i.value = 'IjE2ZmQ.expired.token'; })"
    )
    page.get_by_role("button", name="Skicka dina svar").click()
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    assert len(_responses()) == 1
    assert _texts() == {"Bänkar", "Skickas efter flera timmar"}


def test_back_after_sending_never_resubmits_a_form(phone, live_server, two_pages):
    survey = two_pages()
    page = phone()
    _to_page_two(page, f"{live_server.url}/s/{survey.id}")
    page.get_by_role("button", name="Granska dina svar").click()
    page.get_by_role("button", name="Skicka dina svar").click()
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    receipt = page.url
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.go_back()
    # The survey opens again (by GET, with the answers just sent), no "Confirm Form
    # Resubmission" and no error page.
    expect(page.locator("h1")).to_have_text("Parkenkäten")
    expect(page.get_by_label("Vad saknas?")).to_have_value("Bänkar")
    assert posts == []
    page.go_forward()
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    assert page.url == receipt and posts == []
    assert len(_responses()) == 1


def test_a_draft_is_cleared_on_logout(phone, live_server, two_pages, make_user):
    survey = two_pages()
    user = make_user("boende@example.se")
    page = phone()
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Lösenord").fill("correct horse battery staple")
    page.locator("main").get_by_role("button", name="Logga in").click()
    expect(page.locator(".nav-menu form[action='/logout']")).to_be_attached()
    _to_page_two(page, f"{live_server.url}/s/{survey.id}")
    page.reload()
    expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
    assert len(page.evaluate(DRAFTS)) == 1
    page.locator(".nav-menu summary").click()
    page.locator(".nav-menu").get_by_role("button", name="Logga ut").click()
    expect(page.locator(".nav-menu a[href='/login']")).to_be_attached()
    assert page.evaluate(DRAFTS) == []


def test_a_kiosk_keeps_no_draft(phone, live_server, two_pages):
    survey = two_pages()
    page = phone()
    _to_page_two(page, f"{live_server.url}/s/{survey.id}?kiosk=1")
    expect(page.locator(".survey-form[data-kiosk]")).to_be_attached()
    page.get_by_label("Berätta mer").fill("Nästa person ska inte se detta")
    assert page.evaluate(DRAFTS) == []
    page.goto(f"{live_server.url}/s/{survey.id}?kiosk=1")
    expect(page.get_by_text("Sida 1 av 2")).to_be_visible()
    expect(page.get_by_label("Sällan")).not_to_be_checked()


def test_a_draft_resumes_without_a_connection(phone, live_server, two_pages):
    survey = two_pages()
    page = phone()
    url = f"{live_server.url}/s/{survey.id}"
    page.goto(url)
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # controlled by the service worker: the survey page is kept for offline use
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.get_by_label("Sällan").check()
    page.get_by_label("Vad saknas?").fill("Skugga")
    page.context.set_offline(True)
    page.goto(url)
    expect(page.get_by_label("Sällan")).to_be_checked()
    expect(page.get_by_label("Vad saknas?")).to_have_value("Skugga")
    page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
    page.get_by_label("Berätta mer").fill("Skrivet utan nät")
    page.goto(url)
    expect(page.get_by_text("Sida 2 av 2")).to_be_visible()
    expect(page.get_by_label("Berätta mer")).to_have_value("Skrivet utan nät")


AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_RUN = (
    "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
    ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))"
)


def _axe(page: Page) -> list[str]:
    page.evaluate(AXE.read_text())
    return page.evaluate(AXE_RUN)


@pytest.mark.parametrize(
    ("language", "page_two", "review", "send", "thanks", "answers"),
    [
        (
            "sv",
            "Sida 2 av 2",
            "Granska dina svar",
            "Skicka dina svar",
            "Tack för dina svar",
            "Dina svar",
        ),
        (
            "en",
            "Page 2 of 2",
            "Review your answers",
            "Send your answers",
            "Thank you for your answers",
            "Your answers",
        ),
    ],
)
def test_a_resumed_survey_its_review_and_the_receipt_are_axe_clean(
    phone, live_server, two_pages, language, page_two, review, send, thanks, answers
):
    survey = two_pages()
    page = phone()
    page.goto(f"{live_server.url}/lang/{language}")
    url = f"{live_server.url}/s/{survey.id}"
    page.goto(url)
    page.locator(".question input[type=radio]").last.check()
    page.locator(".question input[type=text]").first.fill("Bänkar")
    page.locator("button[value=next]").click()
    expect(page.get_by_text(page_two)).to_be_visible()
    page.locator(".question textarea").first.fill("Fler träd")
    page.goto(url)
    expect(page.get_by_text(page_two)).to_be_visible()
    expect(page.locator("[data-draft-note]")).to_be_visible()
    assert _axe(page) == []
    page.get_by_role("button", name=review).click()
    expect(page.get_by_role("heading", name=review)).to_be_visible()
    assert _axe(page) == []
    page.get_by_role("button", name=send).click()
    expect(page.get_by_role("heading", name=thanks)).to_be_visible()
    expect(page.get_by_role("heading", name=answers, exact=True)).to_be_visible()
    expect(page.get_by_text("Fler träd")).to_be_visible()
    assert _axe(page) == []
    assert page.evaluate(DRAFTS) == []
