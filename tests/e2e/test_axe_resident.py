"""Every resident page, in Swedish and in English, on a 360 px phone: no serious or critical
axe-core violations (WCAG 2.1 A/AA), no horizontal scrolling, and buttons big enough to tap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.projects.models import ActivityKind
from app.surveys.models import OptionKind, Question, QuestionOption, QuestionType

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RUN = (
    "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
    ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"
)
#: Buttons and form controls (not inline text links) shorter than 44 CSS px.
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
  'button, input[type=submit], select, input[type=text], input[type=email], ' +
  'input[type=password], input[type=number], input[type=search], textarea, .button'))
  .filter(el => el.offsetParent !== null && !el.closest('.leaflet-container'))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.height > 0 && r.height < 43.5)
  .map(([el, r]) => (el.id || el.name || el.className || el.tagName) + ' ' +
    Math.round(r.height))"""


@pytest.fixture()
def resident_world(app: Any, make_org: Any, make_project: Any, make_activity: Any) -> Any:
    org = make_org(name="Tyresö kommun")
    project = make_project(org, title={"sv": "Strandparken", "en": "The beach park"})
    stage = project.current_stage
    make_activity(stage, ActivityKind.DISCUSSION)
    survey = make_activity(stage, ActivityKind.SURVEY).survey
    survey.title = {"sv": "Strandens framtid", "en": "The beach's future"}
    survey.languages = ["sv", "en"]
    survey.questions.extend(
        [
            Question(
                type=QuestionType.MAP_POINT,
                page=1,
                position=0,
                prompt={"sv": "Var vill du bada?", "en": "Where do you want to swim?"},
                settings={"restrict_to_area": True},
                options=[
                    QuestionOption(
                        kind=OptionKind.CATEGORY,
                        position=0,
                        label={"sv": "Bra plats", "en": "Good place"},
                        color="#1e6b32",
                    ),
                ],
            ),
            Question(
                type=QuestionType.SINGLE_CHOICE,
                page=2,
                position=1,
                required=True,
                prompt={"sv": "Hur ofta?", "en": "How often?"},
                options=[
                    QuestionOption(
                        kind=OptionKind.OPTION, position=0, label={"sv": "Ofta", "en": "Often"}
                    ),
                    QuestionOption(
                        kind=OptionKind.OPTION,
                        position=1,
                        label={"sv": "Sällan", "en": "Rarely"},
                    ),
                ],
            ),
            Question(
                type=QuestionType.LIKERT,
                page=2,
                position=2,
                prompt={"sv": "Hur trygg känner du dig?", "en": "How safe do you feel?"},
            ),
        ]
    )
    db.session.commit()
    return org, project, stage, survey


def _check(page: Any, where: str) -> None:
    page.evaluate(AXE.read_text())
    assert page.evaluate(RUN) == [], where
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, (where, width)
    assert page.evaluate(SMALL_TARGETS) == [], where


@pytest.mark.parametrize("language", ["sv", "en"])
def test_resident_pages_have_no_serious_axe_violations(
    browser, playwright, live_server, resident_world, language
):
    org, project, stage, survey = resident_world
    device = dict(playwright.devices["Pixel 7"])
    device["viewport"] = {"width": 360, "height": 780}
    context = browser.new_context(**device)
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(f"{base}/lang/{language}?next=/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        for path in [
            "/",
            f"/p/{org.slug}/{project.slug}",
            f"/p/{org.slug}/{project.slug}/{stage.id}",
            "/login",
            "/register",
        ]:
            page.goto(base + path)
            _check(page, f"{language} {path}")

        page.goto(f"{base}/s/{survey.id}")
        _check(page, f"{language} survey page 1")
        page.locator("button[value=next]").click()
        page.locator(f"#question-{survey.questions[1].id}").wait_for()
        _check(page, f"{language} survey page 2")
        page.locator("button[value=next]").click()  # required question left empty
        expect(page.locator(".error-summary")).to_be_visible()
        _check(page, f"{language} survey page 2 with an error")
        page.locator(f"#q{survey.questions[1].id}-{survey.questions[1].options[0].id}").check()
        page.locator("button[value=next]").click()
        expect(page.locator("button[value=submit]")).to_be_visible()
        _check(page, f"{language} survey review")
        page.locator("button[value=submit]").click()
        expect(page.locator(".reference")).to_be_visible()
        _check(page, f"{language} receipt")
        page.goto(f"{base}/my")
        _check(page, f"{language} my contributions")
    finally:
        context.close()


def test_the_offline_survey_steps_have_no_serious_axe_violations(
    browser, playwright, live_server, resident_world
):
    """The pages survey-offline.js shows (pages, errors, review, waiting) pass axe too."""
    survey = resident_world[3]
    device = dict(playwright.devices["Pixel 7"])
    device["viewport"] = {"width": 360, "height": 780}
    context = browser.new_context(**device)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/s/{survey.id}")
        expect(page.locator(".survey-form")).to_be_visible()
        context.set_offline(True)
        page.evaluate("() => window.dispatchEvent(new Event('offline'))")
        _check(page, "offline page 1")
        page.get_by_role("button", name="Nästa").click()
        _check(page, "offline page 2")
        page.get_by_role("button", name="Granska dina svar").click()
        expect(page.locator(".error-summary")).to_be_visible()
        _check(page, "offline page 2 with an error")
        page.get_by_label("Ofta").check()
        page.get_by_role("button", name="Granska dina svar").click()
        expect(page.get_by_role("heading", name="Granska dina svar")).to_be_visible()
        _check(page, "offline review")
        page.get_by_role("button", name="Skicka dina svar").click()
        expect(page.locator("[data-state=waiting]").first).to_be_visible()
        _check(page, "offline waiting")
    finally:
        context.set_offline(False)
        context.close()
