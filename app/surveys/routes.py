"""Routes of the surveys domain."""

from app.surveys import bp  # noqa: F401
