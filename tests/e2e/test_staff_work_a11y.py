"""What staff work with, in a browser: the dashboard counts, the moderation queue with preset
hide reasons, "Att besvara" with assignment, internal notes, the notification setting, and the
response browser with a response's markings drawn on the map — axe clean, no horizontal
scrolling on a tablet. Screenshots go to ``$STAFF_SCREENSHOTS`` when it is set."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

from app.comments.models import Comment, CommentStatus, Flag, FlagReason
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind
from tests.conftest import TEST_PASSWORD
from tests.e2e.test_manage_a11y import AXE, AXE_RUN
from tests.integration.analysis_ui.conftest import (  # noqa: F401 - fixtures
    make_response,
    make_survey,
    point,
)


def test_staff_work_pages_in_a_browser(
    browser,
    live_server,
    make_org,
    make_user,
    make_project,
    make_activity,
    make_participant,
    make_survey,  # noqa: F811
    make_response,  # noqa: F811
):
    org = make_org(slug="huddinge", name="Huddinge kommun")
    make_user("planerare@huddinge.se", role=Role.PLANNER, org=org, display_name="Petra Planerare")
    make_user("handlaggare@huddinge.se", role=Role.FACILITATOR, org=org, display_name="Hassan H")
    project = make_project(org, title={"sv": "Sjödalen centrum", "en": "Sjödalen centre"})
    stage = project.current_stage
    discussion = make_activity(stage, ActivityKind.DISCUSSION, moderation="pre")

    def comment(body, **kw):
        c = Comment(
            activity=discussion,
            stage=stage,
            body=body,
            participant=make_participant(),
            **kw,
        )
        db.session.add(c)
        db.session.commit()
        return c

    comment("Kan ni flytta busshållplatsen närmare skolan?", status=CommentStatus.PENDING)
    flagged = comment("Köp billiga klockor på www.exempel.se")
    db.session.add(
        Flag(comment_id=flagged.id, participant_id=make_participant().id, reason=FlagReason.SPAM)
    )
    question = comment("När börjar bygget av förskolan?", needs_answer=True)
    question.created_at = utcnow() - timedelta(days=6)
    db.session.commit()
    setup = make_survey(stage)
    response = make_response(
        setup,
        text="Mer belysning längs gångvägen till stationen.",
        demographics={"district": "Alby", "age_band": "30-44"},
        pins=[
            (point(17.95, 59.22), "unsafe", "Mörkt vid tunneln"),
            (point(17.96, 59.225), "like", "Fin utsikt"),
        ],
    )
    for text in ("Fler bänkar vid torget", "Cykelbana till Flemingsberg"):
        make_response(setup, text=text, demographics={"district": "Fittja"})

    shots = os.environ.get("STAFF_SCREENSHOTS")
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(base + "/login")
        page.locator("#email").fill("planerare@huddinge.se")
        page.locator("#password").fill(TEST_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(base + "/")
        survey = setup.survey.id
        pages = {
            "dashboard": "/manage/",
            "queue": "/manage/moderation",
            "answers": "/manage/answers",
            "notes": f"/manage/comments/{question.id}/notes",
            "account": "/account",
            "responses": f"/manage/surveys/{survey}/responses",
            "response": f"/manage/surveys/{survey}/responses/{response.id}",
        }
        for name, path in pages.items():
            page.goto(base + path)
            expect(page.locator("h1")).to_be_visible()
            if name == "response":
                # The map draws both markings from the data attribute (no inline script).
                expect(page.locator("#response-map .marking-number")).to_have_count(2)
            page.evaluate(AXE.read_text())
            assert page.evaluate(AXE_RUN) == [], path
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 768, path
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/{name}.png", full_page=True)

        page.goto(base + "/manage/")
        expect(page.locator("#stat-pending")).to_have_text("1")
        expect(page.locator("#stat-flags")).to_have_text("1")
        expect(page.locator("#stat-answers")).to_have_text("1")

        # Assign the question to a colleague through the real form (CSRF on).
        page.goto(base + "/manage/answers")
        item = page.locator(f"#c-{question.id}")
        item.get_by_label("Tilldela", exact=True).select_option(label="Hassan H")
        due = (utcnow() + timedelta(days=7)).date().isoformat()
        item.locator("input[type=date]").fill(due)
        item.get_by_role("button", name="Spara tilldelning").click()
        expect(page.locator(f"#c-{question.id} [data-assignment]")).to_contain_text(
            "Tilldelad Hassan H"
        )

        # Hide the spam with a preset reason.
        page.goto(base + "/manage/moderation?kind=flagged")
        spam = page.locator(f"#c-{flagged.id}")
        spam.locator("select[name=preset]").select_option("spam")
        spam.get_by_role("button", name="Dölj").click()
        expect(page.locator(f"#c-{flagged.id}")).to_contain_text(
            "Borttagen av en moderator: Skräppost eller reklam"
        )
        db.session.expire_all()
        assert db.session.get(Comment, flagged.id).hidden_reason == "Skräppost eller reklam"

        # Filter the responses by a choice answer.
        page.goto(base + f"/manage/surveys/{survey}/responses")
        page.get_by_label("Svar på en flervalsfråga").select_option(label="Alby")
        page.get_by_role("button", name="Visa svar").click()
        expect(page.locator("#responses tbody tr")).to_have_count(1)
    finally:
        context.close()
