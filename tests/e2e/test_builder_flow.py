"""A planner builds a survey in a real Chromium (map question with two categories and a
conditional single-choice question) and opens it; then moderates a flagged comment and
writes an official answer."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from app.comments.models import Comment, CommentStatus, Flag, FlagReason
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind
from app.surveys.models import OptionKind, QuestionType, Survey, SurveyStatus
from tests.conftest import TEST_PASSWORD

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_RUN = (
    "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
    ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))"
)


def _no_serious_axe_violations(page: Page) -> None:
    page.evaluate(AXE.read_text())
    assert page.evaluate(AXE_RUN) == [], page.url


def _login(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/")


def test_planner_builds_and_opens_a_survey(
    page: Page, live_server, make_org, make_user, make_project, make_activity
):
    org = make_org()
    make_user("planerare@example.se", role=Role.PLANNER, org=org)
    project = make_project(org)
    survey = make_activity(project.current_stage, ActivityKind.SURVEY).survey
    survey.status = SurveyStatus.DRAFT
    db.session.commit()
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    _login(page, base, "planerare@example.se")
    page.goto(f"{base}/manage/surveys/{survey.id}?lang=en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Survey builder")
    expect(page.locator("#survey-preview")).to_have_attribute("src", f"/s/{survey.id}?preview=1")

    # A map question: keep "Good place", replace the other defaults by "Feels unsafe".
    page.get_by_label("Question type").select_option("map_point")
    page.get_by_role("button", name="Add question").click()
    questions = page.locator("#questions .question-card")
    expect(questions).to_have_count(1)
    questions.first.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit question")
    page.get_by_label("Question (Swedish)").fill("Var känner du dig otrygg?")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("The question was saved.")).to_be_visible()
    # The phone preview reloads after the change and shows the new text.
    preview = page.frame_locator("#survey-preview")
    expect(preview.get_by_text("Var känner du dig otrygg?").first).to_be_visible()
    options = page.locator("#options")
    for label in ("Idea", "Needs improvement"):
        card = options.locator(".option-card").filter(has=page.locator("strong", has_text=label))
        card.get_by_role("button", name="Delete").click()
        expect(card).to_have_count(0)
    options.get_by_text("Add a category").click()
    options.locator("#new-category-label_sv").fill("Känns otryggt")
    options.locator("#new-category-icon").select_option("warning")
    options.locator("#new-category-color").fill("#b00020")
    options.locator("#new-category-valence_hint").select_option("negative")
    options.get_by_role("button", name="Add category").click()
    expect(options.locator(".option-card")).to_have_count(2)
    expect(options.locator(".option-card").last).to_contain_text("Känns otryggt")
    expect(options.locator(".option-card").last).to_contain_text("#b00020")

    # A relation question (default options) and a single choice shown only for residents.
    page.get_by_role("link", name="Back to all questions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Survey builder")
    page.get_by_label("Question type").select_option("relation")
    page.get_by_role("button", name="Add question").click()
    expect(questions).to_have_count(2)
    page.get_by_label("Question type").select_option("single_choice")
    page.get_by_role("button", name="Add question").click()
    expect(questions).to_have_count(3)
    questions.nth(2).get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit question")
    page.get_by_label("Question (Swedish)").fill("Hur trivs du i ditt kvarter?")
    condition = page.get_by_label("Show only when an earlier answer is")
    expect(condition.locator("option").nth(1)).to_contain_text("Jag bor här")
    condition.select_option(index=1)
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("The question was saved.")).to_be_visible()
    for label in ("Bra", "Dåligt"):
        if not page.locator("#new-option-label_sv").is_visible():
            page.get_by_text("Add an option").click()
        page.locator("#new-option-label_sv").fill(label)
        page.get_by_role("button", name="Add option").click()
        expect(page.locator("#options .option-card strong", has_text=label)).to_be_visible()

    _no_serious_axe_violations(page)

    # Open it.
    page.get_by_role("link", name="Back to all questions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Survey builder")
    _no_serious_axe_violations(page)
    page.get_by_role("button", name="Open the survey").click()
    expect(page.locator("#survey-status")).to_contain_text("The survey is open.")

    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    assert survey.status == SurveyStatus.OPEN
    mapq, relation, choice = survey.questions
    assert mapq.type == QuestionType.MAP_POINT
    assert [o.label["sv"] for o in mapq.options_of(OptionKind.CATEGORY)] == [
        "Bra plats",
        "Känns otryggt",
    ]
    assert choice.condition_question_id == relation.id
    assert choice.condition_option_id == relation.options[0].id
    assert [o.label["sv"] for o in choice.options] == ["Bra", "Dåligt"]


def test_planner_edits_an_option_label(
    page: Page, live_server, make_org, make_user, make_project, make_activity
):
    """Issue 17 item 1: saving an edited option used to answer 422 whatever was typed."""
    org = make_org()
    make_user("planerare@example.se", role=Role.PLANNER, org=org)
    survey = make_activity(make_project(org).current_stage, ActivityKind.SURVEY).survey
    survey.status = SurveyStatus.DRAFT
    db.session.commit()
    base = live_server.url
    _login(page, base, "planerare@example.se")
    page.goto(f"{base}/manage/surveys/{survey.id}?lang=en")
    page.get_by_label("Question type").select_option("single_choice")
    page.get_by_role("button", name="Add question").click()
    page.locator("#questions .question-card").first.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit question")
    options = page.locator("#options")
    add = options.locator("details.add-option")
    for label in ("Buss", "Cykel"):
        if add.get_attribute("open") is None:
            add.locator("summary").click()
        page.locator("#new-option-label_sv").fill(label)
        page.get_by_role("button", name="Add option").click()
        expect(options.locator(".option-card strong", has_text=label)).to_be_visible()

    card = options.locator(".option-card").filter(has=page.locator("strong", has_text="Cykel"))
    card.locator("summary", has_text="Edit").click()
    # An empty label is refused with the message at the field, in place.
    card.get_by_label("Label (Swedish)").fill("")
    card.get_by_role("button", name="Save").click()
    card = options.locator(".option-card").filter(has=page.locator("strong", has_text="Cykel"))
    expect(card.locator(".field-error")).to_be_visible()
    card.get_by_label("Label (Swedish)").fill("Cykla")
    card.get_by_role("button", name="Save").click()
    expect(options.get_by_text("Saved.")).to_be_visible()
    expect(options.locator(".option-card strong", has_text="Cykla")).to_be_visible()
    expect(options.locator(".error-box, .field-error")).to_have_count(0)
    _no_serious_axe_violations(page)

    db.session.expire_all()
    question = db.session.get(Survey, survey.id).questions[0]
    assert [o.label["sv"] for o in question.options] == ["Buss", "Cykla"]


def test_planner_moderates_and_answers(
    page: Page, live_server, make_org, make_user, make_project, make_activity, make_participant
):
    org = make_org()
    make_user("planerare@example.se", role=Role.PLANNER, org=org)
    activity = make_activity(make_project(org).current_stage, ActivityKind.DISCUSSION)
    rude = Comment(
        activity=activity,
        stage=activity.stage,
        body="Ni är alla idioter",
        participant=make_participant(),
    )
    question = Comment(
        activity=activity,
        stage=activity.stage,
        body="När öppnar den nya förskolan?",
        participant=make_participant(),
    )
    db.session.add_all([rude, question])
    db.session.flush()
    db.session.add(
        Flag(comment_id=rude.id, participant_id=make_participant().id, reason=FlagReason.OFFENSIVE)
    )
    db.session.commit()
    base = live_server.url
    _login(page, base, "planerare@example.se")
    page.goto(f"{base}/manage/moderation?lang=en")

    _no_serious_axe_violations(page)
    item = page.locator(f"#c-{rude.id}")
    expect(item).to_contain_text("Offensive (1)")
    item.get_by_label("Reason for hiding (shown publicly)").select_option("other")
    item.get_by_label("Details or another reason (shown publicly)").fill("Personangrepp")
    item.get_by_role("button", name="Hide").click()
    expect(page.locator(f"#c-{rude.id}")).to_contain_text("The comment is hidden.")
    expect(page.locator(f"#c-{rude.id}")).to_contain_text("Personangrepp")

    page.goto(f"{base}/manage/moderation?kind=recent")
    other = page.locator(f"#c-{question.id}")
    other.get_by_role("button", name="Needs an official answer").click()
    expect(page.locator(f"#c-{question.id}")).to_contain_text("Waiting for an official answer")
    page.goto(f"{base}/manage/answers")
    page.locator(f"#c-{question.id}").get_by_role("link", name="Write an official answer").click()
    _no_serious_axe_violations(page)
    page.get_by_label("Official answer").fill("Förskolan öppnar i augusti 2027.")
    page.get_by_role("button", name="Publish the answer").click()
    expect(page.get_by_text("The official answer is published.")).to_be_visible()

    db.session.expire_all()
    assert db.session.get(Comment, rude.id).status == CommentStatus.HIDDEN
    assert db.session.get(Comment, question.id).answered_at is not None
    reply = db.session.scalar(db.select(Comment).where(Comment.parent_id == question.id))
    assert reply.is_official and reply.body == "Förskolan öppnar i augusti 2027."
