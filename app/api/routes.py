"""JSON API v1 (docs/design.md section 8). Each resource lives in its own module."""

from app.api import auth, comments, indicators, openapi, projects, surveys  # noqa: F401
