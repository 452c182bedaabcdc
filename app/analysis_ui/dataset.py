"""The analysis dataset: the one place where ORM rows become inputs of the ``analysis`` package.

Every consumer reads a scope's contributions through this module: the analysis pages, the
indicators API, the dialogue summary, the report draft, partner aggregates and exports. So
every screen and document counts the same things (docs/indicators.md, "Definitions"):

- a *bidrag* (contribution) is a resident's comment, a free-text survey answer or one map
  marking (with its comment, if any). Each has a stable key: "C12" comment 12, "A34" answer 34,
  "F5" map marking 5. A marking's comment belongs to the marking only (never also to the map
  answer), so nothing is counted twice.
- a *deltagare* (participant) is a distinct participant who sent a survey response or wrote a
  comment counted under the options (anonymous responses count one each).

What counts is explicit (:class:`Options`): by default only published comments (what can be
published is what is counted); coding also reads pending ones so they are coded ahead of
moderation. A line or an area is reduced to a place by one rule, :func:`place_of` (shapely's
representative point, which always lies on the line or inside the area).

Everything is read with a handful of bulk queries per scope; nothing loads rows one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from analysis.indicators import AnswerThread, CodedItem, StageInfo
from analysis.models import CodedContribution, Contribution, ThemeAssignment
from analysis.models import PopulationRow as PopRow
from app.analysis_ui.models import Coding, TargetType
from app.comments.models import Comment, CommentStatus, Flag
from app.core.models import translated
from app.extensions import db
from app.organizations.models import PopulationRow
from app.projects.models import Activity, ActivityKind, Project, Stage, StageAction
from app.surveys.models import (
    DEMOGRAPHIC_TYPES,
    Answer,
    AnswerFeature,
    Question,
    QuestionOption,
    Response,
)

PREFIX = {TargetType.COMMENT: "C", TargetType.ANSWER: "A", TargetType.FEATURE: "F"}
TYPE_OF_PREFIX = {v: k for k, v in PREFIX.items()}
#: Resident actions that make a stage "open for dialogue".
DIALOGUE_ACTIONS = {StageAction.RESPOND, StageAction.COMMENT, StageAction.PLACE_ON_MAP}
#: Rows per ``IN (...)`` list: below SQLite's variable limit.
CHUNK = 900


def key_of(target_type: TargetType | str, target_id: int) -> str:
    return f"{PREFIX[TargetType(target_type)]}{target_id}"


def parse_key(key: str) -> tuple[TargetType, int] | None:
    """("C12") → (comment, 12); None for anything else."""
    if len(key) < 2 or key[0] not in TYPE_OF_PREFIX or not key[1:].isdigit():
        return None
    return TYPE_OF_PREFIX[key[0]], int(key[1:])


def participant_key(participant_id: int | None, fallback: str) -> str:
    return f"p{participant_id}" if participant_id is not None else fallback


@dataclass(frozen=True, slots=True)
class Options:
    """What a dataset counts."""

    #: Pending (not yet moderated) comments count too. Only for coding ahead of moderation.
    include_pending: bool = False
    #: Hidden comments too (staff exports that list them; never indicators).
    include_hidden: bool = False
    #: Comments at all (a survey export has none).
    include_comments: bool = True


#: What every figure counts: published content only.
PUBLISHED = Options()
#: What the coder reads: published and pending comments, so both are coded before publishing.
CODING = Options(include_pending=True)


@dataclass(frozen=True, slots=True)
class Item:
    """A contribution (bidrag) with what the app needs besides the analysis record."""

    key: str
    target_type: TargetType
    target_id: int
    stage_id: int
    contribution: Contribution
    supports: int = 0
    #: A published comment with no open flag: may be quoted in any document.
    quotable: bool = False
    #: The question answered (answers and markings); None for comments.
    question_id: int | None = None
    response_id: int | None = None
    #: The question's codebook theme (map features often carry no text).
    theme_hint: str | None = None
    #: The map category's valence hint ("negative" for "Känns otryggt").
    valence_hint: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One act of taking part (a comment or a survey response), for participation counts."""

    participant: str
    at: datetime
    #: How it came in: the comment's or the response's channel (web, offline, kiosk, paper,
    #: and for contributions staff registered, letter, email, meeting).
    channel: str = "web"


@dataclass
class StageData:
    """Everything the indicators of one stage need, read in bulk."""

    stage: Stage | None
    items: list[Item] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    demographics: dict[str, dict[str, str]] = field(default_factory=dict)
    threads: list[AnswerThread] = field(default_factory=list)
    #: Survey responses sent (enkätsvar).
    responses: int = 0

    @property
    def participants(self) -> set[str]:
        """Distinct participants (deltagare): everyone who sent a response or a counted comment."""
        return {e.participant for e in self.events} | {
            it.contribution.participant_id or f"contribution:{it.key}" for it in self.items
        }


ScopeData = StageData


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def place_of(geometry: dict[str, Any] | None) -> tuple[float | None, float | None]:
    """(lon, lat) of a point; for a line or an area, its representative point.

    The one rule for reducing a line or an area to a place (hotspots, maps, exports). A
    centroid can fall outside an L-shaped area or off a curved line, in a place nobody marked;
    shapely's representative point always lies on the line or inside the area.
    """
    if not geometry:
        return None, None
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        return float(lon), float(lat)
    from app.core.geo import from_geojson

    point = from_geojson(geometry).representative_point()
    return float(point.x), float(point.y)


def _survey_ids(stage_ids: Sequence[int]) -> dict[int, int]:
    """survey id → stage id for the survey activities of ``stage_ids``."""
    rows = db.session.execute(
        sa.select(Activity.survey_id, Activity.stage_id).where(
            Activity.stage_id.in_(stage_ids),
            Activity.kind == ActivityKind.SURVEY,
            Activity.survey_id.is_not(None),
        )
    )
    return {sid: stage_id for sid, stage_id in rows if sid is not None}


def _comment_items(comments: Iterable[Comment]) -> list[Item]:
    flagged = _open_flags([c.id for c in comments])
    items = []
    for c in comments:
        lon, lat = place_of(c.geometry)
        items.append(
            Item(
                key=key_of(TargetType.COMMENT, c.id),
                target_type=TargetType.COMMENT,
                target_id=c.id,
                stage_id=c.stage_id,
                contribution=Contribution(
                    id=key_of(TargetType.COMMENT, c.id),
                    text=c.body or "",
                    lang=c.language,
                    channel=str(c.channel or "web"),
                    participant_id=participant_key(c.participant_id, f"comment:{c.id}"),
                    created_at=c.created_at,
                    lon=lon,
                    lat=lat,
                    stage_id=str(c.stage_id),
                ),
                supports=c.supports_count,
                quotable=c.status == CommentStatus.PUBLISHED and c.id not in flagged,
            )
        )
    return items


def _open_flags(comment_ids: Sequence[int]) -> set[int]:
    """The comments among ``comment_ids`` with a flag nobody has resolved yet."""
    out: set[int] = set()
    for chunk in _chunks(comment_ids):
        out |= set(
            db.session.scalars(
                sa.select(Flag.comment_id)
                .where(Flag.comment_id.in_(chunk), Flag.resolved_at.is_(None))
                .distinct()
            )
        )
    return out


def statuses(options: Options) -> list[CommentStatus]:
    out = [CommentStatus.PUBLISHED]
    if options.include_pending:
        out.append(CommentStatus.PENDING)
    if options.include_hidden:
        out.append(CommentStatus.HIDDEN)
    return out


def _resident_comments(condition: Any, options: Options = CODING) -> list[Comment]:
    if not options.include_comments:
        return []
    return list(
        db.session.scalars(
            sa.select(Comment)
            .where(
                condition,
                Comment.is_official.is_(False),
                Comment.deleted_at.is_(None),
                Comment.status.in_(statuses(options)),
            )
            .order_by(Comment.id)
        )
    )


#: What coding reads of a response: plain columns, not ORM objects (coding runs for every
#: new contribution, and whole stages are recoded; entity loading cost more than the coder).
_RESPONSE_COLUMNS = (
    Response.id.label("response_id"),
    Response.survey_id,
    Response.language,
    Response.channel,
    Response.participant_id,
    Response.submitted_at,
)


def _answer_rows(condition: Any) -> list[Any]:
    return list(
        db.session.execute(
            sa.select(
                Answer.id,
                Answer.text,
                Answer.question_id,
                *_RESPONSE_COLUMNS,
                Question.type.label("question_type"),
                Question.theme_hint,
            )
            .join(Response, Answer.response_id == Response.id)
            .join(Question, Answer.question_id == Question.id)
            .where(condition)
            .order_by(Answer.id)
        ).all()
    )


def _answer_items(rows: Iterable[Any], stage_of_survey: dict[int, int]) -> list[Item]:
    items = []
    for row in rows:
        if row.question_type in DEMOGRAPHIC_TYPES or not (row.text or "").strip():
            continue
        stage_id = stage_of_survey.get(row.survey_id, 0)
        items.append(
            Item(
                key=key_of(TargetType.ANSWER, row.id),
                target_type=TargetType.ANSWER,
                target_id=row.id,
                stage_id=stage_id,
                contribution=Contribution(
                    id=key_of(TargetType.ANSWER, row.id),
                    text=row.text or "",
                    lang=row.language,
                    channel=str(row.channel),
                    participant_id=participant_key(
                        row.participant_id, f"response:{row.response_id}"
                    ),
                    created_at=row.submitted_at,
                    stage_id=str(stage_id),
                ),
                theme_hint=row.theme_hint,
                question_id=row.question_id,
                response_id=row.response_id,
            )
        )
    return items


def _feature_rows(condition: Any) -> list[Any]:
    return list(
        db.session.execute(
            sa.select(
                AnswerFeature.id,
                AnswerFeature.geometry,
                AnswerFeature.comment,
                Answer.question_id,
                *_RESPONSE_COLUMNS,
                Question.theme_hint,
                QuestionOption.label.label("category_label"),
                QuestionOption.valence_hint,
            )
            .join(Answer, AnswerFeature.answer_id == Answer.id)
            .join(Response, Answer.response_id == Response.id)
            .join(Question, Answer.question_id == Question.id)
            .outerjoin(QuestionOption, AnswerFeature.category_id == QuestionOption.id)
            .where(condition)
            .order_by(AnswerFeature.id)
        ).all()
    )


def _feature_items(rows: Iterable[Any], stage_of_survey: dict[int, int]) -> list[Item]:
    items = []
    for row in rows:
        stage_id = stage_of_survey.get(row.survey_id, 0)
        lon, lat = place_of(row.geometry)
        items.append(
            Item(
                key=key_of(TargetType.FEATURE, row.id),
                target_type=TargetType.FEATURE,
                target_id=row.id,
                stage_id=stage_id,
                contribution=Contribution(
                    id=key_of(TargetType.FEATURE, row.id),
                    text=row.comment or "",
                    lang=row.language,
                    channel=str(row.channel),
                    category=(
                        translated(row.category_label, "sv")
                        if row.category_label is not None
                        else None
                    ),
                    participant_id=participant_key(
                        row.participant_id, f"response:{row.response_id}"
                    ),
                    created_at=row.submitted_at,
                    lon=lon,
                    lat=lat,
                    stage_id=str(stage_id),
                ),
                theme_hint=row.theme_hint,
                valence_hint=row.valence_hint,
                question_id=row.question_id,
                response_id=row.response_id,
            )
        )
    return items


def stage_items(stage: Stage, options: Options = CODING) -> list[Item]:
    """Every codable contribution of ``stage`` (comments, free-text answers, map features)."""
    surveys = _survey_ids([stage.id])
    items = _comment_items(_resident_comments(Comment.stage_id == stage.id, options))
    if surveys:
        in_surveys = Response.survey_id.in_(list(surveys))
        items += _answer_items(_answer_rows(in_surveys), surveys)
        items += _feature_items(_feature_rows(in_surveys), surveys)
    return items


def target_items(target_type: TargetType | str, ids: Sequence[int]) -> list[Item]:
    """The contributions with these ids (ones that are not codable are left out)."""
    target_type = TargetType(target_type)
    items: list[Item] = []
    for chunk in _chunks(ids):
        if target_type == TargetType.COMMENT:
            items += _comment_items(_resident_comments(Comment.id.in_(chunk)))
            continue
        if target_type == TargetType.ANSWER:
            rows = _answer_rows(Answer.id.in_(chunk))
            surveys = _stage_of_surveys({row.survey_id for row in rows})
            items += _answer_items(rows, surveys)
        else:
            frows = _feature_rows(AnswerFeature.id.in_(chunk))
            surveys = _stage_of_surveys({row.survey_id for row in frows})
            items += _feature_items(frows, surveys)
    return items


def _stage_of_surveys(survey_ids: set[int]) -> dict[int, int]:
    if not survey_ids:
        return {}
    rows = db.session.execute(
        sa.select(Activity.survey_id, Activity.stage_id).where(
            Activity.survey_id.in_(list(survey_ids))
        )
    )
    return {sid: stage_id for sid, stage_id in rows if sid is not None}


def demographics(survey_ids: Sequence[int]) -> dict[str, dict[str, str]]:
    """Each participant's demographic answers as option codes: {"age_band": "18-29", ...}."""
    if not survey_ids:
        return {}
    questions = {
        q.id: q
        for q in db.session.scalars(
            sa.select(Question).where(
                Question.survey_id.in_(list(survey_ids)),
                Question.type.in_(list(DEMOGRAPHIC_TYPES)),
            )
        )
    }
    if not questions:
        return {}
    codes = {
        o.id: o.code or translated(o.label, "sv")
        for o in db.session.scalars(
            sa.select(QuestionOption).where(QuestionOption.question_id.in_(list(questions)))
        )
    }
    out: dict[str, dict[str, str]] = {}
    rows = db.session.execute(
        sa.select(Response.id, Response.participant_id, Answer.question_id, Answer.value)
        .join(Answer, Answer.response_id == Response.id)
        .where(Answer.question_id.in_(list(questions)))
        .order_by(Response.submitted_at)
    )
    for response_id, participant_id, question_id, value in rows:
        option_id = _option_id(value)
        if option_id is None or option_id not in codes:
            continue
        key = participant_key(participant_id, f"response:{response_id}")
        out.setdefault(key, {})[str(questions[question_id].type)] = codes[option_id]
    return out


def _option_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, dict):
        return _option_id(value.get("option") or value.get("option_id"))
    if isinstance(value, list) and len(value) == 1:
        return _option_id(value[0])
    return None


def stage_data(stage: Stage, options: Options = PUBLISHED) -> StageData:
    """Contributions, participation events, demographics and answer threads of ``stage``."""
    return stages_data(stage, [stage.id], options)


def stages_data(
    stage: Stage | None,
    stage_ids: Sequence[int],
    options: Options = PUBLISHED,
    *,
    survey_ids: Sequence[int] | None = None,
) -> StageData:
    """The same for several stages at once (a whole project); ``stage`` labels the result.

    ``survey_ids`` narrows the surveys read (a survey export); comments are read only when
    ``options.include_comments``.
    """
    ids = list(stage_ids) or [0]
    surveys = _survey_ids(ids)
    if survey_ids is not None:
        wanted = set(survey_ids)
        surveys = {sid: st for sid, st in surveys.items() if sid in wanted}
        surveys.update(_stage_of_surveys(wanted - set(surveys)))
        for sid in wanted:
            surveys.setdefault(sid, 0)
    comments = _resident_comments(Comment.stage_id.in_(ids), options)
    items = _comment_items(comments)
    events = [
        Event(
            participant_key(c.participant_id, f"comment:{c.id}"),
            c.created_at,
            str(c.channel or "web"),
        )
        for c in comments
    ]
    if surveys:
        in_surveys = Response.survey_id.in_(list(surveys))
        items += _answer_items(_answer_rows(in_surveys), surveys)
        items += _feature_items(_feature_rows(in_surveys), surveys)
        events += [
            Event(participant_key(pid, f"response:{rid}"), at, str(channel))
            for rid, pid, at, channel in db.session.execute(
                sa.select(
                    Response.id, Response.participant_id, Response.submitted_at, Response.channel
                ).where(in_surveys)
            )
        ]
    data = StageData(stage, items, events, demographics(list(surveys)))
    data.responses = len(events) - len(comments)
    data.threads = answer_threads(ids, comments)
    return data


def answer_threads(stage_ids: Sequence[int], comments: Sequence[Comment]) -> list[AnswerThread]:
    """Resident comments that asked for (or got) an official answer, with when it came.

    A thread is a resident comment marked as needing an answer or replied to officially; it is
    answered at ``answered_at`` or at the first official reply, whichever is earlier.
    """
    first_reply: dict[int, datetime] = {}
    for parent_id, at in db.session.execute(
        sa.select(Comment.parent_id, sa.func.min(Comment.created_at))
        .where(
            Comment.stage_id.in_(list(stage_ids)),
            Comment.is_official.is_(True),
            Comment.parent_id.is_not(None),
        )
        .group_by(Comment.parent_id)
    ):
        if parent_id is not None:  # excluded by the query; for the type checker
            first_reply[parent_id] = at
    threads = []
    for c in comments:
        if not c.needs_answer and c.id not in first_reply:
            continue
        times = [t for t in (c.answered_at, first_reply.get(c.id)) if t is not None]
        threads.append(
            AnswerThread(
                key_of(TargetType.COMMENT, c.id), c.created_at, min(times) if times else None
            )
        )
    return threads


def stage_infos(project: Project, counts: dict[int, int] | None = None) -> list[StageInfo]:
    """The project's stages as the stage-coverage indicator needs them."""
    kinds = defaultdict(set)
    for stage_id, kind in db.session.execute(
        sa.select(Activity.stage_id, Activity.kind).where(
            Activity.stage_id.in_([s.id for s in project.stages] or [0])
        )
    ):
        kinds[stage_id].add(kind)
    infos = []
    for s in project.stages:
        allowed = {str(a) for a in (s.allowed_actions or [])}
        open_ = bool(kinds[s.id]) and bool(allowed & {str(a) for a in DIALOGUE_ACTIONS})
        infos.append(
            StageInfo(
                id=str(s.id),
                level=str(s.participation_level),
                open_for_dialogue=open_,
                contributions=(counts or {}).get(s.id, 0),
            )
        )
    return infos


def population(organization_id: int, year: int | None = None) -> tuple[int | None, list[PopRow]]:
    """The organization's population rows of ``year`` (default: the latest year stored)."""
    if year is None:
        year = db.session.scalar(
            sa.select(sa.func.max(PopulationRow.year)).where(
                PopulationRow.organization_id == organization_id
            )
        )
    if year is None:
        return None, []
    rows = db.session.scalars(
        sa.select(PopulationRow).where(
            PopulationRow.organization_id == organization_id, PopulationRow.year == year
        )
    )
    return year, [PopRow(r.district, r.age_band, r.gender, r.count) for r in rows]


def codings_of(items: Sequence[Item]) -> dict[str, list[Coding]]:
    """Stored coding rows per contribution key, read in chunks per target type."""
    ids: dict[TargetType, list[int]] = defaultdict(list)
    for it in items:
        ids[it.target_type].append(it.target_id)
    out: dict[str, list[Coding]] = defaultdict(list)
    for target_type, target_ids in ids.items():
        for chunk in _chunks(target_ids):
            for row in db.session.scalars(
                sa.select(Coding)
                .where(Coding.target_type == target_type, Coding.target_id.in_(chunk))
                .order_by(Coding.id)
            ):
                out[key_of(target_type, row.target_id)].append(row)
    return out


def scope_data(scope: Any, options: Options = PUBLISHED) -> StageData:
    """The dataset of an export scope (``app.exports.queries.Scope``: survey, stage, project)."""
    stage_ids = [s.id for s in scope.stages]
    if scope.type == "survey":
        return stages_data(
            scope.stage,
            stage_ids,
            Options(options.include_pending, options.include_hidden, include_comments=False),
            survey_ids=[s.id for s in scope.surveys],
        )
    return stages_data(scope.stage, stage_ids, options)


def coded(data: StageData | Sequence[Item], project: Project | None) -> dict[str, Any]:
    """Each item's final coding (``services.Final``): stored codings with human decisions
    applied; items nobody has coded yet are coded now with the project's coder (not stored),
    so a figure never depends on whether the coding job has run."""
    from app.analysis_ui.services import coder_for, finals

    items = data.items if isinstance(data, StageData) else list(data)
    return finals(items, coder_for(project))


def indicator_items(items: Sequence[Item], final: Mapping[str, Any]) -> list[CodedItem]:
    """Items with their final codings as ``analysis.indicators.CodedItem`` records."""
    return [
        CodedItem(
            id=it.key,
            themes=frozenset(final[it.key].themes),
            valence=final[it.key].valence,
            participant_id=it.contribution.participant_id,
            supports=it.supports,
            reviewed=final[it.key].reviewed,
            demographics=it.contribution.demographics,
        )
        for it in items
    ]


def as_coded(items: Sequence[Item], final: Mapping[str, Any]) -> dict[str, CodedContribution]:
    """Final codings in the shape ``analysis.quotes`` and ``analysis.hotspots`` expect."""
    return {
        it.key: CodedContribution(
            id=it.key,
            lang=it.contribution.lang or "sv",
            themes=tuple(
                ThemeAssignment(t, float(final[it.key].confidence.get(t, 1.0)))
                for t in final[it.key].themes
            ),
            valence=final[it.key].valence,
            source="",
            version="",
        )
        for it in items
    }
