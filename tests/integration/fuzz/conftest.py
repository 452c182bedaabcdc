"""The survey factory of the survey tests, reused: a survey with every question type."""

from tests.integration.surveys.conftest import make_survey  # noqa: F401
