"""The baseline: a Flask endpoint that does nothing, served with the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.post("/api/v1/surveys/<int:survey_id>/responses")
def bare(survey_id: int) -> tuple[str, int, dict[str, str]]:
    """Accept and ignore."""
    return "{}", 201, {"Content-Type": "application/json"}
