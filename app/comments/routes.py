"""Routes of the comments domain."""

from app.comments import bp  # noqa: F401
