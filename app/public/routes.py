"""Resident-facing pages that belong to no single domain: catalogue, language, statements."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.core.security import safe_next
from app.extensions import db
from app.organizations.models import Organization
from app.projects.models import Project, ProjectStatus
from app.public import bp


@bp.get("/")
def catalogue() -> str:
    """The catalogue of published projects of every organization."""
    projects = db.session.scalars(
        db.select(Project)
        .where(Project.status.in_([ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]))
        .order_by(Project.updated_at.desc())
    ).all()
    return render_template("public/catalogue.html", projects=projects)


@bp.get("/lang/<code>")
def set_language(code: str):  # type: ignore[no-untyped-def]
    """Switch the interface language and go back where the resident was."""
    from flask import current_app

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
    """The resident's own contributions (by account or anonymous token)."""
    return render_template("public/my_contributions.html")


@bp.get("/p/<org>/<project>")
def project(org: str, project: str) -> str:
    """A project: summary, area, stage timeline, documents, partners, feedback."""
    from flask_login import current_user

    from app.core.participants import current_participant
    from app.core.permissions import Action, actor_from, require

    found = db.session.scalar(
        db.select(Project)
        .join(Organization)
        .where(Organization.slug == org, Project.slug == project)
    )
    require(actor_from(current_user, current_participant()), Action.VIEW, found)
    return render_template("public/project.html", project=found)
