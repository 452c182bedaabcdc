"""Code new contributions automatically, whichever path wrote them (HTML form, API, import).

Every write path announces new and edited contributions with the signals of
:mod:`app.core.signals`; this module subscribes and notes the comments, free-text answers and
map features on the session. At the session's commit (not a savepoint's release), what happens
next depends on ``AUTO_CODING``:

- ``background`` (default): a ``PendingCoding`` row per contribution is written in the same
  transaction, and a background job (``app.core.jobs.enqueue``: RQ with ``REDIS_URL``, else a
  thread of this process, after the commit) codes whatever is pending; jobs coalesce, so
  under load one job codes many requests' contributions in one transaction. The resident's
  request does no coding work. Rows a dead worker left behind are coded by the next job,
  ``flask worker`` at its start, and ``flask analysis sweep``.
- ``sync``: they are coded just before the commit, in the same transaction.
- ``off``: nothing is coded until ``flask analysis recode``.

The signal keeps the rule in one place without the writing domains knowing the analysis.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context

from app.analysis_ui.models import PendingCoding, TargetType
from app.comments.models import Comment
from app.core.jobs import enqueue, register_jobs
from app.core.signals import contribution_created, contribution_edited
from app.extensions import db
from app.surveys.models import Answer

PENDING = "pd_pending_coding"
RUNNING = "pd_coding_running"
_registered = False


def _note(session: Any, target: TargetType, obj: Any) -> None:
    """Remember ``obj`` for the commit (its id may come with the next flush)."""
    session.info.setdefault(PENDING, {}).setdefault(target, []).append(obj)


def _created(contribution: Any, **_: Any) -> None:
    session = db.session()
    if session.info.get(RUNNING):
        return
    if isinstance(contribution, Comment):
        if not contribution.is_official:
            _note(session, TargetType.COMMENT, contribution)
    elif isinstance(contribution, Answer):
        if (contribution.text or "").strip():
            _note(session, TargetType.ANSWER, contribution)
        # Only the features that came with it: never load the collection (a query each).
        for feature in sa.inspect(contribution).dict.get("features", ()):
            _note(session, TargetType.FEATURE, feature)


def _edited(contribution: Any, **_: Any) -> None:
    session = db.session()
    if session.info.get(RUNNING):
        return
    if isinstance(contribution, Comment) and not contribution.is_official:
        if contribution.deleted_at is None:
            _note(session, TargetType.COMMENT, contribution)


def _pending_ids(session: Any) -> dict[TargetType, set[int]]:
    """The ids of what was noted, once flushed; rows gone again (rolled back with a
    savepoint, deleted) are left out."""
    noted = session.info.pop(PENDING, None) or {}
    pending: dict[TargetType, set[int]] = {}
    for target, objects in noted.items():
        ids = {o.id for o in objects if o.id is not None and sa.inspect(o).persistent}
        if ids:
            pending[target] = ids
    return pending


def _mode() -> str:
    return str(current_app.config.get("AUTO_CODING", "background")).lower()


def _before_commit(session: Any) -> None:
    # A savepoint's release (``begin_nested``, used for idempotent writes) is not the commit:
    # what it noted waits for the real one.
    if session.info.get(RUNNING) or not has_app_context() or session.in_nested_transaction():
        return
    session.flush()  # give what was noted its ids
    pending = _pending_ids(session)
    if not pending:
        return
    mode = _mode()
    if mode == "background" and not has_request_context():
        # Commands and imports have no resident waiting: code right here, and never leave
        # work to a daemon thread that dies with the command.
        mode = "sync"
    if mode == "sync":
        from app.analysis_ui.services import code_now

        session.info[RUNNING] = True
        try:
            for target, ids in pending.items():
                code_now(target, sorted(ids))
        finally:
            session.info.pop(RUNNING, None)
    elif mode == "background":
        # Written with the contributions, deleted once coded: a job lost with its worker
        # leaves these rows for the next job or ``flask analysis sweep``.
        session.add_all(
            PendingCoding(target_type=target, target_id=target_id)
            for target, ids in pending.items()
            for target_id in sorted(ids)
        )
        enqueue("app.analysis_ui.services.code_pending", coalesce=True)


def _after_rollback(session: Any) -> None:
    session.info.pop(PENDING, None)


def register_auto_coding() -> None:
    """Subscribe to new and edited contributions; listen on the application's session for
    its commit and rollback (once per process)."""
    global _registered
    register_jobs()
    contribution_created.connect(_created)
    contribution_edited.connect(_edited)
    if _registered:
        return
    sa.event.listen(db.session, "before_commit", _before_commit)

    def after_soft_rollback(session: Any, previous: Any) -> None:
        if previous.parent is None:  # the outermost transaction
            _after_rollback(session)

    sa.event.listen(db.session, "after_soft_rollback", after_soft_rollback)
    _registered = True
