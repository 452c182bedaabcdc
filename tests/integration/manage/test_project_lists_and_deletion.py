"""Archived projects come last in lists, and are deleted only after an export, with the counts
confirmed and the deletion audited (issue 17; public records law)."""

from __future__ import annotations

from typing import Any

from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.exports.models import ExportJob, JobStatus
from app.extensions import db
from app.projects.models import ActivityKind, Project, ProjectStatus
from app.surveys.models import Response, Survey


def test_archived_projects_come_after_active_ones(client, as_planner, make_project, org):
    archived = make_project(
        org, status=ProjectStatus.ARCHIVED, title={"sv": "Arkiverat", "en": "Old one"}
    )
    active = make_project(org, status=ProjectStatus.ACTIVE, title={"sv": "Pågår", "en": "Ongoing"})
    archived.title = {"sv": "Arkiverat nyss", "en": "Archived just now"}  # touched last
    db.session.commit()
    html = client.get(f"/manage/?org={org.slug}").get_data(as_text=True)
    assert html.index(active.title["en"]) < html.index("Archived just now")


def _seed(make_project, make_activity, make_comment, make_response, org):
    project = make_project(org, status=ProjectStatus.ARCHIVED)
    stage = project.current_stage
    survey_activity = make_activity(stage, ActivityKind.SURVEY)
    discussion = make_activity(stage, ActivityKind.DISCUSSION)
    make_response(survey_activity)
    make_response(survey_activity)
    make_comment(discussion, body="En synpunkt")
    return project, survey_activity.survey_id


def _export(project: Any, planner: Any) -> ExportJob:
    job = ExportJob(
        organization_id=project.organization_id,
        user_id=planner.id,
        kind="responses",
        params={"scope_type": "project", "scope_id": project.id, "format": "xlsx"},
        status=JobStatus.DONE,
        file_name="projekt.xlsx",
    )
    db.session.add(job)
    db.session.commit()
    return job


def test_deleting_needs_an_export_then_shows_counts_and_audits(
    client, as_planner, make_project, make_activity, make_comment, make_response, org
):
    project, survey_id = _seed(make_project, make_activity, make_comment, make_response, org)
    page = client.get(f"/manage/projects/{project.id}/delete").get_data(as_text=True)
    assert "Export the whole project first" in page and 'name="confirm_slug"' not in page
    refused = client.post(
        f"/manage/projects/{project.id}/delete", data={"confirm_slug": project.slug}
    )
    assert refused.status_code == 422
    assert db.session.get(Project, project.id) is not None

    job = _export(project, as_planner)
    page = client.get(f"/manage/projects/{project.id}/delete").get_data(as_text=True)
    assert f"export #{job.id}" in page
    assert "2 survey responses" in page and "1 comment<" in page
    wrong = client.post(f"/manage/projects/{project.id}/delete", data={"confirm_slug": "nej"})
    assert wrong.status_code == 422 and "Type the project" in wrong.get_data(as_text=True)

    done = client.post(f"/manage/projects/{project.id}/delete", data={"confirm_slug": project.slug})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, project.id) is None
    assert db.session.get(Survey, survey_id) is None
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "project.delete"))
    assert event.actor_user_id == as_planner.id and event.organization_id == org.id
    assert (event.data["responses"], event.data["comments"], event.data["export_job"]) == (
        2,
        1,
        job.id,
    )


def test_only_archived_projects_can_be_deleted(client, as_planner, make_project, org):
    project = make_project(org, status=ProjectStatus.ACTIVE)
    _export(project, as_planner)
    response = client.post(
        f"/manage/projects/{project.id}/delete", data={"confirm_slug": project.slug}
    )
    assert response.status_code == 422
    assert "Only an archived project" in response.get_data(as_text=True)
    assert db.session.get(Project, project.id) is not None


def test_deleting_a_project_deletes_residents_photos_from_disk(
    app, client, as_planner, make_project, make_activity, make_comment, make_response, org
):
    """Photos on comments and on marked places, plan maps and intake attachments go with
    the project, after the commit."""
    import io
    from pathlib import Path

    from PIL import Image

    from app.comments.photos import services as comment_photos
    from app.core.images import prepare_photo
    from app.surveys import photos as marking_photos
    from app.surveys.models import Answer, AnswerFeature, Question, QuestionType

    def photo() -> Any:
        out = io.BytesIO()
        Image.new("RGB", (400, 300), (30, 120, 60)).save(out, "JPEG")
        return prepare_photo(out.getvalue(), "Bänken")

    project, survey_id = _seed(make_project, make_activity, make_comment, make_response, org)
    comment = db.session.scalars(db.select(Comment)).one()
    comment_photos.attach(comment, photo())
    question = Question(survey_id=survey_id, type=QuestionType.MAP_POINT, prompt={"sv": "Var?"})
    db.session.add(question)
    db.session.flush()
    response = db.session.scalars(db.select(Response)).first()
    feature = AnswerFeature(position=0, comment="Här")
    feature.set_geometry({"type": "Point", "coordinates": [17.95, 59.22]})
    db.session.add(
        Answer(response_id=response.id, question_id=question.id, value=None, features=[feature])
    )
    db.session.flush()
    marking_photos.store(feature, photo())
    # The stage's plan map and a registered letter's attachment too.
    from app.core.images import write_new
    from app.intake.models import Attachment
    from app.plans.models import StagePlan

    stage = project.current_stage
    write_new(f"plans/{stage.id}/plan.webp", b"RIFF plan")
    db.session.add(
        StagePlan(
            stage_id=stage.id,
            image_path=f"plans/{stage.id}/plan.webp",
            width=10,
            height=10,
            source="png",
        )
    )
    write_new(f"intake/{project.id}/brev.pdf", b"%PDF-1.4 brev")
    db.session.add(
        Attachment(
            comment_id=comment.id,
            filename="brev.pdf",
            path=f"intake/{project.id}/brev.pdf",
            content_type="application/pdf",
            size=13,
        )
    )
    db.session.commit()
    root = Path(app.config["UPLOAD_DIR"])
    files = [p for p in root.rglob("*") if p.is_file()]
    assert len(files) == 6  # two photos with their thumbnails, the plan, the attachment
    _export(project, as_planner)
    done = client.post(f"/manage/projects/{project.id}/delete", data={"confirm_slug": project.slug})
    assert done.status_code == 302
    assert [p for p in files if p.exists()] == []
