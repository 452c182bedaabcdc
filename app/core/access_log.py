"""Access logs without secrets: the tokens of reset and verification links are redacted.

Those links carry their token in the path (``/reset/<token>``, ``/verify/<token>``), and an
access log is read by more people, kept longer and copied to more places than a mailbox.
gunicorn uses :class:`RedactingLogger` (``gunicorn.conf.py``); the development server's
``werkzeug`` log gets :class:`RedactTokens`.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

from gunicorn.glogging import Logger

if TYPE_CHECKING:
    from gunicorn.glogging import _AtomsDict

REDACTED = "[redacted]"
_TOKEN_PATH = re.compile(r"(/(?:reset|verify))/(?!(?:sent|resend)(?:[?#\s]|$))[^/?#\s\"]+")


def redact(text: str | None) -> str:
    """``text`` (a path, a request line) with link tokens replaced by ``[redacted]``."""
    return _TOKEN_PATH.sub(rf"\1/{REDACTED}", text or "")


class RedactingLogger(Logger):
    """gunicorn's logger, with tokens redacted from every atom that can hold the path."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> _AtomsDict:
        atoms = super().atoms(resp, req, environ, request_time)
        values = cast(dict[str, Any], atoms)  # the same dict, by a key that is not a literal
        for key in ("U", "r", "f"):
            if isinstance(values.get(key), str):
                values[key] = redact(values[key])
        return atoms


class RedactTokens(logging.Filter):
    """For the development server's request lines (``werkzeug`` logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_development_filter() -> None:
    """Redact tokens from the development server's log too (idempotent)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
