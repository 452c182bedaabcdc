"""Latency at half of peak: p99 of survey submissions under an open-loop load, on SQLite and
on PostgreSQL.

docs/design.md section 10: "p99 under 250 ms at half of peak throughput". bench/load.py cannot say:
its 200 closed-loop clients keep the server saturated, so its latency is queueing. Here, for
each database (a fresh one, seeded; gunicorn with the repository's gunicorn.conf.py and the
throughput bench's settings, 2 workers x 8 threads):

1. Peak: a closed loop. ``--peak-clients`` clients send submissions back to back; after
   ``--warmup`` seconds, the acknowledged submissions of the next ``--peak-seconds`` give the
   peak per second. Then it waits until gunicorn is idle again: the peak leaves a backlog of
   automatic coding (AUTO_CODING=background) that must not fall into the open loop.
2. Open loop at ``--fraction`` (0.5) of that peak, or at ``--rate`` per second, for
   ``--seconds``: send times are fixed in advance (even intervals; ``--arrivals poisson`` for
   Poisson arrivals), independent of the answers, and a pool of sender threads much larger
   than the expected number in flight sends them. Latency runs from the *scheduled* send time
   to the end of the answer, so a backlog behind a slow answer counts in full (no coordinated
   omission). The send lag (actual minus scheduled send time) and the pool's high-water mark
   show whether the sender kept up; p99 from the actual send time is printed beside, to
   show how much of the latency is the sender's own.

Each submission is a new phone: its own TCP connection and no participant cookie (so the
server creates a participant, as for a first-time resident), carrying the survey response
bench/load.py sends (a map point with a category and a comment, a single choice, a long text).
No comments are posted: the target is about survey submission. The CSRF session cookie is
fetched once per sender thread before the clock starts (a phone gets it with the page).
A submission that fails is sent again with the same client UUID; its latency runs to the
acknowledgement.

Afterwards, as in bench/load.py: every acknowledged submission stored exactly once, nothing
half-written, no 5xx; and every scheduled submission was sent and acknowledged. The exit
status reflects those checks; the latency target is printed as met or missed. CPU time of the
load generator (this process), of gunicorn and of the whole machine ("others": the database
server and anything else running) is printed per phase, to show the generator is not the
bottleneck. Loopback only; bounded in time and count.

    python bench/latency.py                          # full: both databases, 5 s peak, 30 s open
    python bench/latency.py --db sqlite --rate 40    # a fixed offered rate
    python bench/latency.py --db sqlite --warmup 0.5 --peak-seconds 2 --seconds 4  # make test
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import random
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    Gunicorn,
    Outcome,
    Resident,
    check_counts,
    database,
    machine_cpu_seconds,
    percentile,
    response_payload,
    seed,
    verify,
)

TARGET_P99_MS = 250.0
#: How long a submission may keep being re-sent after its phase ends.
GRACE = 20.0


# --------------------------------------------------------------------------- one phone


class Phone:
    """Sends each submission as a new phone: a new connection, only the CSRF session cookie."""

    def __init__(self, port: int) -> None:
        self.resident = Resident(port)
        self.session: dict[str, str] = {}
        self.refresh()

    def refresh(self) -> None:
        self.resident.new_identity()
        self.session = dict(self.resident.cookies)
        self.resident.reset()

    def post(self, path: str, payload: dict[str, Any]) -> int:
        self.resident.reset()
        self.resident.cookies = dict(self.session)
        try:
            status, _body = self.resident.request("POST", path, payload)
        finally:
            self.resident.reset()
        return status


def deliver(
    phone: Phone, path: str, payload: dict[str, Any], outcome: Outcome, deadline: float
) -> bool:
    """POST until acknowledged, re-sending the same client UUID; False after a refusal or the
    deadline. Mirrors bench.harness.send_until_acknowledged, one connection per attempt."""
    refreshed = False
    while time.perf_counter() < deadline:
        try:
            status = phone.post(path, payload)
        except (OSError, http.client.HTTPException):
            with outcome.lock:
                outcome.errors += 1
            time.sleep(0.2)
            continue
        outcome.status(status)
        if status in (200, 201):
            with outcome.lock:
                outcome.acknowledged[payload["client_id"]] = "response"
            return True
        if status == 400 and not refreshed:
            # Perhaps a refused CSRF token: fetch a fresh session and send again, once.
            refreshed = True
            try:
                phone.refresh()
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
            continue
        if status >= 500 or status == 429:
            time.sleep(0.2)
            continue
        return False  # a 4xx that sending again cannot fix
    with outcome.lock:
        outcome.lost += 1
    return False


def phones(port: int, count: int) -> list[Phone]:
    """``count`` phones with their CSRF sessions, fetched over a few threads."""
    result: list[Phone] = []
    lock = threading.Lock()

    def fetch(n: int) -> None:
        made = [Phone(port) for _ in range(n)]
        with lock:
            result.extend(made)

    workers = min(8, count)
    threads = [
        threading.Thread(target=fetch, args=(count // workers + (i < count % workers),))
        for i in range(workers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if len(result) != count:
        raise RuntimeError(f"fetched {len(result)} of {count} CSRF sessions")
    return result


# --------------------------------------------------------------------------- CPU per phase


@dataclass
class Meter:
    """CPU seconds of this process (the load generator), gunicorn and the machine."""

    server: Gunicorn
    wall: float = 0.0
    client: float = 0.0
    gunicorn: float = 0.0
    busy: float = 0.0

    def __enter__(self) -> Meter:
        self._start = (
            time.perf_counter(),
            time.process_time(),
            self.server.cpu_seconds(),
            machine_cpu_seconds()[0],
        )
        return self

    def __exit__(self, *exc: object) -> None:
        wall, client, gunicorn, busy = self._start
        self.wall = time.perf_counter() - wall
        self.client = time.process_time() - client
        self.gunicorn = self.server.cpu_seconds() - gunicorn
        self.busy = machine_cpu_seconds()[0] - busy

    def figures(self, requests: int) -> dict[str, float]:
        per = max(requests, 1)
        return {
            "client_cpu_ms_per_request": round(self.client / per * 1000, 2),
            "client_cpu_share_of_a_core": round(self.client / self.wall, 3),
            "gunicorn_cpu_ms_per_request": round(self.gunicorn / per * 1000, 2),
            "machine_busy_cores": round(self.busy / self.wall, 2),
            # The database server (PostgreSQL) and whatever else runs on the machine.
            "other_busy_cores": round((self.busy - self.client - self.gunicorn) / self.wall, 2),
        }


# --------------------------------------------------------------------------- the two phases


def peak(
    port: int,
    ids: dict[str, Any],
    outcome: Outcome,
    server: Gunicorn,
    *,
    clients: int,
    warmup: float,
    seconds: float,
) -> dict[str, Any]:
    """Closed loop: ``clients`` phones submit back to back; the rate after the warm-up."""
    path = f"/api/v1/surveys/{ids['survey_id']}/responses"
    pool = phones(port, clients)
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    done: list[float] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def loop(n: int, phone: Phone) -> None:
        rng = random.Random(7000 + n)
        while time.perf_counter() < stop_at:
            payload = response_payload(ids, rng, str(uuid.uuid4()))
            began = time.perf_counter()
            if deliver(phone, path, payload, outcome, stop_at + GRACE):
                ended = time.perf_counter()
                if measure_from <= ended <= stop_at:
                    with lock:
                        done.append(ended)
                        latencies.append(ended - began)

    threads = [threading.Thread(target=loop, args=(n, p), daemon=True) for n, p in enumerate(pool)]
    for t in threads:
        t.start()
    time.sleep(max(0.0, measure_from - time.perf_counter()))
    with Meter(server) as meter:
        time.sleep(max(0.0, stop_at - time.perf_counter()))
    for t in threads:
        t.join(timeout=GRACE + 30)
    return {
        "peak_per_s": round(len(done) / seconds, 1),
        "peak_clients": clients,
        "peak_seconds": seconds,
        "peak_p99_ms": round(percentile(latencies, 99) * 1000, 1),
        **{f"peak_{k}": v for k, v in meter.figures(len(done)).items()},
    }


def settle(server: Gunicorn, limit: float = 60.0) -> float:
    """Wait until gunicorn is idle again: after the peak, its coder threads still work through
    the backlog of automatic coding (AUTO_CODING=background), which would otherwise fall into
    the open loop. Returns the seconds waited."""
    start = time.perf_counter()
    last = server.cpu_seconds()
    while time.perf_counter() - start < limit:
        time.sleep(0.5)
        now = server.cpu_seconds()
        if now - last < 0.025:  # under 5 % of a core
            break
        last = now
    return round(time.perf_counter() - start, 1)


@dataclass
class Arrival:
    due: float  # scheduled send time (perf_counter)
    sent: float = math.nan  # when a sender thread took it up
    answered: float = math.nan  # when it was acknowledged (or refused / given up)
    acknowledged: bool = False


@dataclass
class Pool:
    size: int
    in_flight: int = 0
    high_water: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def schedule(rate: float, seconds: float, arrivals: str, seed_value: int = 2026) -> list[float]:
    """Send offsets in seconds from the start: even intervals, or Poisson arrivals."""
    if arrivals == "even":
        return [i / rate for i in range(int(rate * seconds))]
    rng = random.Random(seed_value)
    offsets, t = [], rng.expovariate(rate)
    while t < seconds:
        offsets.append(t)
        t += rng.expovariate(rate)
    return offsets


def open_loop(
    port: int,
    ids: dict[str, Any],
    outcome: Outcome,
    server: Gunicorn,
    *,
    rate: float,
    seconds: float,
    arrivals: str,
    pool_size: int,
) -> dict[str, Any]:
    """Send at ``rate`` per second for ``seconds``, whatever the answers; latency from the
    scheduled send time."""
    path = f"/api/v1/surveys/{ids['survey_id']}/responses"
    offsets = schedule(rate, seconds, arrivals)
    senders = phones(port, pool_size)
    pool = Pool(pool_size)
    next_index = 0
    index_lock = threading.Lock()
    start = time.perf_counter() + 0.5  # let every sender thread start first
    items = [Arrival(due=start + o) for o in offsets]
    deadline = start + seconds + GRACE

    def sender(n: int, phone: Phone) -> None:
        nonlocal next_index
        rng = random.Random(9000 + n)
        while True:
            with index_lock:
                i = next_index
                next_index += 1
            if i >= len(items):
                return
            item = items[i]
            delay = item.due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            item.sent = time.perf_counter()
            with pool.lock:
                pool.in_flight += 1
                pool.high_water = max(pool.high_water, pool.in_flight)
            payload = response_payload(ids, rng, str(uuid.uuid4()))
            item.acknowledged = deliver(phone, path, payload, outcome, deadline)
            item.answered = time.perf_counter()
            with pool.lock:
                pool.in_flight -= 1

    threads = [
        threading.Thread(target=sender, args=(n, p), daemon=True) for n, p in enumerate(senders)
    ]
    with Meter(server) as meter:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=seconds + GRACE + 30)
    sent = [a for a in items if not math.isnan(a.sent)]
    acked = [a for a in items if a.acknowledged]
    latencies = [a.answered - a.due for a in acked]
    lags = [a.sent - a.due for a in sent]
    from_send = [a.answered - a.sent for a in acked]
    last_sent = max((a.sent for a in sent), default=start) - start
    last_answer = max((a.answered for a in acked), default=start) - start
    return {
        "offered_per_s": round(len(items) / seconds, 1),
        "arrivals": arrivals,
        "seconds": seconds,
        "scheduled": len(items),
        "sent": len(sent),
        "sent_per_s": round(len(sent) / max(seconds, last_sent), 1),
        "acknowledged_open_loop": len(acked),
        "achieved_per_s": round(len(acked) / max(seconds, last_answer), 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies, default=math.nan) * 1000, 1),
        "p99_from_send_ms": round(percentile(from_send, 99) * 1000, 1),
        "send_lag_p50_ms": round(percentile(lags, 50) * 1000, 1),
        "send_lag_p99_ms": round(percentile(lags, 99) * 1000, 1),
        "send_lag_max_ms": round(max(lags, default=math.nan) * 1000, 1),
        "pool": pool.size,
        "pool_high_water": pool.high_water,
        **meter.figures(len(items)),
    }


# --------------------------------------------------------------------------- per database


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    with database(kind) as (url, instance):
        ids = seed(url, instance)
        server = Gunicorn(url, instance, workers=args.workers, threads=args.threads)
        server.start()
        outcome = Outcome()
        try:
            first = peak(
                server.port,
                ids,
                outcome,
                server,
                clients=args.peak_clients,
                warmup=args.warmup,
                seconds=args.peak_seconds,
            )
            first["settled_after_s"] = settle(server)
            rate = args.rate or args.fraction * first["peak_per_s"]
            if rate <= 0:
                raise RuntimeError(f"no submission was acknowledged at peak on {kind}")
            pool_size = args.pool or max(32, min(256, math.ceil(2 * rate)))
            second = open_loop(
                server.port,
                ids,
                outcome,
                server,
                rate=rate,
                seconds=args.seconds,
                arrivals=args.arrivals,
                pool_size=pool_size,
            )
        finally:
            server.stop()
        checks = verify(url, instance, outcome)
    five = sum(n for code, n in outcome.statuses.items() if code >= 500)
    kept_up = (
        second["sent"] == second["scheduled"]
        and second["sent_per_s"] >= 0.9 * second["offered_per_s"]
    )
    ok = (
        not checks["missing"]
        and not checks["duplicated"]
        and not checks["half_written"]
        and five == 0
        and checks["acknowledged"] > 0
        and second["acknowledged_open_loop"] == second["scheduled"]
        and kept_up
    )
    return {
        "database": kind,
        "workers": args.workers,
        "threads": args.threads,
        **first,
        "fraction": round(second["offered_per_s"] / first["peak_per_s"], 2),
        **second,
        "target_p99_ms": TARGET_P99_MS,
        "target_met": second["p99_ms"] < TARGET_P99_MS,
        "sender_kept_up": kept_up,
        "statuses": dict(sorted(outcome.statuses.items())),
        "status_5xx": five,
        "connection_errors": outcome.errors,
        "gave_up": outcome.lost,
        **check_counts(checks),
        "ok": ok,
    }


def show(r: dict[str, Any]) -> None:
    print(
        f"{r['database']:8} peak={r['peak_per_s']}/s ({r['peak_clients']} clients, closed loop, "
        f"{r['peak_seconds']:g} s, p99 {r['peak_p99_ms']} ms; client CPU "
        f"{r['peak_client_cpu_share_of_a_core']:.0%} of a core, gunicorn "
        f"{r['peak_gunicorn_cpu_ms_per_request']} ms/req, machine busy "
        f"{r['peak_machine_busy_cores']} cores, of which others "
        f"{r['peak_other_busy_cores']}; idle again {r['settled_after_s']:g} s later)\n"
        f"{'':8} open loop {r['seconds']:g} s, {r['arrivals']} arrivals: "
        f"offered={r['offered_per_s']}/s ({r['fraction']:.0%} of peak) "
        f"sent={r['sent_per_s']}/s achieved={r['achieved_per_s']}/s "
        f"({r['acknowledged_open_loop']} of {r['scheduled']} acknowledged)\n"
        f"{'':8} latency from the scheduled send: p50={r['p50_ms']}ms p95={r['p95_ms']}ms "
        f"p99={r['p99_ms']}ms max={r['max_ms']}ms -> p99 < {r['target_p99_ms']:g} ms: "
        f"{'met' if r['target_met'] else 'MISSED'} (from the actual send: p99="
        f"{r['p99_from_send_ms']}ms)\n"
        f"{'':8} sender: lag p50={r['send_lag_p50_ms']}ms p99={r['send_lag_p99_ms']}ms "
        f"max={r['send_lag_max_ms']}ms, "
        f"pool {r['pool_high_water']}/{r['pool']} busy at most, client CPU "
        f"{r['client_cpu_ms_per_request']} ms/req ({r['client_cpu_share_of_a_core']:.0%} of a "
        f"core); gunicorn {r['gunicorn_cpu_ms_per_request']} ms/req; machine busy "
        f"{r['machine_busy_cores']} cores, of which others {r['other_busy_cores']}\n"
        f"{'':8} 5xx={r['status_5xx']} missing={r['missing']} duplicated={r['duplicated']} "
        f"half_written={r['half_written']} statuses={r['statuses']} "
        f"connection_errors={r['connection_errors']} gave_up={r['gave_up']} "
        f"-> {'OK' if r['ok'] else 'FAIL'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--peak-clients", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before the peak")
    parser.add_argument("--peak-seconds", type=float, default=5.0)
    parser.add_argument("--fraction", type=float, default=0.5, help="of the peak (0.5)")
    parser.add_argument("--rate", type=float, help="submissions per second instead")
    parser.add_argument("--seconds", type=float, default=30.0, help="of open loop")
    parser.add_argument("--arrivals", choices=["even", "poisson"], default="even")
    parser.add_argument("--pool", type=int, help="sender threads (default: 2 x rate, 32-256)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print one JSON line per database")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    all_ok = True
    # Wake sleeping sender threads promptly when another thread holds the GIL.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        for kind in kinds:
            result = run(kind, args)
            all_ok &= result["ok"]
            if args.json:
                print(json.dumps(result))
            else:
                show(result)
    finally:
        sys.setswitchinterval(interval)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
