"""Fixtures for the intake tests: a project with a discussion and its staff."""

from __future__ import annotations

from typing import Any

import pytest

from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind


@pytest.fixture()
def project(make_project: Any, make_activity: Any) -> Any:
    project = make_project()
    make_activity(project.current_stage, ActivityKind.DISCUSSION)
    db.session.commit()
    return project


@pytest.fixture()
def staff(make_user: Any, project: Any, login: Any, client: Any) -> Any:
    """Log in a member of the project's organization with ``role`` (English pages)."""

    def do(role: str = Role.PLANNER) -> Any:
        user = make_user(role=role, org=project.organization)
        login(user)
        client.get("/lang/en")
        return user

    return do
