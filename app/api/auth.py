"""Who is calling the API: a browser session (cookie, CSRF-checked) or a staff script
(``Authorization: Bearer <token>``, no CSRF since browsers never attach that header on
their own).

A token request acts as the token's user, limited to the token's organization: every
object named in the URL must belong to that organization, else the API answers 404 as if
the object did not exist. The CSRF exemption is granted only after the token is verified.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from flask_babel import gettext as _

from app.api import bp
from app.api.tokens import find_active_token
from app.core.errors import api_error
from app.core.models import utcnow
from app.core.permissions import organization_id_of
from app.extensions import csrf, db
from app.projects.models import Project, Stage
from app.surveys.models import Survey

#: URL parameters that name an object, and the model to look it up in. A token request to
#: a rule with an integer parameter missing here is refused (fail closed); a test checks
#: every API rule is covered.
SCOPED_PARAMETERS: dict[str, type[Any]] = {
    "project_id": Project,
    "stage_id": Stage,
    "survey_id": Survey,
}

# The blueprint's own hook below runs the CSRF check for cookie-authenticated calls.
csrf.exempt(bp)


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header, or ``None`` without one."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def _outside_organization(organization_id: int) -> bool:
    """Does the URL name an object of another organization (or one we cannot place)?"""
    for name, value in (request.view_args or {}).items():
        if not isinstance(value, int):
            continue
        model = SCOPED_PARAMETERS.get(name)
        if model is None:
            return True
        obj = db.session.get(model, value)
        if obj is not None and organization_id_of(obj) != organization_id:
            return True
    return False


@bp.before_request
def authenticate_api_request() -> Any:
    """Authenticate a Bearer token, or hold a cookie-authenticated write to CSRF."""
    clear = bearer_token()
    if clear is None:
        config = current_app.config
        if config["WTF_CSRF_ENABLED"] and config.get("WTF_CSRF_CHECK_DEFAULT", True):
            csrf.protect()
        return None
    token = find_active_token(clear)
    if token is None:
        return api_error(
            401,
            _("The API token is unknown or has been revoked."),
            code="invalid_token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    # Flask-Login reads the request's user from ``g._login_user``; setting it here avoids
    # a session cookie, so the token never turns into a browser login.
    g._login_user = token.user
    g.api_token = token
    g.pop("participant", None)
    if _outside_organization(token.organization_id):
        return api_error(404)
    token.last_used_at = utcnow()
    return None


@bp.teardown_request
def forget_token_user(exc: BaseException | None) -> None:
    """Drop the token's user so that nothing sharing this app context inherits it."""
    if g.pop("api_token", None) is not None:
        g.pop("_login_user", None)
        g.pop("participant", None)
