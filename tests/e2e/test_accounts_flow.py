"""A resident registers in a real browser, verifies the address from the mail, logs in and
sees the account page; the account pages have no serious accessibility violations."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

from playwright.sync_api import Page, expect

#: A shared test machine can be slow; waiting longer costs nothing when it is not.
SLOW = 15_000
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PASSWORD = "ett långt lösenord för test"


def _verification_path(mail_dir: str) -> str:
    files = sorted(Path(mail_dir).glob("*.eml"))
    assert len(files) == 1, files
    message = BytesParser(policy=policy.default).parsebytes(files[0].read_bytes())
    match = re.search(r"https?://[^/\s]+(/verify/\S+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


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


def test_register_verify_login_and_see_the_account(page: Page, live_server, live_app):
    page.goto(live_server.url + "/register?lang=en")
    assert _serious_violations(page) == []
    page.get_by_label("Email", exact=True).fill("invanare@example.se")
    page.get_by_label("Name (optional)").fill("Ina Invånare")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill("not the same password")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Create account").click()
    # Wrong repetition: the message sits next to the field, and the form keeps the email.
    expect(page.locator("#confirm-error")).to_contain_text(
        "The passwords do not match.", timeout=SLOW
    )
    expect(page.get_by_label("Email", exact=True)).to_have_value("invanare@example.se")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email", timeout=SLOW)

    page.goto(live_server.url + _verification_path(live_app.config["MAIL_DIR"]))
    expect(page.get_by_text("your email address is verified")).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")

    page.get_by_label("Email", exact=True).fill("invanare@example.se")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible(timeout=SLOW)
    page.get_by_role("link", name="Account", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account")
    expect(page.get_by_text("Your email address invanare@example.se is verified.")).to_be_visible(
        timeout=SLOW
    )
    expect(page.get_by_label("Name (optional)")).to_have_value("Ina Invånare")
    assert _serious_violations(page) == []
