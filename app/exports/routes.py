"""Routes of the exports domain."""

from app.exports import bp  # noqa: F401
