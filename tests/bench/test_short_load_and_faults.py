"""The short forms of the load and fault tests: real gunicorn, real databases, loopback only.

They cover SQLite and PostgreSQL themselves, so they run once, in the SQLite pass of
``make test``; ``make bench`` runs them in full.
"""

from __future__ import annotations

import os

import pytest

from bench import faults, load

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        (os.environ.get("TEST_DATABASE_URL") or "sqlite").startswith("postgres"),
        reason="runs once, in the SQLite pass; it starts its own databases of both kinds",
    ),
]


def test_load_loses_nothing_and_answers_no_5xx(capsys):
    status = load.main(["--clients", "20", "--seconds", "6", "--db", "both"])
    output = capsys.readouterr().out
    print(output)
    assert status == 0, output
    assert output.count("-> OK") == 2


def test_killed_workers_and_master_lose_nothing(capsys):
    status = faults.main(["--short", "--only", "workers"])
    output = capsys.readouterr().out
    print(output)
    assert status == 0, output
    assert "missing=0 duplicated=0 half_written=0" in output


def test_postgres_restart_under_load_loses_nothing(capsys):
    status = faults.main(["--short", "--only", "pgrestart"])
    output = capsys.readouterr().out
    print(output)
    assert status == 0, output
    assert "pgrestart" in output and "skipped" not in output


def test_full_disk_gives_503_and_keeps_the_database_intact(capsys):
    status = faults.main(["--short", "--only", "diskfull"])
    output = capsys.readouterr().out
    print(output)
    assert status == 0, output
    assert "integrity=ok" in output and "skipped" not in output
