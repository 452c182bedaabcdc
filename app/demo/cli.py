"""`flask demo ...` commands: seed, reset and list the demo logins."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo import seed as demo
from app.extensions import db

cli = AppGroup("demo", help="Demo data for Södertörn municipalities.")


def _seed() -> None:
    started = time.perf_counter()
    counts = demo.seed(current_app.config["DEMO_PASSWORD"])
    db.session.commit()  # contributions are coded into themes as they commit (AUTO_CODING)
    snapshots = _compute_indicators()
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    click.echo(
        f"Seeded the demo in {time.perf_counter() - started:.1f} s: {summary}, "
        f"indicators for {snapshots} stages."
    )


def _compute_indicators() -> int:
    """Store indicators for every stage that has contributions, so analysis pages have data."""
    if current_app.config.get("AUTO_CODING") == "off":
        return 0
    import sqlalchemy as sa

    from app.analysis_ui.services import recompute
    from app.comments.models import Comment
    from app.projects.models import Activity, Stage
    from app.surveys.models import Response

    with_comments = sa.select(Comment.stage_id)
    with_responses = sa.select(Activity.stage_id).join(
        Response, Response.survey_id == Activity.survey_id
    )
    stages = db.session.scalars(
        sa.select(Stage).where(sa.or_(Stage.id.in_(with_comments), Stage.id.in_(with_responses)))
    ).all()
    for stage in stages:
        recompute(stage)
    db.session.commit()
    return len(stages)


@cli.command("seed")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Seed only when the database has no organizations at all.",
)
def seed_command(if_empty: bool) -> None:
    """Add the demo data (does nothing when it is already there)."""
    if if_empty and demo.has_organizations():
        click.echo("The database already has organizations; not seeding the demo.")
        return
    if demo.is_seeded():
        click.echo("The demo data is already there; nothing to do.")
        return
    _seed()


@cli.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (asked only in production).")
def reset_command(yes: bool) -> None:
    """Delete ALL data of every table, then seed the demo."""
    # Development databases are throwaway; a production one needs an explicit yes.
    production = current_app.config.get("ENV_MODE") == "production"
    if (
        production
        and not yes
        and not click.confirm(
            "This deletes every row in the database, not only the demo. Continue?", default=False
        )
    ):
        raise click.Abort()
    demo.wipe()
    _seed()


@cli.command("logins")
def logins_command() -> None:
    """Print the demo logins: email, password, role and organization."""
    rows = demo.logins()
    if not rows:
        click.echo("No demo logins in this database; run `flask demo seed` first.")
        return
    password = current_app.config["DEMO_PASSWORD"]
    table = [("Email", "Password", "Role", "Organization")]
    table += [
        (login.email, password, login.role, demo.organization_label(login)) for login, _ in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for n, row in enumerate(table):
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths))
