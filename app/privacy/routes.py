"""Residents' own data (download, delete) and staff erasure on request."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from app.accounts.models import Participant, User
from app.accounts.participants import current_participant
from app.accounts.passwords import verify_password
from app.comments.models import Comment
from app.core import pii
from app.core.auth import login_required
from app.core.permissions import Action, actor_from, can
from app.extensions import db
from app.organizations.models import Organization
from app.privacy import bp
from app.privacy.forms import DeleteAccountForm, DeleteOwnForm, EraseForm
from app.privacy.services import (
    StaffAccount,
    delete_account,
    delete_own_contributions,
    erase_participant,
    participant_data,
    preview_erasure,
)
from app.surveys.models import Response as SurveyResponse


def _survey_responses(n: int) -> str:
    return ngettext("%(num)d survey response", "%(num)d survey responses", n)


def _comments(n: int) -> str:
    return ngettext("%(num)d comment", "%(num)d comments", n)


@bp.get("/my/data")
def my_data() -> FlaskResponse:
    """Download everything stored about my contributions, as JSON."""
    participant = current_participant()
    data = participant_data(participant) if participant else {"responses": [], "comments": []}
    response = FlaskResponse(
        json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="platsdialog-mina-bidrag.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/my/delete", methods=["GET", "POST"])
def my_delete() -> Response | str | tuple[str, int]:
    """Delete all my contributions, after a confirmation."""
    participant = current_participant()
    form = DeleteOwnForm()
    if participant is not None and form.validate_on_submit():
        report = delete_own_contributions(participant)
        flash(
            _(
                "Deleted: %(responses)s, %(comments)s, %(supports)s and %(flags)s.",
                responses=_survey_responses(report.responses),
                comments=_comments(report.comments),
                supports=ngettext("%(num)d agreement", "%(num)d agreements", report.supports),
                flags=ngettext("%(num)d report", "%(num)d reports", report.flags),
            ),
            "success",
        )
        return redirect(url_for("public.my_contributions"))
    status = 422 if form.errors else 200
    return render_template("privacy/delete.html", form=form, participant=participant), status


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def account_delete() -> Response | str | tuple[str, int]:
    """Delete my own account, after the password and a choice about my contributions."""
    user = current_user._get_current_object()
    form = DeleteAccountForm()
    status = 200
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.password.data or ""):
            form.password.errors.append(_("The password is not right."))
        else:
            try:
                delete_account(user, delete_contributions=form.contributions.data == "delete")
            except StaffAccount:
                status = 409
                form.password.errors.append(
                    _(
                        "Accounts of municipal staff are removed by an administrator of "
                        "your organization."
                    )
                )
            else:
                logout_user()
                session.clear()
                flash(_("Your account has been deleted."), "success")
                return redirect(url_for("public.catalogue"), code=303)
    if form.errors and status == 200:
        status = 422
    return render_template("privacy/account_delete.html", form=form), status


def _staff_organizations() -> list[Organization]:
    actor = actor_from(current_user)
    organizations = db.session.scalars(sa.select(Organization).order_by(Organization.name)).all()
    return [o for o in organizations if can(actor, Action.ERASE_PARTICIPANT, o)]


def _find_participant(form: EraseForm) -> Participant | None:
    if form.email.data:
        user = db.session.scalar(sa.select(User).where(User.email == form.email.data.lower()))
        if user is None:
            return None
        return db.session.scalar(sa.select(Participant).where(Participant.user_id == user.id))
    reference = (form.reference.data or "").strip()
    match = re.fullmatch(r"(\d{1,9})-[0-9A-Fa-f]{4}", reference)
    if match:
        response = db.session.get(SurveyResponse, int(match.group(1)))
        return response.participant if response else None
    if reference.lstrip("#").isdigit():
        comment = db.session.get(Comment, int(reference.lstrip("#")))
        return comment.participant if comment else None
    return None


@bp.route("/manage/privacy/erase", methods=["GET", "POST"])
@login_required
def erase() -> Response | str | tuple[str, int]:
    """Erase a resident's contributions on request (admins of the organization)."""
    organizations = _staff_organizations()
    if not organizations:
        abort(403)
    form = EraseForm()
    form.organization_id.choices = [(o.id, o.name) for o in organizations]
    preview = None
    if form.validate_on_submit():
        organization = next(o for o in organizations if o.id == form.organization_id.data)
        participant = _find_participant(form)
        if participant is None:
            form.reference.errors.append(_("No resident was found for that."))
        elif not form.confirm.data:
            preview = preview_erasure(participant, organization)
            if not form.method.data:
                form.method.data = preview["method"]
        else:
            method = form.method.data if form.method.data in ("delete", "redact") else None
            extra = [w.strip() for w in (form.extra.data or "").splitlines() if w.strip()]
            report = erase_participant(
                participant, organization, actor=current_user, method=method, extra=extra
            )
            message = _(
                "Erased: %(responses)s and %(comments)s.",
                responses=_survey_responses(report.responses),
                comments=_comments(report.comments),
            )
            if method == "redact":
                message += " " + ngettext(
                    "Personal data was removed from %(num)d text.",
                    "Personal data was removed from %(num)d texts.",
                    report.redacted,
                )
            flash(message, "success")
            return redirect(url_for("privacy.erase"))
    status = 422 if form.errors and any(form.errors.values()) else 200
    return (
        render_template("privacy/erase.html", form=form, preview=preview, highlight=pii.highlight),
        status,
    )
