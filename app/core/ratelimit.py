"""Abuse limits, in one table keyed by endpoint, and the keys they count by.

Each write a resident can repeat is limited per participant (cookie token or account) and per
address; the address is only ever used as a salted, short-lived hash (DESIGN.md section 2).
Counters live in Redis when ``REDIS_URL`` is set (shared by every worker), else in memory.
``RATELIMIT_ENABLED=false`` turns the limits off for load tests.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from limits import parse_many
from werkzeug.exceptions import TooManyRequests


def _salted(value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hashlib.sha256(secret + b"|" + value.encode()).hexdigest()[:32]


def ip_key() -> str:
    return "ip:" + _salted(request.remote_addr or "unknown")


def participant_key() -> str:
    """The participant when known (account or cookie token), else the address."""
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return f"u:{current_user.id}"
    participant = getattr(g, "participant", None)
    if participant is not None:
        return f"p:{participant.id}"
    token = request.cookies.get(current_app.config["PARTICIPANT_COOKIE"])
    if token:
        return "t:" + _salted(token)
    return ip_key()


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
}


def register_abuse_limits(app: Flask) -> None:
    from app.extensions import limiter

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
                    error = TooManyRequests()
                    error.retry_after = max(1, math.ceil(reset_at - time.time()))  # type: ignore[attr-defined]
                    raise error
