"""Erasure that erases: nothing outside the admin's organization in the preview; supports,
flags and flag notes go with /my/delete; export files of the projects concerned are deleted
and old ones expire; no erased text is left in SQLite's database or WAL bytes (issue 15)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accounts.models import hash_token
from app.comments.models import Comment, Flag, FlagReason, Support
from app.core.models import utcnow
from app.exports.jobs import export_dir
from app.exports.models import ExportJob, JobStatus
from app.extensions import db
from app.organizations.models import ErasureMode
from app.privacy.storage import expire_exports
from app.surveys.models import Answer, Question, QuestionType, Response

SECRET_COMMENT = "Ring Karin Lindqvist på 070-1234567, Solvägen 17"
SECRET_ANSWER = "Jag, Per Olsson, bor i trappuppgång B på Kärrvägen 4"
SECRET_NOTE = "Anmält av grannen Lisa Berg"


def _resident(make_participant):
    token = "tok-" + uuid.uuid4().hex
    return make_participant(token_hash=hash_token(token)), token


def _world(make_project, make_activity, make_participant, org=None):
    project = make_project(org)
    stage = project.current_stage
    survey = make_activity(stage, "survey").survey
    question = Question(survey=survey, type=QuestionType.LONG_TEXT, prompt={"sv": "Tyck"})
    db.session.add(question)
    db.session.commit()
    discussion = make_activity(stage, "discussion")
    other = make_participant()
    theirs = Comment(activity=discussion, stage=stage, participant=other, body="Fler bänkar")
    db.session.add(theirs)
    db.session.commit()
    return project, stage, survey, question, discussion, theirs


def _export_file(project, text):
    """A finished export of ``project`` whose file holds ``text`` (as a job would leave it)."""
    job = ExportJob(
        organization_id=project.organization_id,
        kind="comments",
        params={"format": "csv", "scope_type": "project", "scope_id": project.id},
        status=JobStatus.DONE,
        progress=100,
    )
    db.session.add(job)
    db.session.flush()
    folder = export_dir(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kommentarer.csv"
    path.write_text(f"id,text\n1,{text}\n", encoding="utf-8")
    job.file_path, job.file_name = str(path), path.name
    db.session.commit()
    return job, path


def _contribute(world, participant):
    project, stage, survey, question, discussion, theirs = world
    response = Response(survey=survey, participant=participant, client_id=str(uuid.uuid4()))
    response.answers.append(Answer(question=question, value=SECRET_ANSWER, text=SECRET_ANSWER))
    mine = Comment(activity=discussion, stage=stage, participant=participant, body=SECRET_COMMENT)
    db.session.add_all([response, mine])
    db.session.add(Support(comment_id=theirs.id, participant_id=participant.id))
    db.session.add(
        Flag(
            comment_id=theirs.id,
            participant_id=participant.id,
            reason=FlagReason.OTHER,
            note=SECRET_NOTE,
        )
    )
    theirs.supports_count += 1
    theirs.flags_count += 1
    db.session.commit()
    return mine, response


def _raw_database_bytes(app) -> bytes:
    url = db.engine.url
    path = Path(url.database)
    data = path.read_bytes()
    wal = Path(str(path) + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def _all_file_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def _assert_gone(app, *texts):
    db.session.remove()  # nothing held in this process's session either
    exports = Path(app.config["INSTANCE_DIR"]) / "exports"
    files = _all_file_bytes(exports) if exports.exists() else b""
    raw = _raw_database_bytes(app) if db.engine.dialect.name == "sqlite" else b""
    for text in texts:
        needle = text.encode()
        assert needle not in files, text
        assert needle not in raw, text


def test_my_delete_removes_supports_flags_and_notes_too(
    app, client, make_project, make_activity, make_participant
):
    world = _world(make_project, make_activity, make_participant)
    theirs = world[-1]
    participant, token = _resident(make_participant)
    _contribute(world, participant)
    client.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    done = client.post("/my/delete?lang=en", data={"confirm": "y"}, follow_redirects=True)
    assert done.status_code == 200
    assert "Deleted: 1 survey response, 1 comment, 1 agreement and 1 report." in done.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Support)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Flag)) == 0
    other = db.session.get(Comment, theirs.id)
    assert (other.supports_count, other.flags_count) == (0, 0)


def test_my_delete_leaves_no_text_in_the_database_files_or_exports(
    app, client, make_project, make_activity, make_participant
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's own files")
    world = _world(make_project, make_activity, make_participant)
    participant, token = _resident(make_participant)
    _contribute(world, participant)
    job, path = _export_file(world[0], SECRET_COMMENT)
    assert SECRET_COMMENT.encode() in _raw_database_bytes(app)  # the test can see text
    client.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    assert client.post("/my/delete", data={"confirm": "y"}).status_code == 302
    assert not path.exists()
    db.session.expire_all()
    assert db.session.get(ExportJob, job.id).file_path is None
    _assert_gone(app, SECRET_COMMENT, SECRET_ANSWER, SECRET_NOTE)


def test_erasure_by_reference_removes_text_and_the_projects_exports(
    app, client, login, make_user, make_project, make_activity, make_participant
):
    world = _world(make_project, make_activity, make_participant)
    project = world[0]
    project.organization.erasure_mode = ErasureMode.REMOVE
    participant, _token = _resident(make_participant)
    mine, _response = _contribute(world, participant)
    other_project = make_project(project.organization)
    _job, path = _export_file(project, SECRET_COMMENT)
    _other_job, other_path = _export_file(other_project, "Något annat")
    login(make_user(role="admin", org=project.organization))
    response = client.post(
        "/manage/privacy/erase",
        data={
            "organization_id": project.organization_id,
            "reference": str(mine.id),
            "confirm": "y",
        },
    )
    assert response.status_code == 302
    assert not path.exists()
    assert other_path.exists()  # exports of projects the person had no part in stay
    db.session.expire_all()
    assert db.session.get(Comment, mine.id).body == ""
    if db.engine.dialect.name == "sqlite":
        _assert_gone(app, SECRET_COMMENT, SECRET_ANSWER)


def test_the_preview_shows_only_the_admins_organization(
    client, login, make_user, make_org, make_project, make_activity, make_participant
):
    here = _world(make_project, make_activity, make_participant)
    elsewhere = _world(make_project, make_activity, make_participant, org=make_org())
    participant, _token = _resident(make_participant)
    mine, _response = _contribute(here, participant)
    _contribute(elsewhere, participant)  # a response and a comment in another municipality
    org = here[0].organization
    login(make_user(role="admin", org=org))
    preview = client.post(
        "/manage/privacy/erase?lang=en",
        data={"organization_id": org.id, "reference": str(mine.id)},
    )
    assert preview.status_code == 200
    assert "Found 1 survey response and 1 comment." in preview.get_data(as_text=True)


def test_export_files_expire_after_seven_days(app, make_project):
    project = make_project()
    old_job, old_path = _export_file(project, "gammal")
    new_job, new_path = _export_file(project, "ny")
    old_job.created_at = utcnow() - timedelta(days=8)
    new_job.created_at = utcnow() - timedelta(days=6)
    db.session.commit()
    assert expire_exports() == 1
    db.session.commit()
    assert not old_path.exists() and new_path.exists()
    assert db.session.get(ExportJob, old_job.id).file_path is None
    assert expire_exports(now=utcnow() + timedelta(days=2)) == 1
    db.session.commit()
    assert not new_path.exists()


def test_the_nightly_retention_command_expires_exports(app, runner, make_project):
    project = make_project()
    job, path = _export_file(project, "gammal")
    job.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    result = runner.invoke(args=["privacy", "enforce-retention"])
    assert result.exit_code == 0, result.output
    assert "1 export files expired" in result.output
    assert not path.exists()


def test_stored_indicators_lose_the_erased_text_too(
    app, client, make_project, make_activity, make_participant
):
    from app.analysis_ui.models import IndicatorSnapshot
    from app.analysis_ui.services import recompute

    _project, stage, _survey, _question, discussion, _theirs = _world(
        make_project, make_activity, make_participant
    )
    participant, token = _resident(make_participant)
    quoted = "Gångtunneln under stationen är mörk och känns otrygg på kvällen"
    db.session.add(Comment(activity=discussion, stage=stage, participant=participant, body=quoted))
    db.session.commit()
    recompute(stage)
    db.session.commit()
    snapshot = db.session.scalar(
        sa.select(IndicatorSnapshot).where(IndicatorSnapshot.stage_id == stage.id)
    )
    assert quoted in str(snapshot.data)  # quoted in the stored indicators
    client.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    assert client.post("/my/delete", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    snapshot = db.session.get(IndicatorSnapshot, snapshot.id)
    assert quoted not in str(snapshot.data)
