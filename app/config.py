"""Every setting of the application, read from the environment in one place.

Nothing else in the code base reads ``os.environ``; tests pass a mapping to
``create_app(config=...)`` instead of patching the environment.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from collections.abc import Mapping, MutableMapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEV_SECRET_KEY = "dev-insecure-change-me"  # noqa: S105 - refused in production below
DEV_BASE_URL = "http://127.0.0.1:5000"

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


class ConfigError(RuntimeError):
    """The configuration cannot run safely."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    if value is None or value == "":
        return default
    return int(value)


def _list(value: str | None, default: list[str]) -> list[str]:
    if not value:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def from_environment(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the settings mapping from environment variables (with development defaults)."""
    env = os.environ if env is None else env
    mode = env.get("PLATSDIALOG_ENV", "development").strip().lower()
    production = mode == "production"
    instance = Path(env.get("PLATSDIALOG_INSTANCE", str(INSTANCE)))
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'platsdialog.db'}"
    return {
        "ENV_MODE": mode,
        # Unset in development: a random key is kept in the instance folder (see validate).
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ECHO": _bool(env.get("SQLALCHEMY_ECHO"), False),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "RQ_QUEUE": env.get("RQ_QUEUE", "platsdialog"),
        "INSTANCE_DIR": str(instance),
        # Mail: SMTP when MAIL_SERVER is set, otherwise files under MAIL_DIR.
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int(env.get("MAIL_PORT"), 587),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS"), True),
        "MAIL_SENDER": env.get("MAIL_SENDER", "Platsdialog <noreply@platsdialog.local>"),
        # Empty: a folder of this database's under INSTANCE_DIR (``instance_paths``).
        "MAIL_DIR": env.get("MAIL_DIR") or None,
        # Links in mail are built from BASE_URL, never from the request (see trust block).
        "BASE_URL": env.get("BASE_URL") or (None if production else DEV_BASE_URL),
        # Languages: the UI is Swedish by default; content fields exist per enabled language.
        "LANGUAGES": _list(env.get("LANGUAGES"), ["sv", "en"]),
        "BABEL_DEFAULT_LOCALE": env.get("DEFAULT_LANGUAGE", "sv"),
        "BABEL_DEFAULT_TIMEZONE": env.get("TIMEZONE", "Europe/Stockholm"),
        # Uploads and request sizes.
        "MAX_CONTENT_LENGTH": _int(env.get("MAX_CONTENT_LENGTH"), 16 * 1024 * 1024),
        # Uploaded files and built exports; empty: folders of this database's under INSTANCE_DIR.
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or None,
        "EXPORT_DIR": env.get("EXPORT_DIR") or None,
        "MAX_IMAGE_BYTES": _int(env.get("MAX_IMAGE_BYTES"), 5 * 1024 * 1024),
        "MAX_DOCUMENT_BYTES": _int(env.get("MAX_DOCUMENT_BYTES"), 15 * 1024 * 1024),
        # Residents' photos on comments (docs/photos.md): upload limit, stored and thumbnail size.
        "PHOTO_MAX_BYTES": _int(env.get("PHOTO_MAX_BYTES"), 10 * 1024 * 1024),
        "PHOTO_MAX_SIDE": _int(env.get("PHOTO_MAX_SIDE"), 1600),
        "PHOTO_THUMB_SIDE": _int(env.get("PHOTO_THUMB_SIDE"), 320),
        # Photos of marked places in one survey response (docs/photos.md).
        "SURVEY_MAX_PHOTOS": _int(env.get("SURVEY_MAX_PHOTOS"), 10),
        # Map tiles: OpenStreetMap by default; empty disables the basemap.
        "TILE_URL": env.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        "TILE_ATTRIBUTION": env.get(
            "TILE_ATTRIBUTION",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        ),
        # Abuse limits (Flask-Limiter); storage in Redis when REDIS_URL is set.
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # New anonymous participants per client address (docs/security.md, "One person, one
        # voice"); with BURST_SUSPECT_AT of them in the shortest window, all are marked.
        "NEW_PARTICIPANT_LIMITS": env.get("NEW_PARTICIPANT_LIMITS", "20/10 seconds;120/hour"),
        "BURST_SUSPECT_AT": _int(env.get("BURST_SUSPECT_AT"), 10),
        # Cookies.
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PARTICIPANT_COOKIE": "pd_participant",
        "PERMANENT_SESSION_LIFETIME": timedelta(days=_int(env.get("SESSION_DAYS"), 30)),
        "SESSION_REFRESH_EACH_REQUEST": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_HEADERS": ["X-CSRFToken", "X-CSRF-Token"],
        # Code new contributions into themes as they arrive (analysis_ui.hooks).
        # background (default) | sync | off
        "AUTO_CODING": env.get("AUTO_CODING", "background").strip().lower(),
        # Background jobs (app.core.jobs): worker threads per process when REDIS_URL is unset.
        "JOB_THREADS": _int(env.get("JOB_THREADS"), 1),
        # Tests only (honoured when TESTING): run jobs right after the commit, in the request.
        "JOBS_INLINE": False,
        # Resident forms: seconds a person needs at least before sending (bots are faster).
        "BOT_TRAP_MIN_SECONDS": float(env.get("BOT_TRAP_MIN_SECONDS", "2")),
        # Privacy.
        "SUPPRESSION_THRESHOLD": _int(env.get("SUPPRESSION_THRESHOLD"), 5),
        "COMMENT_EDIT_WINDOW_MINUTES": _int(env.get("COMMENT_EDIT_WINDOW_MINUTES"), 15),
        "DEMO_PASSWORD": env.get("DEMO_PASSWORD", "demo-losen-2026"),
        # Compression of responses (Flask-Compress); a reverse proxy may do it instead.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        # Pages and the map's GeoJSON are compressed on every request: brotli quality 1 is
        # about four times faster than Flask-Compress's default 4 on the 4 MB whole-area
        # GeoJSON of 10,000 comments (5 ms against 23 ms), for about 3 % more bytes. Static
        # files are compressed once at quality 11 (app/core/static.py).
        "COMPRESS_BR_LEVEL": _int(env.get("COMPRESS_BR_LEVEL"), 1),
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/plain",
            "text/csv",
            "application/json",
            "application/geo+json",
            "application/javascript",
            "text/javascript",
            "application/manifest+json",
            "image/svg+xml",
        ],
        "TESTING": False,
        **_trust_settings(env),
    }


# --- Trust settings (hosts, proxy, sessions, request shapes): issue 15 ----------------------


def _trust_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Hosts the app answers for, the proxy in front of it, and limits on what it parses."""
    return {
        # Flask refuses other Host headers with 400. Production: BASE_URL's host plus any
        # listed here (app/core/security.py adds it); development: every host unless listed.
        "TRUSTED_HOSTS": _list(env.get("TRUSTED_HOSTS"), []) or None,
        # How many proxies in front of the app set X-Forwarded-For / -Proto (werkzeug
        # ProxyFix). 0 (the default) trusts no forwarded header: a client cannot fake its
        # address. nginx in front, as docs/deploy.md describes: 1 and 1.
        "PROXY_FIX_X_FOR": _int(env.get("PROXY_FIX_X_FOR"), 0),
        "PROXY_FIX_X_PROTO": _int(env.get("PROXY_FIX_X_PROTO"), 0),
        # A survey submission (a form page or an API body) larger than this gets 413 before
        # it is parsed; map answers are what makes them large (app/core/requests.py).
        "MAX_SURVEY_SUBMISSION_BYTES": _int(env.get("MAX_SURVEY_SUBMISSION_BYTES"), 512 * 1024),
        # ...and so does one form field of a survey page larger than this (a map answer).
        "MAX_FORM_FIELD_BYTES": _int(env.get("MAX_FORM_FIELD_BYTES"), 256 * 1024),
        # Cover images: refused above this many pixels (from the header, before decoding),
        # stored and served at most this many pixels on the long side.
        "COVER_MAX_PIXELS": _int(env.get("COVER_MAX_PIXELS"), 40_000_000),
        "COVER_MAX_SIDE": _int(env.get("COVER_MAX_SIDE"), 2400),
        # Export files are deleted this many days after they were made (app/privacy/storage.py).
        "EXPORT_MAX_AGE_DAYS": _int(env.get("EXPORT_MAX_AGE_DAYS"), 7),
        # The bot trap's signed form stamp lasts this long (app/core/bot_trap.py).
        "BOT_TRAP_MAX_AGE_HOURS": float(env.get("BOT_TRAP_MAX_AGE_HOURS", "8")),
    }


def database_key(url: str) -> str:
    """A folder name for the database ``url`` points at: ``sqlite-platsdialog``,
    ``postgresql-db.example.org-5432-platsdialog``. Two databases never get the same one."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        name = Path(parsed.database).stem if parsed.database else "memory"
        if parsed.database:
            # Two SQLite files of the same name in different folders are two databases.
            parent = str(Path(parsed.database).resolve().parent)
            name += "-" + hashlib.sha256(parent.encode()).hexdigest()[:8]
    else:
        name = "-".join(str(part) for part in (parsed.host, parsed.port, parsed.database) if part)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{backend}-{name}")


def instance_paths(config: MutableMapping[str, Any]) -> None:
    """Fill the file folders not set explicitly: ``INSTANCE_DIR/<database key>/uploads``,
    ``.../exports`` and ``.../mail``, so that two instances (or one instance pointed at two
    databases) never write into each other's files. Called once the settings are final."""
    base = Path(config["INSTANCE_DIR"]) / database_key(config["SQLALCHEMY_DATABASE_URI"])
    for key, folder in (("UPLOAD_DIR", "uploads"), ("EXPORT_DIR", "exports"), ("MAIL_DIR", "mail")):
        if not config.get(key):
            config[key] = str(base / folder)


def gunicorn_settings(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Settings for gunicorn (``gunicorn.conf.py`` reads them from here)."""
    env = os.environ if env is None else env
    cores = os.cpu_count() or 1
    return {
        "bind": env.get("BIND", f"{env.get('HOST', '127.0.0.1')}:{env.get('PORT', '8000')}"),
        "workers": _int(env.get("WEB_CONCURRENCY"), cores * 2),
        "threads": _int(env.get("GUNICORN_THREADS"), 4),
        "timeout": _int(env.get("GUNICORN_TIMEOUT"), 30),
        "graceful_timeout": _int(env.get("GUNICORN_GRACEFUL_TIMEOUT"), 20),
        "keepalive": _int(env.get("GUNICORN_KEEPALIVE"), 5),
        "max_requests": _int(env.get("GUNICORN_MAX_REQUESTS"), 5000),
        "max_requests_jitter": _int(env.get("GUNICORN_MAX_REQUESTS_JITTER"), 500),
        "accesslog": env.get("GUNICORN_ACCESSLOG", "-"),
        "loglevel": env.get("LOG_LEVEL", "info"),
    }


DEV_SECRET_FILE = "secret_key"  # noqa: S105 - a file name


def development_secret_key(instance: Path) -> str:
    """The development signing key: random, made on first run, kept in the instance folder.

    Readable by the owner only (0600). A fixed key in the source would let anyone forge a
    session (a superadmin's) on every copied development instance. Several processes that
    start at once agree: the first creates the file, the others read it.
    """
    path = instance / DEV_SECRET_FILE
    instance.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):
            key = path.read_text(encoding="ascii").strip()
            if key:
                return key
            time.sleep(0.01)  # another process created the file and is writing it
        raise ConfigError(f"{path} is empty; delete it to have a new key made.") from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def validate(config: MutableMapping[str, Any]) -> None:
    """Refuse settings that are unsafe in production; give development its own secret key."""
    if config.get("ENV_MODE") != "production" and not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = development_secret_key(Path(config["INSTANCE_DIR"]))
    if config.get("ENV_MODE") == "production":
        if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEV_SECRET_KEY:
            raise ConfigError(
                "Refusing to start in production without SECRET_KEY (or with the old public "
                "development key); set SECRET_KEY to a long random value."
            )
        key = str(config["SECRET_KEY"])
        if len(key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
        if len(set(key)) < 12:
            raise ConfigError(
                "SECRET_KEY looks weak (too few different characters); use a random value, "
                "for example: python -c 'import secrets; print(secrets.token_urlsafe(48))'."
            )
        base = urlsplit(str(config.get("BASE_URL") or ""))
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ConfigError(
                "Set BASE_URL (for example https://dialog.kommun.se) in production: links in "
                "e-mails are built from it, never from the request's Host header."
            )
