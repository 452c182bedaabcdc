"""Staff: add, edit and delete a stage's meetings (under /manage/stages/<id>/meetings)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.participants import current_actor
from app.core.auth import login_required
from app.core.content import to_local, to_utc
from app.core.models import MAX_ID
from app.core.permissions import Action, allow_or_abort
from app.extensions import db
from app.meetings import bp, services
from app.meetings.forms import meeting_form
from app.meetings.models import Meeting
from app.projects.models import Stage


@bp.app_template_global("meeting_manage_context")
def meeting_manage_context(stage: Stage) -> dict[str, Any]:
    """What the meetings panel of the staff stage page shows."""
    from app.follow.services import follower_count

    return {
        "meetings": services.meetings_of(stage),
        "followers": follower_count(stage.project),
        "note_count": services.note_count,
        "to_local": to_local,
    }


def _form_class(stage: Stage) -> Any:
    return meeting_form(stage.project.organization.languages)


def _values(form: Any) -> dict[str, Any]:
    return {
        "title": form.lang_dict("title"),
        "accessibility": form.lang_dict("accessibility"),
        "description": form.lang_dict("description"),
        "starts_at": to_utc(form.starts_at.data),
        "ends_at": to_utc(form.ends_at.data),
        "place": form.place.data or "",
        "online_url": form.online_url.data or None,
    }


def _page(stage: Stage, form: Any, meeting: Meeting | None, status: int) -> tuple[str, int]:
    return (
        render_template(
            "meetings/form.html", stage=stage, project=stage.project, form=form, meeting=meeting
        ),
        status,
    )


@bp.route("/manage/stages/<int:stage_id>/meetings/new", methods=["GET", "POST"])
@login_required
def add(stage_id: int) -> Any:
    stage = load_stage(stage_id)
    form = _form_class(stage)()
    if request.method == "POST" and form.validate():
        services.save_meeting(stage, None, actor=current_user, **_values(form))
        flash(_("The meeting was added."), "success")
        return redirect(url_for("manage.stage_edit", stage_id=stage.id) + "#meetings", 303)
    return _page(stage, form, None, 422 if request.method == "POST" else 200)


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    load_stage(meeting.stage_id)  # 403/404 unless the user may edit the stage
    return meeting


@bp.route("/manage/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int) -> Any:
    meeting = _meeting(meeting_id)
    stage = meeting.stage
    form = _form_class(stage)()
    if request.method == "GET":
        for name in ("title", "accessibility", "description"):
            form.fill_lang(name, getattr(meeting, name))
        form.starts_at.data = to_local(meeting.starts_at)
        form.ends_at.data = to_local(meeting.ends_at)
        form.place.data = meeting.place
        form.online_url.data = meeting.online_url or ""
    elif form.validate():
        services.save_meeting(stage, meeting, actor=current_user, **_values(form))
        flash(_("The meeting was saved."), "success")
        return redirect(url_for("manage.stage_edit", stage_id=stage.id) + "#meetings", 303)
    return _page(stage, form, meeting, 422 if request.method == "POST" else 200)


@bp.post("/manage/meetings/<int:meeting_id>/delete")
@login_required
def delete(meeting_id: int) -> Response:
    meeting = _meeting(meeting_id)
    stage_id = meeting.stage_id
    services.delete_meeting(meeting, actor=current_user)
    flash(_("The meeting was deleted."), "success")
    return redirect(url_for("manage.stage_edit", stage_id=stage_id) + "#meetings", 303)


@bp.app_template_global("intake_meeting")
def intake_meeting(value: str | None) -> Meeting | None:
    """The meeting an intake form registers notes from (staff of its stage only)."""
    if not value or not value.isdigit() or int(value) > MAX_ID:
        return None
    meeting = db.session.get(Meeting, int(value))
    if meeting is None:
        return None
    from app.core.permissions import can

    return meeting if can(current_actor(), Action.MANAGE_PROJECT, meeting.stage) else None


def load_stage(stage_id: int) -> Stage:
    """The stage, if the current user may manage its project (404/403 otherwise)."""
    found: Stage = allow_or_abort(
        current_actor(), db.session.get(Stage, stage_id), (Action.MANAGE_PROJECT,)
    )
    return found
