"""Writes for projects and stages."""

from __future__ import annotations

from app.extensions import db
from app.projects.models import Project, Stage
from app.projects.templates import TEMPLATES


def apply_template(project: Project, template: str) -> list[Stage]:
    """Create the template's stages on ``project``; returns them. Raises KeyError if unknown."""
    stages = []
    start = len(project.stages)
    for offset, t in enumerate(TEMPLATES[template]):
        stage = Stage(
            kind=t.kind,
            position=start + offset,
            title=dict(t.title),
            influence=dict(t.influence),
            participation_level=t.level,
            allowed_actions=list(t.actions),
        )
        project.stages.append(stage)
        stages.append(stage)
    project.template = template
    db.session.flush()
    return stages


def make_current(stage: Stage) -> None:
    """Make ``stage`` the project's only current stage."""
    for other in stage.project.stages:
        if other.is_current and other is not stage:
            other.is_current = False
    db.session.flush()
    stage.is_current = True
    db.session.flush()
