"""A honeypot field and a minimum fill time on resident forms.

Templates of resident forms include ``{{ bot_trap() }}``; for the endpoints in
``TRAPPED_ENDPOINTS`` a form POST must carry it, with the honeypot left empty and at least
``BOT_TRAP_MIN_SECONDS`` since the form was rendered (0 switches the timing check off; a
form without a stamp is then judged by the honeypot alone). People never see the honeypot (it is
hidden from view, from screen readers and from the tab order).
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, TimestampSigner
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
}

#: A form left open for longer than this must be reloaded (a week: offline submissions).
MAX_AGE = 7 * 24 * 3600


def _signer() -> TimestampSigner:
    return TimestampSigner(str(current_app.config["SECRET_KEY"]), salt="bot-trap")


def _valid_stamp(stamp: str) -> bool:
    try:
        _signer().unsign(stamp, max_age=MAX_AGE)
    except BadSignature:
        return False
    return True


def bot_trap() -> Markup:
    """The hidden honeypot and the signed time the form was first rendered.

    A form shown again in answer to its own POST (the next page of a survey, a form with
    errors) keeps the stamp it came with: the time counts from the first page, so a person
    who moves quickly through short pages is not taken for a bot.
    """
    carried = request.form.get(STAMP, "") if request.method == "POST" else ""
    stamp = carried if carried and _valid_stamp(carried) else _signer().sign(b"form").decode()
    return Markup(
        '<div class="pd-hp" aria-hidden="true"><label for="{hp}">Website</label>'
        '<input type="text" id="{hp}" name="{hp}" value="" tabindex="-1" autocomplete="off">'
        '</div><input type="hidden" name="{field}" value="{stamp}">'
    ).format(hp=HONEYPOT, field=STAMP, stamp=stamp)


class BotSuspected(UnprocessableEntity):
    pass


def register_bot_trap(app: Flask) -> None:
    @app.before_request
    def check_bot_trap() -> None:
        if request.method != "POST" or request.endpoint not in TRAPPED_ENDPOINTS:
            return
        if request.is_json or not request.form:
            return
        minimum = float(current_app.config.get("BOT_TRAP_MIN_SECONDS", 2))
        error = BotSuspected()
        error.user_message = _(  # type: ignore[attr-defined]
            "We could not accept the form. Please wait a moment and send it again."
        )
        if request.form.get(HONEYPOT):
            raise error
        stamp = request.form.get(STAMP, "")
        if minimum <= 0 and not stamp:
            # The stamp only serves the timing check; with it switched off (tests, load
            # tests), a form without one is judged by the honeypot alone.
            return
        try:
            _value, rendered_at = _signer().unsign(stamp, max_age=MAX_AGE, return_timestamp=True)
        except BadSignature:
            raise error from None
        if (utcnow() - rendered_at).total_seconds() < minimum:
            raise error
