"""A facilitator reviews the automatic coding with the keyboard: a accepts, n moves on,
r rejects; the decisions are stored as human codings."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.analysis_ui import services
from app.analysis_ui.models import Coding, ReviewState
from app.comments.models import Comment
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind
from tests.conftest import TEST_PASSWORD

UNSAFE = "Det känns otryggt att gå här på kvällen, belysningen är dålig och det är mörkt."
PARK = "Parken behöver fler träd och grönska, det är för lite natur här."


def test_facilitator_accepts_and_rejects_with_the_keyboard(
    page: Page, live_server, make_project, make_activity, make_participant, make_user
):
    project = make_project()
    stage = project.current_stage
    activity = make_activity(stage, ActivityKind.DISCUSSION)
    for body in (UNSAFE, PARK):
        db.session.add(
            Comment(
                activity_id=activity.id,
                stage_id=stage.id,
                participant_id=make_participant().id,
                body=body,
            )
        )
    db.session.commit()
    services.code_contributions(stage)
    db.session.commit()
    user = make_user("fac@example.se", role=Role.FACILITATOR, org=project.organization)

    base = live_server.url
    page.goto(base + "/login?lang=en")
    page.locator("#email").fill("fac@example.se")
    page.locator("#password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/")

    page.goto(f"{base}/manage/analysis/stages/{stage.id}/review?lang=en")
    expect(page.get_by_text("Keyboard shortcuts")).to_be_visible()
    item = page.locator("[data-review]")
    expect(item).to_contain_text(UNSAFE)
    page.locator("body").press("1")
    page.keyboard.press("a")
    expect(item.locator(".state-accepted")).to_have_count(1)

    page.keyboard.press("n")
    expect(item).to_contain_text(PARK)
    # The next contribution is a new page: its shortcuts work once its script has run.
    page.wait_for_function("document.body.dataset.reviewKeys === '1'")
    page.keyboard.press("r")
    expect(item.locator(".state-rejected")).to_have_count(1)

    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(Coding).where(Coding.source == f"human:{user.id}").order_by(Coding.id)
    ).all()
    assert [(r.theme_key, r.review_state) for r in rows] == [
        ("safety", ReviewState.ACCEPTED),
        ("green", ReviewState.REJECTED),
    ]


def test_facilitator_filters_corrects_valence_and_accepts_a_page(
    page: Page, live_server, make_project, make_activity, make_participant, make_user
):
    project = make_project()
    stage = project.current_stage
    activity = make_activity(stage, ActivityKind.DISCUSSION)
    for body in (UNSAFE, PARK):
        db.session.add(
            Comment(
                activity_id=activity.id,
                stage_id=stage.id,
                participant_id=make_participant().id,
                body=body,
            )
        )
    db.session.commit()
    services.code_contributions(stage)
    db.session.commit()
    user = make_user("fac2@example.se", role=Role.FACILITATOR, org=project.organization)

    base = live_server.url
    page.goto(base + "/login?lang=en")
    page.locator("#email").fill("fac2@example.se")
    page.locator("#password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/")

    page.goto(f"{base}/manage/analysis/stages/{stage.id}/review?lang=en")
    page.get_by_label("Theme", exact=True).select_option("green")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".review-list li")).to_have_count(1)
    item = page.locator("[data-review]")
    expect(item).to_contain_text(PARK)

    page.get_by_label("Valence").select_option("mixed")
    page.get_by_role("button", name="Save valence").click()
    expect(item).to_contain_text("corrected to mixed")
    expect(page.get_by_label("Theme", exact=True)).to_have_value("green")  # filters kept

    page.locator("[data-bulk-accept]").click()
    expect(page.locator(".review-list li")).to_contain_text("reviewed")
    expect(page.get_by_text("Fewer than 30 contributions have been reviewed")).to_be_visible()

    db.session.expire_all()
    rows = db.session.scalars(sa.select(Coding).where(Coding.source == f"human:{user.id}")).all()
    assert [(r.theme_key, r.review_state) for r in rows] == [("green", ReviewState.ACCEPTED)]
