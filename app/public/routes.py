"""Resident-facing pages: catalogue, project and stage pages, my contributions, statements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.accounts.participants import current_participant, ensure_device_token
from app.comments import queries as comment_queries
from app.comments.models import Comment
from app.comments.routes import discussion_context
from app.core.htmx import render
from app.core.permissions import Action, actor_from, require
from app.core.security import safe_next
from app.extensions import db
from app.organizations.models import Organization
from app.projects.models import ActivityKind, Document, Project, Stage
from app.projects.urls import stage_url
from app.public import bp, labels
from app.public import queries as q
from app.surveys.models import Response, SurveyStatus


@bp.app_template_global("survey_url")
def survey_url(survey_id: int) -> str:
    """Where a resident takes a survey (the surveys blueprint's page when it exists)."""
    if "surveys.take" in current_app.view_functions:
        return url_for("surveys.take", survey_id=survey_id)
    return f"/s/{survey_id}"


bp.app_template_global("stage_url")(stage_url)


@bp.app_template_global("catalogue_areas")
def catalogue_areas(entries: list[q.Entry]) -> dict[str, Any]:
    """Project areas by id, for the catalogue map's outlines."""
    return {str(e.project.id): e.project.geometry for e in entries if e.project.geometry}


@bp.app_template_global("stage_state")
def stage_state(stage: Stage) -> str:
    """open, closed or upcoming; undated stages take their place relative to the current one."""
    if stage.opens_at is not None or stage.closes_at is not None or stage.is_current:
        return stage.status
    current = stage.project.current_stage
    if current is None:
        return stage.status
    return "closed" if stage.position < current.position else "upcoming"


@bp.app_context_processor
def ladder_labels() -> dict[str, Any]:
    return {"public_labels": labels}


def _actor() -> Any:
    return actor_from(current_user, current_participant())


@bp.get("/")
def catalogue() -> str:
    """The catalogue of published projects of every organization, as a list and a map."""
    municipalities = q.municipalities()
    filters = q.parse_filters(request.args, municipalities)
    entries = q.catalogue(filters)
    return render(
        "public/catalogue.html",
        "public/_catalogue_results.html",
        entries=entries,
        filters=filters,
        municipalities=municipalities,
        tile_url=current_app.config["TILE_URL"],
        tile_attribution=current_app.config["TILE_ATTRIBUTION"],
    )


@bp.get("/lang/<code>")
def set_language(code: str) -> Any:
    """Switch the interface language and go back where the resident was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("public.catalogue")))


@bp.get("/accessibility")
def accessibility() -> str:
    """The accessibility statement (tillgänglighetsredogörelse)."""
    return render_template("public/accessibility.html")


@bp.get("/privacy")
def privacy() -> str:
    """Privacy notices of the organizations on the platform."""
    organizations = db.session.scalars(db.select(Organization).order_by(Organization.name)).all()
    return render_template("public/privacy.html", organizations=organizations)


@bp.get("/about")
def about() -> str:
    """What Platsdialog is."""
    return render_template("public/about.html", title=_("About Platsdialog"))


@bp.get("/my")
def my_contributions() -> str:
    """The resident's own comments and survey responses (by account or anonymous token)."""
    participant = current_participant()
    comments: list[Comment] = []
    responses: list[Response] = []
    if participant is not None:
        comments = comment_queries.of_participant(participant.id)
        responses = list(
            db.session.scalars(
                db.select(Response)
                .where(Response.participant_id == participant.id)
                .options(joinedload(Response.survey))
                .order_by(Response.submitted_at.desc())
            )
        )
    return render_template(
        "public/my_contributions.html",
        comments=comments,
        responses=responses,
        actor=_actor(),
        title=_("My contributions"),
    )


def share_meta(project: Project, stage: Stage | None = None) -> dict[str, Any]:
    """What a shared link previews (Open Graph, Twitter card): absolute URLs from BASE_URL."""
    from app.core.content import absolute_url, markdown_text
    from app.core.i18n import tr

    if stage is None:
        title = tr(project.title)
        description = tr(project.summary) or markdown_text(tr(project.body))
        path = url_for("public.project", org=project.organization.slug, project=project.slug)
    else:
        title = f"{tr(stage.title)} – {tr(project.title)}"
        description = markdown_text(tr(stage.description)) or tr(project.summary)
        path = stage_url(stage)
    image = None
    if project.cover_image_path:
        image = absolute_url(
            url_for(
                "public.project_cover",
                org=project.organization.slug,
                project=project.slug,
                size="page",
            )
        )
    return {
        "title": title,
        "description": description[:300],
        "url": absolute_url(path),
        "image": image,
        "image_alt": tr(project.cover_alt),
    }


def limit_languages(project: Project) -> None:
    """Languages the project's texts are missing or out of date in: the language switch does
    not offer them, and a resident already reading one gets the Swedish text and is told."""
    from app.core import translations
    from app.core.i18n import enabled_languages

    stages = list(project.stages)
    translations.limit_languages(
        translations.incomplete_languages([project, *stages], enabled_languages())
    )


def _project_or_404(org: str, slug: str) -> Project:
    project = q.project_by_slugs(org, slug)
    if project is None:
        abort(404)
    require(_actor(), Action.VIEW, project)
    return project


@bp.get("/p/<org>/<project>")
def project(org: str, project: str) -> str:
    """A project: summary, area, stage timeline, activities, documents, partners, feedback."""
    found = _project_or_404(org, project)
    limit_languages(found)
    current = found.current_stage
    open_activities = [
        (stage, activity)
        for stage in found.stages
        if stage.is_open and (stage.is_current or current is None)
        for activity in stage.activities
        if activity.kind == ActivityKind.DISCUSSION
        or (activity.survey is not None and activity.survey.status == SurveyStatus.OPEN)
    ]
    feedback = [
        s for s in found.stages if s.feedback is not None and s.feedback.published_at is not None
    ]
    return render_template(
        "public/project.html",
        project=found,
        current=current,
        open_activities=open_activities,
        feedback=feedback,
        tile_url=current_app.config["TILE_URL"],
        tile_attribution=current_app.config["TILE_ATTRIBUTION"],
        title=None,
        share=share_meta(found),
    )


def load_stage(org: str, project: str, stage_id: int) -> Stage:
    """The stage of a visible project, or 404."""
    found = _project_or_404(org, project)
    stage = next((s for s in found.stages if s.id == stage_id), None)
    if stage is None:
        abort(404)
    return stage


def _page_arg() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


@bp.get("/p/<org>/<project>/<int:stage_id>")
def stage(org: str, project: str, stage_id: int) -> str:
    """A stage: its map of comments, the discussion thread, the survey button, feedback."""
    found = load_stage(org, project, stage_id)
    limit_languages(found.project)
    context = discussion_context(found, sort=request.args.get("sort", "newest"), page=_page_arg())
    if context.get("can_comment"):
        ensure_device_token()  # one phone, one participant, whatever races later
    surveys = [
        a.survey for a in found.activities if a.kind == ActivityKind.SURVEY and a.survey is not None
    ]
    return render(
        "public/stage.html",
        "comments/_discussion.html",
        surveys=surveys,
        open_survey=SurveyStatus.OPEN,
        share=share_meta(found.project, found),
        stage_documents=[d for d in found.project.documents if d.stage_id == found.id],
        **context,
    )


@bp.get("/p/<org>/<project>/cover.jpg", defaults={"size": "page"})
@bp.get("/p/<org>/<project>/cover-card.jpg", defaults={"size": "card"})
def project_cover(org: str, project: str, size: str) -> Any:
    """The project's cover as a small JPEG: 640 px wide for its page and link previews, a
    480 x 240 crop for catalogue cards; made on first use."""
    from app.projects.services import cover_copy_path

    found = _project_or_404(org, project)
    path = cover_copy_path(found, size)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=86400, conditional=True)
    response.headers["Content-Disposition"] = "inline"
    return response


def _organization_or_404(slug: str) -> Organization:
    org = db.session.scalar(sa.select(Organization).where(Organization.slug == slug))
    if org is None:
        abort(404)
    return org


@bp.get("/o/<org>/logo.png")
def org_logo(org: str) -> Any:
    """The organization's logo (public: it is shown on its pages and documents)."""
    from app.organizations.services import logo_file

    path = logo_file(_organization_or_404(org))
    if path is None:
        abort(404)
    mimetype = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
    return send_file(path, mimetype=mimetype, max_age=86400, conditional=True)


@bp.get("/o/<org>/brand.css")
def org_brand_css(org: str) -> Any:
    """The organization's colour as CSS custom properties (the CSP allows no inline styles)."""
    from app.core.content import brand_color, darker

    color = brand_color(_organization_or_404(org))
    css = f":root {{ --brand: {color}; --brand-dark: {darker(color)}; }}\n"
    response = current_app.response_class(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/documents/<int:doc_id>")
def document(doc_id: int) -> Any:
    """An uploaded document of a visible project (external links go straight to their URL)."""
    doc = db.session.get(Document, doc_id)
    if doc is None:
        abort(404)
    require(_actor(), Action.VIEW, doc.project)
    if doc.url:
        return redirect(doc.url)
    if not doc.file_path:
        abort(404)
    directory = Path(current_app.config["UPLOAD_DIR"])
    return send_from_directory(directory, doc.file_path)
