"""Links to the public pages of projects (the ``public`` blueprint serves them)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from app.projects.models import Stage


def stage_url(stage: Stage, **params: Any) -> str:
    """The public page of a stage."""
    project = stage.project
    return url_for(
        "public.stage",
        org=project.organization.slug,
        project=project.slug,
        stage_id=stage.id,
        **params,
    )
