"""Per-question results of the surveys of a stage or project, for staff and for documents.

Every choice, Likert, scale, ranking and number question (and the demographic questions) gets
its counts, shares and a chart. The figures come from each question type's ``summarise`` (the
one place that turns answers into numbers, ``app/surveys/questions``); this module only
partitions answers by demographic group, suppresses small counts and formats for people.

Privacy (docs/design.md 6, step 7): counts are of distinct participants (one response per
participant and survey). A question answered by fewer than ``threshold`` participants shows no
figures; a count below the threshold is shown as "<5", and secondary suppression ("x") hides a
second cell wherever one hidden cell could be recovered from a total. With a group filter the
whole cross table (every group of the dimension × every option) is suppressed together, so the
filtered figures cannot be subtracted from the unfiltered ones to reveal a small group.

Labels, never codes: options, groups and Likert steps are shown by their translated labels;
numbers are formatted for the document's language with Babel (decimal comma in Swedish).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from babel.numbers import format_decimal, format_percent
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup

from analysis.suppression import suppress_table
from app.analysis_ui import question_charts as charts
from app.analysis_ui.evidence import dimension_label
from app.core.models import translated
from app.extensions import db
from app.projects.models import Activity, Project, Stage
from app.surveys.models import (
    DEMOGRAPHIC_TYPES,
    Answer,
    Question,
    QuestionOption,
    QuestionType,
    Response,
    Survey,
)
from app.surveys.questions import kind_for
from app.surveys.questions.base import QuestionKind, count_in_bins
from app.surveys.questions.scales import Likert

DIMENSIONS = ("age_band", "gender", "district", "relation")
UNKNOWN = "unknown"


def type_label(qtype: QuestionType) -> str:
    return {
        QuestionType.SINGLE_CHOICE: _("Single choice"),
        QuestionType.MULTI_CHOICE: _("Multiple choice"),
        QuestionType.LIKERT: _("Agree–disagree scale"),
        QuestionType.SCALE: _("Scale 0–10"),
        QuestionType.RANKING: _("Ranking"),
        QuestionType.NUMBER: _("Number"),
        QuestionType.AGE_BAND: _("Age"),
        QuestionType.GENDER: _("Gender"),
        QuestionType.DISTRICT: _("District"),
        QuestionType.RELATION: _("Relation to the area"),
    }.get(qtype, "")


def threshold() -> int:
    return int(current_app.config.get("SUPPRESSION_THRESHOLD", 5))


# -- loading ---------------------------------------------------------------------------------


def surveys_of(obj: Stage | Project) -> list[Survey]:
    """The surveys of a stage or of every stage of a project, in stage and activity order."""
    stage_ids = [obj.id] if isinstance(obj, Stage) else [s.id for s in obj.stages]
    if not stage_ids:
        return []
    stmt = (
        sa.select(Survey)
        .join(Activity, Activity.survey_id == Survey.id)
        .join(Stage, Stage.id == Activity.stage_id)
        .where(Activity.stage_id.in_(stage_ids))
        .order_by(Stage.position, Activity.position)
    )
    return list(db.session.scalars(stmt).unique())


@dataclass
class Loaded:
    questions: list[Question]
    #: question id → its answers, each with the participant key of its response
    answers: dict[int, list[tuple[str, Answer]]]
    #: participant key → dimension → group code
    groups: dict[str, dict[str, str]]
    #: dimension → group code → label (in the requested language)
    group_labels: dict[str, dict[str, str]]


def _charted(question: Question) -> bool:
    return kind_for(question).chart is not None


def load(surveys: Sequence[Survey], lang: str) -> Loaded:
    questions = [q for s in surveys for q in s.active_questions if _charted(q)]
    by_id = {q.id: q for q in questions}
    answers: dict[int, list[tuple[str, Answer]]] = defaultdict(list)
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    options: dict[int, QuestionOption] = {
        o.id: o for q in questions if q.type in DEMOGRAPHIC_TYPES for o in q.options
    }
    if by_id:
        rows = db.session.execute(
            sa.select(Answer, Response.id, Response.participant_id)
            .join(Response, Response.id == Answer.response_id)
            .where(Answer.question_id.in_(list(by_id)))
            .order_by(Response.submitted_at, Answer.id)
        )
        for answer, response_id, participant_id in rows:
            key = f"p{participant_id}" if participant_id is not None else f"r{response_id}"
            answers[answer.question_id].append((key, answer))
            question = by_id[answer.question_id]
            if question.type in DEMOGRAPHIC_TYPES and isinstance(answer.value, int):
                option = options.get(answer.value)
                if option is None:
                    continue
                dim = str(question.type)
                # Options of different surveys share a group through their code.
                code = option.code or translated(option.label, "sv")
                groups[key][dim] = code
                labels[dim].setdefault(code, translated(option.label, lang) or code)
    return Loaded(questions, dict(answers), dict(groups), dict(labels))


# -- formatting ------------------------------------------------------------------------------


def fmt_number(value: float | None, lang: str, digits: int = 1, *, fixed: bool = True) -> str:
    """``value`` with ``digits`` decimals (all shown when ``fixed``) in ``lang``'s format."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang)


def fmt_share(share: float | None, lang: str) -> str:
    return "–" if share is None else format_percent(share, locale=lang)


# -- results ---------------------------------------------------------------------------------


@dataclass
class ResultRow:
    label: str
    count: str
    share: str
    #: Bar length for the chart (a share or a mean); None when hidden.
    value: float | None = None


@dataclass
class QuestionResult:
    id: int
    prompt: str
    survey_title: str
    type_label: str
    chart_kind: str
    #: Participants who answered (formatted), "<5" when too few.
    answered: str
    suppressed: bool
    rows: list[ResultRow] = field(default_factory=list)
    #: (label, value) pairs: mean, median, "other" answers …
    stats: list[tuple[str, str]] = field(default_factory=list)
    count_heading: str = ""
    share_heading: str = ""
    chart: Markup | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Results:
    questions: list[QuestionResult]
    threshold: int
    #: [(dimension label, [(value "dim:code", label, participants as text)])]
    filters: list[tuple[str, list[tuple[str, str, str]]]]
    selected: str | None = None
    selected_label: str | None = None
    selected_size: str | None = None
    #: True when the chosen group is too small to show anything.
    group_suppressed: bool = False
    #: How many surveys the questions come from (their titles are shown when more than one).
    surveys: int = 1


def _count_columns(kind: QuestionKind, summary: dict[str, Any], lang: str) -> list[str]:
    """The labels of the count columns of a question (one per option, step or bin)."""
    qtype = kind.type
    if isinstance(kind, Likert):
        return [f"{i}. {label}" for i, label in enumerate(kind.step_labels(lang), start=1)]
    if qtype == QuestionType.SCALE:
        settings = kind.question.settings or {}
        low = (
            translated(settings.get("min_label"), lang)
            if isinstance(settings.get("min_label"), dict)
            else str(settings.get("min_label") or "")
        )
        high = (
            translated(settings.get("max_label"), lang)
            if isinstance(settings.get("max_label"), dict)
            else str(settings.get("max_label") or "")
        )
        out = []
        for step in summary["distribution"]:
            text = step
            if step == "0" and low:
                text = f"0 – {low}"
            elif step == "10" and high:
                text = f"10 – {high}"
            out.append(text)
        return out
    if qtype == QuestionType.NUMBER:
        unit = str((kind.question.settings or {}).get("unit") or "")
        out = []
        for b in summary["bins"]:
            if b["low"] == b["high"]:
                text = fmt_number(b["low"], lang, 2, fixed=False)
            else:
                low_text = fmt_number(b["low"], lang, 2, fixed=False)
                text = f"{low_text}–{fmt_number(b['high'], lang, 2, fixed=False)}"
            out.append(f"{text} {unit}".strip())
        return out
    return [translated(o["label"], lang) or "" for o in summary["options"]]


def _counts(
    kind: QuestionKind,
    summary: dict[str, Any],
    bins: list[dict[str, Any]] | None,
    values: list[float],
) -> list[int]:
    qtype = kind.type
    if qtype in (QuestionType.LIKERT, QuestionType.SCALE):
        return [int(v) for v in summary["distribution"].values()]
    if qtype == QuestionType.NUMBER:
        return count_in_bins(values, bins if bins is not None else summary["bins"])
    if qtype == QuestionType.RANKING:
        return [int(o["first_count"]) for o in summary["options"]]
    return [int(o["count"]) for o in summary["options"]]


def _answered(kind: QuestionKind, summary: dict[str, Any]) -> int:
    qtype = kind.type
    if qtype in (QuestionType.MULTI_CHOICE, QuestionType.RANKING):
        return int(summary.get("respondents", 0))
    if qtype in (QuestionType.LIKERT, QuestionType.SCALE, QuestionType.NUMBER):
        return int(summary.get("count", 0))
    return sum(int(o["count"]) for o in summary["options"])


def _numbers(answers: Sequence[Answer]) -> list[float]:
    return [
        float(a.value)
        for a in answers
        if isinstance(a.value, (int, float)) and not isinstance(a.value, bool)
    ]


def _one(
    question: Question,
    pairs: list[tuple[str, Answer]],
    loaded: Loaded,
    lang: str,
    limit: int,
    dim: str | None,
    group: str | None,
) -> QuestionResult:
    kind = kind_for(question)
    all_answers = [a for _k, a in pairs]
    overall = kind.summarise(all_answers)
    columns = _count_columns(kind, overall, lang)
    ranking = kind.type == QuestionType.RANKING
    if dim is not None and group is not None:
        by_group: dict[str, list[Answer]] = defaultdict(list)
        for key, answer in pairs:
            by_group[loaded.groups.get(key, {}).get(dim, UNKNOWN)].append(answer)
        names = sorted(set(loaded.group_labels.get(dim, {})) | set(by_group) | {group})
        summaries = {g: kind.summarise(by_group.get(g, [])) for g in names}
        table = [
            _counts(kind, summaries[g], overall.get("bins"), _numbers(by_group.get(g, [])))
            for g in names
        ]
        suppressed = suppress_table(table, limit)
        cells = suppressed.cells[names.index(group)]
        summary = summaries[group]
        counts = table[names.index(group)]
    else:
        counts = _counts(kind, overall, None, _numbers(all_answers))
        column = suppress_table([[c] for c in counts], limit)
        cells = tuple(row[0] for row in column.cells)
        summary = overall
    answered = _answered(kind, summary)
    result = QuestionResult(
        id=question.id,
        prompt=translated(question.prompt, lang),
        survey_title=translated(question.survey.title, lang),
        type_label=type_label(kind.type),
        chart_kind=str(kind.chart),
        answered=(
            fmt_number(answered, lang, 0) if answered >= limit or not answered else f"<{limit}"
        ),
        suppressed=answered < limit,
        count_heading=_("Ranked first") if ranking else _("Participants"),
        share_heading=_("Mean position") if ranking else _("Share"),
    )
    if result.suppressed:
        if answered:
            result.notes.append(
                _("Fewer than %(n)s participants answered, so no figures are shown.", n=limit)
            )
        else:
            result.notes.append(_("No answers yet."))
        return result

    for i, (label, count, shown) in enumerate(zip(columns, counts, cells, strict=True)):
        visible = shown == str(count)
        if ranking:
            option = summary["options"][i]
            mean = option["mean_rank"]
            result.rows.append(
                ResultRow(
                    label,
                    fmt_number(count, lang, 0) if visible else shown,
                    fmt_number(mean, lang, 1),
                    mean,
                )
            )
        else:
            share = count / answered if answered else None
            result.rows.append(
                ResultRow(
                    label,
                    fmt_number(count, lang, 0) if visible else shown,
                    fmt_share(share, lang) if visible else "–",
                    share if visible else None,
                )
            )

    if kind.type in (QuestionType.LIKERT, QuestionType.SCALE, QuestionType.NUMBER):
        result.stats.append((_("Mean"), fmt_number(summary.get("mean"), lang, 1)))
        result.stats.append((_("Median"), fmt_number(summary.get("median"), lang, 1)))
    if kind.type == QuestionType.MULTI_CHOICE:
        result.notes.append(
            _(
                "Several alternatives could be chosen; shares are of the %(n)s participants who "
                "answered and add up to more than 100 %%.",
                n=result.answered,
            )
        )
    if ranking:
        result.notes.append(
            _(
                "Mean position: 1 is ranked first. “Ranked first” counts the participants who put "
                "the alternative first."
            )
        )
    if any(not (r.count[:1].isdigit()) for r in result.rows):
        result.notes.append(
            _("“<%(n)s” is a count below %(n)s; “x” hides a figure that would reveal one.", n=limit)
        )
    result.chart = _chart(kind, result, lang)
    return result


def _chart(kind: QuestionKind, result: QuestionResult, lang: str) -> Markup | None:
    title = result.prompt
    if kind.chart == "diverging":
        if any(r.value is None for r in result.rows):
            result.notes.append(_("Hidden steps have no segment in the chart."))
        return charts.diverging(
            [r.label.split(". ", 1)[-1] for r in result.rows],
            [r.value or 0.0 for r in result.rows],
            [r.count if r.value is None else r.share for r in result.rows],
            title,
            _(
                "Share of participants per answer, disagreeing to the left of the centre line "
                "and agreeing to the right. The table has the same figures."
            ),
        )
    if kind.chart == "ranking":
        places = len(result.rows)
        return charts.positions(
            [(r.label, r.value, r.share) for r in result.rows],
            places,
            title,
            _(
                "Mean position of each alternative, from 1 (ranked first) to %(n)s. The table has "
                "the same figures.",
                n=places,
            ),
            _("first"),
            _("last"),
        )
    return charts.bars(
        [
            charts.Row(r.label, r.value, r.count if r.value is None else f"{r.count} ({r.share})")
            for r in result.rows
        ],
        title,
        _("Participants per answer and their share. The table has the same figures."),
    )


def _filters(loaded: Loaded, limit: int, lang: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    sizes: dict[tuple[str, str], int] = defaultdict(int)
    for dims in loaded.groups.values():
        for dim, code in dims.items():
            sizes[(dim, code)] += 1
    out = []
    for dim in DIMENSIONS:
        labels = loaded.group_labels.get(dim)
        if not labels:
            continue
        entries = []
        for code, label in labels.items():
            n = sizes[(dim, code)]
            size = fmt_number(n, lang, 0) if n >= limit else f"<{limit}"
            entries.append((f"{dim}:{code}", label, size))
        out.append((dimension_label(dim), entries))
    return out


def question_results(
    surveys: Sequence[Survey],
    *,
    lang: str,
    group: str | None = None,
    limit: int | None = None,
) -> Results:
    """Results of every charted question of ``surveys``, optionally for one group.

    ``group`` is "dimension:code" (e.g. "gender:woman"); unknown values are ignored.
    """
    limit = threshold() if limit is None else limit
    loaded = load(surveys, lang)
    dim = code = None
    if group and ":" in group:
        d, c = group.split(":", 1)
        if c in loaded.group_labels.get(d, {}):
            dim, code = d, c
    results = Results([], limit, _filters(loaded, limit, lang))
    results.surveys = len({q.survey_id for q in loaded.questions})
    if dim is not None and code is not None:
        size = sum(1 for dims in loaded.groups.values() if dims.get(dim) == code)
        results.selected = f"{dim}:{code}"
        results.selected_label = f"{dimension_label(dim)}: {loaded.group_labels[dim][code]}"
        results.selected_size = fmt_number(size, lang, 0) if size >= limit else f"<{limit}"
        if size < limit:
            results.group_suppressed = True
            return results
    for question in loaded.questions:
        results.questions.append(
            _one(question, loaded.answers.get(question.id, []), loaded, lang, limit, dim, code)
        )
    return results
