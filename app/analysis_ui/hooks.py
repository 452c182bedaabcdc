"""Code new contributions automatically, whichever path wrote them (HTML form, API, import).

After each flush the new or edited comments, free-text answers and map features are noted on
the session. What happens next depends on ``AUTO_CODING``:

- ``background`` (default): once the transaction has committed, the ids go to one coding
  thread in this process, which codes them in batches, or sends them in batches to the RQ
  worker when ``REDIS_URL`` is set. The resident's request does no coding work.
- ``sync``: they are coded just before the commit, in the same transaction.
- ``off``: nothing is coded until ``flask analysis recode``.

One hook instead of a call in every service keeps the rule in one place.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
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
    """Hand committed ids to this process's coding thread (never work in the request)."""
    thread = _coder_thread()
    for target, ids in jobs.items():
        thread.put((app, target, ids))


#: How long the coding thread waits after the first job for more to arrive, so that under
#: load it codes (or queues for RQ) many contributions at once instead of one per request.
LINGER_SECONDS = 0.1
#: At most this many ids are coded in one transaction or sent as one RQ job.
MAX_BATCH = 500


def batches(
    jobs: list[tuple[Flask, TargetType, list[int]]],
) -> list[tuple[Flask, TargetType, list[int]]]:
    """Merge jobs per application and target into batches of at most ``MAX_BATCH`` ids,
    each id once, in the order they arrived."""
    merged: dict[tuple[int, TargetType], tuple[Flask, dict[int, None]]] = {}
    for app, target, ids in jobs:
        _app, seen = merged.setdefault((id(app), target), (app, {}))
        seen.update(dict.fromkeys(ids))
    out = []
    for (_key, target), (app, seen) in merged.items():
        ordered = list(seen)
        for start in range(0, len(ordered), MAX_BATCH):
            out.append((app, target, ordered[start : start + MAX_BATCH]))
    return out


class _CoderThread:
    """One daemon thread per process that codes what requests hand it, in batches.

    Requests only put ids on a queue (after their commit). The thread takes everything that
    has arrived, merges it, and either codes it here in one transaction per batch or, when
    ``REDIS_URL`` is set, sends one RQ job per batch over one Redis connection kept for the
    thread. Per contribution this costs a fraction of coding each request on its own
    (docs/performance.md). Ids still queued when the process dies are not lost from the
    dialogue, only uncoded: ``flask analysis recode`` codes them.
    """

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[Flask, TargetType, list[int]]] = queue.Queue()
        self.redis: dict[str, Any] = {}
        self.thread = threading.Thread(target=self._run, name="auto-coding", daemon=True)
        self.thread.start()

    def put(self, job: tuple[Flask, TargetType, list[int]]) -> None:
        self.jobs.put(job)

    def _take(self) -> list[tuple[Flask, TargetType, list[int]]]:
        taken = [self.jobs.get()]
        deadline = time.monotonic() + LINGER_SECONDS
        while True:
            remaining = deadline - time.monotonic()
            try:
                taken.append(
                    self.jobs.get(timeout=remaining) if remaining > 0 else self.jobs.get_nowait()
                )
            except queue.Empty:
                return taken

    def _run(self) -> None:
        while True:
            taken = self._take()
            try:
                for app, target, ids in batches(taken):
                    try:
                        if app.config.get("REDIS_URL"):
                            self._send(app, target, ids)
                        else:
                            self._code(app, target, ids)
                    except Exception:  # noqa: BLE001 - the thread must outlive any one batch
                        log.exception("automatic coding of %s %s failed", target, ids)
            finally:
                for _job in taken:
                    self.jobs.task_done()

    def _code(self, app: Flask, target: TargetType, ids: list[int]) -> None:
        from app.analysis_ui.services import code_targets

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

    def _send(self, app: Flask, target: TargetType, ids: list[int]) -> None:
        from app.analysis_ui.services import send_to_rq

        url = str(app.config["REDIS_URL"])
        if url not in self.redis:
            import redis

            self.redis[url] = redis.Redis.from_url(url)
        send_to_rq(app, str(target), ids, connection=self.redis[url])

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
