"""The seeded demo as a world for security tests: logins and one object of every kind that
belongs to Huddinge (the target organization), for URLs with object ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import User
from app.comments.models import Comment
from app.core.models import utcnow
from app.exports.models import ExportJob
from app.extensions import db
from app.intake.models import Attachment, RegisterEntry, RegisterKind
from app.meetings.models import Meeting
from app.organizations.models import Membership, Organization
from app.projects.models import Activity, Document, Project, ProjectPartner, Stage
from app.surveys.models import Question, QuestionOption, Response, Survey

TARGET = "huddinge"


@dataclass
class World:
    org: Organization
    #: URL parameter name -> an id of a Huddinge object of that kind.
    ids: dict[str, int] = field(default_factory=dict)


def seed_demo(runner: Any) -> World:
    """Seed the demo and collect ids of Huddinge's objects."""
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    org = db.session.scalar(sa.select(Organization).where(Organization.slug == TARGET))
    project = db.session.scalar(
        sa.select(Project)
        .where(Project.organization_id == org.id, Project.partners.any())
        .order_by(Project.id)
    ) or db.session.scalar(sa.select(Project).where(Project.organization_id == org.id))
    survey = db.session.scalar(
        sa.select(Survey)
        .where(Survey.organization_id == org.id, Survey.questions.any(Question.options.any()))
        .order_by(Survey.id)
    )
    question = db.session.scalar(
        sa.select(Question)
        .where(Question.survey_id == survey.id, Question.options.any())
        .order_by(Question.id)
    )
    option = db.session.scalar(
        sa.select(QuestionOption).where(QuestionOption.question_id == question.id)
    )
    stage = survey.activity.stage
    comment = db.session.scalar(
        sa.select(Comment)
        .join(Stage, Comment.stage_id == Stage.id)
        .join(Project, Stage.project_id == Project.id)
        .where(Project.organization_id == org.id)
        .order_by(Comment.id)
    )
    document = db.session.scalar(sa.select(Document).where(Document.project_id == project.id))
    if document is None:
        document = Document(project_id=project.id, title={"sv": "Plan"}, url="https://example.se")
        db.session.add(document)
    admin = db.session.scalar(sa.select(User).where(User.email == f"admin@{TARGET}.demo"))
    job = ExportJob(organization_id=org.id, user_id=admin.id, kind="comments", params={})
    db.session.add(job)
    db.session.flush()
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.organization_id == org.id).order_by(Membership.id)
    )
    partner = db.session.scalar(
        sa.select(ProjectPartner).where(ProjectPartner.project_id == project.id)
    )
    activity = db.session.scalar(sa.select(Activity).where(Activity.stage_id == stage.id))
    # Formal intake: a register entry and a letter's attachment of this project.
    entry = RegisterEntry(
        project_id=project.id, kind=RegisterKind.REMISSINSTANS, name="Länsstyrelsen"
    )
    attachment = Attachment(
        comment_id=comment.id,
        filename="brev.pdf",
        path="intake/none/brev.pdf",
        content_type="application/pdf",
        size=0,
    )
    db.session.add_all([entry, attachment])
    meeting = Meeting(
        stage_id=stage.id,
        starts_at=utcnow() + timedelta(days=3),
        ends_at=utcnow() + timedelta(days=3, hours=2),
        place="Kommunhuset",
    )
    db.session.add(meeting)
    response = db.session.scalar(
        sa.select(Response).where(Response.survey_id == survey.id).order_by(Response.id)
    )
    if response is None:
        response = Response(survey_id=survey.id, client_id="security-world")
        db.session.add(response)
        db.session.flush()
    db.session.commit()
    ids = {
        "org_id": org.id,
        "project_id": project.id,
        "stage_id": stage.id,
        "activity_id": activity.id,
        "survey_id": survey.id,
        "question_id": question.id,
        "option_id": option.id,
        "comment_id": comment.id,
        "document_id": document.id,
        "job_id": job.id,
        "membership_id": membership.id,
        "user_id": admin.id,
        "entry_id": entry.id,
        "attachment_id": attachment.id,
        "response_id": response.id,
        "meeting_id": meeting.id,
    }
    if partner is not None:
        ids["partner_id"] = partner.id
    return World(org=org, ids=ids)


def demo_login(client: Any, email: str) -> None:
    """Log in as a demo user with the demo password."""
    response = client.post(
        "/login", data={"email": email, "password": current_app.config["DEMO_PASSWORD"]}
    )
    assert response.status_code in (302, 303), (email, response.status_code)
