"""A planner registers two letters and a remissinstans' yttrande through the intake form
(issue 17, item 2) in a real Chromium, and sees who has answered."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from app.comments.models import Comment, ContributionChannel, SenderType
from app.extensions import db
from app.intake.models import Attachment, RegisterEntry, RegisterKind, Sender
from app.organizations.models import Role
from app.projects.models import ActivityKind
from tests.e2e.test_builder_flow import _login, _no_serious_axe_violations

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_planner_registers_letters_and_a_yttrande(
    page: Page, live_server, make_org, make_user, make_project, make_activity
):
    org = make_org()
    make_user("planerare@example.se", role=Role.PLANNER, org=org)
    project = make_project(org)
    make_activity(project.current_stage, ActivityKind.DISCUSSION)
    db.session.add(
        RegisterEntry(
            project_id=project.id, kind=RegisterKind.REMISSINSTANS, name="Länsstyrelsen Stockholm"
        )
    )
    db.session.commit()
    base = live_server.url
    _login(page, base, "planerare@example.se")
    page.goto(f"{base}/manage/projects/{project.id}?lang=en")
    page.get_by_role("link", name="Letters and yttranden").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Letters and yttranden")
    _no_serious_axe_violations(page)
    received = (date.today() - timedelta(days=3)).isoformat()

    letters = [
        ("sakagare", "Anna Andersson", "Huset blir för högt för kvarteret.", True),
        ("resident", "", "Bevara eken vid skolan.", False),
    ]
    for sender_type, name, text, attach in letters:
        page.get_by_role("link", name="Register a contribution", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Register a contribution")
        page.get_by_label("How it arrived").select_option("letter")
        page.get_by_label("Date received").fill(received)
        page.get_by_label("Sender type").select_option(sender_type)
        page.get_by_label("Sender's name").fill(name)
        page.get_by_label("Text of the contribution").fill(text)
        if attach:
            page.get_by_label("Attachment: PDF or image (optional)").set_input_files(
                files=[{"name": "brev.pdf", "mimeType": "application/pdf", "buffer": PDF}]
            )
        page.get_by_role("button", name="Register", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Letters and yttranden")
        expect(page.locator("table")).to_contain_text(text)

    # A refused yttrande (no name for a remissinstans) shows the error at the field.
    page.get_by_role("link", name="Register a contribution", exact=True).click()
    page.get_by_label("How it arrived").select_option("email")
    page.get_by_label("Date received").fill(received)
    page.get_by_label("Sender type").select_option("remissinstans")
    page.get_by_label("Text of the contribution").fill("Länsstyrelsen har inget att erinra.")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.locator("#sender_name-error")).to_contain_text("Give the sender's name")
    _no_serious_axe_violations(page)
    page.get_by_label("From the register (optional)").select_option(
        label="Länsstyrelsen Stockholm (Remissinstans)"
    )
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Letters and yttranden")
    expect(page.get_by_text("1 of 1 in the register have answered.")).to_be_visible()
    table = page.locator("table")
    expect(table).to_contain_text("Länsstyrelsen Stockholm")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.get_by_role("link", name="brev.pdf")).to_be_visible()
    _no_serious_axe_violations(page)

    # The register shows who has answered, and imports sakägare from a CSV file.
    page.get_by_role("link", name="Remissinstanser and sakägare").click()
    expect(page.locator("#entry-1")).to_contain_text("Has answered")
    page.get_by_label("CSV file from the property register").set_input_files(
        files=[
            {
                "name": "fastigheter.csv",
                "mimeType": "text/csv",
                "buffer": "\ufefffastighetsbeteckning;namn\nHuddinge Skogås 3:14;Anna Andersson\n"
                ";Utan fastighet\nHuddinge Skogås 3:15;\n".encode(),
            }
        ]
    )
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-result")).to_contain_text("Imported 2 sakägare")
    expect(page.locator("#import-result")).to_contain_text("Row 4: Give a name.")
    _no_serious_axe_violations(page)

    db.session.expire_all()
    comments = db.session.scalars(db.select(Comment).order_by(Comment.id)).all()
    assert [(c.channel, c.sender_type) for c in comments] == [
        (ContributionChannel.LETTER, SenderType.SAKAGARE),
        (ContributionChannel.LETTER, SenderType.RESIDENT),
        (ContributionChannel.EMAIL, SenderType.REMISSINSTANS),
    ]
    assert [s.name for s in db.session.scalars(db.select(Sender).order_by(Sender.id))] == [
        "Anna Andersson",
        "Länsstyrelsen Stockholm",
    ]
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 1
