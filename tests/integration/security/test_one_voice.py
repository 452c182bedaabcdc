"""One person, one voice: bursts of new participants from one client address are refused
(429, a clear message), a school class spread over minutes gets through, and the participants
of a burst are marked as possible duplicates. The clock is injected, nobody sleeps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Participant
from app.core import models
from app.extensions import db
from app.surveys.models import Response

START = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = START
        monkeypatch.setattr(models, "utcnow", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture()
def limited(make_app, make_project, make_activity):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        project = make_project()
        survey_id = make_activity(project.current_stage, "survey").survey_id
        stage_id = project.current_stage.id
        make_activity(project.current_stage, "discussion")
    return app, survey_id, stage_id


def _respond(app, survey_id, lang="sv"):
    """A response from a fresh browser (no cookie) at the same address."""
    client = app.test_client()
    return client.post(
        f"/api/v1/surveys/{survey_id}/responses?lang={lang}",
        json={"client_id": str(uuid.uuid4()), "answers": []},
    )


def _stored(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Response))


def test_sixty_fresh_cookies_in_five_seconds_get_at_most_twenty_through(limited, monkeypatch):
    app, survey_id, _stage = limited
    clock = Clock(monkeypatch)
    answers = []
    for _ in range(60):
        answers.append(_respond(app, survey_id))
        clock.advance(5 / 60)
    accepted = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code == 429]
    assert len(accepted) == 20
    assert len(refused) == 40
    assert _stored(app) == 20
    body = refused[0].get_json()["error"]
    assert body["code"] == "too_many_requests"
    assert "från ditt nätverk" in body["message"]
    assert int(refused[0].headers["Retry-After"]) >= 1
    english = _respond(app, survey_id, lang="en").get_json()["error"]["message"]
    assert "from your network" in english
    # A refused request made nobody: no participant and no cookie beyond the twenty.
    assert "Set-Cookie" not in refused[0].headers or "pd_participant" not in str(
        refused[0].headers.getlist("Set-Cookie")
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 20
        # The burst is marked: every accepted participant is a possible duplicate.
        suspects = db.session.scalar(
            sa.select(sa.func.count()).select_from(Participant).where(Participant.burst_suspect)
        )
    assert suspects == 20


def test_a_class_of_thirty_over_three_minutes_all_gets_through_unmarked(limited, monkeypatch):
    app, survey_id, _stage = limited
    clock = Clock(monkeypatch)
    statuses = []
    for _ in range(30):
        statuses.append(_respond(app, survey_id).status_code)
        clock.advance(6)
    assert statuses == [201] * 30
    with app.app_context():
        assert not db.session.scalar(
            sa.select(sa.func.count()).select_from(Participant).where(Participant.burst_suspect)
        )


def test_the_window_slides_and_the_hour_caps(make_app, make_project, make_activity, monkeypatch):
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        NEW_PARTICIPANT_LIMITS="3/10 seconds;5/hour",
        BURST_SUSPECT_AT=0,
    )
    with app.app_context():
        survey_id = make_activity(make_project().current_stage, "survey").survey_id
    clock = Clock(monkeypatch)
    first = [_respond(app, survey_id).status_code for _ in range(4)]
    assert first == [201, 201, 201, 429]
    clock.advance(10.5)
    second = [_respond(app, survey_id).status_code for _ in range(3)]
    assert second == [201, 201, 429]  # the hour's five are used
    refused = _respond(app, survey_id)
    assert refused.status_code == 429
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600


def test_a_returning_participant_is_not_counted_again(limited, monkeypatch):
    app, survey_id, _stage = limited
    Clock(monkeypatch)
    client = app.test_client()
    statuses = [
        client.post(
            f"/api/v1/surveys/{survey_id}/responses",
            json={"client_id": str(uuid.uuid4()), "answers": []},
        ).status_code
        for _ in range(20)
    ]
    assert statuses == [201] * 20
    # The address still has room for nineteen new people.
    assert [_respond(app, survey_id).status_code for _ in range(19)] == [201] * 19


def test_supports_from_fresh_cookies_are_limited_per_address(limited, monkeypatch):
    app, _survey, stage_id = limited
    Clock(monkeypatch)
    posted = app.test_client().post(
        f"/api/v1/stages/{stage_id}/comments",
        json={"body": "Fler bänkar vid torget", "client_id": str(uuid.uuid4())},
    )
    assert posted.status_code == 201
    comment_id = posted.get_json()["id"]
    statuses = [
        app.test_client().post(f"/comments/{comment_id}/support").status_code for _ in range(40)
    ]
    # The comment's author was the first new participant of the address.
    assert statuses.count(429) == 21
    assert len([s for s in statuses if s < 400]) == 19


def test_behind_the_proxy_each_client_address_has_its_own_room(
    make_app, make_project, make_activity, monkeypatch
):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", PROXY_FIX_X_FOR=1)
    with app.app_context():
        survey_id = make_activity(make_project().current_stage, "survey").survey_id
    Clock(monkeypatch)

    def respond(address):
        return app.test_client().post(
            f"/api/v1/surveys/{survey_id}/responses",
            json={"client_id": str(uuid.uuid4()), "answers": []},
            headers={"X-Forwarded-For": address},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        )

    assert [respond("192.0.2.1").status_code for _ in range(21)][-1] == 429
    assert respond("192.0.2.99").status_code == 201


def test_limits_off_means_no_burst_limit(make_app, make_project, make_activity, monkeypatch):
    app = make_app(RATELIMIT_ENABLED=False)
    with app.app_context():
        survey_id = make_activity(make_project().current_stage, "survey").survey_id
    Clock(monkeypatch)
    assert {_respond(app, survey_id).status_code for _ in range(30)} == {201}


def test_the_burst_log_is_shared_through_redis(make_app, make_project, make_activity, monkeypatch):
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis at 127.0.0.1:6379 is required for this test")
    # A unique secret gives this test its own keys in the shared Redis.
    settings = dict(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        SECRET_KEY="burst-test-" + uuid.uuid4().hex + "-0123456789abcdef0123456789",
        NEW_PARTICIPANT_LIMITS="3/10 seconds;100/hour",
    )
    first, second = make_app(**settings), make_app(**settings)
    with first.app_context():
        survey_id = make_activity(make_project().current_stage, "survey").survey_id
    clock = Clock(monkeypatch)
    assert [_respond(first, survey_id).status_code for _ in range(2)] == [201, 201]
    # Another worker sees the same log.
    assert [_respond(second, survey_id).status_code for _ in range(2)] == [201, 429]
    clock.advance(11)
    assert _respond(second, survey_id).status_code == 201
    keys = connection.keys("platsdialog:newp:*")
    assert keys and not any(b"127.0.0.1" in k for k in keys)
    assert all(0 < connection.ttl(k) <= 3601 for k in keys)
    connection.close()
