"""Routes of the api domain."""

from app.api import bp  # noqa: F401
