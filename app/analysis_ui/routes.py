"""Routes of the analysis_ui domain."""

from app.analysis_ui import bp  # noqa: F401
