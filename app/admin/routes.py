"""Platform administration: organizations, users and memberships (under /admin)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from app.admin import bp
from app.core.permissions import Action, actor_from, require


@bp.get("/")
@login_required
def index() -> str:
    """Administration start page."""
    require(actor_from(current_user), Action.ADMINISTER_PLATFORM, object())
    return render_template("admin/index.html")
