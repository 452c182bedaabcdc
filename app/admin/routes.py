"""Platform administration: organizations, users and memberships (under /admin).

A superadmin may do everything here; an organization's ``admin`` role reaches the settings
and the members of their own organization. Every rule is asked of ``app.core.permissions``.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from app.accounts.models import User
from app.accounts.services import (
    DuplicateEmail,
    OwnSuperadmin,
    create_user,
    find_user,
    set_superadmin,
)
from app.admin import bp
from app.core.auth import logged_in_user, login_required
from app.core.permissions import Action, Actor, actor_from, can, require
from app.extensions import db
from app.organizations.forms import (
    LogoForm,
    MemberAddForm,
    RoleForm,
    UserCreateForm,
    organization_form_class,
    role_label,
)
from app.organizations.models import Membership, Organization, Role
from app.organizations.services import (
    MAX_LOGO_BYTES,
    AlreadyMember,
    DuplicateSlug,
    LastAdmin,
    LogoError,
    add_member,
    change_role,
    create_organization,
    remove_logo,
    remove_member,
    set_logo,
    update_organization,
)

Page = Response | tuple[str, int] | str
USERS_PER_PAGE = 25


def _actor() -> Actor:
    return actor_from(current_user)


def _me() -> User:
    return logged_in_user()


def _status() -> int:
    return 422 if request.method == "POST" else 200


def _manageable_organizations(actor: Actor) -> list[Organization]:
    """Organizations whose settings or members this actor may manage."""
    query = db.select(Organization).order_by(Organization.name)
    if not can(actor, Action.ADMINISTER_PLATFORM, None):
        own = [m.organization_id for m in _me().memberships]
        query = query.where(Organization.id.in_(own))
    return [
        org
        for org in db.session.scalars(query).all()
        if can(actor, Action.MANAGE_ORGANIZATION, org) or can(actor, Action.MANAGE_MEMBERS, org)
    ]


def _languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def _organization_or_404(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        abort(404)
    return org


@bp.get("/")
@login_required
def index() -> str:
    """Administration start page."""
    actor = _actor()
    organizations = _manageable_organizations(actor)
    platform = can(actor, Action.ADMINISTER_PLATFORM, None)
    if not platform and not organizations:
        abort(403)
    return render_template("admin/index.html", organizations=organizations, platform=platform)


# Organizations ----------------------------------------------------------------------------


@bp.get("/organizations")
@login_required
def organizations() -> str:
    """The organizations this administrator may manage."""
    actor = _actor()
    found = _manageable_organizations(actor)
    platform = can(actor, Action.ADMINISTER_PLATFORM, None)
    if not platform and not found:
        abort(403)
    counts = dict(
        db.session.execute(
            db.select(Membership.organization_id, db.func.count(Membership.id)).group_by(
                Membership.organization_id
            )
        ).all()
    )
    return render_template(
        "admin/organizations.html", organizations=found, counts=counts, platform=platform
    )


def _settings_from(form: Any, languages: list[str], *, include_slug: bool) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "name": form.name.data,
        "map_lat": form.map_lat.data,
        "map_lon": form.map_lon.data,
        "map_zoom": form.map_zoom.data,
        "primary_color": form.primary_color.data.lower(),
        "privacy_contact": form.privacy_contact.data or None,
        "privacy_notice": {
            code: text.strip()
            for code in languages
            if (text := getattr(form, f"privacy_notice_{code}").data or "").strip()
        },
        "retention_months": form.retention_months.data,
        "erasure_mode": form.erasure_mode.data,
        "languages": [code for code in languages if code in (form.languages.data or [])],
    }
    if include_slug:
        settings["slug"] = form.slug.data
    return settings


@bp.route("/organizations/new", methods=["GET", "POST"])
@login_required
def organization_new() -> Page:
    """Create an organization (superadmin)."""
    require(_actor(), Action.ADMINISTER_PLATFORM, object())
    languages = _languages()
    form = organization_form_class(languages)(
        available_languages=languages,
        data={
            "map_lat": 59.2,
            "map_lon": 17.9,
            "map_zoom": 11,
            "primary_color": "#005a9c",
            "retention_months": 24,
            "languages": languages,
        },
    )
    if form.validate_on_submit():
        settings = _settings_from(form, languages, include_slug=False)
        try:
            org = create_organization(slug=form.slug.data, actor=_me(), **settings)
        except DuplicateSlug:
            form.slug.errors.append(_("Another organization already uses this short name."))
        else:
            flash(_("The organization %(name)s is created.", name=org.name), "success")
            return redirect(url_for("admin.organization_members", org_id=org.id))
    return render_template("admin/organization_form.html", form=form, org=None), _status()


@bp.route("/organizations/<int:org_id>", methods=["GET", "POST"])
@login_required
def organization_edit(org_id: int) -> Page:
    """Edit an organization's settings."""
    org = _organization_or_404(org_id)
    actor = _actor()
    require(actor, Action.MANAGE_ORGANIZATION, org)
    # The slug is part of every public address: only a platform administrator changes it.
    slug_editable = can(actor, Action.ADMINISTER_PLATFORM, None)
    languages = _languages()
    data = {
        f"privacy_notice_{code}": (org.privacy_notice or {}).get(code, "") for code in languages
    }
    form = organization_form_class(languages)(
        obj=org, data=data if request.method == "GET" else None, available_languages=languages
    )
    if not slug_editable:
        form.slug.data = org.slug
    if form.validate_on_submit():
        settings = _settings_from(form, languages, include_slug=slug_editable)
        try:
            changed = update_organization(org, settings, actor=_me())
        except DuplicateSlug:
            form.slug.errors.append(_("Another organization already uses this short name."))
        else:
            if changed:
                flash(_("The settings are saved."), "success")
            else:
                flash(_("Nothing was changed."), "success")
            return redirect(url_for("admin.organization_edit", org_id=org.id))
    return (
        render_template(
            "admin/organization_form.html",
            form=form,
            org=org,
            slug_editable=slug_editable,
            logo_form=LogoForm(prefix="logo"),
        ),
        _status(),
    )


@bp.post("/organizations/<int:org_id>/logo")
@login_required
def organization_logo(org_id: int) -> Page:
    """Upload (or remove) the organization's logo, shown on its pages and in its documents."""
    org = _organization_or_404(org_id)
    require(_actor(), Action.MANAGE_ORGANIZATION, org)
    form = LogoForm(prefix="logo")
    if request.form.get("remove") == "1":
        remove_logo(org, actor=_me())
        flash(_("The logo was removed."), "success")
        return redirect(url_for("admin.organization_edit", org_id=org.id) + "#logo")
    upload = form.logo.data
    data = upload.read(MAX_LOGO_BYTES + 1) if upload and getattr(upload, "filename", "") else None
    if not data:
        form.logo.errors = [_("Choose a PNG or JPEG file.")]
    else:
        try:
            set_logo(org, data, actor=_me())
        except LogoError as exc:
            form.logo.errors = [exc.message]
        else:
            flash(_("The logo was saved."), "success")
            return redirect(url_for("admin.organization_edit", org_id=org.id) + "#logo")
    languages = _languages()
    data_ = {f"privacy_notice_{c}": (org.privacy_notice or {}).get(c, "") for c in languages}
    settings_form = organization_form_class(languages)(
        obj=org, formdata=None, data=data_, available_languages=languages
    )
    return (
        render_template(
            "admin/organization_form.html",
            form=settings_form,
            org=org,
            slug_editable=can(_actor(), Action.ADMINISTER_PLATFORM, None),
            logo_form=form,
        ),
        422,
    )


# Memberships ------------------------------------------------------------------------------


def _members_page(
    org: Organization, add_form: MemberAddForm, status: int, error: str | None = None
) -> Page:
    memberships = db.session.scalars(
        db.select(Membership)
        .where(Membership.organization_id == org.id)
        .options(joinedload(Membership.user))
        .join(User)
        .order_by(User.email)
    ).all()
    return (
        render_template(
            "admin/members.html",
            org=org,
            memberships=memberships,
            add_form=add_form,
            role_choices=[(r.value, role_label(r)) for r in Role],
            role_label=role_label,
            error=error,
            can_edit_org=can(_actor(), Action.MANAGE_ORGANIZATION, org),
        ),
        status,
    )


@bp.route("/organizations/<int:org_id>/members", methods=["GET", "POST"])
@login_required
def organization_members(org_id: int) -> Page:
    """List an organization's members and add one by email."""
    org = _organization_or_404(org_id)
    require(_actor(), Action.MANAGE_MEMBERS, org)
    form = MemberAddForm()
    if form.validate_on_submit():
        user = find_user(form.email.data or "")
        if user is None:
            form.email.errors.append(
                _(
                    "No account uses this email address. Ask the person to create an account "
                    "first, or ask a platform administrator to create it."
                )
            )
        else:
            try:
                add_member(org, user, form.role.data, actor=_me())
            except AlreadyMember:
                form.email.errors.append(
                    _("This person is already a member. Change their role in the list instead.")
                )
            else:
                flash(
                    _(
                        "%(email)s is now %(role)s.",
                        email=user.email,
                        role=role_label(form.role.data).lower(),
                    ),
                    "success",
                )
                return redirect(url_for("admin.organization_members", org_id=org.id))
    return _members_page(org, form, _status())


def _last_admin_message() -> str:
    return _(
        "The organization needs at least one administrator. Make someone else administrator first."
    )


def _membership_or_404(org: Organization, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organization_id != org.id:
        abort(404)
    return membership


@bp.post("/organizations/<int:org_id>/members/<int:membership_id>/role")
@login_required
def membership_role(org_id: int, membership_id: int) -> Page:
    """Change a member's role."""
    org = _organization_or_404(org_id)
    require(_actor(), Action.MANAGE_MEMBERS, org)
    membership = _membership_or_404(org, membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _members_page(org, MemberAddForm(formdata=None), 422, _("Choose one of the roles."))
    try:
        changed = change_role(membership, form.role.data, actor=_me())
    except LastAdmin:
        return _members_page(
            org,
            MemberAddForm(formdata=None),
            409,
            _last_admin_message(),
        )
    if changed:
        flash(
            _(
                "%(email)s is now %(role)s.",
                email=membership.user.email,
                role=role_label(membership.role).lower(),
            ),
            "success",
        )
    return redirect(url_for("admin.organization_members", org_id=org.id))


@bp.post("/organizations/<int:org_id>/members/<int:membership_id>/delete")
@login_required
def membership_delete(org_id: int, membership_id: int) -> Page:
    """Remove a member from the organization."""
    org = _organization_or_404(org_id)
    require(_actor(), Action.MANAGE_MEMBERS, org)
    membership = _membership_or_404(org, membership_id)
    email = membership.user.email
    try:
        remove_member(membership, actor=_me())
    except LastAdmin:
        return _members_page(
            org,
            MemberAddForm(formdata=None),
            409,
            _last_admin_message(),
        )
    flash(_("%(email)s is no longer a member.", email=email), "success")
    if not can(_actor(), Action.MANAGE_MEMBERS, org):
        # An administrator removed themselves: the member list is closed to them now.
        return redirect(url_for("accounts.account"))
    return redirect(url_for("admin.organization_members", org_id=org.id))


# Users ------------------------------------------------------------------------------------


@bp.get("/users")
@login_required
def users() -> str:
    """Every user, searchable by email or name, a page at a time."""
    require(_actor(), Action.ADMINISTER_PLATFORM, object())
    q = (request.args.get("q") or "").strip()[:100]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    query = db.select(User).order_by(User.email)
    if q:
        query = query.where(
            db.or_(
                User.email.icontains(q, autoescape=True),
                User.display_name.icontains(q, autoescape=True),
            )
        )
    query = query.options(selectinload(User.memberships).joinedload(Membership.organization))
    pagination = db.paginate(query, page=page, per_page=USERS_PER_PAGE, error_out=False)
    return render_template(
        "admin/users.html",
        pagination=pagination,
        users=pagination.items,
        q=q,
        role_label=role_label,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def user_new() -> Page:
    """Create a user (with a verified address), optionally with a role."""
    require(_actor(), Action.ADMINISTER_PLATFORM, object())
    orgs = db.session.scalars(db.select(Organization).order_by(Organization.name)).all()
    form = UserCreateForm(organizations=list(orgs))
    if form.validate_on_submit():
        try:
            user = create_user(
                form.email.data or "",
                form.password.data or "",
                display_name=form.display_name.data or "",
                verified=True,
                superadmin=bool(form.superadmin.data),
                actor=_me(),
            )
        except DuplicateEmail:
            form.email.errors.append(_("An account with this email address already exists."))
        else:
            if form.organization.data:
                org = db.session.get(Organization, int(form.organization.data))
                if org is not None:
                    add_member(org, user, form.role.data, actor=_me())
            flash(_("The user %(email)s is created.", email=user.email), "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_form.html", form=form), _status()


@bp.get("/users/<int:user_id>")
@login_required
def user_detail(user_id: int) -> str:
    """One user: memberships and platform rights."""
    require(_actor(), Action.ADMINISTER_PLATFORM, object())
    user = db.session.scalar(
        db.select(User)
        .where(User.id == user_id)
        .options(selectinload(User.memberships).joinedload(Membership.organization))
    )
    if user is None:
        abort(404)
    return render_template("admin/user_detail.html", user=user, role_label=role_label)


@bp.post("/users/<int:user_id>/superadmin")
@login_required
def user_superadmin(user_id: int) -> Page:
    """Grant or revoke platform administration."""
    require(_actor(), Action.ADMINISTER_PLATFORM, object())
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    value = request.form.get("value")
    if value not in ("on", "off"):
        abort(400)
    try:
        changed = set_superadmin(user, value == "on", actor=_me())
    except OwnSuperadmin:
        return (
            render_template(
                "admin/user_detail.html",
                user=user,
                role_label=role_label,
                error=_("You cannot remove your own platform administration rights."),
            ),
            409,
        )
    if changed:
        flash(
            _("%(email)s is now a platform administrator.", email=user.email)
            if user.is_superadmin
            else _("%(email)s is no longer a platform administrator.", email=user.email),
            "success",
        )
    return redirect(url_for("admin.user_detail", user_id=user.id))
