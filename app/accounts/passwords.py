"""Password hashing with Argon2id (argon2-cffi)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context


def _hasher() -> PasswordHasher:
    if has_app_context():
        config = current_app.config
        return PasswordHasher(
            time_cost=int(config.get("ARGON2_TIME_COST", 3)),
            memory_cost=int(config.get("ARGON2_MEMORY_COST", 65536)),
        )
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASHES: dict[tuple[int, int], str] = {}


def verify_dummy(password: str) -> bool:
    """Do the work of a real check against a hash no password matches; always False.

    Login calls it for unknown or deactivated accounts, so the time an answer takes does not
    tell whether an address has an account.
    """
    hasher = _hasher()
    key = (hasher.time_cost, hasher.memory_cost)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash(secrets.token_urlsafe(32))
    verify_password(_DUMMY_HASHES[key], password)
    return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
