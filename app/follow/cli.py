"""`flask follow ...`: expire unconfirmed follows, forget an address on request."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.follow import services

cli = AppGroup("follow", help="Followers of projects.")


@cli.command("sweep")
def sweep() -> None:
    """Delete unconfirmed follows whose confirmation link has expired, and tell followers of
    stages that opened by their date since the last run (run it hourly from cron)."""
    removed = services.purge_expired()
    db.session.commit()
    click.echo(f"Deleted {removed} unconfirmed follow(s).")
    sent = services.announce_opened_stages()
    db.session.commit()
    click.echo(f"Sent {sent} mail(s) about stages that opened.")


@cli.command("forget")
@click.argument("email")
def forget(email: str) -> None:
    """Erase every follow by EMAIL (a request to be forgotten that came by mail)."""
    removed = services.forget_address(email)
    db.session.commit()
    click.echo(f"Deleted {removed} follow(s).")
