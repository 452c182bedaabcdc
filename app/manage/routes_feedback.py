"""Staff feedback editor: "what we heard — what we did" per stage (under /manage/stages)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.codebook.themes import theme_choices
from app.core.auth import login_required
from app.core.permissions import Action
from app.manage import bp
from app.manage.queries import load_stage
from app.projects import services
from app.projects.forms import feedback_form, language_name
from app.projects.services import ProjectError

Page = str | tuple[str, int] | Response


@bp.route("/stages/<int:stage_id>/feedback", methods=["GET", "POST"])
@login_required
def feedback(stage_id: int) -> Page:
    """Write, save and publish a stage's feedback (residents who asked are mailed once)."""
    stage = load_stage(stage_id, Action.PUBLISH_FEEDBACK)
    project = stage.project
    themes = theme_choices(project)
    form = feedback_form(project.organization.languages)(themes=themes)
    existing = stage.feedback
    error = None
    if request.method == "GET" and existing is not None:
        form.fill_lang("heard", existing.heard)
        form.fill_lang("did", existing.did)
        form.theme_keys.data = list(existing.theme_keys or [])
    if request.method == "POST" and form.validate_on_submit():
        action = request.form.get("action", "save")
        saved = services.save_feedback(
            stage,
            heard=form.lang_dict("heard"),
            did=form.lang_dict("did"),
            theme_keys=form.theme_keys.data or [],
            actor=current_user,
        )
        if action == "publish":
            url = current_app.config["BASE_URL"].rstrip("/") + url_for(
                "public.project", org=project.organization.slug, project=project.slug
            )
            try:
                sent = services.publish_feedback(saved, actor=current_user, project_url=url)
            except ProjectError as exc:
                error = exc.message
            else:
                flash(
                    _(
                        "The feedback was published. %(n)s residents were notified by email.",
                        n=sent,
                    ),
                    "success",
                )
                return redirect(url_for("manage.feedback", stage_id=stage.id))
        elif action == "unpublish" and saved.published_at is not None:
            services.unpublish_feedback(saved, actor=current_user)
            flash(_("The feedback is a draft again."), "success")
            return redirect(url_for("manage.feedback", stage_id=stage.id))
        else:
            flash(_("The feedback was saved."), "success")
            return redirect(url_for("manage.feedback", stage_id=stage.id))
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "manage/feedback.html",
            stage=stage,
            project=project,
            form=form,
            feedback=stage.feedback,
            error=error,
            themes=dict(themes),
            language_name=language_name,
        ),
        status,
    )
