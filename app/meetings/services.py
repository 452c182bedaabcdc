"""Writes and reads for meetings, and the calendar event residents download."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from app.audit.services import record
from app.core.mail import external_url
from app.core.models import translated
from app.extensions import db
from app.meetings import ics
from app.meetings.models import Meeting, MeetingNote
from app.projects.models import Stage


def meetings_of(stage: Stage) -> list[Meeting]:
    return list(
        db.session.scalars(
            db.select(Meeting).where(Meeting.stage_id == stage.id).order_by(Meeting.starts_at)
        )
    )


def _audit(action: str, actor: Any, meeting: Meeting) -> None:
    project = meeting.stage.project
    record(
        action,
        actor=actor,
        organization_id=project.organization_id,
        object_type="meeting",
        object_id=meeting.id,
        project_id=project.id,
        stage_id=meeting.stage_id,
    )


def save_meeting(stage: Stage, meeting: Meeting | None, *, actor: Any, **values: Any) -> Meeting:
    """Create (``meeting`` None) or update a meeting of ``stage`` from validated values."""
    created = meeting is None
    if meeting is None:
        meeting = Meeting(stage=stage)
        db.session.add(meeting)
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.place = (meeting.place or "").strip()
    meeting.online_url = (meeting.online_url or "").strip() or None
    db.session.flush()
    _audit("meeting.create" if created else "meeting.update", actor, meeting)
    return meeting


def delete_meeting(meeting: Meeting, *, actor: Any) -> None:
    """Delete a meeting; notes registered from it stay, as contributions of the stage."""
    _audit("meeting.delete", actor, meeting)
    db.session.delete(meeting)
    db.session.flush()


def link_note(comment_id: int, meeting_id: int | None, stage_id: int | None) -> bool:
    """Record that a registered contribution came from a meeting of its stage."""
    if not meeting_id:
        return False
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.stage_id != stage_id:
        return False
    db.session.add(MeetingNote(comment_id=comment_id, meeting_id=meeting.id))
    db.session.flush()
    return True


def note_count(meeting: Meeting) -> int:
    return int(
        db.session.scalar(
            db.select(db.func.count())
            .select_from(MeetingNote)
            .where(MeetingNote.meeting_id == meeting.id)
        )
        or 0
    )


def _text(value: dict[str, str] | None, locale: str) -> str:
    return translated(value, locale, str(current_app.config["BABEL_DEFAULT_LOCALE"]))


def calendar_file(meeting: Meeting, locale: str, summary_default: str) -> bytes:
    """The meeting as an .ics file, in ``locale``; links from ``BASE_URL``."""
    stage = meeting.stage
    project = stage.project
    url = external_url(
        "public.stage", org=project.organization.slug, project=project.slug, stage_id=stage.id
    )
    title = _text(meeting.title, locale) or summary_default
    parts = [_text(project.title, locale) + " – " + _text(stage.title, locale)]
    if _text(meeting.description, locale):
        parts.append(_text(meeting.description, locale))
    if _text(meeting.accessibility, locale):
        parts.append(_text(meeting.accessibility, locale))
    if meeting.online_url:
        parts.append(meeting.online_url)
    parts.append(url + f"#meeting-{meeting.id}")
    host = urlsplit(str(current_app.config["BASE_URL"])).hostname or "platsdialog.local"
    event = ics.Event(
        uid=f"meeting-{meeting.id}@{host}",
        stamp=meeting.updated_at or datetime.now().astimezone(),
        starts=meeting.starts_at,
        ends=meeting.ends_at,
        summary=f"{title}: {_text(project.title, locale)}",
        location=meeting.place or (meeting.online_url or ""),
        url=url + f"#meeting-{meeting.id}",
        description="\n\n".join(parts),
    )
    return ics.calendar([event])
