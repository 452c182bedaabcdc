"""`flask privacy ...`: retention, safe to run from cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.privacy.services import enforce_retention
from app.privacy.storage import expire_exports

cli = AppGroup("privacy", help="Privacy: retention of personal data.")


@cli.command("enforce-retention")
@click.option("--dry-run", is_flag=True, help="Report what would change; change nothing.")
def enforce_retention_command(dry_run: bool) -> None:
    """Remove personal links N months after each round closed (idempotent)."""
    report = enforce_retention(dry_run=dry_run)
    expired = 0 if dry_run else expire_exports()
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would unlink" if dry_run else "unlinked"
    for slug, counts in report.organizations.items():
        click.echo(
            f"{slug}: {verb} {counts['responses']} responses and {counts['comments']} comments"
        )
    click.echo(
        f"total: {report.responses} responses, {report.comments} comments, "
        f"{report.participants} participants forgotten, {expired} export files expired"
    )


@cli.command("expire-exports")
def expire_exports_command() -> None:
    """Delete export files older than EXPORT_MAX_AGE_DAYS (default 7; idempotent)."""
    expired = expire_exports()
    db.session.commit()
    click.echo(f"{expired} export files expired")
