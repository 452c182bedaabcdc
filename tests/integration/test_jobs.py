"""The one background-job runner (app.core.jobs): after the commit, never after a rollback;
in place outside requests; on a job thread or RQ inside them; coalesced when asked."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from app.core import jobs
from app.extensions import db

RAN: list[tuple[str, Any]] = []
GATE = threading.Event()


def record(name: str, value: Any = None) -> None:
    RAN.append((name, value))


def wait_at_the_gate() -> None:
    assert GATE.wait(timeout=60)
    RAN.append(("gate", None))


@pytest.fixture(autouse=True)
def _clean() -> Any:
    RAN.clear()
    GATE.clear()
    yield
    GATE.set()
    jobs.drain(timeout=60)


def test_a_job_runs_after_the_commit_and_not_after_a_rollback(app: Any) -> None:
    from app.organizations.models import Organization

    db.session.add(Organization(slug="a", name="A"))
    db.session.flush()
    jobs.enqueue(record, "kept")
    assert RAN == []  # not before the commit
    db.session.commit()
    assert RAN == [("kept", None)]  # outside a request: in place, right after the commit

    db.session.add(Organization(slug="b", name="B"))
    db.session.flush()
    jobs.enqueue(record, "dropped")
    db.session.rollback()
    db.session.add(Organization(slug="c", name="C"))
    db.session.commit()
    assert RAN == [("kept", None)]


def test_in_a_request_the_job_runs_on_a_job_thread(make_app: Any) -> None:
    app = make_app(JOBS_INLINE=False)
    with app.test_request_context():
        assert jobs.mode(app) == "thread"
        jobs.enqueue(wait_at_the_gate)
        jobs.enqueue(record, "after")
    assert RAN == []  # the request did not wait for them
    GATE.set()
    assert jobs.drain(timeout=60)
    assert RAN == [("gate", None), ("after", None)]


def test_a_coalesced_job_waits_only_once(make_app: Any) -> None:
    app = make_app(JOBS_INLINE=False, JOB_THREADS=1)
    with app.test_request_context():
        jobs.enqueue(wait_at_the_gate)  # keeps the one job thread busy
        for _n in range(5):
            jobs.enqueue(record, "pending", coalesce=True)
        jobs.enqueue(record, "other", coalesce=True)  # other arguments: another job
    GATE.set()
    assert jobs.drain(timeout=60)
    assert RAN == [("gate", None), ("pending", None), ("other", None)]
    with app.test_request_context():
        jobs.enqueue(record, "pending", coalesce=True)  # none waiting now: it runs again
    assert jobs.drain(timeout=60)
    assert RAN[-1] == ("pending", None) and len(RAN) == 4


def test_with_redis_jobs_go_to_rq_and_coalesce(make_app: Any) -> None:
    import redis
    from rq import Queue, SimpleWorker

    name = f"test-jobs-{uuid.uuid4().hex[:8]}"
    app = make_app(REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=name)
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    queue = Queue(name, connection=connection)
    try:
        with app.test_request_context():
            assert jobs.mode(app) == "rq"
            jobs.enqueue(record, "plain")
            jobs.enqueue(record, "plain")
            jobs.enqueue(record, "waiting", coalesce=True)
            jobs.enqueue(record, "waiting", coalesce=True)
        with app.test_request_context():
            jobs.enqueue(record, "waiting", coalesce=True)  # another request, same queue
        assert queue.count == 3
        assert RAN == []
        with app.app_context():
            SimpleWorker([queue], connection=connection).work(burst=True)
        assert sorted(RAN) == [("plain", None), ("plain", None), ("waiting", None)]
        with app.test_request_context():
            jobs.enqueue(record, "waiting", coalesce=True)  # the last one started: queue again
        assert queue.count == 1
    finally:
        queue.delete(delete_jobs=True)
        for key in connection.scan_iter(f"pd:job-waiting:{name}:*"):
            connection.delete(key)
        connection.close()


def test_a_job_must_be_a_module_level_function() -> None:
    with pytest.raises(ValueError):
        jobs.func_path(lambda: None)
    assert jobs.func_path(record) == "tests.integration.test_jobs.record"
