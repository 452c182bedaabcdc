"""Residents: a stage's meetings (a partial on the stage page) and each as an .ics file."""

from __future__ import annotations

from typing import Any

from flask import Response, abort
from flask_babel import format_datetime, format_time
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.participants import current_participant
from app.core.i18n import current_language
from app.core.permissions import Action, actor_from, require
from app.extensions import db
from app.meetings import bp, services
from app.meetings.models import Meeting
from app.projects.models import Stage


@bp.app_template_global("stage_meetings")
def stage_meetings(stage: Stage) -> list[Meeting]:
    return services.meetings_of(stage)


@bp.app_template_global("meeting_when")
def meeting_when(meeting: Meeting) -> str:
    """ "tisdag 15 december 2026 18:00–20:00" in Swedish time (the configured zone)."""
    start = format_datetime(meeting.starts_at, "EEEE d MMMM y HH:mm")
    if meeting.ends_at.date() == meeting.starts_at.date():
        return f"{start}–{format_time(meeting.ends_at, 'HH:mm')}"
    return f"{start} – {format_datetime(meeting.ends_at, 'EEEE d MMMM y HH:mm')}"


@bp.get("/meetings/<int:meeting_id>.ics")
def calendar(meeting_id: int) -> Any:
    """The meeting as a calendar file (RFC 5545) to add to one's calendar."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    require(actor_from(current_user, current_participant()), Action.VIEW, meeting.stage.project)
    body = services.calendar_file(meeting, current_language(), _("Consultation meeting"))
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="samradsmote-{meeting.id}.ics"',
            "Cache-Control": "no-cache",
        },
    )
