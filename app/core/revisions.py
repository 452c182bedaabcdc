"""Revision stamps that let a process cache what staff rarely change, exactly.

Each stamp names a group of tables. Any ORM flush that adds, changes or deletes a row of one
of the group's models gives the stamp a new random value in the same transaction; a reader
checks the stamp (one tiny query) and rebuilds its cached copy when it differs. Because the
new stamp commits together with the change, a cache keyed on it is never older than what the
reader's transaction could see, in any worker on any machine. Random values rather than a
counter: a database that is reset or restored never brings an old stamp back to a worker
that still holds a copy made under it. Without a stamp row (a new database) nothing is cached.

Writes that bypass the ORM (``sa.update``/``sa.delete`` on these tables) must call
``bump`` themselves; today there are none.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base

#: The survey a resident answers, as the submission path caches it: the survey, its
#: questions and options, its activity, stage, project and organization.
SURVEYS = "surveys"


class CacheRevision(Base):
    __tablename__ = "cache_revisions"

    key: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    revision: Mapped[int] = mapped_column(sa.BigInteger, default=0)


_TABLE = CacheRevision.__table__
_READ = sa.select(_TABLE.c.revision).where(_TABLE.c.key == sa.bindparam("key"))


_WATCHED: dict[type[Any], str] = {}


def _watched() -> dict[type[Any], str]:
    if not _WATCHED:
        from app.organizations.models import Organization
        from app.projects.models import Activity, Project, Stage
        from app.surveys.models import Question, QuestionOption, Survey

        for model in (Organization, Project, Stage, Activity, Survey, Question, QuestionOption):
            _WATCHED[model] = SURVEYS
    return _WATCHED


def current(session: Any, key: str) -> int | None:
    """The stamp as this transaction sees it; None before the first change."""
    value = session.execute(_READ, {"key": key}).scalar()
    return None if value is None else int(value)


def bump(session: Any, key: str) -> None:
    """Give ``key`` a new stamp in the session's transaction (creating the row when missing)."""
    connection = session.connection()
    stamp = secrets.randbits(62) + 1
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
        statement = (
            insert(_TABLE)
            .values(key=key, revision=stamp)
            .on_conflict_do_update(index_elements=[_TABLE.c.key], set_={"revision": stamp})
        )
        connection.execute(statement)
        return
    updated = connection.execute(
        sa.update(_TABLE).where(_TABLE.c.key == key).values(revision=stamp)
    )
    if not updated.rowcount:
        connection.execute(sa.insert(_TABLE).values(key=key, revision=stamp))


def _after_flush(session: Any, _context: Any) -> None:
    watched = _watched()
    keys = {
        watched[type(obj)]
        for group in (session.new, session.dirty, session.deleted)
        for obj in group
        if type(obj) in watched
    }
    for key in sorted(keys):
        bump(session, key)


_registered = False


def register_revisions(session: Any) -> None:
    """Listen on the application's session (once per process)."""
    global _registered
    if _registered:
        return
    sa.event.listen(session, "after_flush", _after_flush)
    _registered = True
