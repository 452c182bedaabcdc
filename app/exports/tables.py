"""Export rows as plain tables (columns with descriptions, then rows), shared by CSV and XLSX.

Individual-level tables (one row per response, map feature or comment) are for staff who may
see personal data; partners get the aggregate tables, whose small cells are suppressed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from statistics import mean, median
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from analysis.codebook import load_codebook
from analysis.suppression import suppress_table, suppress_value
from app.analysis_ui.evidence import question_type_label
from app.analysis_ui.services import Final as Result
from app.core.models import translated
from app.exports.queries import Dataset, FeatureRow, option_label, participant_key
from app.surveys.models import (
    DEMOGRAPHIC_TYPES,
    MAP_TYPES,
    OptionKind,
    Question,
    QuestionType,
    Survey,
)

Progress = Callable[[int], None]


@dataclass
class Column:
    name: str
    description: str
    #: The cells are web addresses: clickable in a workbook.
    link: bool = False


@dataclass
class Table:
    """A sheet or a CSV file: a title, described columns and rows of cell values."""

    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)


def local_time(value: datetime | None) -> str:
    """A timestamp in the organization's time zone as ``YYYY-MM-DD HH:MM:SS``."""
    if value is None:
        return ""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Stockholm"))
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def question_title(q: Question, lang: str) -> str:
    text = " ".join(translated(q.prompt, lang).split())
    if len(text) > 80:
        text = text[:79] + "…"
    title = f"Q{q.id}. {text}"
    if q.archived_at is not None:
        title += " " + _("(archived)")
    return title


def theme_labels(lang: str) -> dict[str, str]:
    return {t.id: t.label_for(lang) for t in load_codebook().themes}


def _wkt(geometry: dict[str, Any] | None) -> str:
    if not geometry:
        return ""
    import shapely

    from app.core.geo import from_geojson

    # 6 decimals of a degree is about 0.1 m (app.exports.geo.DECIMALS).
    return str(shapely.to_wkt(from_geojson(geometry), rounding_precision=6, trim=True))


def _value_label(data: Dataset, value: Any, lang: str) -> str:
    option = data.options.get(value) if isinstance(value, int) else None
    return (
        option_label(option, lang) if option is not None else ("" if value is None else str(value))
    )


def _options(q: Question, kind: OptionKind = OptionKind.OPTION) -> list[Any]:
    """All options of a kind, archived ones included (old answers may use them)."""
    return [o for o in q.options if o.kind == kind]


def _multi(value: Any) -> tuple[list[int], str | None]:
    if isinstance(value, dict):
        return list(value.get("options") or []), value.get("other")
    if isinstance(value, list):
        return value, None
    return [], None


#: Answers of one response: question id → (value, text).
Answers = dict[int, tuple[Any, str | None]]
#: The cells of one question's columns for a response (its id and answers).
Writer = Callable[[int, Answers], list[Any]]


@dataclass(frozen=True)
class _Heading:
    """What every column of a question names: its title, the archived note, its type."""

    title: str
    archived: str
    qtype: str


def _multi_columns(q: Question, head: _Heading, lang: str) -> tuple[list[Column], Writer]:
    """One 0/1 column per option, plus the "other" text."""
    opts = _options(q)
    columns = [
        Column(
            f"{head.title}: {option_label(o, lang)}",
            _("1 if the option was chosen, 0 if not (%(type)s).", type=head.qtype) + head.archived,
        )
        for o in opts
    ]
    has_other = any(o.is_other for o in opts)
    if has_other:
        columns.append(
            Column(f"{head.title}: " + _("other"), _("The 'other' text.") + head.archived)
        )

    def write_multi(rid: int, answers: Answers) -> list[Any]:
        if q.id not in answers:
            return [None] * (len(opts) + (1 if has_other else 0))
        chosen, other_text = _multi(answers[q.id][0])
        cells: list[Any] = [1 if o.id in chosen else 0 for o in opts]
        if has_other:
            cells.append(other_text or "")
        return cells

    return columns, write_multi


def _rank_columns(q: Question, head: _Heading, lang: str) -> tuple[list[Column], Writer]:
    """One column per option holding its rank."""
    opts = _options(q)
    columns = [
        Column(
            f"{head.title}: {option_label(o, lang)}",
            _("Rank the resident gave this option (1 = first).") + head.archived,
        )
        for o in opts
    ]

    def write_rank(rid: int, answers: Answers) -> list[Any]:
        if q.id not in answers or not isinstance(answers[q.id][0], list):
            return [None] * len(opts)
        order = answers[q.id][0]
        return [order.index(o.id) + 1 if o.id in order else None for o in opts]

    return columns, write_rank


def _map_columns(
    data: Dataset,
    q: Question,
    head: _Heading,
    lang: str,
    with_wkt: bool,
    features: dict[tuple[int, int], list[FeatureRow]],
) -> tuple[list[Column], Writer]:
    """The number of places drawn, the text alternative and (for CSV) the places as WKT."""
    columns = [
        Column(f"{head.title}: " + _("features"), _("Number of places drawn.") + head.archived),
        Column(
            f"{head.title}: " + _("text alternative"),
            _("Named place or description given instead of drawing.") + head.archived,
        ),
    ]
    if with_wkt:
        columns.append(
            Column(
                f"{head.title}: WKT",
                _("The places drawn, as WKT in WGS84 (lon lat).") + head.archived,
            )
        )

    def write_map(rid: int, answers: Answers) -> list[Any]:
        feats = features.get((rid, q.id), [])
        value = answers.get(q.id, (None, None))[0]
        alt = ""
        if isinstance(value, dict):
            if value.get("place") is not None:
                alt = _value_label(data, value["place"], lang)
            elif value.get("description"):
                alt = str(value["description"])
        cells: list[Any] = [len(feats) if q.id in answers else None, alt]
        if with_wkt:
            cells.append(" | ".join(_wkt(f.geometry) for f in feats))
        return cells

    return columns, write_map


def _one_column(
    data: Dataset, q: Question, head: _Heading, lang: str
) -> tuple[list[Column], Writer]:
    """The chosen option, the number or the text in one column."""
    if q.type in (QuestionType.SINGLE_CHOICE, *DEMOGRAPHIC_TYPES):
        desc = _("The chosen option (%(type)s).", type=head.qtype)
    elif q.type in (QuestionType.LIKERT, QuestionType.SCALE, QuestionType.NUMBER):
        desc = _("The number given (%(type)s).", type=head.qtype)
    else:
        desc = _("The text written (%(type)s).", type=head.qtype)

    def write_one(rid: int, answers: Answers) -> list[Any]:
        if q.id not in answers:
            return [None]
        value, text = answers[q.id]
        if q.type in (QuestionType.SINGLE_CHOICE, *DEMOGRAPHIC_TYPES):
            return [_value_label(data, value, lang)]
        if q.type in (QuestionType.LIKERT, QuestionType.SCALE, QuestionType.NUMBER):
            return [value if isinstance(value, (int, float)) else None]
        return [text if text is not None else (value if isinstance(value, str) else "")]

    return [Column(head.title, desc + head.archived)], write_one


def responses_table(
    data: Dataset,
    survey: Survey,
    *,
    lang: str,
    personal: bool,
    with_wkt: bool = False,
    progress: Progress | None = None,
) -> Table:
    """One row per response, one column per question in survey order.

    Multiple choice becomes one 0/1 column per option (plus the "other" text), ranking one
    column per option holding its rank, map questions the number of features and the text
    alternative (and, for CSV, the features as WKT). Demographic questions and participants'
    nicknames and emails appear only when ``personal``.
    """
    columns = [
        Column("response_id", _("Response id (unique within the platform).")),
        Column("submitted_at", _("When the response was submitted, local time.")),
        Column("language", _("Language the resident answered in.")),
        Column("channel", _("How the response arrived: web, offline, kiosk or paper.")),
    ]
    if personal:
        columns += [
            Column("participant", _("Participant id: the same id means the same resident.")),
            Column("nickname", _("Nickname the resident chose (personal data).")),
            Column("email", _("Email of the resident's account (personal data).")),
        ]
    writers: list[Writer] = []
    features: dict[tuple[int, int], list[FeatureRow]] = defaultdict(list)
    for f in data.features:
        features[(f.response_id, f.question_id)].append(f)

    for q in data.questions.get(survey.id, []):
        if q.type in DEMOGRAPHIC_TYPES and not personal:
            continue
        head = _Heading(
            title=question_title(q, lang),
            archived=_(" The question is archived.") if q.archived_at is not None else "",
            qtype=question_type_label(question_type_label(str(q.type))),
        )
        if q.type == QuestionType.MULTI_CHOICE:
            q_columns, writer = _multi_columns(q, head, lang)
        elif q.type == QuestionType.RANKING:
            q_columns, writer = _rank_columns(q, head, lang)
        elif q.type in MAP_TYPES:
            q_columns, writer = _map_columns(data, q, head, lang, with_wkt, features)
        else:
            q_columns, writer = _one_column(data, q, head, lang)
        columns += q_columns
        writers.append(writer)

    table = Table(f"S{survey.id} {translated(survey.title, lang)}".strip(), columns)
    rows = data.responses.get(survey.id, [])
    step = max(1, len(rows) // 20)
    for n, r in enumerate(rows):
        row: list[Any] = [r.id, local_time(r.submitted_at), r.language, r.channel]
        if personal:
            person = data.people.get(r.participant_id) if r.participant_id else None
            row += [
                r.participant_id,
                person.nickname if person else "",
                person.email if person else "",
            ]
        answers = data.answers.get(r.id, {})
        for write in writers:
            row.extend(write(r.id, answers))
        table.rows.append(row)
        if progress and n % step == 0:
            progress(int(100 * n / max(1, len(rows))))
    return table


def map_table(data: Dataset, results: dict[str, Result], *, lang: str, personal: bool) -> Table:
    """One row per drawn place: response, question, category, comment, WKT, themes, valence."""
    columns = [
        Column("feature_id", _("Id of the drawn place; contribution id F<id> in reports.")),
        Column("response_id", _("The response the place belongs to.")),
        Column("question_id", _("The map question.")),
        Column("question", _("The map question's text.")),
        Column("category", _("The category the resident chose.")),
        Column("comment", _("The resident's comment on the place.")),
        Column("geometry_type", _("Point, LineString or Polygon.")),
        Column("wkt", _("The geometry as WKT in WGS84 (longitude latitude).")),
        Column("themes", _("Theme ids (codebook), separated by semicolons.")),
        Column("valence", _("positive, negative, neutral or mixed.")),
        Column("submitted_at", _("When the response was submitted, local time.")),
    ]
    if personal:
        columns += [
            Column("participant", _("Participant id: the same id means the same resident.")),
            *_photo_columns(),
        ]
    table = Table(_("Map answers"), columns)
    for f in data.features:
        q = data.question(f.question_id) if f.question_id else None
        category = data.options.get(f.category_id) if f.category_id else None
        res = results.get(f"F{f.id}")
        row = [
            f.id,
            f.response_id,
            f.question_id,
            translated(q.prompt, lang) if q else "",
            option_label(category, lang) if category else "",
            f.comment or "",
            (f.geometry or {}).get("type", ""),
            _wkt(f.geometry),
            "; ".join(res.themes) if res else "",
            res.valence if res else "",
            local_time(f.submitted_at),
        ]
        if personal:
            row += [f.participant_id, *_photo_cells(data, f"F{f.id}")]
        table.rows.append(row)
    return table


def _photo_columns() -> list[Column]:
    return [
        Column(
            "photo",
            _(
                "Address of the resident's photo, if any; it opens for staff who may read "
                "individual contributions."
            ),
            link=True,
        ),
        Column("photo_alt", _("The resident's description of the photo.")),
    ]


def _photo_cells(data: Dataset, contribution_id: str) -> list[str]:
    photo = data.photos.get(contribution_id)
    return [photo.url, photo.alt] if photo else ["", ""]


def comment_depths(data: Dataset) -> dict[int, int]:
    parents = {c.id: c.parent_id for c in data.comments}
    depths: dict[int, int] = {}
    for cid in parents:
        depth, seen, cur = 0, set(), parents.get(cid)
        while cur is not None and cur not in seen:
            seen.add(cur)
            depth += 1
            cur = parents.get(cur)
        depths[cid] = depth
    return depths


def comments_table(
    data: Dataset, results: dict[str, Result], *, personal: bool, with_wkt: bool = True
) -> Table:
    """One row per comment with its place in the thread, supports, status and answers."""
    columns = [
        Column("comment_id", _("Id of the comment; contribution id C<id> in reports.")),
        Column("parent_id", _("The comment this one replies to (empty for a new thread).")),
        Column("depth", _("0 for a new thread, 1 for a reply, 2 for a reply to a reply ...")),
        Column("created_at", _("When the comment was written, local time.")),
        Column("status", _("published, pending (awaiting moderation) or hidden.")),
        Column("official", _("1 when written by staff on behalf of the municipality.")),
        Column("body", _("The text (empty when its author deleted it).")),
        Column("supports", _("Number of residents who agreed ('Håller med').")),
        Column("flags", _("Number of times residents flagged it.")),
        Column("needs_answer", _("1 when staff marked it as needing an official answer.")),
        Column("answered_at", _("When it got an official answer, local time.")),
        Column("official_answer_ids", _("Ids of the official answers to it.")),
        Column("official_answers", _("The text of the official answers to it.")),
        Column("hidden_reason", _("Why a moderator hid it.")),
        Column("themes", _("Theme ids (codebook), separated by semicolons.")),
        Column("valence", _("positive, negative, neutral or mixed.")),
    ]
    if with_wkt:
        columns.append(Column("wkt", _("The place of the comment as WKT in WGS84, if any.")))
    if personal:
        columns += [
            Column("participant", _("Participant id: the same id means the same resident.")),
            Column("nickname", _("Nickname the resident chose (personal data).")),
            Column("email", _("Email of the resident's account (personal data).")),
            *_photo_columns(),
        ]
    depths = comment_depths(data)
    answers: dict[int, list[Any]] = defaultdict(list)
    for c in data.comments:
        if c.is_official and c.parent_id is not None:
            answers[c.parent_id].append(c)
    table = Table(_("Comments"), columns)
    for c in data.comments:
        res = results.get(f"C{c.id}")
        official = answers.get(c.id, [])
        row: list[Any] = [
            c.id,
            c.parent_id,
            depths.get(c.id, 0),
            local_time(c.created_at),
            str(c.status),
            1 if c.is_official else 0,
            "" if c.deleted_at else c.body,
            c.supports_count,
            c.flags_count,
            1 if c.needs_answer else 0,
            local_time(c.answered_at),
            "; ".join(str(a.id) for a in official),
            "\n".join(a.body for a in official),
            c.hidden_reason or "",
            "; ".join(res.themes) if res else "",
            res.valence if res else "",
        ]
        if with_wkt:
            row.append(_wkt(c.geometry))
        if personal:
            person = data.people.get(c.participant_id) if c.participant_id else None
            row += [
                c.participant_id,
                person.nickname if person else "",
                person.email if person else "",
                *_photo_cells(data, f"C{c.id}"),
            ]
        table.rows.append(row)
    return table


def readme_table(tables: list[Table], intro: list[str]) -> Table:
    """Describe every column of every sheet."""
    table = Table(
        _("Readme"),
        [
            Column("sheet", _("Sheet or file.")),
            Column("column", _("Column name.")),
            Column("description", _("What the column holds.")),
        ],
    )
    for line in intro:
        table.rows.append(["", "", line])
    for t in tables:
        for c in t.columns:
            table.rows.append([t.title, c.name, c.description])
    return table


# Aggregates ------------------------------------------------------------------------------


def question_counts_table(data: Dataset, *, lang: str, threshold: int) -> Table:
    """Per question and option: distinct participants, suppressed below ``threshold``.

    Demographic questions are included as counts too (never individual answers). Numeric
    questions give n, mean and median only when n reaches the threshold.
    """
    table = Table(
        _("Per question"),
        [
            Column("question_id", _("The question.")),
            Column("question", _("The question's text.")),
            Column("type", _("The question type.")),
            Column("option", _("The option, or the statistic for numeric questions.")),
            Column(
                "participants",
                _(
                    "Distinct participants; '<%(n)s' hides small groups, 'x' hides a figure "
                    "that would reveal one.",
                    n=threshold,
                ),
            ),
        ],
    )
    for survey_id, qs in data.questions.items():
        rows = data.responses.get(survey_id, [])
        for q in qs:
            title = question_title(q, lang)
            answered: list[tuple[str, Any]] = []
            for r in rows:
                if q.id in data.answers.get(r.id, {}):
                    key = participant_key(r.participant_id, f"response:{r.id}")
                    answered.append((key, data.answers[r.id][q.id][0]))
            if q.type in (QuestionType.LIKERT, QuestionType.SCALE, QuestionType.NUMBER):
                nums = [v for _k, v in answered if isinstance(v, (int, float))]
                n = len({k for k, v in answered if isinstance(v, (int, float))})
                table.rows.append(
                    [
                        q.id,
                        title,
                        question_type_label(str(q.type)),
                        _("number of answers"),
                        suppress_value(n, threshold),
                    ]
                )
                if n >= threshold:
                    table.rows.append(
                        [
                            q.id,
                            title,
                            question_type_label(str(q.type)),
                            _("mean"),
                            round(mean(nums), 2),
                        ]
                    )
                    table.rows.append(
                        [q.id, title, question_type_label(str(q.type)), _("median"), median(nums)]
                    )
                continue
            if q.type in (
                QuestionType.SINGLE_CHOICE,
                QuestionType.MULTI_CHOICE,
                QuestionType.RANKING,
                *DEMOGRAPHIC_TYPES,
            ):
                opts = _options(q)
                who: dict[int, set[str]] = defaultdict(set)
                for key, value in answered:
                    if q.type == QuestionType.MULTI_CHOICE:
                        chosen = _multi(value)[0]
                    elif q.type == QuestionType.RANKING:
                        chosen = value[:1] if isinstance(value, list) else []
                    else:
                        chosen = [value]
                    for oid in chosen:
                        who[oid].add(key)
                counts = [[len(who[o.id])] for o in opts]
                if not counts:
                    continue
                if q.type == QuestionType.MULTI_CHOICE:
                    # Options of a multiple choice overlap, so their sum reveals nothing.
                    shown = [suppress_value(c[0], threshold) for c in counts]
                else:
                    shown = [cell[0] for cell in suppress_table(counts, threshold).cells]
                label = (
                    _("first choice: %(option)s")
                    if q.type == QuestionType.RANKING
                    else "%(option)s"
                )
                for o, value in zip(opts, shown, strict=True):
                    table.rows.append(
                        [
                            q.id,
                            title,
                            question_type_label(str(q.type)),
                            label % {"option": option_label(o, lang)},
                            value,
                        ]
                    )
                total = len({k for k, _v in answered})
                table.rows.append(
                    [
                        q.id,
                        title,
                        question_type_label(str(q.type)),
                        _("answered"),
                        suppress_value(total, threshold),
                    ]
                )
                continue
            total = len({k for k, _v in answered})
            table.rows.append(
                [
                    q.id,
                    title,
                    question_type_label(str(q.type)),
                    _("answered"),
                    suppress_value(total, threshold),
                ]
            )
    return table


def theme_table(doc: dict[str, Any], *, lang: str, threshold: int) -> Table:
    """Theme shares with a 95 % interval and net valence, from the indicator document (the
    figures of the analysis page); themes raised by fewer than ``threshold`` distinct
    participants are suppressed."""
    labels = theme_labels(lang)
    table = Table(
        _("Themes"),
        [
            Column("theme", _("Theme id (codebook).")),
            Column("label", _("Theme name.")),
            Column("contributions", _("Contributions coded with the theme.")),
            Column("participants", _("Distinct participants behind them.")),
            Column("share", _("Share of all contributions (0–1).")),
            Column("share_low", _("Lower bound of the 95 % interval (Wilson).")),
            Column("share_high", _("Upper bound of the 95 % interval (Wilson).")),
            Column("net_valence", _("(positive − negative) / contributions, from −1 to 1.")),
        ],
    )
    rows = {t["theme"]: t for t in doc.get("themes", [])}
    for theme, label in labels.items():
        t = rows.get(theme)
        if t is None:
            continue
        people = t["participants"]
        if t["count"] and not (isinstance(people, str) and people.isdigit()):
            table.rows.append([theme, label, f"<{threshold}", people, "", "", "", ""])
            continue
        table.rows.append(
            [
                theme,
                label,
                t["count"],
                int(people) if isinstance(people, str) and people.isdigit() else people,
                t["share"],
                t["low"],
                t["high"],
                t["net_valence"] if t["net_valence"] is not None else "",
            ]
        )
    return table
