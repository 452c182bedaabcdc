"""The export UI under /manage/exports: permissions, background jobs (in-process and RQ), audit."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from flask import g

from app.audit.models import AuditEvent
from app.core.permissions import actor_from
from app.exports.models import ExportJob, JobStatus
from app.extensions import db


def _forget_user() -> None:
    """Tests share one app context, so Flask-Login's cached user in ``g`` would leak from
    one test client to the next; each request must load its user from its own session."""
    g.pop("_login_user", None)


def _get(client: Any, url: str, **kwargs: Any) -> Any:
    _forget_user()
    return client.get(url, **kwargs)


def _start(
    client: Any, scope: str, kind: str = "responses", fmt: str = "xlsx", **extra: str
) -> Any:
    data = {"scope": scope, "kind": kind, "format": fmt, "lang": "sv", "delimiter": ";"}
    data.update(extra)
    _forget_user()
    return client.post("/manage/exports/", data=data)


def _finished(job_id: int) -> ExportJob:
    """The job as stored; in tests background jobs run as soon as the request has committed."""
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    assert job is not None
    return job


def _job_id(response: Any) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _audits(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_planner_exports_in_the_background_and_downloads(
    dataset: Any, client: Any, login: Any
) -> None:
    login(dataset.planner)
    page = client.get("/manage/exports/")
    assert page.status_code == 200
    assert f'value="stage:{dataset.stage.id}"' in page.get_data(as_text=True)

    job_id = _job_id(_start(client, f"stage:{dataset.stage.id}"))
    job = _finished(job_id)
    assert job.status == JobStatus.DONE and job.progress == 100

    fragment = client.get(f"/manage/exports/jobs/{job_id}", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "every 1s" not in html  # done: it stops polling
    download_url = f"/manage/exports/jobs/{job_id}/download"
    assert download_url in html

    response = client.get(download_url)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data
    response.close()  # send_file streams from disk
    wb = openpyxl.load_workbook(io.BytesIO(body))
    # A stage's workbook: a sheet per survey, the map answers, the comments and the readme.
    assert wb.sheetnames == [f"S{dataset.survey.id} Enkät", "Kartsvar", "Kommentarer", "Läs mig"]
    comment_ids = [r[0].value for r in wb["Kommentarer"].iter_rows(min_row=2)]
    assert dataset.comments.hidden.id in comment_ids  # planners may see hidden comments

    events = _audits("export.responses")
    assert len(events) == 1
    event = events[0]
    assert event.actor_user_id == dataset.planner.id
    assert event.organization_id == dataset.org.id
    assert event.data["format"] == "xlsx"
    assert event.data["scope"] == f"stage-{dataset.stage.id}"
    assert event.data["level"] == "full"
    assert "Gångtunneln" not in str(event.data)  # facts about the export, never the data


def test_without_redis_the_export_runs_on_a_worker_thread(
    dataset: Any, make_app: Any, login: Any
) -> None:
    from app.core import jobs

    threaded = make_app(JOBS_INLINE=False)
    with threaded.app_context():
        client = threaded.test_client()
        login(dataset.planner, test_client=client)
        job_id = _job_id(_start(client, f"survey:{dataset.survey.id}", fmt="csv"))
        assert jobs.drain(timeout=120)
        job = _finished(job_id)
        assert job.status == JobStatus.DONE
        assert Path(job.file_path).is_relative_to(Path(threaded.config["EXPORT_DIR"]))
        assert Path(threaded.config["EXPORT_DIR"]).is_relative_to(threaded.config["INSTANCE_DIR"])
        response = client.get(f"/manage/exports/jobs/{job_id}/download")
        assert response.status_code == 200 and response.data
        db.session.remove()


def test_running_job_fragment_polls_itself(dataset: Any, client: Any, login: Any) -> None:
    job = ExportJob(
        organization_id=dataset.org.id,
        user_id=dataset.planner.id,
        kind="summary",
        params={"format": "pdf", "scope_type": "stage", "scope_id": dataset.stage.id},
        status=JobStatus.RUNNING,
        progress=40,
    )
    db.session.add(job)
    db.session.commit()
    login(dataset.planner)
    html = client.get(f"/manage/exports/jobs/{job.id}", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert 'hx-trigger="every 1s"' in html
    assert f'hx-get="/manage/exports/jobs/{job.id}"' in html
    assert 'value="40"' in html
    assert "<html" not in html  # the fragment, not the page
    page = client.get(f"/manage/exports/jobs/{job.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page  # without JavaScript the page refreshes
    assert client.get(f"/manage/exports/jobs/{job.id}/download").status_code == 404


def test_partner_gets_suppressed_aggregates_only(dataset: Any, client: Any, login: Any) -> None:
    login(dataset.partner)
    job = _finished(_job_id(_start(client, f"stage:{dataset.stage.id}")))
    assert job.status == JobStatus.DONE
    response = client.get(f"/manage/exports/jobs/{job.id}/download")
    assert response.status_code == 200
    body = response.data
    response.close()
    wb = openpyxl.load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["Per fråga", "Teman", "Läs mig"]
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "<5" in values
    texts = " ".join(str(v) for v in values if v is not None)
    assert "Boende0" not in texts and "@" not in texts
    assert "Gångtunneln behöver" not in texts
    per_question = wb["Per fråga"]
    rows = [[c.value for c in r] for r in per_question.iter_rows(min_row=2)]
    gender = [r for r in rows if r[0] == dataset.questions.gender.id]
    assert {r[3]: r[4] for r in gender}["Kvinna"] == "6"
    age = [r for r in rows if r[0] == dataset.questions.age.id and r[3] != "svarade"]
    assert all(r[4] == "<5" for r in age)  # 4 + 4 + 4 participants
    assert _audits("export.responses")[0].data["level"] == "aggregate"

    for kind, fmt in (("responses", "geojson"), ("responses", "gpkg"), ("report", "docx")):
        refused = _start(client, f"stage:{dataset.stage.id}", kind=kind, fmt=fmt)
        assert refused.status_code == 403
        assert "sammanräknade" in refused.get_data(as_text=True)


def test_moderator_is_refused_and_another_organization_sees_nothing(
    dataset: Any, app: Any, login: Any
) -> None:
    moderator, stranger = app.test_client(), app.test_client()
    login(dataset.moderator, test_client=moderator)
    login(dataset.stranger, test_client=stranger)
    assert _start(moderator, f"stage:{dataset.stage.id}").status_code == 403
    assert _start(stranger, f"stage:{dataset.stage.id}").status_code == 404
    assert _start(stranger, f"survey:{dataset.survey.id}").status_code == 404
    assert f"stage:{dataset.stage.id}" not in _get(stranger, "/manage/exports/").get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count(ExportJob.id))) == 0


def test_jobs_and_files_belong_to_their_user(dataset: Any, app: Any, login: Any) -> None:
    planner, facilitator, stranger = app.test_client(), app.test_client(), app.test_client()
    login(dataset.planner, test_client=planner)
    login(dataset.facilitator, test_client=facilitator)
    login(dataset.stranger, test_client=stranger)
    job = _finished(_job_id(_start(planner, f"survey:{dataset.survey.id}", fmt="csv")))
    assert job.status == JobStatus.DONE
    for other in (facilitator, stranger):
        assert _get(other, f"/manage/exports/jobs/{job.id}").status_code == 404
        assert _get(other, f"/manage/exports/jobs/{job.id}/download").status_code == 404
    anonymous = _get(app.test_client(), f"/manage/exports/jobs/{job.id}/download")
    assert anonymous.status_code in (302, 303, 401)


def test_invalid_combinations_are_422(dataset: Any, client: Any, login: Any) -> None:
    login(dataset.planner)
    bad = _start(client, f"stage:{dataset.stage.id}", kind="summary", fmt="xlsx")
    assert bad.status_code == 422
    assert "Formatet finns inte" in bad.get_data(as_text=True)
    survey_summary = _start(client, f"survey:{dataset.survey.id}", kind="summary", fmt="pdf")
    assert survey_summary.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(ExportJob.id))) == 0


def test_hidden_comments_only_for_those_allowed(dataset: Any, app: Any) -> None:
    from app.exports.queries import resolve_scope
    from app.exports.services import Access, access_for, build_export

    stage = dataset.stage
    assert access_for(actor_from(dataset.facilitator), stage) == Access(True, True)
    assert access_for(actor_from(dataset.partner), stage) == Access(False, False)
    hidden_body = b"Dumheter och personangrepp"
    staff = build_export("comments", "csv", resolve_scope("stage", stage.id), Access(True, True))
    assert hidden_body in staff.data
    not_hidden = build_export(
        "comments", "csv", resolve_scope("stage", stage.id), Access(True, False)
    )
    assert hidden_body not in not_hidden.data
    assert b"Gmail" not in not_hidden.data


def test_cli_exports_are_audited_as_the_system(dataset: Any, runner: Any, tmp_path: Any) -> None:
    out = tmp_path / "k.csv"
    result = runner.invoke(
        args=[
            "export",
            "comments",
            "--stage",
            str(dataset.stage.id),
            "--format",
            "csv",
            "--out",
            str(out),
            "--delimiter",
            ";",
        ]
    )
    assert result.exit_code == 0, result.output
    event = _audits("export.comments")[0]
    assert event.actor_user_id is None
    assert event.data == {
        "format": "csv",
        "scope": f"stage-{dataset.stage.id}",
        "level": "full",
        "via": "cli",
    }
    missing = runner.invoke(
        args=[
            "export",
            "summary",
            "--stage",
            "999999",
            "--format",
            "html",
            "--out",
            str(tmp_path / "x.html"),
        ]
    )
    assert missing.exit_code != 0 and "No stage" in missing.output


def test_rq_path_runs_the_job_in_a_worker(dataset: Any, make_app: Any, login: Any) -> None:
    redis = pytest.importorskip("redis")
    rq = pytest.importorskip("rq")
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    queue_name = f"test-exports-{uuid.uuid4().hex[:8]}"
    stage_id, survey_name = dataset.stage.id, f"S{dataset.survey.id} Enkät"
    rq_app = make_app(REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=queue_name)
    queue = rq.Queue(queue_name, connection=connection)
    try:
        with rq_app.app_context():
            client = rq_app.test_client()
            login(dataset.planner, test_client=client)
            job_id = _job_id(_start(client, f"stage:{stage_id}"))
            assert len(queue) == 1
            assert db.session.get(ExportJob, job_id).status == JobStatus.QUEUED
            worker = rq.SimpleWorker([queue], connection=connection)
            worker.work(burst=True)
            db.session.expire_all()
            job = db.session.get(ExportJob, job_id)
            assert job.status == JobStatus.DONE and job.progress == 100
            response = client.get(f"/manage/exports/jobs/{job_id}/download")
            assert response.status_code == 200
            body = response.data
            response.close()
            assert survey_name in openpyxl.load_workbook(io.BytesIO(body)).sheetnames
            assert _audits("export.responses")[0].data["job_id"] == job_id
            db.session.remove()
    finally:
        queue.delete(delete_jobs=True)


def test_a_job_fails_cleanly_when_the_user_lost_the_right(
    dataset: Any, client: Any, login: Any
) -> None:
    from app.exports.jobs import execute_job
    from app.organizations.models import Membership, Role

    job = ExportJob(
        organization_id=dataset.org.id,
        user_id=dataset.facilitator.id,
        kind="responses",
        params={"format": "csv", "scope_type": "survey", "scope_id": dataset.survey.id},
    )
    db.session.add(job)
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.user_id == dataset.facilitator.id)
    )
    membership.role = Role.MODERATOR
    db.session.commit()
    execute_job(job.id)
    db.session.expire_all()
    failed = db.session.get(ExportJob, job.id)
    assert failed.status == JobStatus.FAILED and failed.file_path is None
    assert _audits("export.responses") == []
    login(dataset.facilitator)
    # The moderator may no longer export the scope: the job is gone for them.
    assert _get(client, f"/manage/exports/jobs/{job.id}").status_code == 404
    page = _get(client, "/manage/exports/").get_data(as_text=True)
    assert "Det finns inget som du får exportera." in page
