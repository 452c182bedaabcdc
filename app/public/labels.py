"""Plain-language names for stage kinds, statuses and the participation ladder."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.projects.models import ParticipationLevel, ProjectStatus, StageKind

#: The five steps, in order, as residents read them.
LADDER = [
    ParticipationLevel.INFORMATION,
    ParticipationLevel.CONSULTATION,
    ParticipationLevel.DIALOGUE,
    ParticipationLevel.INFLUENCE,
    ParticipationLevel.CODECISION,
]

LEVEL_NAMES = {
    ParticipationLevel.INFORMATION: _l("Information"),
    ParticipationLevel.CONSULTATION: _l("Consultation"),
    ParticipationLevel.DIALOGUE: _l("Dialogue"),
    ParticipationLevel.INFLUENCE: _l("Influence"),
    ParticipationLevel.CODECISION: _l("Co-decision"),
}

LEVEL_EXPLANATIONS = {
    ParticipationLevel.INFORMATION: _l(
        "The municipality tells you what is happening. You cannot change anything at this "
        "stage, but you can follow it and ask questions."
    ),
    ParticipationLevel.CONSULTATION: _l(
        "The municipality asks what you think of a proposal and weighs your views before "
        "it decides."
    ),
    ParticipationLevel.DIALOGUE: _l(
        "Residents and the municipality talk together, and what you say is used to shape "
        "the proposal."
    ),
    ParticipationLevel.INFLUENCE: _l(
        "Residents take part in working out the proposal, and your views have a clear effect on it."
    ),
    ParticipationLevel.CODECISION: _l("Residents and the municipality decide together."),
}

STAGE_KINDS = {
    StageKind.START: _l("Start (planning assignment)"),
    StageKind.EARLY_DIALOGUE: _l("Early dialogue"),
    StageKind.ANNOUNCEMENT: _l("Public announcement"),
    StageKind.CONSULTATION: _l("Consultation (samråd)"),
    StageKind.NOTIFICATION: _l("Notification"),
    StageKind.REVIEW: _l("Review (granskning)"),
    StageKind.ADOPTION: _l("Adoption"),
    StageKind.IN_FORCE: _l("In force"),
    StageKind.IMPLEMENTATION: _l("Implementation"),
    StageKind.FOLLOW_UP: _l("Follow-up"),
    StageKind.CUSTOM: _l("Other stage"),
}

PROJECT_STATUSES = {
    ProjectStatus.ACTIVE: _l("Ongoing"),
    ProjectStatus.COMPLETED: _l("Completed"),
}

STAGE_STATUSES = {
    "open": _l("In progress"),
    "closed": _l("Finished"),
    "upcoming": _l("Coming up"),
}
