"""JSON API v1: published projects and their stages (docs/design.md section 8).

- ``GET /projects``: every published project (active or completed) of every organization.
- ``GET /projects/<id>``: one project with its stages and their activities; 404 for drafts
  unless the caller is staff of the project's organization.

Titles are in the request language (``?lang=`` or the interface language).
"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.participants import current_participant
from app.api import bp
from app.core.i18n import tr
from app.core.permissions import Action, actor_from, require
from app.extensions import db
from app.projects.models import Project, ProjectStatus, Stage


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def project_summary(project: Project) -> dict[str, Any]:
    """The fields every project listing carries."""
    current = project.current_stage
    return {
        "id": project.id,
        "slug": project.slug,
        "title": tr(project.title),
        "organization": {
            "id": project.organization.id,
            "slug": project.organization.slug,
            "name": project.organization.name,
        },
        "status": project.status.value,
        "area": project.geometry,
        "current_stage_id": current.id if current else None,
        "url": url_for(
            "public.project",
            org=project.organization.slug,
            project=project.slug,
            _external=True,
        ),
    }


def stage_document(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.id,
        "kind": stage.kind.value,
        "title": tr(stage.title),
        "position": stage.position,
        "status": stage.status,
        "is_current": stage.is_current,
        "opens_at": _iso(stage.opens_at),
        "closes_at": _iso(stage.closes_at),
        "participation_level": stage.participation_level.value,
        "influence": tr(stage.influence) or None,
        "activities": [
            {
                "id": a.id,
                "kind": a.kind.value,
                "survey_id": a.survey_id,
                "policy": a.policy.value,
                "moderation": a.moderation.value,
            }
            for a in stage.activities
        ],
    }


@bp.get("/projects")
def project_list() -> Any:
    """Every published project of every organization."""
    projects = db.session.scalars(
        db.select(Project)
        .where(Project.status.in_([ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]))
        .options(joinedload(Project.organization), selectinload(Project.stages))
        .order_by(Project.id)
    ).unique()
    return jsonify({"projects": [project_summary(p) for p in projects]})


@bp.get("/projects/<int:project_id>")
def project_detail(project_id: int) -> Any:
    """One project with its stages and activities."""
    project = db.session.scalar(
        db.select(Project)
        .where(Project.id == project_id)
        .options(
            joinedload(Project.organization),
            selectinload(Project.stages).selectinload(Stage.activities),
        )
    )
    if project is None:
        abort(404)
    require(actor_from(current_user, current_participant()), Action.VIEW, project)
    body = project_summary(project)
    body["summary"] = tr(project.summary) or None
    body["body"] = tr(project.body) or None
    body["stages"] = [stage_document(s) for s in project.stages]
    return jsonify(body)
