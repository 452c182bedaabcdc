"""JSON API v1: projects."""

from app.api import bp  # noqa: F401
