"""Reads for the staff pages: loading objects with a permission check, the dashboard
figures (aggregated, a fixed number of queries whatever the number of projects) and the
audit log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.accounts.participants import current_actor
from app.audit.models import AuditEvent
from app.comments.models import Comment, CommentStatus, Flag
from app.core.models import utcnow
from app.core.permissions import Action, Actor, allow_or_abort, can
from app.exports.models import ExportJob, JobStatus
from app.extensions import db
from app.organizations.models import Membership, Organization
from app.projects.models import Activity, Document, Project, ProjectPartner, Stage, status_order
from app.surveys.models import Response

TREND_DAYS = 14
CLOSING_DAYS = 14
AUDIT_PAGE_SIZE = 50
EXPORT_DAYS = 7
EDIT = (Action.MANAGE_PROJECT,)


def _allow(obj: Any, actions: tuple[Action, ...]) -> Any:
    """Abort unless the current user may take one of ``actions`` on ``obj`` (404 for other
    organizations' objects, 403 without the right; ``permissions.allow_or_abort``)."""
    return allow_or_abort(current_actor(), obj, actions)


def load_project(project_id: int, *actions: Action) -> Project:
    found: Project = _allow(
        db.session.get(Project, project_id), actions or (Action.MANAGE_PROJECT,)
    )
    return found


def load_stage(stage_id: int, *actions: Action) -> Stage:
    found: Stage = _allow(db.session.get(Stage, stage_id), actions or EDIT)
    return found


def load_activity(activity_id: int, *actions: Action) -> Activity:
    found: Activity = _allow(
        db.session.get(Activity, activity_id), actions or (Action.MANAGE_PROJECT,)
    )
    return found


def preload_tree(project: Project) -> None:
    """Load the project's stages with their activities, documents and partners at once,
    so the overview and stage pages make no query per stage or partner."""
    db.session.scalars(
        db.select(Project)
        .where(Project.id == project.id)
        .options(
            selectinload(Project.stages).selectinload(Stage.activities),
            selectinload(Project.documents),
            selectinload(Project.partners).joinedload(ProjectPartner.organization),
        )
    ).unique().all()


_Child = TypeVar("_Child", Document, ProjectPartner)


def load_child(model: type[_Child], project: Project, obj_id: int) -> _Child:
    """A document or partner of ``project`` (404 when it belongs to another project)."""
    obj = db.session.get(model, obj_id)
    if obj is None or obj.project_id != project.id:
        abort(404)
    return obj


# --- organizations -------------------------------------------------------------------------


def staff_organizations(user: User | None) -> list[Organization]:
    """The organizations whose dashboard ``user`` may see (all of them for a superadmin)."""
    if user is None:
        return []
    query = db.select(Organization).order_by(Organization.name)
    if not user.is_superadmin:
        query = query.where(
            Organization.id.in_(
                db.select(Membership.organization_id).where(Membership.user_id == user.id)
            )
        )
    actor = Actor(user)
    return [org for org in db.session.scalars(query) if can(actor, Action.VIEW_DASHBOARD, org)]


def choose_organization(
    user: User | None, slug: str | None
) -> tuple[Organization, list[Organization]]:
    """The organization asked for by ``slug`` (or the first one) and all the user's ones.

    Aborts with 403 when the user staffs none, 404 for an organization they do not staff.
    """
    organizations = staff_organizations(user)
    if not organizations:
        abort(403)
    if slug:
        chosen = next((o for o in organizations if o.slug == slug), None)
        if chosen is None:
            abort(404)
        return chosen, organizations
    return organizations[0], organizations


# --- dashboard -----------------------------------------------------------------------------


@dataclass
class RoundRow:
    stage: Stage
    responses: int = 0
    comments: int = 0
    trend: list[int] = field(default_factory=lambda: [0] * TREND_DAYS)

    @property
    def trend_total(self) -> int:
        return sum(self.trend)


@dataclass
class ProjectRow:
    project: Project
    flags: int = 0
    awaiting_answer: int = 0
    pending: int = 0


@dataclass
class Dashboard:
    organization: Organization
    projects: list[ProjectRow]
    rounds: list[RoundRow]
    closing: list[Stage]
    flags: int
    awaiting_answer: int
    trend_days: list[date]
    pending: int = 0
    #: The viewing user's finished exports of this organization (last ``EXPORT_DAYS`` days).
    exports_ready: int = 0


def _day(column: Any) -> Any:
    """Truncate a timestamp to its UTC day, portably (SQLite has no date type)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.date(column)
    return sa.cast(sa.func.timezone("UTC", column), sa.Date)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _answer_missing() -> Any:
    """Comments staff marked as needing an official answer that have none yet."""
    official = sa.orm.aliased(Comment)
    return sa.and_(
        Comment.needs_answer.is_(True),
        Comment.answered_at.is_(None),
        Comment.deleted_at.is_(None),
        Comment.status != CommentStatus.HIDDEN,
        ~sa.exists().where(official.parent_id == Comment.id, official.is_official.is_(True)),
    )


def build_dashboard(organization: Organization, user: User | None = None) -> Dashboard:
    """Everything the dashboard shows for one organization, in nine queries."""
    now = utcnow()
    projects = list(
        db.session.scalars(
            db.select(Project)
            .where(Project.organization_id == organization.id)
            .options(selectinload(Project.stages))
            .order_by(status_order(), Project.updated_at.desc())
        )
    )
    project_ids = [p.id for p in projects]
    stages = [s for p in projects for s in p.stages]

    flag_counts = dict(
        db.session.execute(
            db.select(Stage.project_id, sa.func.count(Flag.id))
            .join(Comment, Comment.id == Flag.comment_id)
            .join(Stage, Stage.id == Comment.stage_id)
            .where(Stage.project_id.in_(project_ids), Flag.resolved_at.is_(None))
            .group_by(Stage.project_id)
        ).all()
    )
    answer_counts = dict(
        db.session.execute(
            db.select(Stage.project_id, sa.func.count(Comment.id))
            .join(Stage, Stage.id == Comment.stage_id)
            .where(Stage.project_id.in_(project_ids), _answer_missing())
            .group_by(Stage.project_id)
        ).all()
    )
    pending_counts = dict(
        db.session.execute(
            db.select(Stage.project_id, sa.func.count(Comment.id))
            .join(Stage, Stage.id == Comment.stage_id)
            .where(
                Stage.project_id.in_(project_ids),
                Comment.status == CommentStatus.PENDING,
                Comment.deleted_at.is_(None),
            )
            .group_by(Stage.project_id)
        ).all()
    )
    rows = [
        ProjectRow(
            p,
            int(flag_counts.get(p.id, 0)),
            int(answer_counts.get(p.id, 0)),
            int(pending_counts.get(p.id, 0)),
        )
        for p in projects
    ]
    exports_ready = 0
    if user is not None:
        exports_ready = int(
            db.session.scalar(
                db.select(sa.func.count(ExportJob.id)).where(
                    ExportJob.organization_id == organization.id,
                    ExportJob.user_id == user.id,
                    ExportJob.status == JobStatus.DONE,
                    ExportJob.finished_at >= now - timedelta(days=EXPORT_DAYS),
                )
            )
            or 0
        )

    # A round is open when residents can take part now: a published project, a stage that
    # has started and not ended, and that was given dates or made current.
    open_stages = [
        s
        for s in stages
        if s.project.is_published and s.is_open and (s.opens_at or s.closes_at or s.is_current)
    ]
    rounds = {s.id: RoundRow(s) for s in open_stages}
    first_day = now.date() - timedelta(days=TREND_DAYS - 1)
    days = [first_day + timedelta(days=i) for i in range(TREND_DAYS)]
    if rounds:
        ids = list(rounds)
        for stage_id, count in db.session.execute(
            db.select(Activity.stage_id, sa.func.count(Response.id))
            .join(Response, Response.survey_id == Activity.survey_id)
            .where(Activity.stage_id.in_(ids))
            .group_by(Activity.stage_id)
        ):
            rounds[stage_id].responses = int(count)
        for stage_id, count in db.session.execute(
            db.select(Comment.stage_id, sa.func.count(Comment.id))
            .where(Comment.stage_id.in_(ids), Comment.deleted_at.is_(None))
            .group_by(Comment.stage_id)
        ):
            rounds[stage_id].comments = int(count)
        day = _day(Response.submitted_at)
        since = datetime.combine(first_day, datetime.min.time(), tzinfo=now.tzinfo)
        for stage_id, when, count in db.session.execute(
            db.select(Activity.stage_id, day, sa.func.count(Response.id))
            .join(Response, Response.survey_id == Activity.survey_id)
            .where(Activity.stage_id.in_(ids), Response.submitted_at >= since)
            .group_by(Activity.stage_id, day)
        ):
            index = (_as_date(when) - first_day).days
            if 0 <= index < TREND_DAYS:
                rounds[stage_id].trend[index] += int(count)

    horizon = now + timedelta(days=CLOSING_DAYS)
    closing = sorted(
        (s for s in stages if s.closes_at is not None and now < s.closes_at <= horizon),
        key=lambda s: s.closes_at or now,
    )
    return Dashboard(
        organization=organization,
        projects=rows,
        rounds=sorted(rounds.values(), key=lambda r: r.stage.closes_at or horizon),
        closing=closing,
        flags=sum(r.flags for r in rows),
        awaiting_answer=sum(r.awaiting_answer for r in rows),
        trend_days=days,
        pending=sum(r.pending for r in rows),
        exports_ready=exports_ready,
    )


def sparkline_points(values: list[int], width: int = 112, height: int = 24) -> str:
    """SVG polyline points for a small trend chart (scaled to the largest value)."""
    if not values:
        return ""
    top = max(values) or 1
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{round(i * step, 1)},{round(height - 2 - (v / top) * (height - 4), 1)}"
        for i, v in enumerate(values)
    )


# --- audit log -----------------------------------------------------------------------------


@dataclass
class AuditPage:
    events: list[AuditEvent]
    actors: dict[int, User]
    page: int
    pages: int
    total: int


def _audit_conditions(
    organization: Organization,
    prefix: str | None,
    actor_id: int | None,
    since: datetime | None,
    until: datetime | None,
) -> list[Any]:
    conditions = [AuditEvent.organization_id == organization.id]
    if prefix:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(AuditEvent.action.like(f"{escaped}%", escape="\\"))
    if actor_id is not None:
        conditions.append(AuditEvent.actor_user_id == actor_id)
    if since is not None:
        conditions.append(AuditEvent.created_at >= since)
    if until is not None:
        conditions.append(AuditEvent.created_at < until)
    return conditions


#: The most rows one CSV export of the audit log holds (narrow the dates for more).
AUDIT_EXPORT_LIMIT = 100_000


def all_audit_events(
    organization: Organization,
    *,
    prefix: str | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditPage:
    """Every matching audit event (up to ``AUDIT_EXPORT_LIMIT``), newest first, for export."""
    conditions = _audit_conditions(organization, prefix, actor_id, since, until)
    events = list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(*conditions)
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(AUDIT_EXPORT_LIMIT)
        )
    )
    actor_ids = {e.actor_user_id for e in events if e.actor_user_id is not None}
    actors = (
        {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(actor_ids)))}
        if actor_ids
        else {}
    )
    return AuditPage(events, actors, 1, 1, len(events))


def audit_events(
    organization: Organization,
    *,
    prefix: str | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
) -> AuditPage:
    """The organization's audit events, newest first, filtered and paginated."""
    conditions = _audit_conditions(organization, prefix, actor_id, since, until)
    total = int(db.session.scalar(db.select(sa.func.count(AuditEvent.id)).where(*conditions)) or 0)
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    page = min(max(page, 1), pages)
    events = list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(*conditions)
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(AUDIT_PAGE_SIZE)
            .offset((page - 1) * AUDIT_PAGE_SIZE)
        )
    )
    actor_ids = {e.actor_user_id for e in events if e.actor_user_id is not None}
    actors = (
        {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(actor_ids)))}
        if actor_ids
        else {}
    )
    return AuditPage(events, actors, page, pages, total)


def organization_staff(organization: Organization) -> list[User]:
    """Staff members of ``organization`` (for the audit log's actor filter)."""
    return list(
        db.session.scalars(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == organization.id)
            .order_by(User.email)
        )
    )
