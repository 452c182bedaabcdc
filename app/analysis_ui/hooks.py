"""Code new contributions automatically, whichever path wrote them (HTML form, API, import).

After each flush the new or edited comments, free-text answers and map features are noted on
the session. What happens next depends on ``AUTO_CODING``:

- ``background`` (default): a ``PendingCoding`` row per contribution is written in the same
  transaction, and a background job (``app.core.jobs.enqueue``: RQ with ``REDIS_URL``, else a
  thread of this process, after the commit) codes whatever is pending; jobs coalesce, so
  under load one job codes many requests' contributions in one transaction. The resident's
  request does no coding work. Rows a dead worker left behind are coded by the next job,
  ``flask worker`` at its start, and ``flask analysis sweep``.
- ``sync``: they are coded just before the commit, in the same transaction.
- ``off``: nothing is coded until ``flask analysis recode``.

One hook instead of a call in every service keeps the rule in one place.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context

from app.analysis_ui.models import PendingCoding, TargetType
from app.comments.models import Comment
from app.core.jobs import enqueue, register_jobs
from app.extensions import db
from app.surveys.models import Answer, AnswerFeature

PENDING = "pd_pending_coding"
RUNNING = "pd_coding_running"
_registered = False


def _note(session: Any, target: TargetType, target_id: int | None) -> None:
    if target_id is not None:
        session.info.setdefault(PENDING, {}).setdefault(target, set()).add(target_id)


def _after_flush(session: Any, _context: Any) -> None:
    if session.info.get(RUNNING):
        return
    for obj in session.new:
        if isinstance(obj, Comment) and not obj.is_official:
            _note(session, TargetType.COMMENT, obj.id)
        elif isinstance(obj, Answer) and (obj.text or "").strip():
            _note(session, TargetType.ANSWER, obj.id)
        elif isinstance(obj, AnswerFeature):
            _note(session, TargetType.FEATURE, obj.id)
    for obj in session.dirty:
        if isinstance(obj, Comment) and not obj.is_official and obj.deleted_at is None:
            if sa.inspect(obj).attrs.body.history.has_changes():
                _note(session, TargetType.COMMENT, obj.id)


def _mode() -> str:
    return str(current_app.config.get("AUTO_CODING", "background")).lower()


def _before_commit(session: Any) -> None:
    # A savepoint's release (``begin_nested``, used for idempotent writes) is not the commit:
    # what it noted waits for the real one.
    if session.info.get(RUNNING) or not has_app_context() or session.in_nested_transaction():
        return
    session.flush()  # note what this commit adds
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    mode = _mode()
    if mode == "background" and not has_request_context():
        # Commands and imports have no resident waiting: code right here, and never leave
        # work to a daemon thread that dies with the command.
        mode = "sync"
    if mode == "sync":
        from app.analysis_ui.services import code_now

        session.info[RUNNING] = True
        try:
            for target, ids in pending.items():
                code_now(target, sorted(ids))
        finally:
            session.info.pop(RUNNING, None)
    elif mode == "background":
        # Written with the contributions, deleted once coded: a job lost with its worker
        # leaves these rows for the next job or ``flask analysis sweep``.
        session.add_all(
            PendingCoding(target_type=target, target_id=target_id)
            for target, ids in pending.items()
            for target_id in sorted(ids)
        )
        enqueue("app.analysis_ui.services.code_pending", coalesce=True)


def _after_rollback(session: Any) -> None:
    session.info.pop(PENDING, None)


def register_auto_coding() -> None:
    """Listen on the application's session (once per process)."""
    global _registered
    register_jobs()
    if _registered:
        return
    sa.event.listen(db.session, "after_flush", _after_flush)
    sa.event.listen(db.session, "before_commit", _before_commit)

    def after_soft_rollback(session: Any, previous: Any) -> None:
        if previous.parent is None:  # the outermost transaction
            _after_rollback(session)

    sa.event.listen(db.session, "after_soft_rollback", after_soft_rollback)
    _registered = True
