"""Platsdialog: citizen dialogue on the map for every stage of urban planning."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask_babel import gettext, ngettext
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app import config as config_module
from app.extensions import babel, csrf, db, limiter, login_manager, migrate

#: Blueprints in registration order: (module, url_prefix).
BLUEPRINTS: list[tuple[str, str | None]] = [
    ("app.public", None),
    ("app.accounts", None),
    ("app.surveys", None),
    ("app.comments", None),
    ("app.comments.photos", None),
    ("app.manage", "/manage"),
    ("app.moderation", "/manage"),
    ("app.analysis_ui", "/manage"),
    ("app.exports", "/manage"),
    ("app.intake", "/manage"),
    ("app.admin", "/admin"),
    ("app.api", "/api/v1"),
    ("app.ops", None),
    ("app.privacy", None),
    ("app.plans", None),
    ("app.follow", None),
    ("app.meetings", None),
]

#: Domains that contribute a click group (``flask <name> ...``).
CLI_MODULES = [
    "app.organizations.cli_users",
    "app.organizations.cli",
    "app.demo.cli",
    "app.exports.cli",
    "app.analysis_ui.cli",
    "app.ops.cli",
    "app.privacy.cli",
    "app.notify.cli",
    "app.follow.cli",
]

#: Each domain's permission rules, registered into the dispatcher of app.core.permissions.
RULE_MODULES = [
    "app.accounts.rules",
    "app.organizations.rules",
    "app.projects.rules",
    "app.surveys.rules",
    "app.comments.rules",
]

#: Modules whose ``subscribe()`` connects them to other domains' signals (blinker).
SUBSCRIBERS = [
    "app.surveys.services",
    "app.comments.services",
    "app.intake.services",
    "app.plans.services",
    "app.notify.services",
    "app.follow.services",
]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides settings read from the environment."""
    from app.core.requests import IdConverter, PlatsdialogRequest

    app = Flask(__name__, instance_path=str(config_module.INSTANCE))
    app.request_class = PlatsdialogRequest
    app.url_map.converters["int"] = IdConverter
    app.config.update(config_module.from_environment())
    if config:
        app.config.update(config)
        if "DATABASE_URL" in config:
            app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
                config["DATABASE_URL"]
            )
    config_module.validate(app.config)
    config_module.instance_paths(app.config)
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})

    _configure_logging(app)
    _bind_extensions(app)
    _register_blueprints(app)
    _register_request_hooks(app)
    _register_template_helpers(app)

    from app.core.bot_trap import register_bot_trap
    from app.core.errors import register_error_handlers
    from app.core.htmx import register_htmx_handling
    from app.core.ratelimit import register_abuse_limits
    from app.core.security import register_security_headers
    from app.core.static import register_static_handling

    register_error_handlers(app)
    register_security_headers(app)
    register_htmx_handling(app)
    register_static_handling(app)
    register_abuse_limits(app)
    register_bot_trap(app)

    from app.analysis_ui.hooks import register_auto_coding

    register_auto_coding()
    for name in RULE_MODULES:
        importlib.import_module(name).register()
    for name in SUBSCRIBERS:
        importlib.import_module(name).subscribe()
    for name in CLI_MODULES:
        module = importlib.import_module(name)
        app.cli.add_command(module.cli)
    return app


def _configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO,
            format='{"time":"%(asctime)s","level":"%(levelname)s","logger":"%(name)s",'
            '"message":"%(message)s"}',
        )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Foreign keys on and WAL for SQLite; nothing for other databases."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # We say when a transaction begins (see _sqlite_begin_before_write): Python's sqlite3
    # opens one before INSERT/UPDATE/DELETE but not before SAVEPOINT, so a savepoint that
    # came first would start a transaction of its own and its RELEASE would commit it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


_SQLITE_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_begin_before_write(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    """On SQLite, BEGIN right before a transaction's first write (or savepoint), as Python's
    sqlite3 did for writes by itself: reads before it see the latest data without holding a
    snapshot, the write lock is taken (waiting up to busy_timeout) at the first write, and a
    savepoint (``begin_nested``, the idempotent inserts) lives inside the transaction, so
    everything commits or rolls back together at the request boundary."""
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if raw is None or raw.in_transaction:
        return
    if statement.lstrip()[:9].upper().startswith(_SQLITE_WRITES):
        raw.execute("BEGIN")


def _bind_extensions(app: Flask) -> None:
    importlib.import_module("app.models")  # complete metadata for Alembic and create_all
    from app.core.i18n import select_locale

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent.parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    from app.accounts.models import User

    def load_user(value: str) -> User | None:
        try:
            user_id, version = (int(part) for part in value.split(":", 1))
        except ValueError:
            return None
        user = db.session.get(User, user_id)
        if user is None or user.session_version != version:
            return None
        return user

    login_manager.user_loader(load_user)


def _register_blueprints(app: Flask) -> None:
    """Import each domain's ``routes*.py`` modules, then register its blueprint.

    Route modules are imported here rather than from the package ``__init__`` so that
    importing a domain's models never pulls in its views. Every route module is imported
    before any blueprint is registered: a package above may add pages to a lower package's
    blueprint (``app/api/routes_tokens.py`` adds the token pages to the account pages).
    """
    packages = [(importlib.import_module(name), prefix) for name, prefix in BLUEPRINTS]
    for module, _prefix in packages:
        for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda i: i.name):
            if info.name.startswith("routes"):
                importlib.import_module(f"{module.__name__}.{info.name}")
    for module, prefix in packages:
        app.register_blueprint(module.bp, url_prefix=prefix)


def _register_request_hooks(app: Flask) -> None:
    from app.accounts.participants import set_participant_cookie
    from app.core.errors import DATABASE_DOWN, database_unavailable

    @app.after_request
    def commit_boundary(response: Any) -> Any:
        """The request boundary commits once; anything but success rolls back."""
        if response.status_code < 400:
            try:
                db.session.commit()
            except DATABASE_DOWN as error:
                return database_unavailable(error)
        else:
            db.session.rollback()
            # A participant made by a refused request was rolled back: no cookie for it.
            g.pop("new_participant_token", None)
        return set_participant_cookie(response)

    @app.teardown_request
    def rollback_on_error(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()

    @app.before_request
    def remember_language() -> None:
        from flask import session
        from flask_babel import refresh

        # Per-request state must not survive into the next request when an app context is
        # shared (as in tests, or in CLI code that issues requests).
        for name in (
            "participant",
            "new_participant_token",
            "_login_user",
        ):
            g.pop(name, None)
        refresh()

        if request.endpoint == "static":
            return
        # A lasting session keeps the CSRF secret, so submissions that waited offline still
        # carry a valid token when they are sent days later. Set once: the cookie is then
        # written only when the session changes (SESSION_REFRESH_EACH_REQUEST is off), so
        # concurrent responses (assets, service-worker precaching) never overwrite it.
        if not session.permanent:
            session.permanent = True
        asked = request.args.get("lang")
        if asked in app.config["LANGUAGES"]:
            session["lang"] = asked
        g.setdefault("page_title", None)


def _register_template_helpers(app: Flask) -> None:
    from app.analysis_ui.evidence import channel_label
    from app.core.i18n import content_language, current_language, enabled_languages, tr
    from app.core.permissions import Action, actor_from, can
    from app.intake.forms import sender_type_label
    from app.organizations.forms import role_label
    from app.projects.forms import document_kind_label
    from app.surveys.builder import translation_gaps, translation_states, translation_summary

    def may(action: str, obj: Any) -> bool:
        from flask_login import current_user

        from app.accounts.participants import current_participant

        return can(actor_from(current_user, current_participant()), action, obj)

    from app.core.bot_trap import bot_trap

    app.jinja_env.globals.update(
        bot_trap=bot_trap,
        csrf_token=generate_csrf,
        tr=tr,
        current_language=current_language,
        content_language=content_language,
        enabled_languages=enabled_languages,
        may=may,
        Action=Action,
        channel_label=channel_label,
        sender_type_label=sender_type_label,
        role_label=role_label,
        document_kind_label=document_kind_label,
        survey_translation_gaps=translation_gaps,
        survey_translation_states=translation_states,
        survey_translation_summary=translation_summary,
        _=gettext,
        ngettext=ngettext,
    )
    from app.core import content

    content.register(app)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # by jinja2.ext.i18n
        gettext, ngettext, newstyle=True
    )


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render our column types as plain SQLAlchemy types in migrations."""
    from app.core.models import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
