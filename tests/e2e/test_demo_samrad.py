"""The demo's samråd run end to end by a planner in a real Chromium (issue 17): register two
letters and a remissinstans' yttrande through the intake form (one placed with the map
picker), moderate, answer, close the stage, publish feedback and export the
samrådsredogörelse, whose DOCX lists the letters and the yttrande under their sender types."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import docx
import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.comments.models import Comment, ContributionChannel, SenderType
from app.demo import seed as demo
from app.extensions import db
from app.projects.models import Feedback, Project
from tests.conftest import TEST_PASSWORD
from tests.e2e.test_builder_flow import _login, _no_serious_axe_violations

LETTER_RESIDENT = "Brev: bevara den gamla eken vid Flemingsbergsskolan när torget byggs om."
LETTER_SAKAGARE = "Brev: det nya huset skuggar vår tomt på eftermiddagen, sänk det en våning."
YTTRANDE = "Yttrande: Länsstyrelsen saknar en dagvattenutredning och en bullerutredning."
ANSWER = "Tack! Dagvatten- och bullerutredningarna tas fram till granskningsskedet."


@pytest.fixture()
def samrad(app: Any, live_server: Any) -> Any:
    """The demo as `flask demo seed` builds it; its Flemingsberg samråd is open now."""
    demo.seed(TEST_PASSWORD)
    db.session.commit()
    project = db.session.scalar(
        sa.select(Project).where(Project.slug == "flemingsberg-stationsomrade")
    )
    stage = project.current_stage
    assert stage.is_open
    return project, stage


def _sections(path: str) -> dict[str, str]:
    """The text under each level-2 heading of the report's body, tables included."""
    document = docx.Document(path)
    sections: dict[str, list[str]] = {}
    current = ""
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = docx.text.paragraph.Paragraph(block, document)
            if paragraph.style.name.startswith("Heading 1"):
                current = ""
            if paragraph.style.name.startswith("Heading 2"):
                current = paragraph.text
            sections.setdefault(current, []).append(paragraph.text)
        elif tag == "tbl":
            table = docx.table.Table(block, document)
            for row in table.rows:
                sections.setdefault(current, []).extend(cell.text for cell in row.cells)
    return {heading: "\n".join(texts) for heading, texts in sections.items()}


def _register(page: Page, base: str, project: Any, stage: Any, **fields: str) -> None:
    page.goto(f"{base}/manage/projects/{project.id}/intake/new?lang=en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register a contribution")
    page.get_by_label("Stage it belongs to").select_option(str(stage.id))
    page.get_by_label("How it arrived").select_option(fields["channel"])
    page.get_by_label("Date received").fill((date.today() - timedelta(days=2)).isoformat())
    page.get_by_label("Sender type").select_option(fields["sender_type"])
    page.get_by_label("Sender's name").fill(fields.get("name", ""))
    page.get_by_label("Text of the contribution").fill(fields["text"])
    if fields.get("place"):
        # The residents' place picker: a click on the map fills in the coordinates.
        picker = page.locator("[data-picker]")
        expect(picker).to_have_attribute("data-ready", "1")
        picker.click(position={"x": 160, "y": 120})
        expect(page.locator("[data-picker-status]")).to_have_text("Place chosen.")
        assert page.get_by_label("Latitude (optional)").input_value() != ""
        _no_serious_axe_violations(page)
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Letters and yttranden")
    expect(page.locator("table").first).to_contain_text(fields["text"][:40])


def test_planner_runs_the_demo_samrad_to_the_report(page: Page, live_server, samrad) -> None:
    project, stage = samrad
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    _login(page, base, "planerare@huddinge.demo")

    # 1. Intake: two letters and one yttrande from a remissinstans.
    _register(
        page, base, project, stage, channel="letter", sender_type="resident", text=LETTER_RESIDENT
    )
    _register(
        page,
        base,
        project,
        stage,
        channel="letter",
        sender_type="sakagare",
        name="Bo Fastighetsägare",
        text=LETTER_SAKAGARE,
        place="1",
    )
    _register(
        page,
        base,
        project,
        stage,
        channel="email",
        sender_type="remissinstans",
        name="Länsstyrelsen Stockholm",
        text=YTTRANDE,
    )
    _no_serious_axe_violations(page)
    db.session.expire_all()
    registered = {
        c.body: c
        for c in db.session.scalars(sa.select(Comment).where(Comment.registered_by_id.is_not(None)))
    }
    assert registered[LETTER_SAKAGARE].geometry is not None  # placed with the picker
    assert registered[YTTRANDE].sender_type == SenderType.REMISSINSTANS
    assert registered[YTTRANDE].channel == ContributionChannel.EMAIL

    # 2. Moderate: the flagged comments of the demo wait in the queue; hide one.
    page.goto(f"{base}/manage/moderation?kind=flagged&lang=en")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _no_serious_axe_violations(page)
    item = page.locator("li[id^=c-], article[id^=c-]").first
    item.get_by_label("Reason for hiding (shown publicly)").select_option("other")
    item.get_by_label("Details or another reason (shown publicly)").fill("Personangrepp")
    item.get_by_role("button", name="Hide").click()
    expect(page.get_by_text("Shown publicly as:").first).to_be_visible()

    # 3. Answer the yttrande officially.
    page.goto(f"{base}/manage/answers/{registered[YTTRANDE].id}?lang=en")
    page.get_by_label("Official answer").fill(ANSWER)
    page.get_by_role("button", name="Publish the answer").click()
    expect(page.get_by_text("The official answer is published.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Comment, registered[YTTRANDE].id).answered_at is not None

    # 4. Close the stage.
    page.goto(f"{base}/manage/stages/{stage.id}?lang=en")
    _no_serious_axe_violations(page)
    page.get_by_role("button", name="Close the stage now").click()
    expect(page.get_by_text("The stage is closed.")).to_be_visible()

    # 5. Publish the feedback.
    page.goto(f"{base}/manage/stages/{stage.id}/feedback?lang=en")
    page.locator("textarea[name=heard_sv]").fill("Vi hörde oro för skuggor, buller och dagvatten.")
    page.locator("textarea[name=did_sv]").fill("Vi tar fram utredningarna och sänker huset.")
    page.get_by_role("button", name="Publish", exact=False).first.click()
    expect(page.get_by_text("The feedback was published.")).to_be_visible()
    db.session.expire_all()
    feedback = db.session.scalar(sa.select(Feedback).where(Feedback.stage_id == stage.id))
    assert feedback.published_at is not None

    # 6. Export the samrådsredogörelse as DOCX and read it.
    page.goto(f"{base}/manage/exports/?lang=en")
    page.get_by_label("What to export from").select_option(f"stage:{stage.id}")
    page.get_by_label("Export", exact=True).select_option("report")
    page.get_by_label("Format").select_option("docx")
    page.get_by_role("button", name="Start export").click()
    link = page.get_by_role("link", name="Download platsdialog-report-stage")
    expect(link).to_be_visible(timeout=60_000)
    expect(page.locator(".export-job-meta").first).to_contain_text("Stage:")
    with page.expect_download() as info:
        link.click()
    sections = _sections(str(info.value.path()))
    assert LETTER_RESIDENT in sections["Privatpersoner"]
    assert LETTER_SAKAGARE in sections["Sakägare och andra berörda"]
    assert YTTRANDE in sections["Remissinstanser"]
    assert "Länsstyrelsen Stockholm" in sections["Remissinstanser"]
    assert ANSWER in sections["Remissinstanser"]  # the answer sits next to the yttrande
    # Private senders are never named in the report.
    assert all("Bo Fastighetsägare" not in text for text in sections.values())
    assert LETTER_SAKAGARE not in sections["Remissinstanser"]


def _words_whole(page: Page, selector: str) -> list[str]:
    """Words of the matched cells that a line break splits (each word must sit on one line;
    a compound may break after its hyphen, "Stuvsta-/Snättringe", as in print)."""
    return page.evaluate(
        """(sel) => {
          const broken = [];
          for (const cell of document.querySelectorAll(sel)) {
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const re = /[^\\s-]+-?/g; let m;
              while ((m = re.exec(node.data))) {
                const range = document.createRange();
                range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
                const rects = Array.from(range.getClientRects());
                const tops = new Set(rects.map(r => Math.round(r.top)));
                if (tops.size > 1) broken.push(m[0]);
              }
            }
          }
          return broken;
        }""",
        selector,
    )


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_touched_staff_pages_are_axe_clean_and_tables_keep_words_whole(
    browser: Any, playwright: Any, live_server: Any, samrad: Any, phone: bool
) -> None:
    project, stage = samrad
    survey = next(a.survey for a in stage.activities if a.survey is not None)
    question = survey.active_questions[1]  # the map question: its categories have icons
    options = (
        dict(playwright.devices["Pixel 7"])
        if phone
        else {"viewport": {"width": 1280, "height": 900}}
    )
    context = browser.new_context(**options)
    page = context.new_page()
    try:
        _login(page, live_server.url, "admin@huddinge.demo")
        base = live_server.url
        for path in (
            "/manage/?lang=sv",
            f"/manage/projects/{project.id}",
            f"/manage/projects/{project.id}/intake",
            f"/manage/projects/{project.id}/intake/new",
            f"/manage/stages/{stage.id}",
            f"/manage/surveys/{survey.id}",
            f"/manage/surveys/{survey.id}/questions/{question.id}",
            f"/manage/audit?org={project.organization.slug}",
            f"/manage/analysis/organizations/{project.organization_id}/population",
            "/manage/analysis/regional",
        ):
            page.goto(base + path)
            _no_serious_axe_violations(page)
            assert _words_whole(page, "th, td") == [], path
        # The icon dropdown names its icons (Swedish, the default language).
        page.goto(f"{base}/manage/surveys/{survey.id}/questions/{question.id}")
        icon = page.locator("select[name$='-icon']").first
        expect(icon.locator("option[value=warning]")).to_have_text("Varningsskylt")
    finally:
        context.close()


def test_partners_are_listed_one_per_line(
    page: Page, live_server: Any, make_org: Any, make_project: Any
) -> None:
    from app.projects.models import ProjectPartner

    org = make_org(slug="huddinge", name="Huddinge kommun")
    project = make_project(org, title={"sv": "Parken"})
    for name, about in (("Södertörns högskola", "Forskning"), ("Stockholms stad", "Grannkommun")):
        partner_org = make_org(name=name)
        db.session.add(
            ProjectPartner(
                project=project, organization_id=partner_org.id, description={"sv": about}
            )
        )
    db.session.commit()
    page.goto(f"{live_server.url}/p/huddinge/{project.slug}")
    items = page.locator("ul.partners li")
    expect(items).to_have_count(2)
    first, second = (items.nth(i).bounding_box() for i in range(2))
    assert second["y"] >= first["y"] + first["height"] - 1  # below, not beside
    expect(items.first).to_contain_text("Södertörns högskola – Forskning")
