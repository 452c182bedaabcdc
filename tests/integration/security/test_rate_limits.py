"""Abuse limits: counted per address and per participant, translated 429 with Retry-After,
shared through Redis when configured, and off with RATELIMIT_ENABLED=false."""

from __future__ import annotations

import uuid

import pytest

from app.core.ratelimit import ABUSE_LIMITS


def _login_attempts(client, n):
    return [
        client.post("/login", data={"email": "nobody@example.se", "password": "wrong-pass"})
        for _ in range(n)
    ]


def test_every_limited_endpoint_exists(app):
    missing = [endpoint for endpoint in ABUSE_LIMITS if endpoint not in app.view_functions]
    assert missing == []


def test_login_is_limited_per_address_with_a_translated_429(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    client = app.test_client()
    statuses = [r.status_code for r in _login_attempts(client, 11)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    blocked = client.post("/login", data={"email": "x@example.se", "password": "y"})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    assert "text/html" in blocked.content_type
    english = client.post(
        "/login?lang=en", data={"email": "x@example.se", "password": "y"}
    ).get_data(as_text=True)
    assert "Too many requests" in english


def test_limits_answer_json_under_the_api(make_app, make_project, make_activity):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        project = make_project()
        stage = project.current_stage
        make_activity(stage, "discussion")
        stage_id = stage.id
    client = app.test_client()
    # The first post creates the participant (before it, the address is the key); the next
    # ten count for the participant, and the one after is refused.
    last = None
    for i in range(12):
        last = client.post(
            f"/api/v1/stages/{stage_id}/comments",
            json={"body": f"Fler bänkar vid torget {i}", "client_id": str(uuid.uuid4())},
        )
    assert last is not None and last.status_code == 429
    assert last.get_json()["error"]["code"] == "too_many_requests"
    assert "Retry-After" in last.headers


def test_limits_can_be_turned_off(make_app):
    app = make_app(RATELIMIT_ENABLED=False)
    statuses = {r.status_code for r in _login_attempts(app.test_client(), 15)}
    assert statuses == {422}


def test_counters_are_shared_through_redis(make_app):
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis at 127.0.0.1:6379 is required for this test")
    # A unique secret gives this test its own keys in the shared Redis.
    secret = "redis-test-" + uuid.uuid4().hex + "-0123456789abcdef0123456789"
    settings = dict(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        SECRET_KEY=secret,
    )
    first, second = make_app(**settings), make_app(**settings)
    assert [r.status_code for r in _login_attempts(first.test_client(), 6)] == [422] * 6
    # A second app (another worker) sees the same counter.
    statuses = [r.status_code for r in _login_attempts(second.test_client(), 5)]
    assert statuses == [422, 422, 422, 422, 429]
    connection.close()
