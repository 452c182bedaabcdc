"""The short form of the latency benchmark (bench/latency.py): a closed-loop peak, then an
open loop at half of it, against real gunicorn on a real database, loopback only.

It asserts what the run did, never how fast: every scheduled submission was sent at the
offered rate and acknowledged, each stored exactly once, nothing half-written, no 5xx.
Like the other short benchmarks it runs once, in the SQLite pass, on SQLite only (about 20 s);
``make bench`` runs the full form on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import os

import pytest

from bench import latency

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        (os.environ.get("TEST_DATABASE_URL") or "sqlite").startswith("postgres"),
        reason="runs once, in the SQLite pass; it starts its own database",
    ),
]


def test_open_loop_at_half_of_peak_sends_everything_and_loses_nothing(capsys):
    status = latency.main(
        ["--db", "sqlite", "--warmup", "0.5", "--peak-seconds", "2", "--seconds", "4", "--json"]
    )
    output = capsys.readouterr().out
    print(output)
    [result] = [json.loads(line) for line in output.splitlines() if line.startswith("{")]

    # The offered load was half of the measured peak, and all of it was sent and answered.
    assert result["peak_per_s"] > 0
    assert 0 < result["offered_per_s"] <= result["peak_per_s"] / 2 + 0.1
    assert result["scheduled"] > 0
    assert result["sent"] == result["scheduled"]
    assert result["sender_kept_up"], output
    assert result["acknowledged_open_loop"] == result["scheduled"]

    # Nothing lost, duplicated or half-written; no 5xx.
    assert result["status_5xx"] == 0
    assert result["gave_up"] == 0
    assert (result["missing"], result["duplicated"], result["half_written"]) == (0, 0, 0)
    assert result["stored_responses"] == result["acknowledged"]
    assert result["ok"] and status == 0, output
