"""One whole consultation round through the UI alone: a planner sets up a detaljplan's samråd
with a survey and a discussion, residents on phones answer, comment and flag, the planner
moderates, answers officially, closes the round and publishes "what we heard – what we did",
and a resident reads it. Factories only create the organization and the planner."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from app.comments.models import Comment, CommentStatus, Flag, FlagReason
from app.extensions import db
from app.moderation.models import ModerationAction, ModerationDecision
from app.organizations.models import Role
from app.projects.models import Feedback, Project, ProjectStatus
from app.surveys.models import Answer, AnswerFeature, Response, SurveyStatus
from tests.e2e import journey_helpers as j

PIN_NOTE = "Fler bänkar i solen vid fontänen"
RUDE = "Planerarna är idioter som förstör torget"
QUESTION = "När börjar bygget av torget?"
ANSWER = "Bygget börjar tidigast våren 2028, efter antagandet."
HIDE_REASON = "Personangrepp"
HEARD = "Många vill ha fler sittplatser och bättre belysning på torget."
DID = "Vi lägger till bänkar i solläge och ny belysning i planförslaget."


def test_a_whole_consultation_round(
    page: Page, browser, playwright, live_server, make_org, make_user
) -> None:
    org = make_org(
        slug="huddinge", name="Huddinge kommun", map_lat=59.22, map_lon=17.95, map_zoom=15
    )
    make_user("planerare@huddinge.se", role=Role.PLANNER, org=org)
    base = live_server.url
    now = datetime.now(UTC)
    page.set_default_timeout(10_000)

    # 1. The planner sets up the project and its samråd.
    j.log_in(page, base, "planerare@huddinge.se")
    j.create_project(page)
    j.draw_area(page)
    j.set_consultation_dates(page, now - timedelta(days=1), now + timedelta(days=30))
    j.make_consultation_current(page)
    j.edit_consultation(page)
    j.add_activity(
        page, "survey", j.SURVEY, "The survey was created. Add its questions in the survey builder."
    )
    j.add_activity(page, "discussion", j.DISCUSSION, "The discussion was added.")
    j.publish_project(page)

    # 2. The survey: map point with two categories, a choice and a conditional choice.
    j.open_builder(page)
    j.build_survey(page)
    j.open_survey(page)

    # 3. A resident on a phone answers and comments; a second resident asks and flags.
    phone = playwright.devices["Pixel 7"]
    resident_ctx = browser.new_context(**phone)
    other_ctx = browser.new_context(**phone)
    try:
        resident = resident_ctx.new_page()
        j.find_stage(resident, base)
        stage_url = resident.url
        j.answer_survey(resident, PIN_NOTE)
        resident.goto(stage_url)
        j.post_comment(resident, RUDE)

        other = other_ctx.new_page()
        other.goto(stage_url)
        j.post_comment(other, QUESTION)
        j.flag_comment(other, RUDE)

        # 4. The planner sees the round's numbers, moderates and answers.
        row = j.round_row(page, base)
        expect(row.locator("[data-col=responses]")).to_have_text("1")
        expect(row.locator("[data-col=comments]")).to_have_text("2")
        expect(page.locator("#stat-flags")).to_have_text("1")

        j.hide_and_restore(page, base, RUDE, HIDE_REASON)
        resident.reload()
        thread = resident.locator("#thread")
        expect(thread.get_by_text(f"Borttagen av en moderator: {HIDE_REASON}")).to_be_visible()
        expect(thread.get_by_text(RUDE)).to_have_count(0)
        j.restore(page, RUDE)
        resident.reload()
        expect(resident.locator("#thread").get_by_text(RUDE)).to_be_visible()

        j.answer_officially(page, base, QUESTION, ANSWER)
        resident.reload()
        official = resident.locator("#thread article.comment.is-official")
        expect(official).to_contain_text(ANSWER)
        expect(official.locator(".badge-official")).to_have_text(
            re.compile(r"Officiellt svar från kommunen")
        )

        # Close the round: the survey, then the stage's closing time.
        j.go_to_project(page, base)
        j.open_builder(page)
        j.close_survey(page)
        j.go_to_project(page, base)
        j.set_consultation_dates(page, now - timedelta(days=1), datetime.now(UTC))
        expect(page.locator(".stage-item.is-current")).to_contain_text("Closed")
        j.publish_feedback(page, HEARD, DID, "Meeting places and social life")

        # 5. The resident reads the feedback on the project page.
        resident.goto(base + "/")
        resident.get_by_role("link", name=j.PROJECT).click()
        feedback = resident.locator(".feedback-item")
        expect(feedback).to_contain_text("Vad vi hörde")
        expect(feedback).to_contain_text(HEARD)
        expect(feedback).to_contain_text(DID)
        resident.goto(stage_url)
        expect(
            resident.get_by_text(re.compile(r"Enkäten .Hur använder du torget\?. är stängd"))
        ).to_be_visible()
    finally:
        resident_ctx.close()
        other_ctx.close()

    # What is stored.
    db.session.expire_all()
    project = db.session.scalar(db.select(Project).where(Project.slug == "flemingsbergs-torg"))
    assert project is not None and project.geometry["type"] == "Polygon"
    assert project.status == ProjectStatus.ACTIVE
    stage = project.current_stage
    (response,) = db.session.scalars(db.select(Response)).all()
    assert response.survey.status == SurveyStatus.CLOSED
    (feature,) = db.session.scalars(db.select(AnswerFeature)).all()
    assert feature.geometry["type"] == "Point"
    lon, lat = feature.geometry["coordinates"]
    assert project.min_lon <= lon <= project.max_lon and project.min_lat <= lat <= project.max_lat
    assert feature.comment == PIN_NOTE
    assert feature.category.label["sv"] == "Behöver förbättras"
    answers = {
        a.question.prompt["sv"]: a
        for a in db.session.scalars(db.select(Answer).where(Answer.response_id == response.id))
    }
    parking = answers[j.PARKING_PROMPT]
    garage = next(o for o in parking.question.options if o.label["sv"] == "I garaget")
    assert parking.value == garage.id
    travel = answers[j.TRAVEL_PROMPT]
    assert travel.value == next(o.id for o in travel.question.options if o.label["sv"] == "Bil")
    rude = db.session.scalar(db.select(Comment).where(Comment.body == RUDE))
    assert rude.status == CommentStatus.PUBLISHED and rude.stage_id == stage.id
    decisions = db.session.scalars(
        db.select(ModerationDecision)
        .where(ModerationDecision.comment_id == rude.id)
        .order_by(ModerationDecision.id)
    ).all()
    assert [d.action for d in decisions] == [ModerationAction.HIDE, ModerationAction.RESTORE]
    assert decisions[0].reason == HIDE_REASON
    (flag,) = db.session.scalars(db.select(Flag).where(Flag.comment_id == rude.id)).all()
    assert flag.reason == FlagReason.OFFENSIVE
    question = db.session.scalar(db.select(Comment).where(Comment.body == QUESTION))
    assert question.answered_at is not None
    reply = db.session.scalar(db.select(Comment).where(Comment.parent_id == question.id))
    assert reply.is_official and reply.body == ANSWER
    feedback_row = db.session.scalar(db.select(Feedback).where(Feedback.stage_id == stage.id))
    assert feedback_row.published_at is not None
    assert feedback_row.theme_keys == ["meeting"]
