"""A honeypot field and a minimum fill time on resident forms.

Templates of resident forms include ``{{ bot_trap() }}``; for the endpoints in
``TRAPPED_ENDPOINTS`` a form POST must carry it, with the honeypot left empty and at least
``BOT_TRAP_MIN_SECONDS`` since the form was rendered (0 switches the timing check off; a
form without a stamp is then judged by the honeypot alone). People never see the honeypot (it is
hidden from view, from screen readers and from the tab order).

The stamp is signed, lasts ``BOT_TRAP_MAX_AGE_HOURS`` (default 8) and is bound to the form
it was made for (the endpoint and URL values it posts to): a stamp fetched once cannot be
replayed for a week, nor on another stage's, comment's or survey's form. Forms rendered by
another endpoint than the one they post to name their target: ``bot_trap("comments.post",
stage_id=stage.id)``.

JSON bodies are not trapped, by choice: browsers send them only from the offline outbox,
which may replay a submission days later (a time stamp cannot serve it), always with the
session's CSRF token, an idempotent ``client_id`` and the per-participant and per-address
abuse limits of ``app/core/ratelimit.py``. Scripts use Bearer tokens.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from markupsafe import Markup
from werkzeug.exceptions import UnprocessableEntity

from app.core.models import utcnow

HONEYPOT = "website"
STAMP = "pd_form_started"

#: Resident forms whose templates include ``{{ bot_trap() }}``. The JSON API (offline
#: sync, scripts) is not trapped: it has its own abuse limits.
TRAPPED_ENDPOINTS: set[str] = {
    "comments.post",
    "comments.reply",
    "surveys.take",
    "accounts.register",
    "follow.follow",
}


#: Forms that keep what was written when only their stamp has expired (a survey page left
#: open all night, without JavaScript): the view shows the same step again, with the answers
#: and a fresh stamp, instead of a refusal (``stamp_expired``).
KEEP_ON_EXPIRY: set[str] = {"surveys.take"}


def stamp_expired() -> bool:
    """Did this request's form carry a genuine stamp for this form that is too old?"""
    return bool(g.get("bot_trap_expired"))


def max_age() -> int:
    """Seconds a stamp lasts: a form left open longer must be reloaded."""
    return int(float(current_app.config.get("BOT_TRAP_MAX_AGE_HOURS", 8)) * 3600)


def _signer() -> TimestampSigner:
    return TimestampSigner(str(current_app.config["SECRET_KEY"]), salt="bot-trap")


def form_key(endpoint: str | None, values: dict[str, Any] | None) -> str:
    """What a stamp is bound to: the endpoint a form posts to and its URL values."""
    pairs = ",".join(f"{k}={v}" for k, v in sorted((values or {}).items()))
    return f"{endpoint or ''}|{pairs}"


def _valid_stamp(stamp: str, key: str) -> bool:
    try:
        value = _signer().unsign(stamp, max_age=max_age())
    except BadSignature:
        return False
    return value.decode() == key


def bot_trap(endpoint: str | None = None, **values: Any) -> Markup:
    """The hidden honeypot and the signed time the form was first rendered.

    ``endpoint`` and ``values`` name the form's target when the page rendering it is not
    the one it posts to (default: this request's endpoint and URL values).

    A form shown again in answer to its own POST (the next page of a survey, a form with
    errors) keeps the stamp it came with: the time counts from the first page, so a person
    who moves quickly through short pages is not taken for a bot.
    """
    if endpoint is None:
        endpoint, values = request.endpoint, dict(request.view_args or {})
    key = form_key(endpoint, values)
    carried = request.form.get(STAMP, "") if request.method == "POST" else ""
    stamp = carried if carried and _valid_stamp(carried, key) else _signer().sign(key).decode()
    return Markup(
        '<div class="pd-hp" aria-hidden="true"><label for="{hp}">Website</label>'
        '<input type="text" id="{hp}" name="{hp}" value="" tabindex="-1" autocomplete="off">'
        '</div><input type="hidden" name="{field}" value="{stamp}">'
    ).format(hp=HONEYPOT, field=STAMP, stamp=stamp)


class BotSuspected(UnprocessableEntity):
    #: The message the error handler shows instead of the status's usual one.
    user_message: str | None = None


def register_bot_trap(app: Flask) -> None:
    @app.before_request
    def check_bot_trap() -> None:
        if request.method != "POST" or request.endpoint not in TRAPPED_ENDPOINTS:
            return
        if request.is_json or not request.form:
            return
        minimum = float(current_app.config.get("BOT_TRAP_MIN_SECONDS", 2))
        error = BotSuspected()
        error.user_message = _(
            "We could not accept the form. Please wait a moment and send it again."
        )
        if request.form.get(HONEYPOT):
            raise error
        stamp = request.form.get(STAMP, "")
        if minimum <= 0 and not stamp:
            # The stamp only serves the timing check; with it switched off (tests, load
            # tests), a form without one is judged by the honeypot alone.
            return
        key = form_key(request.endpoint, request.view_args)
        try:
            value, rendered_at = _signer().unsign(stamp, max_age=max_age(), return_timestamp=True)
        except SignatureExpired as expired:
            payload = expired.payload or b""
            if request.endpoint in KEEP_ON_EXPIRY and payload.decode() == key:
                g.bot_trap_expired = True  # the view keeps the answers and asks again
                return
            raise error from None
        except BadSignature:
            raise error from None
        if value.decode() != key:
            raise error  # a stamp made for another form
        if (utcnow() - rendered_at).total_seconds() < minimum:
            raise error
