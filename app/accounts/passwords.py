"""Password hashing with Argon2id (argon2-cffi)."""

from __future__ import annotations

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


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
