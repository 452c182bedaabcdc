"""`flask notify digest`: the daily digest for staff who chose it (run it from cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.notify.services import send_digests

cli = AppGroup("notify", help="Staff notifications.")


@cli.command("digest")
def digest() -> None:
    """Mail each "daily" staff user what came in since their last digest (idempotent)."""
    sent, failed = send_digests()
    click.echo(f"Sent {sent} digest(s).")
    if failed:
        raise click.ClickException(f"{failed} digest(s) could not be sent; see the log.")
