"""New contributions are coded automatically, whichever way they arrive."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from app.analysis_ui.models import Coding, PendingCoding, TargetType
from app.core import jobs
from app.core.signals import contribution_created
from app.extensions import db

UNSAFE = "Det känns otryggt i gångtunneln på kvällen, lamporna är trasiga."


@pytest.fixture()
def stage_for(make_project: Any, make_activity: Any) -> Any:
    def build(app: Any) -> int:
        with app.app_context():
            stage = make_project().current_stage
            make_activity(stage, "discussion")
            return int(stage.id)

    return build


def _post(app: Any, stage_id: int, body: str = UNSAFE) -> int:
    response = app.test_client().post(
        f"/api/v1/stages/{stage_id}/comments",
        json={"client_id": str(uuid.uuid4()), "body": body},
    )
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def _waiting(app: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count(PendingCoding.id))) or 0)


def _themes(app: Any, comment_id: int) -> list[str]:
    with app.app_context():
        return sorted(
            db.session.scalars(
                sa.select(Coding.theme_key).where(
                    Coding.target_type == TargetType.COMMENT, Coding.target_id == comment_id
                )
            )
        )


def test_sync_mode_codes_in_the_same_transaction(make_app: Any, stage_for: Any) -> None:
    app = make_app(AUTO_CODING="sync")
    comment_id = _post(app, stage_for(app))
    assert "safety" in _themes(app, comment_id)


def test_background_mode_codes_after_the_response(make_app: Any, stage_for: Any) -> None:
    app = make_app(AUTO_CODING="background")  # jobs run right after the commit in tests
    comment_id = _post(app, stage_for(app))
    assert "safety" in _themes(app, comment_id)
    assert _waiting(app) == 0


def test_background_mode_codes_on_a_worker_thread(make_app: Any, stage_for: Any) -> None:
    app = make_app(AUTO_CODING="background", JOBS_INLINE=False)
    stage_id = stage_for(app)
    ids = [_post(app, stage_id) for _ in range(5)]
    assert jobs.drain(timeout=60)
    assert all("safety" in _themes(app, comment_id) for comment_id in ids)
    assert _waiting(app) == 0


def test_background_mode_with_redis_queues_one_job_for_many(make_app: Any, stage_for: Any) -> None:
    import redis
    from rq import Queue, SimpleWorker

    name = f"test-autocode-{uuid.uuid4().hex[:8]}"
    app = make_app(AUTO_CODING="background", REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=name)
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    queue = Queue(name, connection=connection)
    try:
        stage_id = stage_for(app)
        first, second = _post(app, stage_id), _post(app, stage_id)
        assert queue.count == 1  # the second request found a coding job still queued
        assert _themes(app, first) == [] and _themes(app, second) == []
        assert _waiting(app) == 2
        with app.app_context():
            SimpleWorker([queue], connection=connection).work(burst=True)
        assert "safety" in _themes(app, first) and "safety" in _themes(app, second)
        assert _waiting(app) == 0
        _post(app, stage_id)
        assert queue.count == 1  # the job started, so new work queues a new one
    finally:
        queue.delete(delete_jobs=True)
        for key in connection.scan_iter(f"pd:job-waiting:{name}:*"):
            connection.delete(key)
        connection.close()


def test_the_sweep_codes_what_a_killed_worker_left(make_app: Any, stage_for: Any) -> None:
    """With Redis the job is queued but never run (the worker died, Redis was flushed):
    the contribution waits until the sweep, which codes it once and only when old enough."""
    import redis
    from rq import Queue

    name = f"test-sweep-{uuid.uuid4().hex[:8]}"
    app = make_app(AUTO_CODING="background", REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=name)
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        comment_id = _post(app, stage_for(app))
        Queue(name, connection=connection).delete(delete_jobs=True)  # the job is lost
        runner = app.test_cli_runner()
        young = runner.invoke(args=["analysis", "sweep"])
        assert young.exit_code == 0, young.output
        assert "0 waiting contributions coded" in young.output  # its job may still come
        assert _themes(app, comment_id) == []
        swept = runner.invoke(args=["analysis", "sweep", "--older-than", "0"])
        assert "1 waiting contributions coded" in swept.output
        assert "safety" in _themes(app, comment_id)
        again = runner.invoke(args=["analysis", "sweep", "--older-than", "0"])
        assert "0 waiting contributions coded" in again.output
        assert "safety" in _themes(app, comment_id)
    finally:
        for key in connection.scan_iter(f"pd:job-waiting:{name}:*"):
            connection.delete(key)
        connection.close()


def test_the_sweep_age_is_measured_from_the_injected_clock(make_app: Any, stage_for: Any) -> None:
    from datetime import timedelta

    from app.analysis_ui.services import SWEEP_AGE, sweep
    from app.core.models import utcnow

    app = make_app(AUTO_CODING="off")
    stage_id = stage_for(app)
    comment_id = _post(app, stage_id)
    with app.app_context():
        db.session.add(PendingCoding(target_type=TargetType.COMMENT, target_id=comment_id))
        db.session.commit()
        assert sweep(now=utcnow() + SWEEP_AGE - timedelta(seconds=5)) == 0
        assert sweep(now=utcnow() + SWEEP_AGE + timedelta(seconds=5)) == 1
    assert "safety" in _themes(app, comment_id)


def test_an_edited_comment_is_coded_again(make_app: Any, stage_for: Any) -> None:
    app = make_app(AUTO_CODING="sync")
    stage_id = stage_for(app)
    client = app.test_client()
    created = client.post(
        f"/api/v1/stages/{stage_id}/comments",
        json={"client_id": str(uuid.uuid4()), "body": UNSAFE},
    ).get_json()
    edited = client.post(
        f"/comments/{created['id']}/edit",
        data={"body": "Bygg en lekplats för barnen i parken."},
    )
    assert edited.status_code in (200, 302, 303), edited.get_data(as_text=True)[:300]
    themes = _themes(app, created["id"])
    assert "safety" not in themes and "children" in themes


def test_off_codes_nothing(make_app: Any, stage_for: Any) -> None:
    app = make_app(AUTO_CODING="off")
    assert _themes(app, _post(app, stage_for(app))) == []


def test_a_survey_response_through_the_api_is_coded(make_app: Any, stage_for: Any) -> None:
    """Answers and map features are written in bulk; the hook still sees them."""
    import random

    from bench.harness import AREA, response_payload
    from bench.seed_data import seed

    app = make_app(AUTO_CODING="sync")
    with app.app_context():
        ids = seed(AREA)
    payload = response_payload(ids, random.Random(7), str(uuid.uuid4()))
    payload["answers"][2]["value"] = "Det behövs fler bänkar och en lekplats för barnen."
    response = app.test_client().post(f"/api/v1/surveys/{ids['survey_id']}/responses", json=payload)
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        coded = set(
            tuple(row)
            for row in db.session.execute(sa.select(Coding.target_type, Coding.theme_key))
        )
    assert (TargetType.ANSWER, "children") in coded
    assert any(target == TargetType.FEATURE for target, _ in coded)


def test_a_burst_of_comments_in_background_mode_is_all_coded(make_app: Any, stage_for: Any) -> None:
    app = make_app(AUTO_CODING="background", JOBS_INLINE=False)
    stage_id = stage_for(app)
    ids = [_post(app, stage_id) for _ in range(12)]
    assert jobs.drain(timeout=60)
    assert all("safety" in _themes(app, comment_id) for comment_id in ids)


def test_a_command_codes_in_its_own_transaction(make_app: Any, stage_for: Any) -> None:
    """Outside a request (imports, the demo seed) background coding happens before the commit:
    nothing is left waiting for a thread that dies with the command."""
    from app.accounts.models import Participant
    from app.comments.models import Comment
    from app.projects.models import Stage

    app = make_app(AUTO_CODING="background")
    stage_id = stage_for(app)
    with app.app_context():
        stage = db.session.get(Stage, stage_id)
        participant = Participant(token_hash="f" * 64)
        comment = Comment(
            activity=stage.activities[0], stage_id=stage_id, participant=participant, body=UNSAFE
        )
        db.session.add(comment)
        contribution_created.send(comment)
        db.session.commit()
        comment_id = comment.id
    assert "safety" in _themes(app, comment_id)
    assert _waiting(app) == 0


def test_a_contribution_the_coder_chokes_on_holds_up_no_other(
    make_app: Any, stage_for: Any, monkeypatch: Any, caplog: Any
) -> None:
    from app.analysis_ui import services

    app = make_app(AUTO_CODING="off")
    stage_id = stage_for(app)
    bad, good = _post(app, stage_id, "BOOM " + UNSAFE), _post(app, stage_id)
    real = services._code_one

    def choke(coder: Any, item: Any) -> Any:
        if "BOOM" in item.contribution.text:
            raise RuntimeError("the coder choked")
        return real(coder, item)

    monkeypatch.setattr(services, "_code_one", choke)
    with app.app_context():
        for comment_id in (bad, good):
            db.session.add(PendingCoding(target_type=TargetType.COMMENT, target_id=comment_id))
        db.session.commit()
        assert services.code_pending() == 2
    assert "safety" in _themes(app, good)
    assert _themes(app, bad) == []
    assert _waiting(app) == 0  # dropped after logging, not retried forever
    assert "automatic coding of comment" in caplog.text


def test_the_worker_codes_what_was_left_when_it_starts(make_app: Any, stage_for: Any) -> None:
    from datetime import timedelta

    from app.core.models import utcnow

    name = f"test-worker-{uuid.uuid4().hex[:8]}"
    app = make_app(AUTO_CODING="off", REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=name)
    comment_id = _post(app, stage_for(app))
    with app.app_context():
        db.session.add(
            PendingCoding(
                target_type=TargetType.COMMENT,
                target_id=comment_id,
                created_at=utcnow() - timedelta(hours=1),  # its job was lost an hour ago
            )
        )
        db.session.commit()
    with app.app_context():  # the command runs in the current app's context
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "coded 1 contributions left waiting" in result.output
    assert "safety" in _themes(app, comment_id)
    assert _waiting(app) == 0
