"""Writes on organizations and memberships; every change is audited.

Functions flush and return objects; the request boundary (or the CLI command) commits.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.services import record
from app.core import images
from app.extensions import db
from app.organizations.models import ErasureMode, Membership, Organization, Role

#: Settings an administrator may change, in the order they are audited.
EDITABLE = (
    "slug",
    "name",
    "map_lat",
    "map_lon",
    "map_zoom",
    "primary_color",
    "privacy_contact",
    "privacy_notice",
    "retention_months",
    "erasure_mode",
    "languages",
)


class DuplicateSlug(Exception):
    """Another organization already uses this slug."""


class AlreadyMember(Exception):
    """The user already has a role in this organization."""


class LastAdmin(Exception):
    """The change would leave the organization without an administrator."""


def find_organization(slug: str) -> Organization | None:
    return db.session.scalar(sa.select(Organization).where(Organization.slug == slug.strip()))


def _flush_or_duplicate(slug: str) -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise DuplicateSlug(slug) from exc


def create_organization(
    *, slug: str, name: str, actor: User | None = None, **settings: Any
) -> Organization:
    """Add an organization and flush; returns it. Raises ``DuplicateSlug``."""
    if find_organization(slug) is not None:
        raise DuplicateSlug(slug)
    unknown = set(settings) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not an organization setting: {sorted(unknown)}")
    org = Organization(slug=slug, name=name)
    for key, value in settings.items():
        if value is not None:
            setattr(org, key, ErasureMode(value) if key == "erasure_mode" else value)
    db.session.add(org)
    _flush_or_duplicate(slug)
    record("organization.create", actor=actor, organization_id=org.id, obj=org, slug=slug)
    return org


def update_organization(
    org: Organization, changes: dict[str, Any], *, actor: User | None
) -> list[str]:
    """Apply ``changes`` (only ``EDITABLE`` keys); returns the names of the fields that changed.

    Raises ``DuplicateSlug``.
    """
    changed: list[str] = []
    for key in EDITABLE:
        if key not in changes:
            continue
        value = changes[key]
        if key == "erasure_mode":
            value = ErasureMode(value)
        if getattr(org, key) != value:
            setattr(org, key, value)
            changed.append(key)
    if "slug" in changed:
        other = find_organization(org.slug)
        if other is not None and other.id != org.id:
            raise DuplicateSlug(org.slug)
    if changed:
        _flush_or_duplicate(org.slug)
        record("organization.update", actor=actor, organization_id=org.id, obj=org, fields=changed)
    return changed


def _admin_count(org: Organization) -> int:
    return int(
        db.session.scalar(
            db.select(db.func.count(Membership.id)).where(
                Membership.organization_id == org.id, Membership.role == Role.ADMIN
            )
        )
        or 0
    )


def add_member(
    org: Organization, user: User, role: Role | str, *, actor: User | None
) -> Membership:
    """Give ``user`` a role in ``org``; returns the membership. Raises ``AlreadyMember``."""
    role = Role(role)
    existing = db.session.scalar(
        db.select(Membership).where(
            Membership.organization_id == org.id, Membership.user_id == user.id
        )
    )
    if existing is not None:
        raise AlreadyMember(user.id)
    # Ids rather than relationships: appending to ``org.memberships`` before the savepoint
    # would flush the membership outside it.
    membership = Membership(user_id=user.id, organization_id=org.id, role=role)
    try:
        with db.session.begin_nested():
            db.session.add(membership)
            db.session.flush()
    except IntegrityError as exc:
        raise AlreadyMember(user.id) from exc
    record(
        "membership.create",
        actor=actor,
        organization_id=org.id,
        obj=membership,
        user_id=user.id,
        role=role.value,
    )
    return membership


def change_role(membership: Membership, role: Role | str, *, actor: User | None) -> bool:
    """Change a member's role; returns False when it was already that role.

    Raises ``LastAdmin`` when the organization's only administrator would lose the role.
    """
    role = Role(role)
    old = membership.role
    if old == role:
        return False
    if old == Role.ADMIN and _admin_count(membership.organization) <= 1:
        raise LastAdmin()
    membership.role = role
    db.session.flush()
    record(
        "membership.role_change",
        actor=actor,
        organization_id=membership.organization_id,
        obj=membership,
        user_id=membership.user_id,
        old=old.value,
        new=role.value,
    )
    return True


def remove_member(membership: Membership, *, actor: User | None) -> None:
    """Remove a member. Raises ``LastAdmin`` for the organization's only administrator."""
    if membership.role == Role.ADMIN and _admin_count(membership.organization) <= 1:
        raise LastAdmin()
    record(
        "membership.delete",
        actor=actor,
        organization_id=membership.organization_id,
        object_type="membership",
        object_id=membership.id,
        user_id=membership.user_id,
        role=membership.role.value,
    )
    db.session.delete(membership)
    db.session.flush()


# Logo -------------------------------------------------------------------------------------

#: Largest logo file accepted, and the box it is scaled into (it is shown small).
MAX_LOGO_BYTES = 512 * 1024
LOGO_BOX = (480, 160)
#: Refused from the header before decoding.
MAX_LOGO_PIXELS = 16_000_000


class LogoError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def logo_file(org: Organization) -> Path | None:
    """The organization's logo file: under ``UPLOAD_DIR`` (uploaded) or ``INSTANCE_DIR`` (put
    there by an operator), never anywhere else; None when there is none."""
    raw = org.logo_path
    if not raw:
        return None
    for key in ("UPLOAD_DIR", "INSTANCE_DIR"):
        root = Path(current_app.config[key]).resolve()
        path = (root / raw).resolve()
        if (
            path.is_relative_to(root)
            and path.is_file()
            and path.suffix.lower()
            in (
                ".png",
                ".jpg",
                ".jpeg",
            )
        ):
            return path
    return None


def clean_logo(data: bytes) -> bytes:
    """A PNG or JPEG logo (``app.core.images.open_image``) as a PNG without metadata, keeping
    its transparency, scaled to fit ``LOGO_BOX``. Raises ``LogoError``."""
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError(_("The logo is too large (at most %(kb)s KB).", kb=MAX_LOGO_BYTES // 1024))
    try:
        image, _kind = images.open_image(data, ("PNG", "JPEG"), max_pixels=MAX_LOGO_PIXELS)
    except images.ImageRefused as exc:
        if exc.reason == "too_many_pixels":
            raise LogoError(_("The logo has too many pixels.")) from exc
        raise LogoError(_("Upload the logo as a PNG or JPEG image.")) from exc
    return images.encode(image.convert("RGBA"), "PNG", LOGO_BOX)


def set_logo(org: Organization, data: bytes, *, actor: User | None) -> str:
    """Store the logo cleaned by :func:`clean_logo`; returns its path under ``UPLOAD_DIR``.
    The logo it replaces is deleted once the change is committed. Raises ``LogoError``."""
    png = clean_logo(data)
    # A fresh name: a rollback removes the new file, never the one the row still names.
    relative = f"organizations/{org.id}/logo-{uuid.uuid4().hex[:12]}.png"
    images.write_new(relative, png)
    _unlink_uploaded_logo(org)
    org.logo_path = relative
    db.session.flush()
    record("organization.logo", actor=actor, organization_id=org.id, obj=org)
    return relative


def _unlink_uploaded_logo(org: Organization) -> None:
    """Delete the logo once the change is committed if it was uploaded (an operator's file
    under ``INSTANCE_DIR`` stays)."""
    if org.logo_path and org.logo_path.startswith(f"organizations/{org.id}/"):
        images.unlink_after_commit([org.logo_path])


def remove_logo(org: Organization, *, actor: User | None) -> None:
    """Remove the logo; an uploaded file is deleted once the change is committed."""
    _unlink_uploaded_logo(org)
    org.logo_path = None
    db.session.flush()
    record("organization.logo_remove", actor=actor, organization_id=org.id, obj=org)
