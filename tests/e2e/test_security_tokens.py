"""A planner creates an API token in the browser (CSRF on), a script uses it, the planner
revokes it and the script is refused; the token page has no serious accessibility issues."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from app.extensions import db
from app.projects.models import ActivityKind
from app.surveys.models import SurveyStatus
from tests.conftest import TEST_PASSWORD

SLOW = 15_000
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def _serious_violations(page: Page) -> list[str]:
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21aa']}})"
    )
    return [
        f"{v['id']}: {[n['html'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_planner_creates_uses_and_revokes_a_token(
    page: Page, live_server, make_org, make_user, make_project, make_activity
):
    org = make_org(name="Nykvarns kommun")
    planner = make_user("planerare@nykvarn.se", role="planner", org=org, locale="en")
    project = make_project(org)
    survey = make_activity(project.current_stage, ActivityKind.SURVEY).survey
    survey.status = SurveyStatus.OPEN
    db.session.commit()
    url = f"{live_server.url}/api/v1/surveys/{survey.id}/responses"

    page.goto(live_server.url + "/login?lang=en")
    page.get_by_label("Email", exact=True).fill(planner.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_visible(timeout=SLOW)

    page.goto(live_server.url + "/account/tokens")
    page.get_by_label("Name of the token").fill("Nightly export")
    page.get_by_role("button", name="Create token").click()
    token_box = page.get_by_label("Your new token")
    expect(token_box).to_be_visible(timeout=SLOW)
    token = token_box.input_value()
    assert token.startswith("pd_")
    assert _serious_violations(page) == []

    script = page.context.browser.new_context()  # no cookies: a script
    try:
        answer = script.request.get(url, headers={"Authorization": f"Bearer {token}"})
        assert answer.status == 200
        page.get_by_role("button", name="Revoke “Nightly export”").click()
        expect(page.get_by_text("is revoked")).to_be_visible(timeout=SLOW)
        answer = script.request.get(url, headers={"Authorization": f"Bearer {token}"})
        assert answer.status == 401
    finally:
        script.close()
