"""The one way mail leaves the platform: SMTP when configured, else files in instance/mail/."""

from __future__ import annotations

import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from app.core.models import utcnow


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for a mail, built from ``BASE_URL``.

    Never from the request: its Host header is whatever the client sent, and a reset link
    pointing at an attacker's host hands them the token.
    """
    base = urlsplit(str(current_app.config["BASE_URL"]))
    adapter = current_app.url_map.bind(
        base.netloc,
        script_name=base.path.rstrip("/") or "/",
        url_scheme=base.scheme or "https",
    )
    return adapter.build(endpoint, values, force_external=True)


def send_mail(
    to: str, subject: str, body: str, headers: dict[str, str] | None = None
) -> EmailMessage:
    """Send a plain-text mail; returns the message. Raises ``smtplib.SMTPException`` on failure.

    ``headers`` adds header fields, e.g. ``List-Unsubscribe`` (RFC 8058) on follower mails."""
    config = current_app.config
    msg = EmailMessage()
    msg["From"] = config["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="platsdialog.local")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if headers:
        # A long link in a header (List-Unsubscribe) must stay a plain "<https://...>": with
        # the default 78-column folding it would be turned into encoded words that mail
        # clients do not read as a link. The body was encoded above (lines of 76).
        msg.policy = policy.default.clone(max_line_length=998)
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(msg)
    else:
        folder = Path(config["MAIL_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        safe_to = "".join(c if c.isalnum() else "_" for c in to)[:60]
        (folder / f"{stamp}-{safe_to}.eml").write_bytes(bytes(msg))
    return msg


def outbox() -> list[EmailMessage]:
    """Mails written to the development folder, oldest first (used by tests and demo)."""
    from email.parser import BytesParser

    folder = Path(current_app.config["MAIL_DIR"])
    if not folder.exists():
        return []
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]
