"""New contributions are coded automatically, whichever way they arrive."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from app.analysis_ui.hooks import wait_for_background_coding
from app.analysis_ui.models import Coding, TargetType
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
    app = make_app(AUTO_CODING="background")
    comment_id = _post(app, stage_for(app))
    wait_for_background_coding()
    assert "safety" in _themes(app, comment_id)


def test_background_mode_with_redis_queues_one_job(make_app: Any, stage_for: Any) -> None:
    import redis
    from rq import Queue, SimpleWorker

    name = f"test-autocode-{uuid.uuid4().hex[:8]}"
    app = make_app(AUTO_CODING="background", REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=name)
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    queue = Queue(name, connection=connection)
    try:
        comment_id = _post(app, stage_for(app))
        wait_for_background_coding()  # the coding thread hands the ids to RQ
        assert queue.count == 1
        assert _themes(app, comment_id) == []
        with app.app_context():
            SimpleWorker([queue], connection=connection).work(burst=True)
        assert "safety" in _themes(app, comment_id)
    finally:
        queue.delete(delete_jobs=True)
        connection.close()


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


def test_the_coding_thread_merges_what_arrived_into_batches() -> None:
    """Many requests' ids become few coding transactions (or RQ jobs), each id once."""
    from app.analysis_ui import hooks

    app_a, app_b = object(), object()
    jobs = [
        (app_a, TargetType.COMMENT, [1, 2]),
        (app_a, TargetType.ANSWER, [7]),
        (app_a, TargetType.COMMENT, [2, 3]),
        (app_b, TargetType.COMMENT, [1]),
        (app_a, TargetType.ANSWER, list(range(8, 8 + hooks.MAX_BATCH))),
    ]
    merged = hooks.batches(jobs)  # type: ignore[arg-type]
    assert (app_a, TargetType.COMMENT, [1, 2, 3]) in merged
    assert (app_b, TargetType.COMMENT, [1]) in merged
    answer_batches = [ids for app, target, ids in merged if target == TargetType.ANSWER]
    assert [len(ids) for ids in answer_batches] == [hooks.MAX_BATCH, 1]
    assert sum(answer_batches, []) == list(range(7, 8 + hooks.MAX_BATCH))


def test_a_burst_of_comments_in_background_mode_is_all_coded(make_app: Any, stage_for: Any) -> None:
    app = make_app(AUTO_CODING="background")
    stage_id = stage_for(app)
    ids = [_post(app, stage_id) for _ in range(12)]
    wait_for_background_coding()
    assert all("safety" in _themes(app, comment_id) for comment_id in ids)
