"""Account pages: register, verify, log in/out, reset and change password, account."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from app.accounts import bp
from app.accounts.forms import (
    AccountForm,
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    StaffNotifyForm,
)
from app.accounts.participants import current_participant
from app.accounts.passwords import verify_password
from app.accounts.services import (
    DuplicateEmail,
    WrongPassword,
    authenticate,
    change_password,
    claim_device_participant,
    end_sessions,
    find_user,
    is_staff,
    register,
    send_password_reset,
    send_verification,
    set_password,
    set_preference,
    update_account,
    verify_email,
)
from app.accounts.tokens import Purpose, TokenError, read_token
from app.core.auth import login_required
from app.core.i18n import current_language
from app.core.security import safe_next
from app.extensions import db

Page = Response | tuple[str, int] | str


def _status() -> int:
    """Re-rendering after a POST means the form was invalid: 422 so nothing is stored."""
    return 422 if request.method == "POST" else 200


def _duplicate_message() -> str:
    return _("An account with this email address already exists. Log in or reset your password.")


def _token_problem(error: TokenError) -> str:
    if error.code == "expired":
        return _("The link has expired. Ask for a new one below.")
    return _("The link is not valid. It may have been used already or copied incompletely.")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Page:
    """Log in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            device = current_participant()  # read before the session is renewed
            language = session.get("lang")
            session.clear()  # no session fixation: a new session on login
            if language:
                session["lang"] = language  # the visitor's language choice is not a secret
            login_user(user, remember=bool(form.remember.data))
            # What was written on this phone before logging in stays the resident's.
            claim_device_participant(user, device)
            return redirect(safe_next(request.args.get("next"), url_for("public.catalogue")))
        form.password.errors.append(_("The email address or password is wrong."))
    return render_template("accounts/login.html", form=form), _status()


@bp.post("/logout")
def logout() -> Response:
    """Log out, server-side too: a copy of the session cookie stops working."""
    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    return redirect(url_for("public.catalogue"))


@bp.route("/register", methods=["GET", "POST"], endpoint="register")
def register_page() -> Page:
    """Create a resident account; a verification link is mailed."""
    form = RegisterForm()
    if form.validate_on_submit():
        # The same answer whether or not the address has an account (its owner is mailed).
        register(
            form.email.data or "",
            form.password.data or "",
            display_name=form.display_name.data or "",
            locale=current_language(),
            notify_feedback=bool(form.notify_feedback.data),
        )
        return redirect(url_for("accounts.verify_sent"))
    return render_template("accounts/register.html", form=form), _status()


@bp.get("/verify/sent")
def verify_sent() -> str:
    """Tell the new resident to open the link we mailed."""
    return render_template("accounts/verify_sent.html", form=EmailOnlyForm())


@bp.get("/verify/<token>")
def verify(token: str) -> Page:
    """Open the link from the verification mail."""
    try:
        user = read_token(token, Purpose.VERIFY_EMAIL)
    except TokenError as error:
        return (
            render_template(
                "accounts/link_problem.html",
                message=_token_problem(error),
                form=EmailOnlyForm(formdata=None),
                purpose="verify",
            ),
            422,
        )
    if verify_email(user):
        flash(_("Thank you, your email address is verified."), "success")
    else:
        flash(_("Your email address was already verified."), "success")
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    return redirect(url_for("accounts.login"))


@bp.route("/verify/resend", methods=["GET", "POST"])
def resend_verification() -> Page:
    """Send the verification link again (same answer whether or not the address exists)."""
    form = EmailOnlyForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.email.data = current_user.email
    if form.validate_on_submit():
        user = find_user(form.email.data or "")
        if user is not None and user.active and user.email_verified_at is None:
            send_verification(user)
        flash(
            _(
                "If an unverified account uses this address, we have sent a new link to it. "
                "Check your inbox and spam folder."
            ),
            "success",
        )
        return redirect(url_for("accounts.resend_verification"))
    return render_template("accounts/resend.html", form=form), _status()


@bp.route("/reset", methods=["GET", "POST"])
def request_reset() -> Page:
    """Ask for a password reset link (same answer whether or not the address exists)."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        send_password_reset(form.email.data or "")
        flash(
            _(
                "If an account uses this address, we have sent a link to choose a new "
                "password. The link works for one hour."
            ),
            "success",
        )
        return redirect(url_for("accounts.request_reset"))
    return render_template("accounts/reset_request.html", form=form), _status()


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Page:
    """Choose a new password from a reset link."""
    try:
        user = read_token(token, Purpose.RESET_PASSWORD)
    except TokenError as error:
        return (
            render_template(
                "accounts/link_problem.html",
                message=_token_problem(error),
                form=EmailOnlyForm(formdata=None),
                purpose="reset",
            ),
            422,
        )
    form = ResetPasswordForm()
    if form.validate_on_submit():
        set_password(user, form.password.data or "", reason="reset")
        logout_user()
        session.clear()
        flash(_("Your password is changed. Log in with the new password."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), _status()


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Page:
    """The account page: settings and memberships."""
    user = current_user._get_current_object()
    languages = list(current_app.config["LANGUAGES"])
    form = AccountForm(obj=user, languages=languages, current_email=user.email)
    if request.method == "GET" and user.locale not in languages:
        form.locale.data = current_language()
    if form.validate_on_submit():
        if form.email_changes() and not verify_password(
            user.password_hash, form.current_password.data or ""
        ):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            try:
                changed = update_account(
                    user,
                    email=form.email.data or "",
                    display_name=form.display_name.data or "",
                    locale=form.locale.data,
                    notify_feedback=bool(form.notify_feedback.data),
                )
            except DuplicateEmail:
                form.email.errors.append(_duplicate_message())
            else:
                session["lang"] = user.locale  # the choice applies at once, not at next login
                flash(_("Your account settings are saved."), "success")
                if changed:
                    flash(
                        _("We have sent a link to your new email address to verify it."), "success"
                    )
                return redirect(url_for("accounts.account"))
    return render_template(
        "accounts/account.html",
        user=user,
        form=form,
        notify_form=StaffNotifyForm(obj=user) if is_staff(user) else None,
        memberships=user.memberships,
    ), _status()


@bp.post("/account/notifications")
@login_required
def staff_notifications() -> Page:
    """Staff choose when they are mailed about comments (immediately, daily digest, never)."""
    user = current_user._get_current_object()
    if not is_staff(user):
        abort(403)
    form = StaffNotifyForm()
    if not form.validate_on_submit():
        flash(_("Choose when to be told."), "error")
        return redirect(url_for("accounts.account"), code=303)
    set_preference(user, form.staff_notify.data or "daily")
    db.session.commit()
    flash(_("Your notification setting is saved."), "success")
    return redirect(url_for("accounts.account") + "#notify-heading", code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password_page() -> Page:
    """Change the password; other sessions are logged out."""
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(user, form.current_password.data or "", form.password.data or "")
        except WrongPassword:
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            # The version bump ended every session, this one too: start a fresh one.
            session.clear()
            login_user(user)
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/password.html", form=form), _status()
