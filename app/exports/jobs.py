"""Background export jobs, run by ``app.core.jobs.enqueue`` (RQ or a thread of this process).

A job row is created in the request's transaction and the job is started only after that
transaction commits, so it never looks for a row that is not there yet. The job re-checks
the requester's permissions when it runs, writes progress (0–100) through its own short
transactions, stores the file under ``EXPORT_DIR/<job id>/`` and audits the export.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import cast

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import User
from app.core.jobs import enqueue
from app.core.models import utcnow
from app.core.permissions import Action, actor_from, can
from app.exports.models import ExportJob, JobStatus
from app.exports.queries import Scope, ScopeNotFound, resolve_scope
from app.exports.services import (
    ExportError,
    access_for,
    audit_export,
    build_export,
)
from app.extensions import db

log = logging.getLogger(__name__)

#: Seconds an export may run on RQ before the worker stops it.
JOB_TIMEOUT = 1800


def create_job(
    user: User,
    kind: str,
    fmt: str,
    scope: Scope,
    *,
    lang: str = "sv",
    delimiter: str = ",",
) -> ExportJob:
    """Add a queued job for ``user`` (flushed); it starts once the transaction commits."""
    job = ExportJob(
        organization_id=scope.organization_id,
        user_id=user.id,
        kind=kind,
        params={
            "format": fmt,
            "scope_type": scope.type,
            "scope_id": scope.obj.id,
            "lang": lang,
            "delimiter": delimiter,
        },
        status=JobStatus.QUEUED,
        progress=0,
    )
    db.session.add(job)
    db.session.flush()
    enqueue(execute_job, job.id, timeout=JOB_TIMEOUT)
    return job


def _set_progress(job_id: int, value: int) -> None:
    """Write progress in its own transaction so the export's session stays untouched."""
    table = cast(sa.Table, ExportJob.__table__)  # a mapped class's table is a Table
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(table).where(table.c.id == job_id).values(progress=max(0, min(99, value)))
        )


def export_dir(job_id: int) -> Path:
    return Path(current_app.config["EXPORT_DIR"]) / str(job_id)


def execute_job(job_id: int) -> None:
    """Build the job's file, store it and mark the job done (or failed, with a message)."""
    job = db.session.get(ExportJob, job_id)
    if job is None:
        log.warning("export job %s vanished before it ran", job_id)
        return
    job.status = JobStatus.RUNNING
    job.progress = 1
    db.session.commit()
    params = dict(job.params)
    last = [0]

    def progress(value: int) -> None:
        if value >= last[0] + 5:
            last[0] = value
            _set_progress(job_id, value)

    try:
        user = db.session.get(User, job.user_id) if job.user_id else None
        scope = resolve_scope(params["scope_type"], int(params["scope_id"]))
        actor = actor_from(user)
        if user is None or not can(actor, Action.EXPORT, scope.obj):
            raise ExportError("not allowed")
        access = access_for(actor, scope.obj)
        result = build_export(
            job.kind,
            params["format"],
            scope,
            access,
            lang=params.get("lang", "sv"),
            delimiter=params.get("delimiter", ","),
            progress=progress,
        )
        folder = export_dir(job_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / result.name).write_bytes(result.data)
        db.session.rollback()  # drop what the build read; the job row is reloaded below
        job = db.session.get(ExportJob, job_id)
        if job is None:  # deleted while it ran
            return
        job.file_path = str(folder / result.name)
        job.file_name = result.name
        job.status = JobStatus.DONE
        job.progress = 100
        job.finished_at = utcnow()
        audit_export(job.kind, params["format"], scope, access, user=user, via="job", job_id=job_id)
        db.session.commit()
    except (ExportError, ScopeNotFound) as exc:
        _fail(job_id, str(exc))
    except Exception:
        log.exception("export job %s failed", job_id)
        _fail(job_id, "internal error")


def _fail(job_id: int, message: str) -> None:
    db.session.rollback()
    job = db.session.get(ExportJob, job_id)
    if job is None:
        return
    job.status = JobStatus.FAILED
    job.error = message[:500]
    job.finished_at = utcnow()
    db.session.commit()
