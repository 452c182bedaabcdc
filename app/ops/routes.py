"""Operations endpoints: health check and the service worker at the site root."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, send_from_directory
from werkzeug.wrappers import Response

from app.extensions import csrf, db, limiter
from app.ops import bp


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
def healthz() -> tuple[Response, int]:
    """Report whether the app can reach its database (for load balancers and monitors)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("health check failed")
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served from the root so its scope is the whole site."""
    response = send_from_directory(current_app.static_folder or "static", "sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
