"""Staff views of surveys: the survey builder (under /manage)."""

from app.surveys import bp  # noqa: F401
