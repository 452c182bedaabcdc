"""Submission throughput: POST /api/v1/surveys/{id}/responses against a bare Flask endpoint
that does nothing, on the same gunicorn settings, measured with wrk in the same run.

Target (docs/design.md section 10): at least 100 submissions per second on each database, written
through the ORM unit of work. The ratio to the bare endpoint is printed beside it: on a shared
machine it is the figure to compare between runs. Also checks that every 2xx was stored.

    python bench/throughput.py [--db sqlite|postgres|both] [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    ROOT,
    Gunicorn,
    Resident,
    database,
    machine_cpu_seconds,
    seed,
)

HERE = Path(__file__).resolve().parent
#: docs/design.md section 10: submissions per second on 2 cores, on SQLite and on PostgreSQL.
TARGET_PER_SECOND = 100


def wrk(port: int, seconds: float, connections: int, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--latency",
            "-s",
            str(HERE / "submit.lua"),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = float("nan")
    if p99:
        value, unit = float(p99.group(1)), p99.group(2)
        p99_ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    return {
        "rate": rate,
        "requests": total,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "p99_ms": p99_ms,
    }


def measured(
    server: Gunicorn, seconds: float, connections: int, env: dict[str, str]
) -> dict[str, float]:
    """wrk against ``server``, with the CPU the server (and the whole machine: wrk, the
    database, neighbours) spent per request while it ran."""
    server_before = server.cpu_seconds()
    busy_before, _total = machine_cpu_seconds()
    result = wrk(server.port, seconds, connections, env)
    # Work the requests left behind (automatic coding in the background) counts too: wait
    # until the server is idle, at most 15 s.
    deadline = time.monotonic() + 15
    last = server.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = server.cpu_seconds()
        if now - last < 0.02:
            break
        last = now
    requests = max(1, int(result["requests"]))
    result["cpu_ms"] = (server.cpu_seconds() - server_before) * 1000 / requests
    result["machine_ms"] = (machine_cpu_seconds()[0] - busy_before) * 1000 / requests
    return result


def run(kind: str, seconds: float, connections: int, workers: int, threads: int) -> bool:
    with database(kind) as (url, instance):
        ids = seed(url, instance)
        app_server = Gunicorn(url, instance, workers=workers, threads=threads)
        bare_server = Gunicorn(
            url, instance, workers=workers, threads=threads, app="bench.bare_app:app"
        )
        app_server.start()
        resident = Resident(app_server.port)
        resident.new_identity()
        env = {
            "SURVEY": str(ids["survey_id"]),
            "Q_MAP": str(ids["q_map"]),
            "Q_CHOICE": str(ids["q_choice"]),
            "Q_TEXT": str(ids["q_text"]),
            "CATEGORY": str(ids["categories"][0]),
            "OPTION": str(ids["options"][0]),
            "COOKIE": "; ".join(f"{k}={v}" for k, v in resident.cookies.items()),
            "TOKEN": resident.token,
        }
        resident.reset()
        try:
            submit = measured(app_server, seconds, connections, env)
        finally:
            app_server.stop()
        bare_server.start()
        try:
            bare = measured(bare_server, seconds, connections, env)
        finally:
            bare_server.stop()
        stored = json.loads(
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.seed_data",
                    "verify",
                ],
                cwd=ROOT,
                env=app_server.env,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )["response_rows"]
    ok_responses = submit["requests"] - submit["non2xx"]
    ratio = submit["rate"] / bare["rate"] if bare["rate"] else float("nan")
    verdict = "met" if submit["rate"] >= TARGET_PER_SECOND else "MISSED"
    print(
        f"{kind:8} submit={submit['rate']:.0f}/s (p99 {submit['p99_ms']:.0f} ms, "
        f"non-2xx {submit['non2xx']}) bare={bare['rate']:.0f}/s ratio={ratio:.2f} "
        f"target >= {TARGET_PER_SECOND}/s: {verdict} "
        f"stored={stored} of {ok_responses} acknowledged\n"
        f"{'':8} CPU per request: gunicorn submit {submit['cpu_ms']:.2f} ms, "
        f"bare {bare['cpu_ms']:.2f} ms (ratio {bare['cpu_ms'] / submit['cpu_ms']:.2f}); "
        f"whole machine submit {submit['machine_ms']:.2f} ms, bare {bare['machine_ms']:.2f} ms"
    )
    return submit["non2xx"] == 0 and stored >= ok_responses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk (make bench installs it)")
        return 1
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = [run(k, args.seconds, args.connections, args.workers, args.threads) for k in kinds]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
