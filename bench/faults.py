"""Fault test: nothing acknowledged is lost or stored twice when things break under load.

Scenarios (each under simulated residents that re-send with their client UUIDs):
  workers   kill -9 a gunicorn worker, later kill -9 the master (and so all workers), restart
  pgrestart restart PostgreSQL (a private cluster started for this test) under load
  diskfull  SQLite on a tiny file system that fills up: the app answers clean 503s, never
            500s, and the database stays intact (a read-only database is covered by
            tests/integration/ops/test_database_faults.py)

    python bench/faults.py                         # all scenarios, full length
    python bench/faults.py --short                 # the short form run by make test
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    Gunicorn,
    base_env,
    database,
    free_port,
    run_residents,
    seed,
    summary,
    verify,
)

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)


def report(name: str, figures: dict, checks: dict, extra: str = "") -> bool:
    ok = not checks["missing"] and not checks["duplicated"] and not checks["half_written"]
    print(
        f"{name:10} acknowledged={checks['acknowledged']} missing={len(checks['missing'])} "
        f"duplicated={len(checks['duplicated'])} half_written={len(checks['half_written'])} "
        f"statuses={figures['statuses']} connection_errors={figures['connection_errors']} "
        f"gave_up={figures['gave_up']} {extra}-> {'OK' if ok else 'FAIL'}"
    )
    return ok


def _later(delay: float, action) -> threading.Thread:  # type: ignore[no-untyped-def]
    def run() -> None:
        time.sleep(delay)
        action()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def scenario_workers(kind: str, clients: int, seconds: float) -> bool:
    with database(kind) as (url, instance):
        ids = seed(url, instance)
        server = Gunicorn(url, instance, workers=2, threads=4)
        server.start()
        events: list[str] = []

        def kill_worker() -> None:
            events.append(f"killed worker {server.kill_worker()}")

        def kill_master_and_restart() -> None:
            server.kill_all()
            events.append("killed master")
            time.sleep(1.0)
            server.start()
            events.append("restarted")

        timers = [
            _later(seconds / 3, kill_worker),
            _later(2 * seconds / 3, kill_master_and_restart),
        ]
        outcome = run_residents(server.port, ids, clients=clients, seconds=seconds, grace=30)
        for t in timers:
            t.join()
        server.stop()
        checks = verify(url, instance, outcome)
    return report(f"workers/{kind}", summary(outcome, seconds), checks, f"[{'; '.join(events)}] ")


def _pg(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool as the postgres user. Output goes to /dev/null: a started server
    inherits the pipes, and capturing them would wait for it to exit."""
    assert PG_BIN is not None
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", str(PG_BIN / args[0]), *args[1:]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        check=check,
        timeout=120,
    )


def scenario_pg_restart(clients: int, seconds: float) -> bool | None:
    if PG_BIN is None or shutil.which("runuser") is None or os.geteuid() != 0:
        print("pgrestart  skipped: needs root, runuser and PostgreSQL server binaries")
        return None
    data = Path(tempfile.mkdtemp(prefix="pd-pg-"))
    shutil.chown(data, "postgres", "postgres")
    port = free_port()
    sockets = data / "sock"
    _pg("initdb", "-D", str(data / "db"), "-A", "trust", "-U", "postgres")
    sockets.mkdir()
    shutil.chown(sockets, "postgres", "postgres")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=on"
    _pg("pg_ctl", "-D", str(data / "db"), "-o", options, "-l", str(data / "log"), "-w", "start")
    os.environ["BENCH_POSTGRES_URL"] = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    import bench.harness as harness

    harness.PG_ADMIN_URL = os.environ["BENCH_POSTGRES_URL"]
    events: list[str] = []
    try:
        with database("postgres") as (url, instance):
            ids = seed(url, instance)
            server = Gunicorn(url, instance, workers=2, threads=4)
            server.start()

            def restart() -> None:
                _pg("pg_ctl", "-D", str(data / "db"), "-m", "fast", "-w", "restart", "-o", options)
                events.append("postgres restarted")

            timer = _later(seconds / 2, restart)
            outcome = run_residents(server.port, ids, clients=clients, seconds=seconds, grace=30)
            timer.join()
            server.stop()
            checks = verify(url, instance, outcome)
        figures = summary(outcome, seconds)
        five = {k: v for k, v in figures["statuses"].items() if k >= 500}
        ok = report("pgrestart", figures, checks, f"[{'; '.join(events)}] 5xx={five} ")
        return ok and set(five) <= {503}
    finally:
        _pg("pg_ctl", "-D", str(data / "db"), "-m", "immediate", "stop", check=False)
        shutil.rmtree(data, ignore_errors=True)


def scenario_disk_full(clients: int, seconds: float, size_kb: int) -> bool | None:
    mount = Path(tempfile.mkdtemp(prefix="pd-tiny-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        print(f"diskfull   skipped: cannot mount a small file system ({mounted.stderr.strip()})")
        return None
    try:
        url = f"sqlite:///{mount / 'bench.db'}"
        instance = mount
        subprocess.run(
            [sys.executable, "-m", "flask", "db", "upgrade"],
            cwd=Path(__file__).resolve().parent.parent,
            env=base_env(url, instance),
            check=True,
            capture_output=True,
        )
        ids = seed(url, instance)
        server = Gunicorn(url, Path(tempfile.mkdtemp(prefix="pd-log-")), workers=2, threads=4)
        server.env["PLATSDIALOG_INSTANCE"] = str(mount)
        server.start()

        outcome = run_residents(server.port, ids, clients=clients, seconds=seconds, grace=3)
        server.stop()
        integrity = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);"
                "print(c.execute('PRAGMA integrity_check').fetchone()[0])",
                str(mount / "bench.db"),
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()
        checks = verify(url, instance, outcome)
        figures = summary(outcome, seconds)
        five = {k: v for k, v in figures["statuses"].items() if k >= 500}
        full = "full" if (figures["statuses"].get(503) or five) else "not filled"
        ok = report("diskfull", figures, checks, f"[disk {full}] integrity={integrity} 5xx={five} ")
        # Clients that gave up after the disk filled are fine: they were never acknowledged.
        return ok and integrity == "ok" and set(five) <= {503}
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="tens of seconds in all")
    parser.add_argument("--only", choices=["workers", "pgrestart", "diskfull"])
    args = parser.parse_args(argv)
    clients, seconds = (15, 6.0) if args.short else (200, 30.0)
    results: list[bool | None] = []
    if args.only in (None, "workers"):
        results.append(scenario_workers("sqlite", clients, seconds))
        results.append(scenario_workers("postgres", clients, seconds))
    if args.only in (None, "pgrestart"):
        results.append(scenario_pg_restart(clients, seconds))
    if args.only in (None, "diskfull"):
        results.append(scenario_disk_full(clients, seconds, 3072 if args.short else 6144))
    return 0 if all(r is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
