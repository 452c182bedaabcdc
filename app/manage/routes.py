"""Staff dashboard and editors (under /manage)."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from app.manage import bp


@bp.get("/")
@login_required
def dashboard() -> str:
    """The organization dashboard."""
    return render_template("manage/dashboard.html")
