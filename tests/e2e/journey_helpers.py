"""Steps of a whole consultation round driven through the UI only (see test_round_journey.py).

The planner works in English (``?lang=en`` sticks in the session); residents use the default
Swedish interface, as a resident of a Swedish municipality would.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from tests.conftest import TEST_PASSWORD

STOCKHOLM = ZoneInfo("Europe/Stockholm")

PROJECT = "Flemingsbergs torg"
SURVEY = "Hur använder du torget?"
DISCUSSION = "Tyck till om torget"
MAP_PROMPT = "Var vill du ha fler sittplatser?"
TRAVEL_PROMPT = "Hur tar du dig till torget?"
PARKING_PROMPT = "Var parkerar du?"


def local_input(moment: datetime) -> str:
    """A time as a datetime-local input value in the organization's (Swedish) time."""
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")


# --- planner --------------------------------------------------------------------------------


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login?lang=en")
    page.locator("#email").fill(email)
    page.locator("#password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/")
    page.goto(base + "/manage/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def create_project(page: Page) -> None:
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Process template").select_option("detaljplan_standard")
    page.get_by_label("Kind of project").select_option("detaljplan")
    page.get_by_label("Address name (slug)").fill("flemingsbergs-torg")
    page.get_by_label("Title (Swedish)").fill(PROJECT)
    page.get_by_label("Summary (Swedish)").fill("Ett nytt torg med bostäder runt omkring.")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name=PROJECT)).to_be_visible()


def draw_area(page: Page) -> None:
    """Geoman polygon tool: four corners clicked on the map, then back to the first."""
    page.get_by_role("link", name="Area", exact=True).click()
    map_box = page.locator("#area-map")
    tool = map_box.locator(".leaflet-pm-icon-polygon")
    expect(tool).to_be_visible()
    tool.click()
    box = map_box.bounding_box()
    assert box is not None
    vertices = map_box.locator(".marker-icon:not(.cursor-marker)")
    corners = [(0.2, 0.2), (0.8, 0.2), (0.8, 0.8), (0.2, 0.8)]
    for n, (fx, fy) in enumerate(corners, start=1):
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        # Geoman ignores a click that lands before it has drawn the previous vertex.
        expect(vertices).to_have_count(n)
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2)
    expect(page.locator("#geojson")).to_have_value(re.compile(r'"Polygon"'))
    page.get_by_role("button", name="Save area").click()
    expect(page.get_by_text("The area was saved.")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Set")


def follow(page: Page, link: Locator, path: str) -> None:
    """Click a (boosted) link and wait until its page has arrived: after a save's redirect the
    old page can look the same, and a click on its links would race the pending request."""
    with page.expect_response(re.compile(path + r"(\?.*)?$")):
        link.click()
    page.wait_for_url(re.compile(path + r"(\?.*)?$"))
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def go_to_stages(page: Page) -> None:
    follow(
        page,
        page.get_by_role("link", name="Stages and activities", exact=True),
        r"/manage/projects/\d+/stages",
    )


def edit_consultation(page: Page) -> None:
    go_to_stages(page)
    edit = page.get_by_role("link", name=re.compile(r"^Edit\W+Consultation$"))
    follow(page, edit, r"/manage/stages/\d+")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consultation")


def set_consultation_dates(page: Page, opens: datetime, closes: datetime) -> None:
    edit_consultation(page)
    page.get_by_label("Opens").fill(local_input(opens))
    page.get_by_label("Closes").fill(local_input(closes))
    page.get_by_role("button", name="Save stage").click()
    expect(page.get_by_text("The stage was saved.")).to_be_visible()


def make_consultation_current(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Make current\W+Consultation$")).click()
    current = page.locator(".stage-item.is-current")
    expect(current).to_contain_text("Consultation")
    expect(current).to_contain_text("Open")


def add_activity(page: Page, kind: str, title: str, flash: str) -> None:
    page.get_by_label("Kind of activity").select_option(kind)
    page.get_by_label("Activity name (Swedish)").fill(title)
    page.get_by_role("button", name="Add activity").click()
    expect(page.get_by_text(flash)).to_be_visible()
    expect(page.locator("#activities")).to_contain_text(title)


def publish_project(page: Page) -> None:
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Publish", exact=True).click()
    page.get_by_role("button", name="Yes, make it: Published").click()
    expect(page.locator("#project-status")).to_have_text("Published")


def open_builder(page: Page) -> None:
    edit_consultation(page)
    page.get_by_role("link", name="Open the survey builder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Survey builder")


def _add_question(page: Page, kind: str, prompt: str) -> None:
    questions = page.locator("#questions .question-card")
    before = questions.count()
    page.get_by_label("Question type").select_option(kind)
    page.get_by_role("button", name="Add question").click()
    expect(questions).to_have_count(before + 1)
    questions.last.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit question")
    page.get_by_label("Question (Swedish)").fill(prompt)


def _save_question(page: Page) -> None:
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("The question was saved.")).to_be_visible()


def _add_options(page: Page, labels: list[str]) -> None:
    for label in labels:
        if not page.locator("#new-option-label_sv").is_visible():
            page.get_by_text("Add an option").click()
        page.locator("#new-option-label_sv").fill(label)
        page.get_by_role("button", name="Add option").click()
        expect(page.locator("#options .option-card strong", has_text=label)).to_be_visible()


def _back_to_questions(page: Page) -> None:
    page.get_by_role("link", name="Back to all questions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Survey builder")


def build_survey(page: Page) -> None:
    """A map point question with two categories, a single choice and a conditional one."""
    _add_question(page, "map_point", MAP_PROMPT)
    _save_question(page)
    options = page.locator("#options")
    # The defaults are three categories; keep "Good place" and "Needs improvement".
    idea = options.locator(".option-card").filter(has=page.locator("strong", has_text="Idea"))
    page.once("dialog", lambda dialog: dialog.accept())
    idea.get_by_role("button", name="Delete").click()
    expect(idea).to_have_count(0)
    expect(options.locator(".option-card")).to_have_count(2)
    _back_to_questions(page)

    _add_question(page, "single_choice", TRAVEL_PROMPT)
    _save_question(page)
    _add_options(page, ["Cykel", "Bil"])
    _back_to_questions(page)

    _add_question(page, "single_choice", PARKING_PROMPT)
    page.get_by_label("Show only when an earlier answer is").select_option(
        label=f"{TRAVEL_PROMPT} → Bil"
    )
    _save_question(page)
    _add_options(page, ["På gatan", "I garaget"])
    _back_to_questions(page)
    expect(page.locator("#questions .question-card").last).to_contain_text(f"{TRAVEL_PROMPT} → Bil")


def open_survey(page: Page) -> None:
    page.get_by_role("button", name="Open the survey").click()
    expect(page.locator("#survey-status")).to_contain_text("The survey is open.")


def close_survey(page: Page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close the survey").click()
    expect(page.locator("#survey-status")).to_contain_text("The survey is closed.")


def go_to_project(page: Page, base: str) -> None:
    page.goto(base + "/manage/")
    page.locator("#projects").get_by_role("link", name=PROJECT).click()
    expect(page.get_by_role("heading", name=PROJECT)).to_be_visible()


def round_row(page: Page, base: str) -> Locator:
    page.goto(base + "/manage/")
    return page.locator("#rounds tbody tr").filter(has_text=PROJECT)


def queue_item(page: Page, body: str) -> Locator:
    return page.locator(".queue-item").filter(has_text=body)


def hide_and_restore(page: Page, base: str, body: str, reason: str) -> None:
    page.goto(base + "/manage/moderation")
    item = queue_item(page, body)
    expect(item).to_contain_text("Offensive (1)")
    item.get_by_label("Reason for hiding (shown publicly)").select_option("other")
    item.get_by_label("Details or another reason (shown publicly)").fill(reason)
    item.get_by_role("button", name="Hide").click()
    expect(item).to_contain_text("The comment is hidden.")
    expect(item).to_contain_text(f"Removed by a moderator: {reason}")


def restore(page: Page, body: str) -> None:
    item = queue_item(page, body)
    item.get_by_role("button", name="Restore").click()
    expect(item).to_contain_text("The comment is published again.")


def answer_officially(page: Page, base: str, body: str, answer: str) -> None:
    page.goto(base + "/manage/moderation?kind=recent")
    queue_item(page, body).get_by_role("link", name="Write an official answer").click()
    page.get_by_label("Official answer").fill(answer)
    page.get_by_role("button", name="Publish the answer").click()
    expect(page.get_by_text("The official answer is published.")).to_be_visible()


def publish_feedback(page: Page, heard: str, did: str, theme: str) -> None:
    go_to_stages(page)
    link = page.get_by_role("link", name=re.compile(r"^Feedback\W+Consultation$"))
    follow(page, link, r"/manage/stages/\d+/feedback")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Feedback: what we heard, what we did"
    )
    page.get_by_label("What we heard (Swedish)").fill(heard)
    page.get_by_label("What we did (Swedish)").fill(did)
    page.get_by_label(theme).check()
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text(re.compile(r"The feedback was published\."))).to_be_visible()
    expect(page.locator("#feedback-state")).to_contain_text("Published")


# --- residents ------------------------------------------------------------------------------


def find_stage(page: Page, base: str) -> None:
    """Catalogue → project → the open stage's page."""
    page.goto(base + "/")
    page.get_by_role("link", name=PROJECT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROJECT)
    page.get_by_role("link", name="Delta i diskussionen på kartan").click()
    expect(page.locator("#discussion")).to_be_visible()


def answer_survey(page: Page, comment: str) -> str:
    """Drop a pin with a category and a comment, reveal and answer the conditional question;
    returns the receipt's reference."""
    page.get_by_role("link", name=re.compile(r"^Svara på enkäten")).click()
    expect(page.get_by_text(MAP_PROMPT)).to_be_visible()
    page.get_by_role("button", name="Behöver förbättras").click()
    canvas = page.locator(".map-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    note = page.get_by_label("Kommentar", exact=True)
    expect(note).to_be_visible()
    note.fill(comment)
    expect(page.get_by_label("Kategori", exact=True).locator("option:checked")).to_have_text(
        "Behöver förbättras"
    )
    parking = page.get_by_role("group", name=re.compile(PARKING_PROMPT))
    expect(parking).to_be_hidden()
    page.get_by_label("Bil", exact=True).check()
    expect(parking).to_be_visible()
    parking.get_by_label("I garaget").check()
    page.get_by_role("button", name="Granska dina svar").click()
    expect(page.get_by_role("heading", name="Granska dina svar")).to_be_visible()
    expect(page.get_by_text(comment)).to_be_visible()
    expect(page.get_by_text("I garaget")).to_be_visible()
    page.get_by_role("button", name="Skicka dina svar").click()
    expect(page.get_by_role("heading", name="Tack för dina svar")).to_be_visible()
    reference = page.locator(".reference")
    expect(reference).to_have_text(re.compile(r"^\d{5}-[0-9A-F]{4}$"))
    return reference.inner_text()


def post_comment(page: Page, body: str) -> None:
    page.get_by_label("Din kommentar").fill(body)
    page.get_by_role("button", name="Skicka kommentar").click()
    expect(page.locator("#thread").get_by_text(body)).to_be_visible()


def resident_comment(page: Page, body: str) -> Locator:
    return page.locator("#thread article.comment").filter(
        has=page.locator(".comment-body", has_text=body)
    )


def flag_comment(page: Page, body: str) -> None:
    comment = resident_comment(page, body)
    comment.get_by_role("link", name="Anmäl").click()
    comment.get_by_label("Kränkande eller hotfull").check()
    comment.get_by_role("button", name="Anmäl kommentaren").click()
    expect(
        comment.get_by_text("Tack. En moderator kommer att titta på kommentaren.")
    ).to_be_visible()
