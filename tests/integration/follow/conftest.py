"""Fixtures for following projects and meetings: a published project with a discussion."""

from __future__ import annotations

from typing import Any

import pytest

from app.organizations.models import Role

BASE_URL = "https://dialog.example.se"


@pytest.fixture()
def app(make_app: Any) -> Any:
    app = make_app(BASE_URL=BASE_URL)
    with app.app_context():
        yield app


@pytest.fixture()
def org(make_org: Any) -> Any:
    return make_org(slug="huddinge", name="Huddinge kommun")


@pytest.fixture()
def project(make_project: Any, make_activity: Any, org: Any) -> Any:
    project = make_project(org, slug="parken", title={"sv": "Parken", "en": "The park"})
    make_activity(project.current_stage, "discussion")
    return project


@pytest.fixture()
def planner(make_user: Any, org: Any) -> Any:
    return make_user("planner@huddinge.se", role=Role.PLANNER, org=org)
