"""JSON API v1: comments."""

from app.api import bp  # noqa: F401
