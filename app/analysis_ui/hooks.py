"""Code new contributions automatically, whichever path wrote them (HTML form, API, import).

After each flush the new or edited comments, free-text answers and map features are noted on
the session. What happens next depends on ``AUTO_CODING``:

- ``background`` (default): once the transaction has committed, the ids go to the RQ worker
  when ``REDIS_URL`` is set, otherwise to one coder thread in this process. The resident's
  request does no coding work.
- ``sync``: they are coded just before the commit, in the same transaction.
- ``off``: nothing is coded until ``flask analysis recode``.

One hook instead of a call in every service keeps the rule in one place.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, has_request_context

from app.analysis_ui.models import TargetType
from app.comments.models import Comment
from app.extensions import db
from app.surveys.models import Answer, AnswerFeature

log = logging.getLogger(__name__)

PENDING = "pd_pending_coding"
RUNNING = "pd_coding_running"
_registered = False


def _note(session: Any, target: TargetType, target_id: int | None) -> None:
    if target_id is not None:
        session.info.setdefault(PENDING, {}).setdefault(target, set()).add(target_id)


def note_for_coding(session: Any, target: TargetType, ids: Any) -> None:
    """Note contributions written without ORM objects (bulk inserts) for automatic coding."""
    for target_id in ids:
        _note(session, target, target_id)


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
    if session.info.get(RUNNING) or not has_app_context():
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
        from app.analysis_ui.services import enqueue_coding

        session.info[RUNNING] = True
        try:
            for target, ids in pending.items():
                enqueue_coding(target, sorted(ids))
        finally:
            session.info.pop(RUNNING, None)
    elif mode == "background":
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        jobs = {target: sorted(ids) for target, ids in pending.items()}
        sa.event.listen(session, "after_commit", lambda _s: _dispatch(app, jobs), once=True)


def _after_rollback(session: Any) -> None:
    session.info.pop(PENDING, None)


def _dispatch(app: Flask, jobs: dict[TargetType, list[int]]) -> None:
    from app.analysis_ui.services import _send_to_rq

    for target, ids in jobs.items():
        if app.config.get("REDIS_URL"):
            _send_to_rq(app, str(target), ids)
        else:
            _coder_thread().put((app, target, ids))


class _CoderThread:
    """One daemon thread per process that codes what requests hand it, in order."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[Flask, TargetType, list[int]]] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="auto-coding", daemon=True)
        self.thread.start()

    def put(self, job: tuple[Flask, TargetType, list[int]]) -> None:
        self.jobs.put(job)

    def _run(self) -> None:
        from app.analysis_ui.services import code_targets

        while True:
            app, target, ids = self.jobs.get()
            try:
                with app.app_context():
                    db.session.info[RUNNING] = True
                    try:
                        code_targets(target, ids)
                        db.session.commit()
                    except Exception:  # noqa: BLE001 - best effort; recode fixes it later
                        db.session.rollback()
                        log.exception("automatic coding of %s %s failed", target, ids)
                    finally:
                        db.session.info.pop(RUNNING, None)
                        db.session.remove()
            finally:
                self.jobs.task_done()

    def wait(self) -> None:
        """Block until everything handed over so far is coded (for tests and shutdown)."""
        self.jobs.join()


_thread: _CoderThread | None = None
_thread_lock = threading.Lock()


def _coder_thread() -> _CoderThread:
    global _thread
    with _thread_lock:
        if _thread is None:
            _thread = _CoderThread()
        return _thread


def wait_for_background_coding() -> None:
    if _thread is not None:
        _thread.wait()


def register_auto_coding() -> None:
    """Listen on the application's session (once per process)."""
    global _registered
    if _registered:
        return
    sa.event.listen(db.session, "after_flush", _after_flush)
    sa.event.listen(db.session, "before_commit", _before_commit)
    sa.event.listen(db.session, "after_soft_rollback", lambda s, _t: _after_rollback(s))
    _registered = True
