"""Shared machinery for the load, fault and throughput benchmarks.

Everything runs on this machine over loopback: a temporary database (SQLite file or a fresh
PostgreSQL database), gunicorn serving ``wsgi:app`` with the repository's ``gunicorn.conf.py``,
and simulated residents (threads with their own cookies) that answer a map survey and post
comments through the JSON API, re-sending with the same client UUID when a request fails.
Loops are bounded in time and count; nothing is sent anywhere else.
"""

from __future__ import annotations

import atexit
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-secret-key-0123456789abcdef0123456789abcdef"

#: Flemingsberg, Huddinge: the project area residents drop pins in.
AREA = [[17.94, 59.215], [17.96, 59.215], [17.96, 59.225], [17.94, 59.225], [17.94, 59.215]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- databases


@contextmanager
def database(kind: str):  # type: ignore[no-untyped-def]
    """Yield a DATABASE_URL for a fresh, migrated database of ``kind`` (sqlite|postgres)."""
    tmp = Path(tempfile.mkdtemp(prefix="pd-bench-"))
    name = None
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
    else:
        import psycopg

        name = f"pd_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    env = base_env(url, tmp)
    subprocess.run(
        [str(VENV_BIN / "flask"), "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    try:
        yield url, tmp
    finally:
        if name:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def base_env(url: str, instance: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        FLASK_APP="wsgi.py",
        DATABASE_URL=url,
        SECRET_KEY=SECRET,
        RATELIMIT_ENABLED="false",
        PLATSDIALOG_INSTANCE=str(instance),
        GUNICORN_ACCESSLOG="/dev/null",
        LOG_LEVEL="warning",
        TILE_URL="",
    )
    env.update(extra)
    return env


def seed(url: str, instance: Path) -> dict[str, Any]:
    """Create an organization, a published project with an open stage, a discussion and a
    survey (map point with categories, single choice, long text). Returns the ids."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.seed_data", "seed", json.dumps(AREA)],
        cwd=ROOT,
        env=base_env(url, instance),
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


# --------------------------------------------------------------------------- CPU accounting


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process from /proc (0.0 when it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3, utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, summed over all cores, from
    /proc/stat; busy is everything but idle and iowait, whoever ran it."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    total = sum(values[:8])  # guest time is already counted in user and nice
    idle = values[3] + values[4]
    return (total - idle) / tick, total / tick


# --------------------------------------------------------------------------- the server


class Gunicorn:
    """gunicorn serving the app with the repository's settings, in its own process group."""

    def __init__(
        self,
        url: str,
        instance: Path,
        *,
        workers: int = 2,
        threads: int = 4,
        app: str = "wsgi:app",
        port: int | None = None,
    ) -> None:
        self.port = port or free_port()
        self.env = base_env(
            url,
            instance,
            BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY=str(workers),
            GUNICORN_THREADS=str(threads),
        )
        self.app = app
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = open(instance / f"gunicorn-{self.port}.log", "ab")  # noqa: SIM115

    def start(self, wait: float = 30.0) -> None:
        # Never leave a server behind, even when the benchmark is interrupted.
        atexit.register(self.kill_all_quietly)
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), self.app],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status in (200, 404):
                    return
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start on port {self.port}")

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def kill_worker(self) -> int:
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_all(self) -> None:
        """kill -9 the master and its workers (the whole process group)."""
        assert self.proc is not None
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)

    def kill_all_quietly(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the master and its live workers."""
        assert self.proc is not None
        return sum(process_cpu_seconds(pid) for pid in [self.proc.pid, *self.worker_pids()])

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_all()
        self.log.close()


# --------------------------------------------------------------------------- residents


@dataclass
class Outcome:
    acknowledged: dict[str, str] = field(default_factory=dict)  # client_id -> kind
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # connection errors (then re-sent)
    lost: int = 0  # gave up after the deadline without an acknowledgement
    lock: threading.Lock = field(default_factory=threading.Lock)

    def status(self, code: int) -> None:
        with self.lock:
            self.statuses[code] = self.statuses.get(code, 0) + 1


class Resident:
    """One phone: its own cookies and CSRF token, over a keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.token = ""

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        return self.conn

    def reset(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.token
        conn = self._connection()
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.reset()
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        return response.status, payload

    def new_identity(self) -> None:
        """A new phone: no cookies; fetch a session and CSRF token."""
        self.cookies = {}
        status, body = self.request("GET", "/csrf-token")
        if status != 200:
            raise OSError(f"csrf-token answered {status}")
        self.token = body["csrf_token"]


def response_payload(ids: dict[str, Any], rng: random.Random, client_id: str) -> dict[str, Any]:
    lon = rng.uniform(17.941, 17.959)
    lat = rng.uniform(59.2155, 59.2245)
    return {
        "client_id": client_id,
        "language": "sv",
        "channel": "web",
        "answers": [
            {
                "question_id": ids["q_map"],
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": {
                            "category": rng.choice(ids["categories"]),
                            "comment": "Mörkt och otryggt vid gångtunneln",
                        },
                    }
                ],
            },
            {"question_id": ids["q_choice"], "value": rng.choice(ids["options"])},
            {"question_id": ids["q_text"], "value": "Fler bänkar och bättre belysning, tack."},
        ],
    }


def comment_payload(rng: random.Random, client_id: str) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "body": rng.choice(
            [
                "Bra förslag!",
                "Bussen går för sällan på kvällen.",
                "Behåll skogsdungen bakom skolan.",
            ]
        ),
        "geometry": {
            "type": "Point",
            "coordinates": [rng.uniform(17.941, 17.959), rng.uniform(59.2155, 59.2245)],
        },
    }


def send_until_acknowledged(
    resident: Resident,
    path: str,
    payload: dict[str, Any],
    kind: str,
    outcome: Outcome,
    deadline: float,
) -> bool:
    """POST, re-sending the same client UUID until a 2xx answer or the deadline."""
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status, _body = resident.request("POST", path, payload)
        except (OSError, http.client.HTTPException):
            with outcome.lock:
                outcome.errors += 1
            time.sleep(0.2)
            try:
                if not resident.token or kind == "response":
                    resident.new_identity() if kind == "response" and not resident.cookies else None
            except (OSError, http.client.HTTPException):
                pass
            continue
        elapsed = time.perf_counter() - started
        outcome.status(status)
        with outcome.lock:
            outcome.latencies.append(elapsed)
        if status in (200, 201):
            with outcome.lock:
                outcome.acknowledged[payload["client_id"]] = kind
            return True
        if status in (400,) and resident.cookies:
            # Session lost (e.g. a restarted server with the same key still accepts it);
            # fetch a fresh token and try again.
            try:
                resident.new_identity()
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
            continue
        if status >= 500 or status == 429:
            time.sleep(0.2)
            continue
        return False  # a 4xx the client cannot fix by re-sending
    with outcome.lock:
        outcome.lost += 1
    return False


def run_residents(
    port: int,
    ids: dict[str, Any],
    *,
    clients: int,
    seconds: float,
    grace: float = 20.0,
    seed_value: int = 2026,
) -> Outcome:
    """``clients`` threads act as residents for ``seconds``; each iteration is a new phone that
    answers the survey and, one time in three, also posts a comment."""
    outcome = Outcome()
    stop_at = time.monotonic() + seconds

    def resident_loop(n: int) -> None:
        rng = random.Random(seed_value * 1000 + n)
        resident = Resident(port)
        while time.monotonic() < stop_at:
            try:
                resident.new_identity()
            except (OSError, http.client.HTTPException):
                with outcome.lock:
                    outcome.errors += 1
                time.sleep(0.2)
                continue
            client_id = str(uuid.UUID(int=rng.getrandbits(128)))
            send_until_acknowledged(
                resident,
                f"/api/v1/surveys/{ids['survey_id']}/responses",
                response_payload(ids, rng, client_id),
                "response",
                outcome,
                stop_at + grace,
            )
            if rng.random() < 1 / 3:
                cid = str(uuid.UUID(int=rng.getrandbits(128)))
                send_until_acknowledged(
                    resident,
                    f"/api/v1/stages/{ids['stage_id']}/comments",
                    comment_payload(rng, cid),
                    "comment",
                    outcome,
                    stop_at + grace,
                )
        resident.reset()

    threads = [
        threading.Thread(target=resident_loop, args=(n,), daemon=True) for n in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + grace + 30)
    return outcome


# --------------------------------------------------------------------------- checks


def check_counts(checks: dict[str, Any]) -> dict[str, int]:
    """What ``verify`` found, as counts for a benchmark's report."""
    return {
        "acknowledged": checks["acknowledged"],
        "stored_responses": checks["stored_responses"],
        "missing": len(checks["missing"]),
        "duplicated": len(checks["duplicated"]),
        "half_written": len(checks["half_written"]),
    }


def verify(url: str, instance: Path, outcome: Outcome) -> dict[str, Any]:
    """Every acknowledged submission stored exactly once; nothing stored half-written."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.seed_data", "verify"],
        cwd=ROOT,
        env=base_env(url, instance),
        check=True,
        capture_output=True,
        text=True,
    )
    stored = json.loads(result.stdout.strip().splitlines()[-1])
    missing, duplicated = [], []
    for client_id, kind in outcome.acknowledged.items():
        count = stored["responses" if kind == "response" else "comments"].get(client_id, 0)
        if count == 0:
            missing.append(client_id)
        elif count > 1:
            duplicated.append(client_id)
    duplicates_any = [c for c, n in {**stored["responses"], **stored["comments"]}.items() if n > 1]
    return {
        "acknowledged": len(outcome.acknowledged),
        "stored_responses": stored["response_rows"],
        "stored_features": stored["features"],
        "missing": missing,
        "duplicated": sorted(set(duplicated) | set(duplicates_any)),
        "half_written": stored["half"],
    }


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(outcome: Outcome, seconds: float) -> dict[str, Any]:
    five = sum(n for code, n in outcome.statuses.items() if code >= 500)
    lat = outcome.latencies
    return {
        "throughput_per_s": round(len(outcome.acknowledged) / seconds, 1),
        "requests": len(lat),
        "p50_ms": round(percentile(lat, 50) * 1000, 1),
        "p95_ms": round(percentile(lat, 95) * 1000, 1),
        "p99_ms": round(percentile(lat, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else float("nan"),
        "statuses": dict(sorted(outcome.statuses.items())),
        "status_5xx": five,
        "connection_errors": outcome.errors,
        "gave_up": outcome.lost,
    }
