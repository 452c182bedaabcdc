"""JSON API v1: surveys."""

from app.api import bp  # noqa: F401
