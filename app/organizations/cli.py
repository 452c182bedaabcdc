"""`flask orgs ...` commands."""

from __future__ import annotations

import re

import click
from flask.cli import AppGroup

from app.extensions import db
from app.organizations.forms import SLUG_PATTERN
from app.organizations.models import Organization
from app.organizations.services import DuplicateSlug, create_organization

cli = AppGroup("orgs", help="orgs commands.")


@cli.command("create")
@click.option("--slug", required=True, help="Short name used in addresses, e.g. huddinge.")
@click.option("--name", required=True, help="Display name, e.g. 'Huddinge kommun'.")
@click.option("--lat", type=click.FloatRange(-90, 90), default=None, help="Map centre latitude.")
@click.option("--lon", type=click.FloatRange(-180, 180), default=None, help="Map centre longitude.")
@click.option("--zoom", type=click.IntRange(1, 19), default=None, help="Map zoom level (1-19).")
def create(slug: str, name: str, lat: float | None, lon: float | None, zoom: int | None) -> None:
    """Create an organization."""
    if not re.fullmatch(SLUG_PATTERN, slug) or len(slug) > 64:
        raise click.ClickException(
            "the slug must be lower-case letters, digits and single hyphens (at most 64)"
        )
    name = name.strip()
    if not name or len(name) > 200:
        raise click.ClickException("the name must be 1 to 200 characters long")
    try:
        org = create_organization(slug=slug, name=name, map_lat=lat, map_lon=lon, map_zoom=zoom)
    except DuplicateSlug as exc:
        db.session.rollback()
        raise click.ClickException(f"an organization with the slug {slug!r} exists") from exc
    db.session.commit()  # a command is its own transaction: no request boundary here
    click.echo(f"created organization {org.id} {org.slug}")


@cli.command("list")
def list_orgs() -> None:
    """List organizations."""
    orgs = db.session.scalars(db.select(Organization).order_by(Organization.slug)).all()
    if not orgs:
        click.echo("no organizations")
        return
    for org in orgs:
        click.echo(f"{org.id}\t{org.slug}\t{org.name}\t{org.map_lat},{org.map_lon} z{org.map_zoom}")
