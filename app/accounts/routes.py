"""Account pages: register, verify, log in/out, reset and change password, account."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user

from app.accounts import bp


@bp.route("/login", methods=["GET", "POST"])
def login() -> str:
    """Log in."""
    return render_template("accounts/login.html")


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    """Log out."""
    logout_user()
    return redirect(url_for("public.catalogue"))


@bp.get("/account")
@login_required
def account() -> str:
    """The account page."""
    return render_template("accounts/account.html", user=current_user)
