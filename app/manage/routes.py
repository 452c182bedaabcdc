"""Staff dashboard (under /manage): projects, open rounds, what waits for staff."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from app.core.auth import login_required
from app.manage import bp
from app.manage.queries import build_dashboard, choose_organization, sparkline_points


@bp.get("/")
@login_required
def dashboard() -> str:
    """The organization dashboard, with a switcher when the user staffs several."""
    organization, organizations = choose_organization(current_user, request.args.get("org"))
    return render_template(
        "manage/dashboard.html",
        data=build_dashboard(organization, current_user),
        organization=organization,
        organizations=organizations,
        sparkline_points=sparkline_points,
    )
