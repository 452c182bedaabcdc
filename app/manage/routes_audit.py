"""The audit log of an organization (under /manage/audit), on screen and as CSV."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.participants import current_actor
from app.audit.labels import action_label, object_label
from app.audit.services import record
from app.core.auth import login_required
from app.core.permissions import Action, require
from app.exports.tables import Column, Table, local_time
from app.exports.tabular import csv_bytes
from app.manage import bp
from app.manage.forms import AuditFilterForm
from app.manage.queries import (
    all_audit_events,
    audit_events,
    choose_organization,
    organization_staff,
)


def _filters(form: AuditFilterForm) -> dict[str, Any]:
    since = until = None
    if form.since.data:
        since = datetime.combine(form.since.data, time.min, tzinfo=UTC)
    if form.until.data:
        until = datetime.combine(form.until.data, time.min, tzinfo=UTC) + timedelta(days=1)
    return {
        "prefix": (form.action.data or "").strip() or None,
        "actor_id": int(form.actor.data) if form.actor.data else None,
        "since": since,
        "until": until,
    }


def _details(data: dict[str, Any]) -> str:
    return "; ".join(f"{key}={value}" for key, value in (data or {}).items())


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
        result = audit_events(
            organization, **_filters(form), page=request.args.get("page", 1, type=int) or 1
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
            action_label=action_label,
            object_label=object_label,
        ),
        200 if valid else 422,
    )


@bp.get("/audit.csv")
@login_required
def audit_csv() -> Any:
    """The filtered audit log as CSV (semicolon, UTF-8 with BOM, as the other exports);
    exporting it is itself an audit event (public records: who took the log out)."""
    organization, _organizations = choose_organization(current_user, request.args.get("org"))
    require(current_actor(), Action.VIEW_AUDIT, organization)
    staff = organization_staff(organization)
    form = AuditFilterForm(request.args, staff=[(str(u.id), u.email) for u in staff])
    if request.args and not form.validate():
        return audit()
    filters = _filters(form)
    result = all_audit_events(organization, **filters)
    table = Table(
        _("Audit log"),
        [
            Column("time", _("When, Swedish time.")),
            Column("actor", _("Who (e-mail), or the system.")),
            Column("action", _("What happened.")),
            Column("action_code", _("The stable code of the action.")),
            Column("object", _("What it happened to.")),
            Column("object_id", _("The object's number.")),
            Column("details", _("Details recorded with the event.")),
        ],
    )
    for event in result.events:
        actor = result.actors.get(event.actor_user_id) if event.actor_user_id else None
        table.rows.append(
            [
                local_time(event.created_at),
                actor.email if actor else _("System"),
                action_label(event.action),
                event.action,
                object_label(event.object_type),
                event.object_id,
                _details(event.data),
            ]
        )
    record(
        "audit.export",
        actor=current_user,
        organization_id=organization.id,
        rows=len(table.rows),
        filters={k: str(v) for k, v in filters.items() if v is not None} or None,
    )
    name = f"granskningslogg-{organization.slug}-{datetime.now(UTC):%Y%m%d}.csv"
    return Response(
        csv_bytes(table, ";"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
