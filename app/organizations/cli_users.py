"""`flask users ...` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.accounts.forms import PASSWORD_MAX, PASSWORD_MIN
from app.accounts.models import User
from app.accounts.services import DuplicateEmail, create_user
from app.extensions import db
from app.organizations.models import Membership, Role
from app.organizations.services import add_member, find_organization

cli = AppGroup("users", help="users commands.")


@cli.command("create")
@click.option("--email", required=True, help="Email address (also the login).")
@click.option("--password", required=True, help=f"At least {PASSWORD_MIN} characters.")
@click.option("--name", default="", help="Display name.")
@click.option("--org", "org_slug", default=None, help="Organization slug to add the user to.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=None,
    help="Role in --org.",
)
@click.option("--superadmin", is_flag=True, help="Grant platform administration.")
def create(
    email: str,
    password: str,
    name: str,
    org_slug: str | None,
    role: str | None,
    superadmin: bool,
) -> None:
    """Create a user with a verified email address, optionally with a role."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise click.ClickException(f"invalid email address: {exc}") from exc
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise click.ClickException(
            f"the password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long"
        )
    if bool(org_slug) != bool(role):
        raise click.ClickException("--org and --role go together")
    org = None
    if org_slug:
        org = find_organization(org_slug)
        if org is None:
            raise click.ClickException(f"no organization with the slug {org_slug!r}")
    try:
        user = create_user(email, password, display_name=name, verified=True, superadmin=superadmin)
    except DuplicateEmail as exc:
        db.session.rollback()
        raise click.ClickException(f"a user with the email {email.strip().lower()} exists") from exc
    if org is not None and role:
        add_member(org, user, role, actor=None)
    db.session.commit()  # a command is its own transaction: no request boundary here
    where = f" as {role} in {org.slug}" if org is not None else ""
    click.echo(f"created user {user.id} <{user.email}>{where}")


@cli.command("list")
def list_users() -> None:
    """List users with their roles."""
    from sqlalchemy.orm import selectinload

    users = db.session.scalars(
        db.select(User)
        .order_by(User.email)
        .options(selectinload(User.memberships).joinedload(Membership.organization))
    ).all()
    if not users:
        click.echo("no users")
        return
    for user in users:
        roles = ", ".join(f"{m.organization.slug}:{m.role.value}" for m in user.memberships)
        flags = []
        if user.is_superadmin:
            flags.append("superadmin")
        if user.email_verified_at is None:
            flags.append("unverified")
        if not user.active:
            flags.append("inactive")
        extra = f" [{' '.join(flags)}]" if flags else ""
        click.echo(f"{user.id}\t{user.email}\t{roles or '-'}{extra}")
