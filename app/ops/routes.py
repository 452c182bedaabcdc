"""Operations endpoints: health check, service worker, offline page, CSRF token refresh."""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, jsonify, render_template, url_for
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from app.extensions import db, limiter
from app.ops import bp

#: Static files every page may need offline (the app shell and vendored libraries).
SHELL_ASSETS = [
    "css/app.css",
    "js/app.js",
    "js/outbox-core.js",
    "js/outbox.js",
    "img/icon.svg",
    "img/icon-192.png",
    "vendor/htmx/htmx.min.js",
    "vendor/htmx/head-support.js",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
    "vendor/leaflet/images/layers.png",
    "vendor/leaflet/images/layers-2x.png",
    "vendor/markercluster/leaflet.markercluster.js",
    "vendor/markercluster/MarkerCluster.css",
    "vendor/markercluster/MarkerCluster.Default.css",
    "vendor/geoman/leaflet-geoman.js",
    "vendor/geoman/leaflet-geoman.css",
    # Survey and map pages, when present.
    "css/survey.css",
    "css/public.css",
    "js/survey.js",
    "js/survey-offline.js",
    "js/comments-offline.js",
    "js/photos.js",
    "js/survey-photos.js",
    "js/map-draw.js",
    "js/stage-map.js",
    "js/comments.js",
    # The plan overlay and base-layer switcher of stages with a plan map (app/plans).
    "js/plan-map.js",
    "css/plan.css",
]


def _shell_urls() -> list[str]:
    root = Path(current_app.static_folder or "static")
    return [url_for("static", filename=name) for name in SHELL_ASSETS if (root / name).is_file()]


@bp.get("/healthz")
@limiter.exempt
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
@limiter.exempt
def service_worker() -> Response:
    """The service worker, from the root so its scope is the whole site; versioned by assets."""
    precache = [*_shell_urls(), url_for("ops.offline")]
    template = Path(current_app.root_path) / "templates" / "ops" / "sw.js"
    version = hashlib.sha256(
        ("|".join(precache) + str(template.stat().st_mtime_ns)).encode()
    ).hexdigest()[:12]
    body = render_template(
        "ops/sw.js",
        version=version,
        precache=precache,
        offline_url=url_for("ops.offline"),
        outbox_core_url=url_for("static", filename="js/outbox-core.js"),
    )
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline() -> str:
    """Shown by the service worker for pages not saved on the device."""
    return render_template("ops/offline.html")


@bp.get("/csrf-token")
@limiter.exempt
def csrf_token() -> Response:
    """A fresh CSRF token for submissions that waited offline."""
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest, with the name and description in the current language."""
    from flask_babel import gettext as _

    def icon(name: str, size: str, purpose: str = "any") -> dict[str, str]:
        return {
            "src": url_for("static", filename=f"img/{name}"),
            "sizes": size,
            "type": "image/png",
            "purpose": purpose,
        }

    data = {
        "name": "Platsdialog",
        "short_name": "Platsdialog",
        "description": _("Citizen dialogue on the map for urban planning."),
        "lang": str(current_app.config["BABEL_DEFAULT_LOCALE"]),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#005a9c",
        "icons": [
            icon("icon-192.png", "192x192"),
            icon("icon-512.png", "512x512"),
            icon("icon-maskable-512.png", "512x512", "maskable"),
        ],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    return response
