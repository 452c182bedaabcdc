"""Staff API tokens: create (shown once), list and revoke, at ``/account/tokens``.

The pages sit with the account pages (the ``accounts`` blueprint, whose route modules the app
factory imports from here too) but live in the api package, which owns the tokens and may
build on the organizations a token is scoped to.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.accounts import bp
from app.accounts.models import User
from app.api.tokens import (
    TokenRefused,
    create_token,
    revoke_token,
    token_organizations,
    user_tokens,
)
from app.audit.services import record
from app.core.auth import logged_in_user, login_required
from app.core.forms import FlaskForm
from app.organizations.models import Organization

Page = Response | tuple[str, int] | str


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name of the token"),
        validators=[DataRequired(message=_l("Give the token a name.")), Length(max=100)],
    )
    organization = SelectField(_l("Organization"), coerce=int)


def _staff_user() -> tuple[User, list[Organization]]:
    """The logged-in user, who must be staff of some organization (else 404)."""
    user = logged_in_user()
    organizations = token_organizations(user)
    if not organizations:
        abort(404)
    return user, organizations


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def api_tokens() -> Page:
    """List the staff member's API tokens and create a new one (its value is shown once)."""
    user, organizations = _staff_user()
    form = TokenForm()
    form.organization.choices = [(o.id, o.name) for o in organizations]
    created = None
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                token, clear = create_token(user, form.organization.data, form.name.data or "")
            except TokenRefused:
                form.organization.errors = [_("Choose one of your organizations.")]
                status = 422
            else:
                record(
                    "api_token.create",
                    actor=user,
                    organization_id=token.organization_id,
                    obj=token,
                    name=token.name,
                )
                created = clear
                form = TokenForm(formdata=None)
                form.organization.choices = [(o.id, o.name) for o in organizations]
        else:
            status = 422
    names = {o.id: o.name for o in organizations}
    return render_template(
        "accounts/tokens.html",
        form=form,
        tokens=user_tokens(user),
        created=created,
        organization_names=names,
    ), status


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int) -> Page:
    """Revoke one of the staff member's own tokens."""
    user, _organizations = _staff_user()
    token = revoke_token(user, token_id)
    if token is None:
        abort(404)
    record("api_token.revoke", actor=user, organization_id=token.organization_id, obj=token)
    flash(
        _(
            "The token “%(name)s” is revoked. Scripts using it can no longer connect.",
            name=token.name,
        ),
        "success",
    )
    return redirect(url_for("accounts.api_tokens"))
