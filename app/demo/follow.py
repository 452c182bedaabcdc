"""Demo followers and consultation meetings (issue 19, items 1 and 7).

On the flagship project (Flemingsberg): a meeting held last week with notes registered as
``meeting`` contributions, one coming up, and a few confirmed followers: three by address,
one by account, one of them the author of a comment that got replies. When the seed runs in
development with the file mailer, the followers' mails about the current stage and that
reply are written to ``instance/mail/`` after the seed commits.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import Participant, User
from app.comments.models import Comment, CommentStatus
from app.core.models import utcnow
from app.extensions import db
from app.follow.models import Follow
from app.meetings.models import Meeting, MeetingNote
from app.organizations.models import Membership, Role
from app.projects.models import Project, Stage

PROJECT_SLUG = "flemingsberg-stationsomrade"
ADDRESSES = [
    ("anna.karlsson@example.se", "sv"),
    ("mikael.berg@example.se", "sv"),
    ("sam.okafor@example.com", "en"),
]
NOTES = [
    "Flera boende vid Hälsovägen frågade hur trafiken till de nya husen ska ledas, och om "
    "bullret från byggtiden. Önskemål om en tydlig tidsplan för byggtrafiken.",
    "Många ville ha kvar gångvägen genom skogen mot Visättra och fråga om belysning på bron "
    "kvällstid. Några föreslog en lekplats på torget.",
    "Pensionärsföreningen tog upp att hissarna vid stationen ofta är trasiga och bad om "
    "bänkar längs vägen till vårdcentralen.",
]


def _local(day: datetime, hour: int) -> datetime:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Stockholm"))
    return datetime.combine(day.date(), time(hour, 0), tzinfo=zone)


def seed_follow_and_meetings() -> None:
    """Add the demo's meetings, meeting notes and followers (flushes, does not commit)."""
    project = db.session.scalar(sa.select(Project).where(Project.slug == PROJECT_SLUG))
    if project is None or project.current_stage is None:
        return
    stage = project.current_stage
    now = utcnow()
    past = Meeting(
        stage=stage,
        title={
            "sv": "Samrådsmöte i Flemingsbergs bibliotek",
            "en": "Consultation meeting at Flemingsberg library",
        },
        starts_at=_local(now - timedelta(days=6), 18),
        ends_at=_local(now - timedelta(days=6), 20),
        place="Flemingsbergs bibliotek, Hälsovägen 7, Huddinge",
        accessibility={
            "sv": "Entré utan trappsteg, hörslinga och tillgänglig toalett. "
            "Teckenspråkstolk på begäran.",
            "en": "Step-free entrance, hearing loop and accessible toilet. "
            "Sign-language interpreter on request.",
        },
        description={
            "sv": "Planarkitekterna visade förslaget och svarade på frågor.",
            "en": "The planners showed the proposal and answered questions.",
        },
    )
    coming = Meeting(
        stage=stage,
        title={"sv": "Digitalt samrådsmöte", "en": "Online consultation meeting"},
        starts_at=_local(now + timedelta(days=9), 18),
        ends_at=_local(now + timedelta(days=9), 19) + timedelta(minutes=30),
        place="",
        online_url="https://mote.example.se/flemingsberg",
        description={
            "sv": "Samma genomgång som på biblioteket, på distans. Ställ frågor i chatten.",
            "en": "The same walk-through as at the library, online. Ask questions in the chat.",
        },
    )
    db.session.add_all([past, coming])
    db.session.flush()
    _meeting_notes(project, past)
    _followers(project, stage)


def _meeting_notes(project: Project, meeting: Meeting) -> None:
    from app.intake.services import Registration, register_contribution

    planner = db.session.scalar(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organization_id == project.organization_id,
            Membership.role.in_([Role.PLANNER, Role.ADMIN]),
        )
        .order_by(User.id)
        .limit(1)
    )
    if planner is None or not any(a.kind == "discussion" for a in meeting.stage.activities):
        return
    for text in NOTES:
        comment = register_contribution(
            project,
            Registration(
                stage_id=meeting.stage_id,
                channel="meeting",
                sender_type="resident",
                body=text,
                received_on=meeting.starts_at.date(),
            ),
            actor=planner,
        )
        db.session.add(MeetingNote(comment_id=comment.id, meeting_id=meeting.id))
    db.session.flush()


def _followers(project: Project, stage: Stage) -> None:
    now = utcnow()
    replied = db.session.scalar(
        sa.select(Comment)
        .where(
            Comment.stage_id.in_([s.id for s in project.stages]),
            Comment.parent_id.is_(None),
            Comment.participant_id.is_not(None),
            Comment.status == CommentStatus.PUBLISHED,
            Comment.replies.any(Comment.status == CommentStatus.PUBLISHED),
        )
        .order_by(Comment.id)
        .limit(1)
    )
    follows = []
    for i, (address, locale) in enumerate(ADDRESSES):
        follows.append(
            Follow(
                project_id=project.id,
                email=address,
                locale=locale,
                participant_id=replied.participant_id if (i == 0 and replied) else None,
                secret=secrets.token_hex(16),
                confirmed_at=now,
                created_at=now,
            )
        )
    resident = db.session.scalar(
        sa.select(Participant).where(Participant.user_id.is_not(None)).order_by(Participant.id)
    )
    if resident is not None:
        follows.append(
            Follow(
                project_id=project.id,
                user_id=resident.user_id,
                participant_id=resident.id,
                locale="sv",
                secret=secrets.token_hex(16),
                confirmed_at=now,
                created_at=now,
            )
        )
    db.session.add_all(follows)
    db.session.flush()
    if current_app.config.get("ENV_MODE") == "development" and not current_app.config.get(
        "MAIL_SERVER"
    ):
        from app.follow.services import comment_replied, stage_opened

        stage_opened(stage)  # sent after the seed commits
        if replied is not None:
            comment_replied(next(r for r in replied.replies if r.status == "published"))
