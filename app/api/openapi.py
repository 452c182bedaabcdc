"""JSON API v1: openapi."""

from app.api import bp  # noqa: F401
