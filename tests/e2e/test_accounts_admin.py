"""An organization admin adds a member with the keyboard alone; the administration pages
have no serious accessibility violations."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import TEST_PASSWORD

#: A shared test machine can be slow; waiting longer costs nothing when it is not.
SLOW = 15_000
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def _serious_violations(page: Page) -> list[str]:
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21aa']}})"
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            nodes = [n["html"] for n in violation["nodes"]]
            found.append(f"{violation['id']}: {violation['help']} {nodes}")
    return found


def test_org_admin_adds_a_member_by_keyboard(page: Page, live_server, make_org, make_user):
    org = make_org(name="Nykvarns kommun")
    admin = make_user("admin@nykvarn.se", role="admin", org=org, locale="en")
    make_user("ny.planerare@nykvarn.se")
    page.goto(live_server.url + "/login?lang=en")
    page.get_by_label("Email", exact=True).fill(admin.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_visible(timeout=SLOW)

    page.goto(live_server.url + f"/admin/organizations/{org.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings of Nykvarns kommun")
    assert _serious_violations(page) == []

    page.goto(live_server.url + f"/admin/organizations/{org.id}/members")
    assert _serious_violations(page) == []
    email = page.get_by_label("Email of the person")
    email.focus()
    page.keyboard.type("ny.planerare@nykvarn.se")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Role", exact=True)).to_be_focused()
    page.keyboard.press("ArrowDown")  # administrator -> planner
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add member")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("ny.planerare@nykvarn.se is now planner.")).to_be_visible(timeout=SLOW)
    row = page.get_by_role("row").filter(has_text="ny.planerare@nykvarn.se")
    expect(row.get_by_role("combobox")).to_have_value("planner")
