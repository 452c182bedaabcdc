"""The follow folder's fixtures: a published project with a discussion, its planner."""

from tests.integration.follow.conftest import app, org, planner, project

__all__ = ["app", "org", "planner", "project"]
