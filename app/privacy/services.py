"""GDPR by design: a participant's own data, erasure on request, and retention.

The audit log keeps the fact of an erasure or a retention run (counts, ids), never the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.accounts.models import Participant, User
from app.analysis_ui.models import Coding, TargetType
from app.audit.services import record
from app.comments.models import Comment, Flag, Support
from app.comments.photos.services import delete_of_comments as delete_photos
from app.comments.services import comments_changed
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import ErasureMode, Organization
from app.privacy.storage import (
    checkpoint_after_commit,
    delete_exports_of_projects,
    project_ids_of,
)
from app.projects.models import Activity, Project, Stage
from app.surveys.models import Answer, AnswerFeature, Response, Survey
from app.surveys.photos import delete_of_responses as delete_marking_photos


@dataclass
class ErasureReport:
    responses: int = 0
    comments: int = 0
    participants: int = 0
    supports: int = 0
    flags: int = 0
    exports: int = 0
    #: Texts from which personal data was redacted (method "redact").
    redacted: int = 0
    organizations: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "responses": self.responses,
            "comments": self.comments,
            "participants": self.participants,
            "supports": self.supports or None,
            "flags": self.flags or None,
            "exports": self.exports or None,
        }


def preview_erasure(participant: Participant, organization: Organization) -> dict[str, Any]:
    """What an erasure for ``organization`` would touch: counts within that organization
    only (an admin learns nothing about the person's contributions elsewhere)."""
    responses = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            _response_scope(organization.id)
            .where(Response.participant_id == participant.id)
            .subquery()
        )
    )
    comments = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            _comment_scope(organization.id)
            .where(Comment.participant_id == participant.id)
            .subquery()
        )
    )
    return {
        "responses": int(responses or 0),
        "comments": int(comments or 0),
        "mode": organization.erasure_mode.value,
        "method": default_method(organization),
        "texts": texts_to_erase(participant, organization),
    }


def default_method(organization: Organization) -> str:
    """The organization's setting as a per-request choice: remove → delete, anonymise →
    redact (the personal data leaves the text, the rest stays unlinked)."""
    return "delete" if organization.erasure_mode == ErasureMode.REMOVE else "redact"


def _texts_in_scope(
    participant: Participant, organization: Organization
) -> tuple[list[Comment], list[Answer]]:
    comments = list(
        db.session.scalars(
            sa.select(Comment).where(
                Comment.id.in_(
                    _comment_scope(organization.id).where(Comment.participant_id == participant.id)
                ),
                Comment.body != "",
            )
        )
    )
    answers = list(
        db.session.scalars(
            sa.select(Answer).where(
                Answer.response_id.in_(
                    _response_scope(organization.id).where(
                        Response.participant_id == participant.id
                    )
                ),
                Answer.text.is_not(None),
                Answer.text != "",
            )
        )
    )
    return comments, answers


def texts_to_erase(participant: Participant, organization: Organization) -> list[dict[str, Any]]:
    """The text of each contribution an erasure would touch (within the organization), for
    the admin to read before choosing between delete and redact."""
    comments, answers = _texts_in_scope(participant, organization)
    texts = [{"kind": "comment", "id": c.id, "text": c.body} for c in comments]
    texts += [{"kind": "answer", "id": a.id, "text": a.text} for a in answers]
    return texts


def _redact_texts(
    participant: Participant, organization: Organization, extra: Sequence[str], actor: Any
) -> int:
    """Remove the personal data (and ``extra`` words) from the contributions' text with the
    redaction service; returns how many texts changed."""
    from app.core import pii
    from app.moderation import redaction

    comments, answers = _texts_in_scope(participant, organization)
    changed = 0
    contributions: list[Comment | Answer] = [*comments, *answers]
    for contribution in contributions:
        text = redaction.text_of(contribution)
        spans = [(m.start, m.end) for m in pii.find(text)]
        for words in extra:
            spans += redaction.spans_of(text, words)
        if spans:
            redaction.redact(contribution, spans, actor, "erasure request", audit=False)
            changed += 1
    return changed


def _remove_supports_and_flags(participant: Participant) -> tuple[int, int]:
    """Delete the participant's supports and flags (with their notes), keeping the comments'
    counters true. Returns (supports, flags)."""
    counts: dict[str, int] = {}
    for model, counter in ((Support, Comment.supports_count), (Flag, Comment.flags_count)):
        per_comment = db.session.execute(
            sa.select(model.comment_id, sa.func.count())
            .where(model.participant_id == participant.id)
            .group_by(model.comment_id)
        ).all()
        for comment_id, n in per_comment:
            db.session.execute(
                sa.update(Comment)
                .where(Comment.id == comment_id)
                .values({counter.key: sa.case((counter >= n, counter - n), else_=0)})
            )
        db.session.execute(sa.delete(model).where(model.participant_id == participant.id))
        counts[model.__tablename__] = sum(n for _id, n in per_comment)
    return counts["supports"], counts["flags"]


def _response_scope(org_id: int | None = None) -> sa.Select[Any]:
    """Responses joined to the organization that owns their survey."""
    query = sa.select(Response.id).join(Survey, Survey.id == Response.survey_id)
    if org_id is not None:
        query = query.where(Survey.organization_id == org_id)
    return query


def _comment_scope(org_id: int | None = None) -> sa.Select[Any]:
    query = sa.select(Comment.id).join(Stage, Stage.id == Comment.stage_id)
    if org_id is not None:
        query = query.join(Project, Project.id == Stage.project_id).where(
            Project.organization_id == org_id
        )
    return query


def participant_data(participant: Participant) -> dict[str, Any]:
    """Everything stored about ``participant``'s contributions, for download (Art. 15/20)."""
    responses = db.session.scalars(
        sa.select(Response).where(Response.participant_id == participant.id).order_by(Response.id)
    ).all()
    comments = db.session.scalars(
        sa.select(Comment)
        .where(Comment.participant_id == participant.id, Comment.deleted_at.is_(None))
        .order_by(Comment.id)
    ).all()
    return {
        "participant": {
            "nickname": participant.nickname,
            "account_email": participant.user.email if participant.user else None,
            "first_seen": participant.created_at.isoformat(),
        },
        "responses": [
            {
                "id": r.id,
                "survey_id": r.survey_id,
                "submitted_at": r.submitted_at.isoformat(),
                "language": r.language,
                "answers": [
                    {
                        "question_id": a.question_id,
                        "value": a.value,
                        "text": a.text,
                        "features": [
                            {
                                "geometry": f.geometry,
                                "category_id": f.category_id,
                                "comment": f.comment,
                            }
                            for f in a.features
                        ],
                    }
                    for a in r.answers
                ],
            }
            for r in responses
        ],
        "comments": [
            {
                "id": c.id,
                "stage_id": c.stage_id,
                "parent_id": c.parent_id,
                "body": c.body,
                "geometry": c.geometry,
                "status": c.status.value,
                "created_at": c.created_at.isoformat(),
            }
            for c in comments
        ],
        "follows": _follows_data(participant),
    }


def _follows_data(participant: Participant) -> list[dict[str, Any]]:
    from app.follow.services import follows_data

    return follows_data(participant)


def _delete_codings(target: TargetType, ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        db.session.execute(
            sa.delete(Coding).where(Coding.target_type == target, Coding.target_id.in_(ids))
        )


def _remove_responses(response_ids: list[int]) -> None:
    if not response_ids:
        return
    answer_ids = db.session.scalars(
        sa.select(Answer.id).where(Answer.response_id.in_(response_ids))
    ).all()
    feature_ids = (
        db.session.scalars(
            sa.select(AnswerFeature.id).where(AnswerFeature.answer_id.in_(answer_ids))
        ).all()
        if answer_ids
        else []
    )
    _delete_codings(TargetType.ANSWER, answer_ids)
    _delete_codings(TargetType.FEATURE, feature_ids)
    delete_marking_photos(response_ids)
    for response in db.session.scalars(sa.select(Response).where(Response.id.in_(response_ids))):
        db.session.delete(response)


def _remove_comments(comment_ids: list[int]) -> None:
    """Delete as the author would: the text and photo go, the thread keeps its place."""
    if not comment_ids:
        return
    delete_photos(comment_ids)
    _delete_codings(TargetType.COMMENT, comment_ids)
    stage_ids = db.session.scalars(
        sa.select(Comment.stage_id).where(Comment.id.in_(comment_ids)).distinct()
    ).all()
    for stage_id in sorted(stage_ids):
        comments_changed(stage_id)  # the stage maps drop the comments
    db.session.execute(
        sa.update(Comment)
        .where(Comment.id.in_(comment_ids))
        .values(
            body="",
            deleted_at=utcnow(),
            participant_id=None,
            geometry=None,
            min_lon=None,
            min_lat=None,
            max_lon=None,
            max_lat=None,
        )
    )


def _unlink(response_ids: list[int], comment_ids: list[int]) -> None:
    if response_ids:
        db.session.execute(
            sa.update(Response).where(Response.id.in_(response_ids)).values(participant_id=None)
        )
    if comment_ids:
        db.session.execute(
            sa.update(Comment).where(Comment.id.in_(comment_ids)).values(participant_id=None)
        )


def _forget_participant_if_unused(participant: Participant) -> bool:
    """Clear the nickname and mark the participant erased once nothing links to it."""
    linked = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Response)
            .where(Response.participant_id == participant.id)
        )
        or 0
    )
    linked += (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Comment)
            .where(Comment.participant_id == participant.id)
        )
        or 0
    )
    if linked:
        return False
    participant.nickname = None
    participant.erased_at = participant.erased_at or utcnow()
    return True


def _forget_follows(participant: Participant, organization: Organization | None = None) -> int:
    """Followers' addresses go with the rest (in ``organization``'s projects when given)."""
    from app.follow.services import forget_participant

    project_ids = None
    if organization is not None:
        project_ids = list(
            db.session.scalars(
                sa.select(Project.id).where(Project.organization_id == organization.id)
            )
        )
    return forget_participant(participant, project_ids)


def delete_own_contributions(participant: Participant) -> ErasureReport:
    """The participant removes everything they contributed (any organization). Returns counts."""
    response_ids = list(
        db.session.scalars(sa.select(Response.id).where(Response.participant_id == participant.id))
    )
    comment_ids = list(
        db.session.scalars(
            sa.select(Comment.id).where(
                Comment.participant_id == participant.id, Comment.deleted_at.is_(None)
            )
        )
    )
    projects = project_ids_of(response_ids, comment_ids)
    _remove_responses(response_ids)
    _remove_comments(comment_ids)
    supports, flags = _remove_supports_and_flags(participant)
    _forget_follows(participant)
    db.session.flush()
    _forget_participant_if_unused(participant)
    exports = delete_exports_of_projects(projects)
    db.session.flush()
    checkpoint_after_commit()
    _retrain_coder(projects)
    report = ErasureReport(
        responses=len(response_ids),
        comments=len(comment_ids),
        supports=supports,
        flags=flags,
        exports=exports,
    )
    record(
        "privacy.self_delete",
        object_type="participant",
        object_id=participant.id,
        **report.as_dict(),
    )
    return report


def erase_participant(
    participant: Participant,
    organization: Organization,
    *,
    actor: Any,
    method: str | None = None,
    extra: Sequence[str] = (),
) -> ErasureReport:
    """Erase ``participant``'s contributions to ``organization`` on request: ``delete``
    removes them, ``redact`` removes the personal data (and ``extra`` words) from their text
    and keeps them unlinked; without ``method``, as the organization chose (remove →
    delete, anonymise → unlink only). Returns counts (also audited, never the text)."""
    response_ids = list(
        db.session.scalars(
            _response_scope(organization.id).where(Response.participant_id == participant.id)
        )
    )
    comment_ids = list(
        db.session.scalars(
            _comment_scope(organization.id).where(Comment.participant_id == participant.id)
        )
    )
    projects = project_ids_of(response_ids, comment_ids)
    if method is None:
        method = "delete" if organization.erasure_mode == ErasureMode.REMOVE else "unlink"
    redacted = 0
    if method == "delete":
        _remove_responses(response_ids)
        _remove_comments(comment_ids)
    else:
        if method == "redact":
            redacted = _redact_texts(participant, organization, extra, actor)
        # A photo cannot be redacted or unlinked from who is in it: it goes in every case.
        delete_photos(comment_ids)
        delete_marking_photos(response_ids)
        _unlink(response_ids, comment_ids)
    _forget_follows(participant, organization)
    db.session.flush()
    forgotten = _forget_participant_if_unused(participant)
    exports = delete_exports_of_projects(projects)
    db.session.flush()
    checkpoint_after_commit()
    _retrain_coder(projects)
    report = ErasureReport(
        responses=len(response_ids),
        comments=len(comment_ids),
        participants=int(forgotten),
        exports=exports,
    )
    record(
        "privacy.erase",
        actor=actor,
        organization_id=organization.id,
        object_type="participant",
        object_id=participant.id,
        mode=organization.erasure_mode.value,
        method=method,
        redacted=redacted if method == "redact" else None,
        **report.as_dict(),
    )
    report.redacted = redacted
    return report


def _retrain_coder(project_ids: Iterable[int]) -> None:
    """The coder's models learned from reviews are trained again without what was erased,
    and the stored indicators (whose quotes may hold the erased text) are computed again."""
    from app.analysis_ui.learning import retrain_after_erasure
    from app.analysis_ui.models import IndicatorSnapshot
    from app.analysis_ui.services import recompute

    ids = list(project_ids)
    retrain_after_erasure(ids)
    if not ids:
        return
    stages = db.session.scalars(
        sa.select(Stage)
        .join(IndicatorSnapshot, IndicatorSnapshot.stage_id == Stage.id)
        .where(Stage.project_id.in_(ids))
    )
    for stage in stages:
        recompute(stage)


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year = moment.year + month // 12
    month = month % 12 + 1
    days = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return moment.replace(year=year, month=month, day=min(moment.day, days))


def enforce_retention(now: datetime | None = None, *, dry_run: bool = False) -> ErasureReport:
    """Unlink contributions from participants N months after their round closed (N per
    organization), and forget nicknames no longer needed. Idempotent. Returns counts."""
    now = now or utcnow()
    report = ErasureReport()
    touched: set[int] = set()
    for organization in db.session.scalars(sa.select(Organization).order_by(Organization.id)):
        cutoff = add_months(now, -organization.retention_months)
        expired_stages = (
            sa.select(Stage.id)
            .join(Project, Project.id == Stage.project_id)
            .where(
                Project.organization_id == organization.id,
                Stage.closes_at.is_not(None),
                Stage.closes_at <= cutoff,
            )
        )
        expired_surveys = sa.select(Activity.survey_id).where(
            Activity.stage_id.in_(expired_stages), Activity.survey_id.is_not(None)
        )
        response_rows = db.session.execute(
            sa.select(Response.id, Response.participant_id).where(
                Response.survey_id.in_(expired_surveys), Response.participant_id.is_not(None)
            )
        ).all()
        comment_rows = db.session.execute(
            sa.select(Comment.id, Comment.participant_id).where(
                Comment.stage_id.in_(expired_stages), Comment.participant_id.is_not(None)
            )
        ).all()
        counts = {"responses": len(response_rows), "comments": len(comment_rows)}
        report.responses += counts["responses"]
        report.comments += counts["comments"]
        report.organizations[organization.slug] = counts
        touched.update(pid for _id, pid in [*response_rows, *comment_rows] if pid is not None)
        if not dry_run and (response_rows or comment_rows):
            _unlink([r.id for r in response_rows], [c.id for c in comment_rows])
            record(
                "privacy.retention",
                organization_id=organization.id,
                responses=counts["responses"],
                comments=counts["comments"],
            )
    if not dry_run:
        db.session.flush()
        for participant in db.session.scalars(
            sa.select(Participant).where(Participant.id.in_(touched))
        ):
            if _forget_participant_if_unused(participant):
                report.participants += 1
        db.session.flush()
    return report


class StaffAccount(Exception):
    """A member of an organization cannot delete their own account: an administrator does."""


def delete_account(user: User, *, delete_contributions: bool) -> None:
    """Delete a resident's own account, and their contributions when they ask for it; the
    contributions kept lose every link to the person. Raises :class:`StaffAccount` for
    members of an organization and platform administrators."""
    if user.memberships or user.is_superadmin:
        raise StaffAccount()
    participant = db.session.scalar(sa.select(Participant).where(Participant.user_id == user.id))
    if participant is not None:
        if delete_contributions:
            delete_own_contributions(participant)
        else:
            participant.user_id = None
            participant.nickname = None
    record("account.deleted", object_type="user", object_id=user.id)
    db.session.delete(user)
    db.session.flush()
