"""Load test: 200 residents answer a map survey and comment, on SQLite and on PostgreSQL.

Starts gunicorn (the repository's gunicorn.conf.py) on a fresh database, runs simulated
residents for a fixed time over loopback, then checks that every acknowledged submission is
stored exactly once, that nothing is half-written, and that there were no 5xx. Prints
throughput and p50/p95/p99 latency.

    python bench/load.py                      # full: 200 clients, 30 s, both databases
    python bench/load.py --clients 20 --seconds 5 --db sqlite   # the short form in make test
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    Gunicorn,
    check_counts,
    database,
    run_residents,
    seed,
    summary,
    verify,
)


def run(kind: str, clients: int, seconds: float, workers: int, threads: int) -> dict:
    with database(kind) as (url, instance):
        ids = seed(url, instance)
        server = Gunicorn(url, instance, workers=workers, threads=threads)
        server.start()
        try:
            outcome = run_residents(server.port, ids, clients=clients, seconds=seconds)
        finally:
            server.stop()
        figures = summary(outcome, seconds)
        checks = verify(url, instance, outcome)
    ok = (
        not checks["missing"]
        and not checks["duplicated"]
        and not checks["half_written"]
        and figures["status_5xx"] == 0
        and checks["acknowledged"] > 0
    )
    return {
        "database": kind,
        "clients": clients,
        "seconds": seconds,
        "workers": workers,
        "threads": threads,
        **figures,
        **check_counts(checks),
        "ok": ok,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print one JSON line per database")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    all_ok = True
    for kind in kinds:
        result = run(kind, args.clients, args.seconds, args.workers, args.threads)
        all_ok &= result["ok"]
        if args.json:
            print(json.dumps(result))
        else:
            print(
                f"{kind:8} clients={result['clients']} {result['seconds']:.0f}s "
                f"acknowledged={result['acknowledged']} ({result['throughput_per_s']}/s) "
                f"p50={result['p50_ms']}ms p95={result['p95_ms']}ms p99={result['p99_ms']}ms "
                f"5xx={result['status_5xx']} missing={result['missing']} "
                f"duplicated={result['duplicated']} half_written={result['half_written']} "
                f"statuses={result['statuses']} -> {'OK' if result['ok'] else 'FAIL'}"
            )
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
