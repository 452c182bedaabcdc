"""Reads of the intake domain."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.comments.models import Comment, ContributionChannel
from app.extensions import db
from app.intake.models import Attachment, RegisterEntry, RegisterKind, Sender
from app.projects.models import Activity, ActivityKind, Project, Stage

#: Channels whose contributions only staff register.
REGISTERED = [
    ContributionChannel.LETTER,
    ContributionChannel.EMAIL,
    ContributionChannel.MEETING,
    ContributionChannel.PAPER,
    ContributionChannel.KIOSK,
]


def intake_stages(project: Project) -> list[Stage]:
    """Stages of ``project`` with a discussion to file registered contributions under."""
    return list(
        db.session.scalars(
            db.select(Stage)
            .where(
                Stage.project_id == project.id,
                Stage.id.in_(
                    db.select(Activity.stage_id).where(Activity.kind == ActivityKind.DISCUSSION)
                ),
            )
            .order_by(Stage.position)
        )
    )


def register_entries(project: Project) -> list[RegisterEntry]:
    """The register, remissinstanser first, then sakägare, by name."""
    return list(
        db.session.scalars(
            db.select(RegisterEntry)
            .where(RegisterEntry.project_id == project.id)
            .order_by(
                sa.case((RegisterEntry.kind == RegisterKind.REMISSINSTANS, 0), else_=1),
                RegisterEntry.name,
                RegisterEntry.id,
            )
        )
    )


def answered_entry_ids(project: Project) -> set[int]:
    """Entries of the register that have answered (a registered contribution points there)."""
    return set(
        db.session.scalars(
            db.select(Sender.register_entry_id)
            .join(RegisterEntry, RegisterEntry.id == Sender.register_entry_id)
            .where(RegisterEntry.project_id == project.id)
        )
    )


def registered(project: Project) -> list[dict[str, Any]]:
    """Contributions registered by hand in ``project``, newest received first, with their
    sender (staff only) and attachments."""
    comments = list(
        db.session.scalars(
            db.select(Comment)
            .join(Stage, Stage.id == Comment.stage_id)
            .where(Stage.project_id == project.id, Comment.registered_by_id.is_not(None))
            .options(selectinload(Comment.stage))
            .order_by(Comment.received_at.desc(), Comment.id.desc())
        )
    )
    ids = [c.id for c in comments]
    senders = {
        s.comment_id: s
        for s in db.session.scalars(db.select(Sender).where(Sender.comment_id.in_(ids)))
    }
    attachments: dict[int, list[Attachment]] = {}
    for a in db.session.scalars(
        db.select(Attachment).where(Attachment.comment_id.in_(ids)).order_by(Attachment.id)
    ):
        attachments.setdefault(a.comment_id, []).append(a)
    return [
        {"comment": c, "sender": senders.get(c.id), "attachments": attachments.get(c.id, [])}
        for c in comments
    ]


def surveys_of(project: Project) -> list[Any]:
    """Surveys of ``project`` that paper forms can be typed into."""
    from app.surveys.models import Survey

    return list(
        db.session.scalars(
            db.select(Survey)
            .join(Activity, Activity.survey_id == Survey.id)
            .join(Stage, Stage.id == Activity.stage_id)
            .where(Stage.project_id == project.id)
            .order_by(Stage.position, Survey.id)
        )
    )
