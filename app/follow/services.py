"""Following a project: the follow itself, its links, and the mails followers get.

A resident follows a project with their account (confirmed at once when the account's
address is verified) or with an address confirmed by a link (double opt-in). An unconfirmed
follow gets nothing but the confirmation mail and expires after ``CONFIRM_HOURS``.

Followers hear about three events, each sent by a background job after the commit that
made it happen (:func:`app.core.jobs.enqueue`):

- a new stage is made current (``stage:<id>``, from ``projects.services.stage_make_current``);
- feedback ("vad vi hörde – vad vi gjorde") is published (``feedback:<id>``);
- someone replies to the follower's comment, or the municipality answers it (``reply:<id>``).

A ``FollowMail`` row per follower and event is claimed before the mail is sent: a job run
twice, or two jobs racing, never mail anyone twice. Every mail is in the follower's language,
says why it was sent, and carries a one-click unsubscribe (RFC 8058): ``List-Unsubscribe``
with a signed link specific to the follow, and ``List-Unsubscribe-Post``.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Participant, User
from app.comments import signals as comment_signals
from app.comments.models import Comment, CommentStatus
from app.core.jobs import enqueue
from app.core.mail import external_url, send_mail
from app.core.models import translated, utcnow
from app.extensions import db
from app.follow.models import Follow, FollowMail
from app.projects import signals as project_signals
from app.projects.models import Feedback, Project, Stage

log = logging.getLogger(__name__)

#: How long a confirmation link works; unconfirmed follows are deleted after it.
CONFIRM_HOURS = 72


class FollowLinkError(Exception):
    """A confirmation or unsubscribe link that is expired, forged or no longer valid."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        #: "expired" or "invalid".
        self.code = code


# --- links -----------------------------------------------------------------------------------


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt="platsdialog.follow-confirm"
    )


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="platsdialog.follow-stop")


def confirm_token(follow: Follow) -> str:
    return _confirm_serializer().dumps({"f": follow.id, "s": follow.secret})


def unsubscribe_token(follow: Follow) -> str:
    """Signed, never expires, names one follow and its secret (so only that follow)."""
    return _unsubscribe_serializer().dumps({"f": follow.id, "s": follow.secret})


def _follow_of(payload: Any) -> Follow | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("f"), int):
        raise FollowLinkError("invalid")
    follow = db.session.get(Follow, payload["f"])
    if follow is None or not secrets.compare_digest(follow.secret, str(payload.get("s", ""))):
        return None
    return follow


def read_confirm_token(token: str) -> Follow:
    """The follow a confirmation link names. Raises ``FollowLinkError``."""
    try:
        payload = _confirm_serializer().loads(token, max_age=CONFIRM_HOURS * 3600)
    except SignatureExpired as exc:
        raise FollowLinkError("expired") from exc
    except BadSignature as exc:
        raise FollowLinkError("invalid") from exc
    follow = _follow_of(payload)
    if follow is None:
        raise FollowLinkError("expired")  # deleted as expired, or stopped meanwhile
    return follow


def read_unsubscribe_token(token: str) -> Follow | None:
    """The follow an unsubscribe link names; None when it has already stopped.

    Raises ``FollowLinkError("invalid")`` for a link that was not made here."""
    try:
        payload = _unsubscribe_serializer().loads(token)
    except BadSignature as exc:
        raise FollowLinkError("invalid") from exc
    return _follow_of(payload)


# --- following -------------------------------------------------------------------------------


def _normalise(email: str) -> str:
    return email.strip().lower()


def _languages() -> list[str]:
    return list(current_app.config.get("LANGUAGES") or ["sv", "en"])


def _locale(value: str | None) -> str:
    return value if value in _languages() else str(current_app.config["BABEL_DEFAULT_LOCALE"])


def follow_of(project: Project, user: Any, participant: Participant | None) -> Follow | None:
    """The current resident's follow of ``project`` (by account, else by this device)."""
    if user is not None and getattr(user, "is_authenticated", False):
        return db.session.scalar(
            sa.select(Follow).where(Follow.project_id == project.id, Follow.user_id == user.id)
        )
    if participant is None:
        return None
    return db.session.scalar(
        sa.select(Follow)
        .where(Follow.project_id == project.id, Follow.participant_id == participant.id)
        .order_by(Follow.id.desc())
        .limit(1)
    )


def follows_of(user: Any, participant: Participant | None) -> list[Follow]:
    """Every follow of the current resident, for "Mina bidrag"."""
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    return _follows(user.id if signed_in else None, participant)


def _follows(user_id: int | None, participant: Participant | None) -> list[Follow]:
    conditions = []
    if user_id is not None:
        conditions.append(Follow.user_id == user_id)
    if participant is not None:
        conditions.append(Follow.participant_id == participant.id)
    if not conditions:
        return []
    return list(
        db.session.scalars(db.select(Follow).where(sa.or_(*conditions)).order_by(Follow.id))
    )


def follow_with_account(
    project: Project, user: User, participant: Participant | None, locale: str
) -> tuple[Follow, bool]:
    """Follow ``project`` with an account. Returns (follow, whether a confirmation mail goes
    out): a verified address is confirmed at once, another one by a link."""
    follow: Follow | None = db.session.scalar(
        db.select(Follow).where(Follow.project_id == project.id, Follow.user_id == user.id)
    )
    if follow is None:
        follow = Follow(
            project_id=project.id,
            user_id=user.id,
            participant_id=participant.id if participant else None,
            locale=_locale(locale),
            secret=secrets.token_hex(16),
        )
        db.session.add(follow)
    follow.user = user
    if follow.confirmed_at is None and user.email_verified_at is not None:
        follow.confirmed_at = utcnow()
    db.session.flush()
    if follow.confirmed_at is None:
        enqueue(send_confirmation, follow.id)
        return follow, True
    return follow, False


def follow_with_address(
    project: Project, email: str, participant: Participant | None, locale: str
) -> Follow:
    """Follow ``project`` with an address: a confirmation mail goes out unless the address
    is already confirmed for it (the answer is the same either way, so the form tells
    nobody which addresses follow what)."""
    address = _normalise(email)
    follow: Follow | None = db.session.scalar(
        db.select(Follow).where(Follow.project_id == project.id, Follow.email == address)
    )
    if follow is None:
        follow = Follow(
            project_id=project.id,
            email=address,
            locale=_locale(locale),
            secret=secrets.token_hex(16),
        )
        db.session.add(follow)
    if participant is not None and follow.participant_id is None:
        follow.participant_id = participant.id
    db.session.flush()
    if follow.confirmed_at is None:
        enqueue(send_confirmation, follow.id)
    return follow


def confirm(follow: Follow) -> None:
    if follow.confirmed_at is None:
        follow.confirmed_at = utcnow()
        db.session.flush()


def stop(follow: Follow) -> None:
    """Stop following: the follow and its address are deleted, not kept switched off."""
    db.session.delete(follow)
    db.session.flush()


def purge_expired(now: datetime | None = None) -> int:
    """Delete unconfirmed follows whose link has expired. Returns how many."""
    limit = (now or utcnow()) - timedelta(hours=CONFIRM_HOURS)
    result = db.session.execute(
        sa.delete(Follow)
        .where(Follow.confirmed_at.is_(None), Follow.created_at < limit)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return _deleted(result)


def follower_count(project: Project) -> int:
    """Confirmed followers of ``project``: all staff ever see of them."""
    return int(
        db.session.scalar(
            db.select(sa.func.count(Follow.id)).where(
                Follow.project_id == project.id, Follow.confirmed_at.is_not(None)
            )
        )
        or 0
    )


def follows_data(participant: Participant) -> list[dict[str, Any]]:
    """The participant's follows, for the copy of their data (``/my/data``)."""
    return [
        {
            "project_id": f.project_id,
            "email": f.email,
            "language": f.locale,
            "confirmed_at": f.confirmed_at.isoformat() if f.confirmed_at else None,
            "created_at": f.created_at.isoformat(),
        }
        for f in _follows(participant.user_id, participant)
    ]


def forget_participant(participant: Participant, project_ids: list[int] | None = None) -> int:
    """Erasure: delete the follows made from ``participant`` (in ``project_ids`` when
    given) and those of its account. Returns how many."""
    conditions = [Follow.participant_id == participant.id]
    if participant.user_id is not None:
        conditions.append(Follow.user_id == participant.user_id)
    stmt = sa.delete(Follow).where(sa.or_(*conditions))
    if project_ids is not None:
        stmt = stmt.where(Follow.project_id.in_(project_ids or [-1]))
    result = db.session.execute(stmt.execution_options(synchronize_session=False))
    return _deleted(result)


def forget_address(email: str) -> int:
    """Erasure on request by mail: delete every follow by this address. Returns how many."""
    address = _normalise(email)
    user_ids = db.select(User.id).where(sa.func.lower(User.email) == address)
    result = db.session.execute(
        sa.delete(Follow)
        .where(sa.or_(Follow.email == address, Follow.user_id.in_(user_ids)))
        .execution_options(synchronize_session=False)
    )
    return _deleted(result)


# --- events ----------------------------------------------------------------------------------


#: A current stage that opened by its date this long ago or less is announced by the sweep
#: (``announce_opened_stages``); older ones are not announced late.
OPENED_WITHIN = timedelta(days=7)


def stage_opened(stage: Stage) -> None:
    """A stage was made current: tell the followers after the commit. A stage made current
    before the date it opens is announced when it opens (``announce_opened_stages``)."""
    if stage.has_started:
        enqueue(send_event, "stage", stage.id)


def announce_opened_stages(now: datetime | None = None) -> int:
    """Tell the followers of each current stage that has opened by its date (within
    ``OPENED_WITHIN``) and not been announced to them yet (``flask follow sweep``, hourly).
    Returns mails sent; a second run sends nothing new."""
    now = now or utcnow()
    stages = db.session.execute(
        sa.select(Stage.id, Stage.opens_at)
        .where(
            Stage.is_current.is_(True),
            Stage.opens_at.is_not(None),
            Stage.opens_at <= now,
            Stage.opens_at > now - OPENED_WITHIN,
        )
        .order_by(Stage.id)
    ).all()
    return sum(send_event("stage", stage_id, joined_before=opens) for stage_id, opens in stages)


def feedback_published(feedback: Feedback) -> None:
    """Feedback was published for the first time: tell the followers after the commit."""
    enqueue(send_event, "feedback", feedback.id)


def comment_replied(comment: Comment) -> None:
    """A reply or an official answer was stored (or approved): tell the author of the
    comment it answers, if they follow the project, after the commit."""
    if comment.parent_id is not None and comment.status == CommentStatus.PUBLISHED:
        enqueue(send_event, "reply", comment.id)


def _confirmed_followers(project_id: int) -> list[Follow]:
    return list(
        db.session.scalars(
            db.select(Follow)
            .where(Follow.project_id == project_id, Follow.confirmed_at.is_not(None))
            .order_by(Follow.id)
        )
    )


def _reply_followers(reply: Comment) -> list[Follow]:
    parent = reply.parent
    if parent is None or parent.participant_id is None:
        return []
    if reply.participant_id is not None and reply.participant_id == parent.participant_id:
        return []  # a reply to one's own comment
    author = db.session.get(Participant, parent.participant_id)
    mine = [Follow.participant_id == parent.participant_id]
    if author is not None and author.user_id is not None:
        mine.append(Follow.user_id == author.user_id)
    return list(
        db.session.scalars(
            db.select(Follow)
            .where(
                Follow.project_id == reply.stage.project_id,
                Follow.confirmed_at.is_not(None),
                sa.or_(*mine),
            )
            .order_by(Follow.id)
        )
    )


def _excerpt(text: str, length: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _stage_link(stage: Stage) -> str:
    project = stage.project
    return external_url(
        "public.stage", org=project.organization.slug, project=project.slug, stage_id=stage.id
    )


def _project_link(project: Project) -> str:
    return external_url("public.project", org=project.organization.slug, project=project.slug)


def _compose(kind: str, obj: Any, follow: Follow) -> tuple[str, str]:
    """(subject, body) of one event's mail, in the current locale."""
    locale = follow.locale
    default = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if kind == "reply":
        stage = obj.stage
    elif kind == "feedback":
        stage = obj.stage
    else:
        stage = obj
    project = stage.project
    title = translated(project.title, locale, default)
    stage_title = translated(stage.title, locale, default)
    if kind == "stage":
        subject = _("New stage in %(project)s: %(stage)s", project=title, stage=stage_title)
        lines = [
            _(
                "%(project)s has moved on to a new stage: %(stage)s.",
                project=title,
                stage=stage_title,
            ),
            _("Read what it is about and how you can take part: %(link)s", link=_stage_link(stage)),
        ]
    elif kind == "feedback":
        subject = _("What we heard – what we did: %(project)s", project=title)
        lines = [
            _(
                'The municipality has published what it heard in the stage "%(stage)s" of '
                "%(project)s, and what it did with it.",
                stage=stage_title,
                project=title,
            ),
            _project_link(project) + f"#feedback-{stage.id}",
        ]
    else:
        if obj.is_official:
            subject = _("The municipality answered your comment: %(project)s", project=title)
            intro = _("The municipality has answered your comment in %(project)s:", project=title)
        else:
            subject = _("A reply to your comment: %(project)s", project=title)
            intro = _("Someone replied to your comment in %(project)s:", project=title)
        lines = [
            intro,
            f"“{_excerpt(obj.body)}”",
            _(
                "Read it and answer: %(link)s",
                link=external_url("comments.show", comment_id=obj.id),
            ),
        ]
    lines.append(
        _(
            "You get this mail because you follow %(project)s on Platsdialog. "
            "Stop following it with one click: %(link)s",
            project=title,
            link=external_url("follow.unsubscribe", token=unsubscribe_token(follow)),
        )
    )
    return subject, "\n\n".join(lines)


def _load(kind: str, obj_id: int) -> Any:
    if kind == "stage":
        stage = db.session.get(Stage, obj_id)
        return stage if stage is not None and stage.is_current else None
    if kind == "feedback":
        feedback = db.session.get(Feedback, obj_id)
        return feedback if feedback is not None and feedback.published_at else None
    if kind == "reply":
        reply = db.session.get(Comment, obj_id)
        if reply is None or reply.deleted_at is not None:
            return None
        return reply if reply.status == CommentStatus.PUBLISHED else None
    raise ValueError(kind)


def _recipients(kind: str, obj: Any) -> list[Follow]:
    if kind == "reply":
        return _reply_followers(obj)
    stage = obj if kind == "stage" else obj.stage
    followers = _confirmed_followers(stage.project_id)
    if kind == "feedback":
        # Accounts that asked to hear about feedback get that mail already (one mail each).
        from app.projects.services import feedback_recipients

        told = {u.id for u in feedback_recipients(stage)}
        followers = [f for f in followers if f.user_id not in told]
    return followers


def unsubscribe_headers(follow: Follow) -> dict[str, str]:
    link = external_url("follow.unsubscribe", token=unsubscribe_token(follow))
    return {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def send_event(kind: str, obj_id: int, joined_before: datetime | None = None) -> int:
    """Job: mail each confirmed follower about one event, once. Returns mails sent.
    ``joined_before``: only followers confirmed by then (a stage that opened by its date
    is no news to whoever began to follow after it opened)."""
    obj = _load(kind, obj_id)
    if obj is None:
        return 0
    stage = obj if kind == "stage" else obj.stage
    if not stage.project.is_published:
        return 0
    event = f"{kind}:{obj_id}"
    sent = 0
    for follow in _recipients(kind, obj):
        if joined_before is not None and (
            follow.confirmed_at is None or follow.confirmed_at > joined_before
        ):
            continue
        address = follow.address
        if not address or (follow.user is not None and not follow.user.active):
            continue
        try:
            with db.session.begin_nested():
                db.session.add(FollowMail(follow_id=follow.id, event=event))
                db.session.flush()
        except IntegrityError:
            continue  # already told about this event
        with force_locale(follow.locale):
            subject, body = _compose(kind, obj, follow)
        try:
            send_mail(address, subject, body, headers=unsubscribe_headers(follow))
        except Exception:  # noqa: BLE001 - one failing address must not stop the others
            db.session.rollback()  # the claim goes: a later run may try again
            log.exception("could not mail follower %s about %s", follow.id, event)
            continue
        db.session.commit()
        sent += 1
    return sent


def send_confirmation(follow_id: int) -> bool:
    """Job: the one mail an unconfirmed follow gets, with the link that confirms it."""
    follow = db.session.get(Follow, follow_id)
    if follow is None or follow.confirmed_at is not None or not follow.address:
        return False
    default = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    with force_locale(follow.locale):
        title = translated(follow.project.title, follow.locale, default)
        subject = _("Confirm that you want to follow %(project)s", project=title)
        body = "\n\n".join(
            [
                _(
                    "Someone, hopefully you, asked to get mail from Platsdialog when "
                    "%(project)s moves on: a new stage, published feedback, or a reply to "
                    "your comment.",
                    project=title,
                ),
                _(
                    "Confirm within %(hours)s hours with this link: %(link)s",
                    hours=CONFIRM_HOURS,
                    link=external_url("follow.confirm", token=confirm_token(follow)),
                ),
                _(
                    "If it was not you, do nothing: you get no more mail, and the address is "
                    "deleted when the link expires."
                ),
            ]
        )
    send_mail(follow.address, subject, body)
    return True


def _deleted(result: Any) -> int:
    """How many rows a bulk DELETE removed (``CursorResult.rowcount``)."""
    return int(cast(sa.CursorResult[Any], result).rowcount or 0)


def subscribe() -> None:
    """Listen to the projects and comments domains (at app creation)."""
    project_signals.stage_made_current.connect(stage_opened)
    project_signals.feedback_published.connect(feedback_published)
    comment_signals.comment_published.connect(comment_replied)
