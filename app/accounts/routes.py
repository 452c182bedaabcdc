"""Account pages: register, verify, log in/out, reset and change password, account."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.accounts import bp
from app.accounts.forms import LoginForm
from app.accounts.services import authenticate
from app.core.security import safe_next


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """Log in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            session.clear()  # no session fixation: a new session on login
            login_user(user, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next"), url_for("public.catalogue")))
        form.password.errors.append(_("The email address or password is wrong."))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout() -> Response:
    """Log out."""
    logout_user()
    session.clear()
    return redirect(url_for("public.catalogue"))


@bp.get("/account")
@login_required
def account() -> str:
    """The account page."""
    return render_template("accounts/account.html", user=current_user)
