"""What staff are told, and when.

Each staff user chooses ``User.staff_notify``:

- ``immediately``: a short mail when a comment enters pre-moderation or is flagged, sent by a
  background job (:func:`app.core.jobs.enqueue`) so the resident's request does not wait;
- ``daily``: one digest a day from ``flask notify digest`` (cron) listing what came in since the
  previous digest: pending comments, open flags, comments that need an official answer in the
  user's organizations, and the user's own finished exports. The digest is idempotent per user:
  ``User.last_digest_at`` is stamped when it is sent, and a run with nothing new sends nothing;
- ``off``: nothing.

Mails are written in the user's language (``User.locale``, else Swedish).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from app.accounts.models import User
from app.accounts.services import DAILY, IMMEDIATELY
from app.audit.models import AuditEvent
from app.comments import signals as comment_signals
from app.comments.models import Comment, CommentStatus, Flag
from app.core.jobs import enqueue
from app.core.mail import external_url, send_mail
from app.core.models import utcnow
from app.core.permissions import Action, Actor, can
from app.exports.models import ExportJob, JobStatus
from app.extensions import db
from app.moderation.models import AnswerAssignment
from app.organizations.models import Membership, Organization
from app.projects.models import Project, Stage

log = logging.getLogger(__name__)

#: How many items of each kind a digest lists before "and N more".
DIGEST_LIST = 10


def _language(user: User) -> str:
    languages = list(current_app.config.get("LANGUAGES") or ["sv", "en"])
    return user.locale if user.locale is not None and user.locale in languages else "sv"


def _organization_of(comment: Comment) -> Organization:
    org: Organization = comment.stage.project.organization
    return org


def _recipients(organization_id: int, action: Action, obj: Any, mode: str) -> list[User]:
    """Active members of the organization with ``mode`` who may take ``action`` on ``obj``."""
    users = db.session.scalars(
        db.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organization_id == organization_id,
            User.staff_notify == mode,
            User.active.is_(True),
        )
        .order_by(User.id)
    ).unique()
    return [u for u in users if can(Actor(u), action, obj)]


# --- immediately ------------------------------------------------------------------------------


def comment_pending(comment: Comment) -> None:
    """A comment entered pre-moderation: tell the "immediately" moderators after the commit."""
    enqueue(send_immediate, "pending", comment.id)


def comment_flagged(flag: Flag) -> None:
    """A comment was flagged: tell the "immediately" moderators after the commit."""
    enqueue(send_immediate, "flagged", flag.comment_id)


def subscribe() -> None:
    """Listen to the comments domain (at app creation; connecting again changes nothing)."""
    comment_signals.comment_awaits_moderation.connect(comment_pending)
    comment_signals.comment_flagged.connect(comment_flagged)


def _excerpt(text: str, length: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def send_immediate(kind: str, comment_id: int) -> int:
    """Job: mail each moderator who chose "immediately" about one comment. Returns mails sent."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.deleted_at is not None:
        return 0
    if kind == "pending" and comment.status != CommentStatus.PENDING:
        return 0  # already decided before the job ran
    if kind == "flagged":
        open_flags = db.session.scalar(
            db.select(sa.func.count(Flag.id)).where(
                Flag.comment_id == comment.id, Flag.resolved_at.is_(None)
            )
        )
        if open_flags != 1:
            return 0  # told at the first report; none left if already dealt with
    org = _organization_of(comment)
    sent = 0
    link = external_url("moderation.queue", kind="pending" if kind == "pending" else "flagged")
    for user in _recipients(org.id, Action.MODERATE, comment, IMMEDIATELY):
        with force_locale(_language(user)):
            project = _title(comment.stage.project.title)
            if kind == "pending":
                subject = _("A comment waits for approval: %(project)s", project=project)
                intro = _("A new comment in %(project)s waits for your approval.", project=project)
            else:
                subject = _("A comment was reported: %(project)s", project=project)
                intro = _(
                    "A comment in %(project)s was reported to the moderators.", project=project
                )
            body = "\n\n".join(
                [
                    intro,
                    f"“{_excerpt(comment.body)}”",
                    _("Open the moderation queue: %(link)s", link=link),
                    _footer(),
                ]
            )
        try:
            send_mail(user.email, subject, body)
        except Exception:  # noqa: BLE001 - one failing address must not stop the others
            log.exception("could not send a notification to user %s", user.id)
            continue
        sent += 1
    return sent


def _footer() -> str:
    return _(
        "You get this mail because of your notification setting: %(link)s",
        link=external_url("accounts.account"),
    )


def _title(value: dict[str, str] | str | None) -> str:
    from app.core.i18n import tr

    return str(tr(value) or "") if isinstance(value, dict) else str(value or "")


# --- daily digest -----------------------------------------------------------------------------


@dataclass
class Digest:
    user: User
    since: datetime | None
    pending: list[Comment] = field(default_factory=list)
    flagged: list[Comment] = field(default_factory=list)
    needs_answer: list[Comment] = field(default_factory=list)
    exports: list[ExportJob] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.pending or self.flagged or self.needs_answer or self.exports)


def _org_ids(user: User, action: Action) -> list[int] | None:
    if user.is_superadmin:
        return None
    actor = Actor(user)
    return sorted(
        {m.organization_id for m in user.memberships if can(actor, action, m.organization)}
    )


def _scoped(stmt: Any, org_ids: list[int] | None) -> Any:
    stmt = stmt.join(Stage, Comment.stage_id == Stage.id).join(
        Project, Stage.project_id == Project.id
    )
    if org_ids is not None:
        stmt = stmt.where(Project.organization_id.in_(org_ids or [-1]))
    return stmt


def build_digest(user: User, now: datetime | None = None) -> Digest:
    """What came in for ``user`` since their last digest."""
    since = user.last_digest_at
    digest = Digest(user, since)
    moderate = _org_ids(user, Action.MODERATE)
    answer = _org_ids(user, Action.ANSWER_OFFICIALLY)
    alive = Comment.deleted_at.is_(None)
    if moderate is None or moderate:
        stmt = _scoped(db.select(Comment), moderate).where(
            Comment.status == CommentStatus.PENDING, alive
        )
        if since:
            stmt = stmt.where(Comment.created_at > since)
        digest.pending = list(db.session.scalars(stmt.order_by(Comment.created_at)))
        flag_stmt = _scoped(
            db.select(Comment).join(Flag, Flag.comment_id == Comment.id), moderate
        ).where(Flag.resolved_at.is_(None), alive)
        if since:
            flag_stmt = flag_stmt.where(Flag.created_at > since)
        digest.flagged = list(db.session.scalars(flag_stmt.order_by(Comment.created_at)).unique())
    if answer is None or answer:
        marked = db.select(AuditEvent.object_id).where(
            AuditEvent.action == "comment.needs_answer", AuditEvent.object_type == "comment"
        )
        assigned = db.select(AnswerAssignment.comment_id).where(
            AnswerAssignment.assignee_id == user.id
        )
        if since:
            marked = marked.where(AuditEvent.created_at > since)
            assigned = assigned.where(AnswerAssignment.assigned_at > since)
        digest.needs_answer = list(
            db.session.scalars(
                _scoped(db.select(Comment), answer)
                .where(
                    Comment.needs_answer.is_(True),
                    Comment.answered_at.is_(None),
                    Comment.status != CommentStatus.HIDDEN,
                    alive,
                    sa.or_(Comment.id.in_(marked), Comment.id.in_(assigned)),
                )
                .order_by(Comment.created_at)
            )
        )
    export_stmt = db.select(ExportJob).where(
        ExportJob.user_id == user.id, ExportJob.status == JobStatus.DONE
    )
    if since:
        export_stmt = export_stmt.where(ExportJob.finished_at > since)
    digest.exports = list(db.session.scalars(export_stmt.order_by(ExportJob.finished_at)))
    return digest


def _section(title: str, lines: list[str]) -> str:
    shown = lines[:DIGEST_LIST]
    text = [title] + [f"- {line}" for line in shown]
    if len(lines) > DIGEST_LIST:
        text.append("  " + _("and %(n)s more", n=len(lines) - DIGEST_LIST))
    return "\n".join(text)


def _comment_line(comment: Comment) -> str:
    return f"{_title(comment.stage.project.title)}: “{_excerpt(comment.body, 80)}”"


def _answer_line(comment: Comment, user: User) -> str:
    line = _comment_line(comment)
    assignment = db.session.scalar(
        db.select(AnswerAssignment).where(AnswerAssignment.comment_id == comment.id)
    )
    if assignment is not None and assignment.assignee_id == user.id:
        if assignment.due_on:
            return line + " " + _("(yours, due %(date)s)", date=assignment.due_on.isoformat())
        return line + " " + _("(yours)")
    return line


def render_digest(digest: Digest) -> tuple[str, str]:
    """(subject, body) of a digest, in the current locale."""
    total = (
        len(digest.pending) + len(digest.flagged) + len(digest.needs_answer) + len(digest.exports)
    )
    subject = ngettext(
        "Platsdialog: %(num)d new item waits for you",
        "Platsdialog: %(num)d new items wait for you",
        total,
    )
    parts = [_("Hello %(name)s,", name=digest.user.display_name or digest.user.email)]
    parts.append(_("Here is what came in since your last digest."))
    if digest.pending:
        parts.append(
            _section(
                ngettext(
                    "%(num)d comment waits for approval:",
                    "%(num)d comments wait for approval:",
                    len(digest.pending),
                ),
                [_comment_line(c) for c in digest.pending],
            )
            + "\n"
            + external_url("moderation.queue", kind="pending")
        )
    if digest.flagged:
        parts.append(
            _section(
                ngettext(
                    "%(num)d comment was reported:",
                    "%(num)d comments were reported:",
                    len(digest.flagged),
                ),
                [_comment_line(c) for c in digest.flagged],
            )
            + "\n"
            + external_url("moderation.queue", kind="flagged")
        )
    if digest.needs_answer:
        parts.append(
            _section(
                ngettext(
                    "%(num)d comment needs an official answer:",
                    "%(num)d comments need an official answer:",
                    len(digest.needs_answer),
                ),
                [_answer_line(c, digest.user) for c in digest.needs_answer],
            )
            + "\n"
            + external_url("moderation.answers")
        )
    if digest.exports:
        parts.append(
            _section(
                ngettext(
                    "%(num)d of your exports is finished:",
                    "%(num)d of your exports are finished:",
                    len(digest.exports),
                ),
                [job.file_name or job.kind for job in digest.exports],
            )
            + "\n"
            + external_url("exports.index")
        )
    parts.append(_footer())
    return subject, "\n\n".join(parts)


def send_digest(user: User, now: datetime | None = None) -> bool:
    """Send ``user`` their digest if anything is new; stamp ``last_digest_at``. Commits."""
    now = now or utcnow()
    digest = build_digest(user, now)
    if digest.empty:
        return False
    with force_locale(_language(user)):
        subject, body = render_digest(digest)
    send_mail(user.email, subject, body)
    user.last_digest_at = now
    db.session.commit()
    return True


def daily_users() -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .where(User.staff_notify == DAILY, User.active.is_(True))
            .where(
                sa.or_(
                    User.is_superadmin.is_(True),
                    sa.exists().where(Membership.user_id == User.id),
                )
            )
            .order_by(User.id)
        )
    )


def send_digests(now: datetime | None = None) -> tuple[int, int]:
    """Send every "daily" user's digest. Returns (sent, failed)."""
    sent = failed = 0
    for user in daily_users():
        try:
            if send_digest(user, now):
                sent += 1
        except Exception:  # noqa: BLE001 - one failing address must not stop the others
            db.session.rollback()
            log.exception("could not send the digest to user %s", user.id)
            failed += 1
    return sent, failed
