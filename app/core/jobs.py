"""Background jobs: one ``enqueue()`` for every piece of work that must not hold up a request.

A job is a function named by its import path (``"package.module.function"``) or given as a
module-level callable, with JSON-friendly arguments. It runs **after the current transaction
commits**, so it always finds the rows the request wrote; if the transaction rolls back the job
is dropped. Where it runs is decided when it is enqueued:

- outside a request (CLI commands, imports, a job that enqueues another): right after the
  commit, in this thread — nobody is waiting and no thread may die with the command;
- with ``REDIS_URL`` set: on RQ (queue ``RQ_QUEUE``), run by ``flask worker``;
- otherwise: on a worker thread of this process (``JOB_THREADS`` of them, read when the first
  job starts), with its own application context and database session;
- in tests with ``JOBS_INLINE`` (honoured only when ``TESTING``): like outside a request, so
  a test sees the job's result as soon as the request returns.

The job runs in its own application context and session, commits its own work, and must be
idempotent: a process that dies loses the in-process jobs it had not run, and the domains
keep enough state to redo them (see ``flask analysis sweep``).

``coalesce=True`` is for jobs that do "whatever is waiting" (``code_pending``): while such a
job is queued and not yet started, the same call again is dropped, since the queued one will do
that work too. Under load a handful of jobs then serve many requests; at most one copy waits
per process (in-process) or per queue (RQ, through a Redis key set with NX).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, has_request_context

from app.core.extensions import db

if TYPE_CHECKING:
    from werkzeug.local import LocalProxy

log = logging.getLogger(__name__)

#: Jobs waiting for their session's commit (``session.info`` key).
PENDING = "pd_jobs_pending"
_registered = False


@dataclass(frozen=True, slots=True)
class Job:
    func: str
    args: tuple[Any, ...]
    timeout: int | None
    coalesce: bool = False

    @property
    def key(self) -> str:
        return f"{self.func}{self.args!r}"


def func_path(func: str | Callable[..., Any]) -> str:
    """``"module.function"`` for a module-level function (RQ and threads import it by name)."""
    if isinstance(func, str):
        return func
    name = f"{func.__module__}.{func.__qualname__}"
    if "<" in name or "." in func.__qualname__:
        raise ValueError(f"a job must be a module-level function, not {name}")
    return name


def resolve(path: str) -> Callable[..., Any]:
    module, _dot, name = path.rpartition(".")
    func: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return func


def _the_app() -> Flask:
    """The application itself rather than the context-bound proxy, to hand to other threads."""
    # Flask types ``current_app`` as a plain Flask; it is the LocalProxy behind it that knows.
    return cast("LocalProxy[Flask]", current_app)._get_current_object()


def mode(app: Flask) -> str:
    """Where a job enqueued now would run: ``inline``, ``rq`` or ``thread``."""
    if not has_request_context():
        return "inline"
    if app.config.get("REDIS_URL"):
        return "rq"
    if app.testing and app.config.get("JOBS_INLINE"):
        return "inline"
    return "thread"


def enqueue(
    func: str | Callable[..., Any],
    *args: Any,
    timeout: int | None = None,
    coalesce: bool = False,
) -> None:
    """Run ``func(*args)`` in the background once the current transaction has committed.

    ``timeout`` (seconds) bounds a job on RQ; in-process jobs are not interrupted.
    ``coalesce``: drop this call while the same one is queued and not started (see above).
    """
    register_jobs()
    job = Job(func_path(func), args, timeout, coalesce)
    session = db.session()
    if not session.in_transaction():
        _dispatch(_the_app(), mode(current_app), [job])
        return
    pending = session.info.setdefault(PENDING, [])
    pending.append((mode(current_app), job))


def _after_commit(session: Any) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released; the jobs wait for the transaction's own commit
    pending = session.info.pop(PENDING, None)
    if not pending or not has_app_context():
        return
    app = _the_app()
    by_mode: dict[str, list[Job]] = {}
    for job_mode, job in pending:
        by_mode.setdefault(job_mode, []).append(job)
    for job_mode, jobs in by_mode.items():
        _dispatch(app, job_mode, jobs)


def _after_soft_rollback(session: Any, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(PENDING, None)


def _dispatch(app: Flask, job_mode: str, jobs: list[Job]) -> None:
    if job_mode == "rq":
        _send_to_rq(app, jobs)
    elif job_mode == "thread":
        for job in jobs:
            _submit(app, job)
    else:
        for job in jobs:
            run_in_new_context(app, job.func, job.args)


# --- RQ -------------------------------------------------------------------------------------


def queue_for(app: Flask) -> Any:
    import redis
    from rq import Queue

    return Queue(
        str(app.config.get("RQ_QUEUE") or "platsdialog"),
        connection=redis.Redis.from_url(str(app.config["REDIS_URL"])),
    )


#: How long a coalesced job's "queued" mark may outlive a job that never started.
WAITING_TTL = 600


def _send_to_rq(app: Flask, jobs: list[Job]) -> None:
    try:
        queue = queue_for(app)
        seen: set[str] = set()
        for job in jobs:
            if job.coalesce:
                digest = hashlib.sha256(job.key.encode()).hexdigest()[:16]
                flag = f"pd:job-waiting:{queue.name}:{digest}"
                if job.key in seen or not queue.connection.set(flag, 1, nx=True, ex=WAITING_TTL):
                    continue  # the same job is queued and has not started: it will do this too
                seen.add(job.key)
                queue.enqueue(perform_coalesced, flag, job.func, *job.args, job_timeout=job.timeout)
            else:
                queue.enqueue(perform, job.func, *job.args, job_timeout=job.timeout)
        queue.connection.close()
    except Exception:  # noqa: BLE001 - Redis down must not fail a committed request
        log.exception("could not queue %d job(s) on RQ", len(jobs))


def perform(path: str, *args: Any) -> Any:
    """RQ entry point: run one job in the worker's application context (``flask worker``)."""
    if not has_app_context():
        raise RuntimeError("run background jobs with `flask worker`, which provides the app")
    try:
        return resolve(path)(*args)
    finally:
        db.session.remove()


def perform_coalesced(flag: str, path: str, *args: Any) -> Any:
    """RQ entry point of a coalesced job: clear its "queued" mark first, so that work arriving
    from now on queues the next copy."""
    from rq import get_current_job

    current = get_current_job()
    if current is not None:
        current.connection.delete(flag)
    return perform(path, *args)


# --- In-process ----------------------------------------------------------------------------


def run_in_new_context(app: Flask, path: str, args: tuple[Any, ...]) -> None:
    """Run a job in a fresh application context (so a fresh session); log a failure."""
    with app.app_context():
        try:
            resolve(path)(*args)
        except Exception:  # noqa: BLE001 - a failed job must not break the caller or the thread
            db.session.rollback()
            log.exception("background job %s%r failed", path, args)
        finally:
            db.session.remove()


_executor: ThreadPoolExecutor | None = None
_futures: set[Future[None]] = set()
#: Coalesced jobs queued in this process and not started yet: (app id, job key).
_waiting: set[tuple[int, str]] = set()
_lock = threading.Lock()


def _submit(app: Flask, job: Job) -> None:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=int(app.config.get("JOB_THREADS") or 1), thread_name_prefix="job"
            )
        if job.coalesce:
            mark = (id(app), job.key)
            if mark in _waiting:
                return  # the same job is queued and has not started: it will do this too
            _waiting.add(mark)
            future = _executor.submit(_run_coalesced, mark, app, job)
        else:
            future = _executor.submit(run_in_new_context, app, job.func, job.args)
        _futures.add(future)
    future.add_done_callback(_futures.discard)


def _run_coalesced(mark: tuple[int, str], app: Flask, job: Job) -> None:
    with _lock:
        _waiting.discard(mark)
    run_in_new_context(app, job.func, job.args)


def drain(timeout: float | None = None) -> bool:
    """Wait until the in-process jobs handed over so far have run (shutdown, tests).

    Returns False when ``timeout`` passed first."""
    with _lock:
        futures = set(_futures)
    _done, not_done = wait(futures, timeout=timeout)
    return not not_done


def register_jobs() -> None:
    """Listen on the application's session (once per process; ``enqueue`` does it)."""
    global _registered
    if _registered:
        return
    sa.event.listen(db.session, "after_commit", _after_commit)
    sa.event.listen(db.session, "after_soft_rollback", _after_soft_rollback)
    _registered = True
