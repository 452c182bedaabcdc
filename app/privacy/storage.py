"""Where erased data could linger besides the live rows, and how it is cleared.

- SQLite keeps deleted bytes in free pages and in the write-ahead log (WAL) until they are
  reused. Every SQLite connection runs with ``PRAGMA secure_delete=ON`` (freed content is
  overwritten with zeros), and a commit that erased personal data is followed by a WAL
  checkpoint that truncates the log (:func:`checkpoint_after_commit`). PostgreSQL needs
  neither: deleted tuples are not readable through the database and are reclaimed by
  autovacuum.
- Export files (``EXPORT_DIR/<job id>/``) are copies of contributions: they expire
  after ``EXPORT_MAX_AGE_DAYS`` (:func:`expire_exports`, run by ``flask privacy
  enforce-retention`` and ``flask privacy expire-exports``), and an erasure deletes those of
  the projects it touched (:func:`delete_exports_of_projects`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.core.models import utcnow
from app.extensions import db

_CHECKPOINT_KEY = "pd_wal_checkpoint"
_listening = False


@event.listens_for(Engine, "connect")
def _secure_delete(dbapi_connection: Any, connection_record: Any) -> None:
    """Deleted content is overwritten in SQLite's file, not left in free pages."""
    if not type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def checkpoint_after_commit() -> None:
    """After this transaction commits, move the WAL into the database file and truncate it
    (SQLite only), so erased text is not left in the log."""
    global _listening
    db.session.info[_CHECKPOINT_KEY] = True
    if _listening:
        return

    def after_commit(session: Any) -> None:
        if session.info.pop(_CHECKPOINT_KEY, False):
            checkpoint()

    def after_soft_rollback(session: Any, previous: Any) -> None:
        if previous.parent is None:
            session.info.pop(_CHECKPOINT_KEY, None)

    event.listen(db.session, "after_commit", after_commit)
    event.listen(db.session, "after_soft_rollback", after_soft_rollback)
    _listening = True


def checkpoint() -> None:
    """``PRAGMA wal_checkpoint(TRUNCATE)`` on SQLite; nothing elsewhere."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _remove_files(job: Any) -> None:
    from app.exports.jobs import export_dir

    shutil.rmtree(export_dir(job.id), ignore_errors=True)
    if job.file_path:
        Path(job.file_path).unlink(missing_ok=True)
    job.file_path = None
    job.file_name = None


def expire_exports(now: datetime | None = None) -> int:
    """Delete export files older than ``EXPORT_MAX_AGE_DAYS`` (default 7). Returns how many."""
    from app.exports.models import ExportJob

    days = int(current_app.config.get("EXPORT_MAX_AGE_DAYS", 7))
    cutoff = (now or utcnow()) - timedelta(days=days)
    jobs = db.session.scalars(
        sa.select(ExportJob).where(ExportJob.created_at <= cutoff, ExportJob.file_path.is_not(None))
    ).all()
    for job in jobs:
        _remove_files(job)
        job.error = "expired"
    db.session.flush()
    return len(jobs)


def project_ids_of(response_ids: Iterable[int], comment_ids: Iterable[int]) -> set[int]:
    """The projects that responses and comments belong to."""
    from app.comments.models import Comment
    from app.projects.models import Activity, Stage
    from app.surveys.models import Response

    projects: set[int] = set()
    response_ids, comment_ids = list(response_ids), list(comment_ids)
    if response_ids:
        projects.update(
            db.session.scalars(
                sa.select(Stage.project_id)
                .join(Activity, Activity.stage_id == Stage.id)
                .join(Response, Response.survey_id == Activity.survey_id)
                .where(Response.id.in_(response_ids))
            )
        )
    if comment_ids:
        projects.update(
            db.session.scalars(
                sa.select(Stage.project_id)
                .join(Comment, Comment.stage_id == Stage.id)
                .where(Comment.id.in_(comment_ids))
            )
        )
    return projects


def delete_exports_of_projects(project_ids: Iterable[int]) -> int:
    """Delete the export files (any age) of these projects, their stages and surveys."""
    from app.exports.models import ExportJob
    from app.projects.models import Activity, Project, Stage

    project_ids = set(project_ids)
    if not project_ids:
        return 0
    stage_ids = set(
        db.session.scalars(sa.select(Stage.id).where(Stage.project_id.in_(project_ids)))
    )
    survey_ids = {
        survey_id
        for survey_id in db.session.scalars(
            sa.select(Activity.survey_id).where(
                Activity.stage_id.in_(stage_ids) if stage_ids else sa.false(),
                Activity.survey_id.is_not(None),
            )
        )
        if survey_id is not None
    }
    organizations = set(
        db.session.scalars(sa.select(Project.organization_id).where(Project.id.in_(project_ids)))
    )
    scopes: dict[str, set[int]] = {"project": project_ids, "stage": stage_ids, "survey": survey_ids}
    deleted = 0
    for job in db.session.scalars(
        sa.select(ExportJob).where(ExportJob.organization_id.in_(organizations))
    ):
        params: dict[str, Any] = job.params or {}
        try:
            scope_id = int(params.get("scope_id") or 0)
        except (TypeError, ValueError):
            continue
        if scope_id in scopes.get(str(params.get("scope_type")), set()):
            if job.file_path or export_files_exist(job.id):
                _remove_files(job)
                job.error = "erased"
                deleted += 1
    db.session.flush()
    return deleted


def export_files_exist(job_id: int) -> bool:
    from app.exports.jobs import export_dir

    folder = export_dir(job_id)
    return folder.is_dir() and any(folder.iterdir())
