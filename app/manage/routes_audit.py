"""The audit log of an organization (under /manage/audit)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import render_template, request
from flask_login import current_user

from app.core.auth import login_required
from app.core.permissions import Action, require
from app.manage import bp
from app.manage.forms import AuditFilterForm
from app.manage.queries import (
    audit_events,
    choose_organization,
    current_actor,
    organization_staff,
)


@bp.get("/audit")
@login_required
def audit() -> tuple[str, int]:
    """Who did what, when: filterable by action, actor and dates; paginated."""
    organization, organizations = choose_organization(current_user, request.args.get("org"))
    require(current_actor(), Action.VIEW_AUDIT, organization)
    staff = organization_staff(organization)
    form = AuditFilterForm(request.args, staff=[(str(u.id), u.email) for u in staff])
    valid = form.validate() if request.args else True
    result = None
    if valid:
        since = until = None
        if form.since.data:
            since = datetime.combine(form.since.data, time.min, tzinfo=UTC)
        if form.until.data:
            until = datetime.combine(form.until.data, time.min, tzinfo=UTC) + timedelta(days=1)
        result = audit_events(
            organization,
            prefix=(form.action.data or "").strip() or None,
            actor_id=int(form.actor.data) if form.actor.data else None,
            since=since,
            until=until,
            page=request.args.get("page", 1, type=int) or 1,
        )
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return (
        render_template(
            "manage/audit.html",
            organization=organization,
            organizations=organizations,
            form=form,
            result=result,
            query=query,
        ),
        200 if valid else 422,
    )
