"""Import every model so metadata is complete (for Alembic and ``db.create_all``)."""

from app.accounts.models import ApiToken, Participant, User
from app.analysis_ui.models import Coding, IndicatorSnapshot
from app.audit.models import AuditEvent
from app.codebook.models import Codebook, Theme
from app.comments.models import Comment, Flag, Support
from app.comments.photos.models import Photo
from app.exports.models import ExportJob
from app.follow.models import Follow, FollowMail
from app.intake.models import Attachment, RegisterEntry, Sender
from app.meetings.models import Meeting, MeetingNote
from app.moderation.models import ModerationDecision
from app.organizations.models import Membership, Organization, PopulationRow
from app.plans.models import MapLayer, StagePlan
from app.projects.models import Activity, Document, Feedback, Project, ProjectPartner, Stage
from app.surveys.models import (
    Answer,
    AnswerFeature,
    MarkingPhoto,
    Question,
    QuestionOption,
    Response,
    Survey,
)

__all__ = [
    "Activity",
    "Answer",
    "AnswerFeature",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Codebook",
    "Coding",
    "Comment",
    "Document",
    "ExportJob",
    "Feedback",
    "Flag",
    "Follow",
    "FollowMail",
    "IndicatorSnapshot",
    "MapLayer",
    "MarkingPhoto",
    "Meeting",
    "MeetingNote",
    "Membership",
    "ModerationDecision",
    "Organization",
    "Participant",
    "Photo",
    "PopulationRow",
    "Project",
    "ProjectPartner",
    "Question",
    "QuestionOption",
    "RegisterEntry",
    "Response",
    "Sender",
    "Stage",
    "StagePlan",
    "Support",
    "Survey",
    "Theme",
    "User",
]
