"""Factories for the security tests."""

from __future__ import annotations

from typing import Any

import pytest

from app.extensions import db
from app.projects.models import ActivityKind
from app.surveys.models import SurveyStatus


@pytest.fixture()
def make_open_survey(make_project: Any, make_activity: Any) -> Any:
    """An open survey in the open current stage of a new project (of ``org``)."""

    def make(org: Any = None) -> Any:
        project = make_project(org)
        activity = make_activity(project.current_stage, ActivityKind.SURVEY)
        survey = activity.survey
        survey.status = SurveyStatus.OPEN
        db.session.commit()
        return survey

    return make


# The survey tests' factory: a survey with every question type (read-only reuse).
from tests.integration.surveys.conftest import make_survey  # noqa: E402, F401
