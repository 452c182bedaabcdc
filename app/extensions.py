"""The Flask extensions, defined in :mod:`app.core.extensions`; this name stays for the domains."""

from app.core.extensions import babel, compress, csrf, db, limiter, login_manager, migrate

__all__ = ["babel", "compress", "csrf", "db", "limiter", "login_manager", "migrate"]
