"""Reads for exports: resolve a scope and load its rows in a few bulk queries.

Exports of 20,000 responses must stay fast, so answers and map features are read as plain
row tuples (no ORM objects per answer); surveys, questions, options and comments, which are
few, are ORM objects with their relations eagerly loaded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts.models import Participant, User
from app.comments.models import Comment, CommentStatus
from app.exports.models import ExportJob, JobStatus
from app.extensions import db
from app.projects.models import Activity, Project, Stage
from app.surveys.models import (
    DEMOGRAPHIC_TYPES,
    Answer,
    AnswerFeature,
    Question,
    QuestionOption,
    Response,
    Survey,
)

SCOPE_TYPES = ("survey", "stage", "project")


class ScopeNotFound(LookupError):
    """The survey, stage or project does not exist."""


@dataclass
class Scope:
    """What an export covers: one survey, one stage or a whole project."""

    type: str
    obj: Survey | Stage | Project
    project: Project | None
    stages: list[Stage]
    surveys: list[Survey]

    @property
    def organization_id(self) -> int:
        if isinstance(self.obj, Project):
            return self.obj.organization_id
        if isinstance(self.obj, Stage):
            return self.obj.project.organization_id
        return self.obj.organization_id

    @property
    def stage(self) -> Stage | None:
        return self.obj if isinstance(self.obj, Stage) else None

    @property
    def key(self) -> str:
        return f"{self.type}-{self.obj.id}"


def resolve_scope(scope_type: str, scope_id: int) -> Scope:
    """Load the scope object and the stages and surveys it covers. Raises ScopeNotFound."""
    if scope_type not in SCOPE_TYPES:
        raise ScopeNotFound(scope_type)
    if scope_type == "survey":
        survey = db.session.get(Survey, scope_id)
        if survey is None:
            raise ScopeNotFound(f"survey {scope_id}")
        stage = survey.activity.stage if survey.activity else None
        return Scope(
            "survey",
            survey,
            stage.project if stage else None,
            [stage] if stage else [],
            [survey],
        )
    if scope_type == "stage":
        stage = db.session.get(Stage, scope_id)
        if stage is None:
            raise ScopeNotFound(f"stage {scope_id}")
        return Scope("stage", stage, stage.project, [stage], _surveys_of([stage]))
    project = db.session.get(Project, scope_id)
    if project is None:
        raise ScopeNotFound(f"project {scope_id}")
    stages = list(project.stages)
    return Scope("project", project, project, stages, _surveys_of(stages))


def scope_title(scope_type: str | None, scope_id: Any) -> str:
    """What an export covers, in words ("Survey: Parkenkäten"), never "survey 2"."""
    from flask_babel import gettext as _

    from app.core.i18n import tr

    try:
        scope = resolve_scope(str(scope_type), int(scope_id))
    except (ScopeNotFound, TypeError, ValueError):
        return ""
    title = tr(scope.obj.title)
    if scope.type == "survey":
        return _("Survey: %(title)s", title=title)
    if scope.type == "stage":
        return _("Stage: %(title)s", title=title)
    return _("Project: %(title)s", title=title)


def _surveys_of(stages: list[Stage]) -> list[Survey]:
    if not stages:
        return []
    stmt = (
        db.select(Survey)
        .join(Activity, Activity.survey_id == Survey.id)
        .join(Stage, Stage.id == Activity.stage_id)
        .where(Activity.stage_id.in_([s.id for s in stages]))
        .order_by(Stage.position, Activity.position)
    )
    return list(db.session.scalars(stmt).unique())


@dataclass(frozen=True, slots=True)
class ResponseRow:
    id: int
    survey_id: int
    participant_id: int | None
    submitted_at: datetime
    language: str
    channel: str


@dataclass(frozen=True, slots=True)
class FeatureRow:
    id: int
    answer_id: int
    response_id: int
    question_id: int
    category_id: int | None
    comment: str | None
    geometry: dict[str, Any] | None
    participant_id: int | None
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class PersonRow:
    """What the platform knows about a participant (personal data)."""

    nickname: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class PhotoRef:
    """A contribution's photo in a staff export: the full size's address (from ``BASE_URL``;
    the photo route still decides who may open it) and the resident's description."""

    url: str
    alt: str


@dataclass
class Dataset:
    """Everything an export of a scope needs, loaded once."""

    scope: Scope
    questions: dict[int, list[Question]]
    options: dict[int, QuestionOption]
    responses: dict[int, list[ResponseRow]]
    #: response id → question id → (value, text)
    answers: dict[int, dict[int, tuple[Any, str | None]]]
    #: answer id of each (response id, question id), for codings of free-text answers.
    answer_ids: dict[tuple[int, int], int]
    features: list[FeatureRow]
    comments: list[Comment]
    people: dict[int, PersonRow] = field(default_factory=dict)
    #: contribution id ("F12", "C5") → its photo; loaded with the people (staff exports).
    photos: dict[str, PhotoRef] = field(default_factory=dict)
    stage_of_survey: dict[int, int | None] = field(default_factory=dict)

    @property
    def all_responses(self) -> list[ResponseRow]:
        return [r for rows in self.responses.values() for r in rows]

    def question(self, question_id: int) -> Question | None:
        for questions in self.questions.values():
            for q in questions:
                if q.id == question_id:
                    return q
        return None


def load_dataset(
    scope: Scope,
    *,
    include_comments: bool = True,
    include_responses: bool = True,
    include_hidden: bool = False,
    include_people: bool = False,
    only_text_answers: bool = False,
) -> Dataset:
    """Load the scope's surveys, responses, answers, map features and comments.

    Hidden and pending comments are loaded only with ``include_hidden``; participants'
    nicknames and emails, and the photos of comments and marked places, only with
    ``include_people``. Summaries and reports need only the
    answers that carry text plus the demographic ones (``only_text_answers``), which is
    most of the reading time saved on large surveys.
    """
    survey_ids = [s.id for s in scope.surveys]
    questions: dict[int, list[Question]] = {}
    options: dict[int, QuestionOption] = {}
    if survey_ids:
        rows = db.session.scalars(
            db.select(Question)
            .where(Question.survey_id.in_(survey_ids))
            .options(selectinload(Question.options))
            .order_by(Question.survey_id, Question.page, Question.position, Question.id)
        )
        for q in rows:
            questions.setdefault(q.survey_id, []).append(q)
            for o in q.options:
                options[o.id] = o
    for sid in survey_ids:
        questions.setdefault(sid, [])

    responses: dict[int, list[ResponseRow]] = {sid: [] for sid in survey_ids}
    answers: dict[int, dict[int, tuple[Any, str | None]]] = defaultdict(dict)
    answer_ids: dict[tuple[int, int], int] = {}
    features: list[FeatureRow] = []
    if survey_ids and include_responses:
        for r in db.session.execute(
            sa.select(
                Response.id,
                Response.survey_id,
                Response.participant_id,
                Response.submitted_at,
                Response.language,
                Response.channel,
            )
            .where(Response.survey_id.in_(survey_ids))
            .order_by(Response.submitted_at, Response.id)
        ):
            responses[r.survey_id].append(
                ResponseRow(
                    r.id, r.survey_id, r.participant_id, r.submitted_at, r.language, str(r.channel)
                )
            )
        answer_stmt = (
            sa.select(Answer.id, Answer.response_id, Answer.question_id, Answer.value, Answer.text)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.survey_id.in_(survey_ids))
        )
        if only_text_answers:
            demographic = [
                q.id for qs in questions.values() for q in qs if q.type in DEMOGRAPHIC_TYPES
            ]
            answer_stmt = answer_stmt.where(
                sa.or_(Answer.text.is_not(None), Answer.question_id.in_(demographic))
            )
        for a in db.session.execute(answer_stmt):
            answers[a.response_id][a.question_id] = (a.value, a.text)
            answer_ids[(a.response_id, a.question_id)] = a.id
        for f in db.session.execute(
            sa.select(
                AnswerFeature.id,
                AnswerFeature.answer_id,
                Answer.response_id,
                Answer.question_id,
                AnswerFeature.category_id,
                AnswerFeature.comment,
                AnswerFeature.geometry,
                Response.participant_id,
                Response.submitted_at,
            )
            .join(Answer, Answer.id == AnswerFeature.answer_id)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.survey_id.in_(survey_ids))
            .order_by(Answer.response_id, Answer.question_id, AnswerFeature.position)
        ):
            features.append(FeatureRow(*f))

    comments: list[Comment] = []
    if include_comments and scope.type != "survey" and scope.stages:
        stmt = (
            db.select(Comment)
            .where(Comment.stage_id.in_([s.id for s in scope.stages]))
            .options(selectinload(Comment.author_user))
            .order_by(Comment.created_at, Comment.id)
        )
        if not include_hidden:
            stmt = stmt.where(Comment.status == CommentStatus.PUBLISHED)
        comments = list(db.session.scalars(stmt))

    people: dict[int, PersonRow] = {}
    if include_people:
        ids = {r.participant_id for rows in responses.values() for r in rows}
        ids |= {c.participant_id for c in comments}
        ids.discard(None)
        if ids:
            for pid, nickname, email in db.session.execute(
                sa.select(Participant.id, Participant.nickname, User.email)
                .outerjoin(User, User.id == Participant.user_id)
                .where(Participant.id.in_(ids))
            ):
                people[pid] = PersonRow(nickname, email)
    photos = _photos(survey_ids if include_responses else [], comments) if include_people else {}

    stage_of_survey = {
        s.id: (s.activity.stage_id if s.activity is not None else None) for s in scope.surveys
    }
    return Dataset(
        scope=scope,
        questions=questions,
        options=options,
        responses=responses,
        answers=dict(answers),
        answer_ids=answer_ids,
        features=features,
        comments=comments,
        people=people,
        photos=photos,
        stage_of_survey=stage_of_survey,
    )


def _photos(survey_ids: list[int], comments: list[Comment]) -> dict[str, PhotoRef]:
    """The photos of the surveys' marked places and of the comments that still show one (a
    hidden or deleted comment's photo is nobody's: its link would only answer 404)."""
    from app.comments.photos.models import Photo
    from app.core.mail import external_url
    from app.surveys.models import MarkingPhoto

    out: dict[str, PhotoRef] = {}
    if survey_ids:
        for feature_id, photo_id, token, alt in db.session.execute(
            sa.select(
                MarkingPhoto.feature_id, MarkingPhoto.id, MarkingPhoto.token, MarkingPhoto.alt
            )
            .join(AnswerFeature, AnswerFeature.id == MarkingPhoto.feature_id)
            .join(Answer, Answer.id == AnswerFeature.answer_id)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.survey_id.in_(survey_ids))
        ):
            url = external_url("surveys.marking_photo", photo_id=photo_id, token=token, size="full")
            out[f"F{feature_id}"] = PhotoRef(url, alt or "")
    showing = {c.id for c in comments if c.deleted_at is None and c.status != CommentStatus.HIDDEN}
    if showing:
        stage_ids = {c.stage_id for c in comments}
        for comment_id, photo_id, token, alt in db.session.execute(
            sa.select(Photo.comment_id, Photo.id, Photo.token, Photo.alt)
            .join(Comment, Comment.id == Photo.comment_id)
            .where(
                Comment.stage_id.in_(stage_ids),
                Photo.removed_at.is_(None),
                Photo.path.is_not(None),
            )
        ):
            if comment_id in showing:
                url = external_url("photos.image", photo_id=photo_id, token=token, size="full")
                out[f"C{comment_id}"] = PhotoRef(url, alt or "")
    return out


def demographics_by_participant(data: Dataset) -> dict[str, dict[str, str]]:
    """Each participant's demographic answers as option codes: {"age_band": "20-29", ...}.

    Responses without a participant count as their own participant ("response:<id>").
    """
    out: dict[str, dict[str, str]] = {}
    for survey_id, rows in data.responses.items():
        demo_questions = [q for q in data.questions[survey_id] if q.type in DEMOGRAPHIC_TYPES]
        for r in rows:
            key = participant_key(r.participant_id, f"response:{r.id}")
            entry = out.setdefault(key, {})
            for q in demo_questions:
                value = data.answers.get(r.id, {}).get(q.id, (None, None))[0]
                option = data.options.get(value) if isinstance(value, int) else None
                if option is not None:
                    entry[str(q.type)] = option.code or option_label(option)
    return out


def participant_key(participant_id: int | None, fallback: str) -> str:
    return f"p{participant_id}" if participant_id is not None else fallback


def option_label(option: QuestionOption, lang: str = "sv") -> str:
    from app.core.models import translated

    return translated(option.label, lang) or option.code or str(option.id)


def project_export(project: Project) -> ExportJob | None:
    """The newest finished export of the whole project's responses and comments, or None.
    An archived project may be deleted only once such an export exists (public records)."""
    jobs = db.session.scalars(
        sa.select(ExportJob)
        .where(
            ExportJob.organization_id == project.organization_id,
            ExportJob.kind == "responses",
            ExportJob.status == JobStatus.DONE,
        )
        .order_by(ExportJob.id.desc())
    )
    for job in jobs:
        params = job.params or {}
        if params.get("scope_type") == "project" and str(params.get("scope_id")) == str(project.id):
            return job
    return None
