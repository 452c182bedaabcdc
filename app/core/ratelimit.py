"""Abuse limits, in one table keyed by endpoint, and the keys they count by.

Each write a resident can repeat is limited per participant (cookie token or account) and per
address; the address is only ever used as a salted, short-lived hash (docs/design.md section 2).
Counters live in Redis when ``REDIS_URL`` is set (shared by every worker), else in memory.
``RATELIMIT_ENABLED=false`` turns the limits off for load tests.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from flask import Flask, current_app, g, request
from limits import parse_many
from werkzeug.exceptions import TooManyRequests


def _salted(value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hashlib.sha256(secret + b"|" + value.encode()).hexdigest()[:32]


def ip_key() -> str:
    return "ip:" + _salted(request.remote_addr or "unknown")


def participant_key() -> str:
    """The participant when known (account or cookie token).

    A request without either is a new person's first write: it has no participant counter
    yet (each such request gets its own key), and the address's burst limit on new
    participants (``count_new_participant``) and its per-address limits count it instead.
    Keying it on the address here would make a school class behind one address a single
    participant."""
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return f"u:{current_user.id}"
    participant = getattr(g, "participant", None)
    if participant is not None:
        return f"p:{participant.id}"
    token = request.cookies.get(current_app.config["PARTICIPANT_COOKIE"])
    if token:
        return "t:" + _salted(token)
    return "new:" + secrets.token_hex(8)


#: Kept for Flask-Limiter's default key function.
rate_limit_key = participant_key


@dataclass(frozen=True)
class Rule:
    limits: str
    key: Callable[[], str]
    scope: str


def per_participant(limits: str) -> Rule:
    return Rule(limits, participant_key, "participant")


def per_address(limits: str) -> Rule:
    return Rule(limits, ip_key, "address")


#: POST limits per endpoint. Addresses get more room than participants: a school class or a
#: library kiosk shares one address.
ABUSE_LIMITS: dict[str, list[Rule]] = {
    "accounts.login": [per_address("10/minute;100/hour")],
    # Forms that send mail: nobody can flood an inbox.
    "accounts.register": [per_address("5/minute;30/hour")],
    "accounts.request_reset": [per_address("5/minute;30/hour")],
    "accounts.resend_verification": [per_address("5/minute;30/hour")],
    "accounts.reset_password": [per_address("5/minute;30/hour")],
    "surveys.take": [per_participant("60/minute"), per_address("600/minute")],
    "api.create_response": [per_participant("20/minute"), per_address("300/minute")],
    "comments.post": [per_participant("10/minute;200/day"), per_address("120/minute")],
    "comments.reply": [per_participant("10/minute;200/day"), per_address("120/minute")],
    "api.create_comment": [per_participant("10/minute;200/day"), per_address("120/minute")],
    "comments.edit": [per_participant("30/minute")],
    "comments.support": [per_participant("60/minute"), per_address("600/minute")],
    "comments.withdraw_support": [per_participant("60/minute"), per_address("600/minute")],
    "comments.flag": [per_participant("20/hour"), per_address("200/hour")],
    # Sends a confirmation mail to the address given: as strict as the account forms.
    "follow.follow": [per_participant("10/hour"), per_address("5/minute;30/hour")],
}


def register_abuse_limits(app: Flask) -> None:
    from app.core.extensions import limiter

    @app.before_request
    def check_abuse_limits() -> None:
        if request.method != "POST" or not current_app.config.get("RATELIMIT_ENABLED", True):
            return
        rules = ABUSE_LIMITS.get(request.endpoint or "")
        if not rules:
            return
        strategy = limiter.limiter
        for rule in rules:
            key = rule.key()
            for item in parse_many(rule.limits):
                if not strategy.hit(item, request.endpoint or "", key):
                    reset_at, _remaining = strategy.get_window_stats(
                        item, request.endpoint or "", key
                    )
                    raise TooManyRequests(retry_after=max(1, math.ceil(reset_at - time.time())))


# -- One person, one voice: bursts of new participants from one address ----------------------
#
# A fresh cookie makes a new participant, so per-participant limits alone let one client speak
# as many people. Every anonymous participant made by a request is therefore counted against
# its client's address (the salted ``ip_key``, never the address) in a sliding log of creation
# times: at most ``NEW_PARTICIPANT_LIMITS`` (default 20 per 10 seconds and 120 per hour). The
# log lives in Redis when the limiter does (a sorted set per address that expires with its
# longest window), else in this process's memory; entries name the participant's id and go
# when they leave the longest window. Times come from ``app.core.models.utcnow``, which tests
# replace. When the short window fills up, every participant in it is marked
# ``burst_suspect`` (a possible duplicate the analysis can leave out).


@dataclass(frozen=True)
class Window:
    amount: int
    seconds: int


def burst_windows() -> list[Window]:
    spec = current_app.config.get("NEW_PARTICIPANT_LIMITS", "20/10 seconds;120/hour")
    windows = [Window(item.amount, item.get_expiry()) for item in parse_many(spec)]
    return sorted(windows, key=lambda w: w.seconds)


@dataclass
class Admission:
    admitted: bool
    retry_after: int
    #: Ids of the participants in the shortest window (this one included when admitted).
    recent: list[int]


def _decide(
    entries: list[tuple[float, int]], member: int, now: float, windows: list[Window]
) -> Admission:
    for window in reversed(windows):  # the longest window first: its wait is the longest
        inside = [t for t, _m in entries if t > now - window.seconds]
        if len(inside) >= window.amount:
            oldest = sorted(inside)[len(inside) - window.amount]
            retry = max(1, math.ceil(oldest + window.seconds - now))
            return Admission(False, retry, [])
    short = windows[0].seconds
    recent = [m for t, m in entries if t > now - short] + [member]
    return Admission(True, 0, recent)


class MemoryBurstLog:
    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._entries: dict[str, list[tuple[float, int]]] = {}

    def admit(self, key: str, member: int, now: float, windows: list[Window]) -> Admission:
        horizon = now - windows[-1].seconds
        with self._lock:
            entries = [e for e in self._entries.get(key, []) if e[0] > horizon]
            admission = _decide(entries, member, now, windows)
            if admission.admitted:
                entries.append((now, member))
            if entries:
                self._entries[key] = entries
            else:
                self._entries.pop(key, None)
            # Forget addresses whose whole log has expired, so the dict cannot grow forever.
            if len(self._entries) > 10_000:
                for stale in [k for k, v in self._entries.items() if v[-1][0] <= horizon]:
                    del self._entries[stale]
            return admission


class RedisBurstLog:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def admit(self, key: str, member: int, now: float, windows: list[Window]) -> Admission:
        import redis

        name = "platsdialog:newp:" + key
        longest = windows[-1].seconds
        while True:
            with self._redis.pipeline() as pipe:
                try:
                    pipe.watch(name)
                    pipe.zremrangebyscore(name, "-inf", now - longest)
                    # Watched and before multi(), the pipeline answers at once.
                    raw = cast(list[tuple[bytes, float]], pipe.zrange(name, 0, -1, withscores=True))
                    entries = [(float(score), int(m)) for m, score in raw]
                    admission = _decide(entries, member, now, windows)
                    pipe.multi()
                    if admission.admitted:
                        pipe.zadd(name, {str(member): now})
                    pipe.expire(name, longest + 1)
                    pipe.execute()
                    return admission
                except redis.WatchError:
                    continue


def _burst_log() -> MemoryBurstLog | RedisBurstLog:
    log = current_app.extensions.get("platsdialog_burst_log")
    if log is None:
        uri = str(current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
        log = RedisBurstLog(uri) if uri.startswith(("redis://", "rediss://")) else MemoryBurstLog()
        current_app.extensions["platsdialog_burst_log"] = log
    return log


class TooManyNewParticipants(TooManyRequests):
    """A 429 that tells people why (the error handler shows ``user_message``)."""

    user_message: str | None = None


def too_many_new_participants(retry_after: int) -> TooManyRequests:
    from flask_babel import gettext as _

    error = TooManyNewParticipants(retry_after=retry_after)
    error.user_message = _(
        "Many people have just taken part from your network, more than we accept in a short "
        "time. Please try again in %(s)s seconds. Nothing you sent was stored.",
        s=retry_after,
    )
    return error


def count_new_participant(participant_id: int) -> list[int]:
    """Count a participant this request has just made against its client's address.

    Raises 429 (nothing of the request is committed then, the participant included) when
    the address has made too many participants lately. Returns the ids of the recent ones
    to mark as possible duplicates when the short window is full (else an empty list).
    Off with ``RATELIMIT_ENABLED=false``.
    """
    from app.core import models

    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return []
    windows = burst_windows()
    now = models.utcnow().timestamp()
    admission = _burst_log().admit(ip_key(), participant_id, now, windows)
    if not admission.admitted:
        raise too_many_new_participants(admission.retry_after)
    mark_at = int(current_app.config.get("BURST_SUSPECT_AT", windows[0].amount // 2) or 0)
    if mark_at and len(admission.recent) >= mark_at:
        return list(admission.recent)
    return []
