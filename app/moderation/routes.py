"""Routes of the moderation domain."""

from app.moderation import bp  # noqa: F401
