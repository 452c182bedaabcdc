"""Staff stage editor and activities (under /manage/projects/<id>/stages and /manage/stages)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.core.auth import login_required
from app.core.content import to_local, to_utc
from app.manage import bp
from app.manage.queries import load_activity, load_project, load_stage, preload_tree
from app.projects import services
from app.projects.forms import (
    action_label,
    activity_form,
    language_name,
    level_label,
    moderation_label,
    policy_label,
    stage_add_form,
    stage_edit_form,
    stage_kind_label,
)
from app.projects.models import Project, Stage
from app.projects.services import ProjectError

Page = str | tuple[str, int] | Response

HELPERS = {
    "stage_kind_label": stage_kind_label,
    "level_label": level_label,
    "action_label": action_label,
    "policy_label": policy_label,
    "moderation_label": moderation_label,
    "language_name": language_name,
}


def _stages_page(project: Project, status: int = 200, form: Any = None) -> tuple[str, int]:
    preload_tree(project)
    form = form or stage_add_form(project.organization.languages)()
    moved = request.args.get("moved", type=int)
    return (
        render_template(
            "manage/stages.html",
            project=project,
            form=form,
            moved=moved,
            to_local=to_local,
            **HELPERS,
        ),
        status,
    )


@bp.get("/projects/<int:project_id>/stages")
@login_required
def stages(project_id: int) -> Page:
    """The project's stages in order, with reorder, make-current and add."""
    return _stages_page(load_project(project_id))


@bp.post("/projects/<int:project_id>/stages")
@login_required
def stage_add(project_id: int) -> Page:
    """Add a stage at the end."""
    project = load_project(project_id)
    form = stage_add_form(project.organization.languages)()
    if form.validate_on_submit():
        stage = services.add_stage(
            project, kind=form.kind.data, title=form.lang_dict("title"), actor=current_user
        )
        flash(_("The stage was added."), "success")
        return redirect(url_for("manage.stage_edit", stage_id=stage.id))
    return _stages_page(project, 422, form)


def _stage_page(stage: Stage, form: Any, activity: Any = None, status: int = 200) -> Page:
    languages = stage.project.organization.languages
    responses, comments = services.stage_contributions(stage)
    return (
        render_template(
            "manage/stage.html",
            stage=stage,
            project=stage.project,
            form=form,
            activity_form=activity or activity_form(languages)(prefix="activity"),
            responses=responses,
            comments=comments,
            **HELPERS,
        ),
        status,
    )


@bp.route("/stages/<int:stage_id>", methods=["GET", "POST"])
@login_required
def stage_edit(stage_id: int) -> Page:
    """Edit a stage: names, dates, participation level, influence, allowed actions."""
    stage = load_stage(stage_id)
    form = stage_edit_form(stage.project.organization.languages)()
    if request.method == "GET":
        for name in form.localized_names:
            form.fill_lang(name, getattr(stage, name))
        form.opens_at.data = to_local(stage.opens_at)
        form.closes_at.data = to_local(stage.closes_at)
        form.participation_level.data = stage.participation_level.value
        form.allowed_actions.data = list(stage.allowed_actions or [])
    elif form.validate_on_submit():
        published = stage.feedback is not None and stage.feedback.published_at is not None
        try:
            services.update_stage(
                stage,
                title=form.lang_dict("title"),
                description=form.lang_dict("description"),
                influence=form.lang_dict("influence"),
                participation_level=form.participation_level.data,
                opens_at=to_utc(form.opens_at.data),
                closes_at=to_utc(form.closes_at.data),
                allowed_actions=form.allowed_actions.data or [],
                actor=current_user,
            )
        except ProjectError as exc:
            form.closes_at.errors = [exc.message]
        else:
            flash(_("The stage was saved."), "success")
            if published and stage.feedback is not None and stage.feedback.published_at is None:
                flash(
                    _(
                        "The stage is open again, so its feedback went back to draft. "
                        "Publish it again when the new round has closed."
                    ),
                    "warning",
                )
            return redirect(url_for("manage.stages", project_id=stage.project_id))
    status = 422 if request.method == "POST" else 200
    return _stage_page(stage, form, status=status)


@bp.post("/stages/<int:stage_id>/close")
@login_required
def stage_close(stage_id: int) -> Response:
    """Close an open stage now (its closing time becomes the present; audited)."""
    stage = load_stage(stage_id)
    try:
        services.close_stage(stage, actor=current_user)
    except ProjectError as exc:
        flash(exc.message, "error")
    else:
        flash(_("The stage is closed. You can now publish its feedback."), "success")
    return redirect(url_for("manage.stage_edit", stage_id=stage.id))


@bp.post("/stages/<int:stage_id>/move")
@login_required
def stage_move(stage_id: int) -> Response:
    """Move a stage one place earlier or later."""
    stage = load_stage(stage_id)
    services.move_stage(
        stage, -1 if request.form.get("direction") == "up" else 1, actor=current_user
    )
    return redirect(
        url_for("manage.stages", project_id=stage.project_id, moved=stage.id) + f"#stage-{stage.id}"
    )


@bp.post("/stages/<int:stage_id>/current")
@login_required
def stage_make_current(stage_id: int) -> Response:
    """Make a stage the project's current stage."""
    stage = load_stage(stage_id)
    services.set_current_stage(stage, actor=current_user)
    flash(_("The current stage was changed."), "success")
    return redirect(
        url_for("manage.stages", project_id=stage.project_id, moved=stage.id) + f"#stage-{stage.id}"
    )


@bp.route("/stages/<int:stage_id>/delete", methods=["GET", "POST"])
@login_required
def stage_delete(stage_id: int) -> Page:
    """Delete a stage after a confirmation; refused when it has contributions."""
    stage = load_stage(stage_id)
    responses, comments = services.stage_contributions(stage)
    error = None
    if request.method == "POST":
        project_id = stage.project_id
        try:
            services.delete_stage(stage, actor=current_user)
        except ProjectError as exc:
            error = exc.message
        else:
            flash(_("The stage was deleted."), "success")
            return redirect(url_for("manage.stages", project_id=project_id))
    return (
        render_template(
            "manage/stage_delete.html",
            stage=stage,
            project=stage.project,
            responses=responses,
            comments=comments,
            error=error,
        ),
        409 if error else 200,
    )


@bp.post("/stages/<int:stage_id>/activities")
@login_required
def activity_add(stage_id: int) -> Page:
    """Add a survey or a discussion to a stage."""
    stage = load_stage(stage_id)
    languages = stage.project.organization.languages
    form = activity_form(languages)(prefix="activity")
    if form.validate_on_submit():
        activity = services.add_activity(
            stage,
            kind=form.kind.data,
            title=form.lang_dict("title"),
            policy=form.policy.data,
            moderation=form.moderation.data,
            actor=current_user,
        )
        if activity.survey_id is not None:
            flash(_("The survey was created. Add its questions in the survey builder."), "success")
        else:
            flash(_("The discussion was added."), "success")
        return redirect(url_for("manage.stage_edit", stage_id=stage.id) + "#activities")
    edit = stage_edit_form(languages)(formdata=None)
    for name in edit.localized_names:
        edit.fill_lang(name, getattr(stage, name))
    edit.opens_at.data, edit.closes_at.data = to_local(stage.opens_at), to_local(stage.closes_at)
    edit.participation_level.data = stage.participation_level.value
    edit.allowed_actions.data = list(stage.allowed_actions or [])
    return _stage_page(stage, edit, activity=form, status=422)


@bp.route("/activities/<int:activity_id>", methods=["GET", "POST"])
@login_required
def activity_edit(activity_id: int) -> Page:
    """Change an activity's name, who can take part and moderation."""
    activity = load_activity(activity_id)
    form = activity_form(activity.stage.project.organization.languages)()
    del form.kind
    if request.method == "GET":
        form.fill_lang("title", activity.title)
        form.policy.data = activity.policy.value
        form.moderation.data = activity.moderation.value
    elif form.validate_on_submit():
        services.update_activity(
            activity,
            title=form.lang_dict("title"),
            policy=form.policy.data,
            moderation=form.moderation.data,
            actor=current_user,
        )
        flash(_("The activity was saved."), "success")
        return redirect(url_for("manage.stage_edit", stage_id=activity.stage_id) + "#activities")
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "manage/activity.html",
            activity=activity,
            stage=activity.stage,
            project=activity.stage.project,
            form=form,
            **HELPERS,
        ),
        status,
    )


@bp.post("/activities/<int:activity_id>/delete")
@login_required
def activity_delete(activity_id: int) -> Page:
    """Remove an activity that has no contributions."""
    activity = load_activity(activity_id)
    stage = activity.stage
    try:
        services.remove_activity(activity, actor=current_user)
    except ProjectError as exc:
        flash(exc.message, "error")
        return redirect(url_for("manage.stage_edit", stage_id=stage.id) + "#activities", 303)
    flash(_("The activity was removed."), "success")
    return redirect(url_for("manage.stage_edit", stage_id=stage.id) + "#activities")
