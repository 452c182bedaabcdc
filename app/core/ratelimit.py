"""Rate-limit keys: the participant when known, else a salted hash of the address.

No IP address is stored beyond these short-lived keys (DESIGN.md section 2).
"""

from __future__ import annotations

import hashlib

from flask import current_app, g, request


def _salted(value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hashlib.sha256(secret + b"|" + value.encode()).hexdigest()[:32]


def ip_key() -> str:
    return "ip:" + _salted(request.remote_addr or "unknown")


def rate_limit_key() -> str:
    participant = getattr(g, "participant", None)
    if participant is not None:
        return f"p:{participant.id}"
    return ip_key()
