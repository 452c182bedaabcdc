"""The consultation report (samrådsredogörelse) as an editable Word document (python-docx).

Sections, in the order a planner signs them:

1. Sammanfattning – the round in a few sentences and the themes in codebook order;
2. Samrådets genomförande – dates, activities and meetings, participants and contributions
   per channel, who took part against the population;
3. Inkomna synpunkter – grouped by sender type (residents today; sakägare, remissinstanser and
   organisations once formal intake exists), residents' contributions under their main theme
   with the other themes in a column; every contribution exactly once, with the question it
   answered and a column for the municipality's comment (the official answer, else empty);
4. Ändringar efter samrådet – the stage's "what we did" text;
5. Synpunkter som inte tillgodoses – from the planner's decision on each contribution.

A header with the project's name and case number (diarienummer), page numbers in the footer,
real heading styles and table header rows repeated on each page. Private senders are
pseudonymised ("Privatperson 3"). Only the built-in styles of python-docx's default template
are used and user text is stripped of characters XML cannot hold, so Word and LibreOffice open
the file without repair.

The data is gathered once, in ``report_data``, from contributions and figures handed to it;
``build_report`` reads them from the one analysis dataset and its indicator document
(``gather_inputs``: ``app.analysis_ui.dataset``, ``app.analysis_ui.indicators``), so the report
shows the same numbers as the analysis pages and the summary, formatted by
``app.analysis_ui.evidence``; the rendering (``render_report``) only lays out a ``ReportData``.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from app.analysis_ui import dataset, evidence
from app.analysis_ui.dataset import Item, ScopeData
from app.analysis_ui.indicators import compute_scope
from app.analysis_ui.models import ContributionReview, TargetType
from app.analysis_ui.services import Final
from app.comments.models import Comment, CommentStatus
from app.core.models import translated
from app.exports.cells import clean_text
from app.exports.queries import Scope
from app.extensions import db
from app.projects.models import Activity, ActivityKind, StageKind
from app.surveys.models import Question

Progress = Callable[[int], None]
OTHER = "_other"

#: Sender types in the order the report lists them (``SenderType`` values): residents take
#: part on the platform; the others' letters, e-mails and yttranden come in through the
#: staff's intake (app/intake).
SENDER_TYPES = ("remissinstans", "sakagare", "organisation", "resident")
#: Sender types whose senders are private persons and are therefore pseudonymised.
PRIVATE_SENDERS = frozenset({"resident", "sakagare"})
DISPOSITIONS = ("met", "partly", "not_met")
#: The dimensions of "who took part", in the order the report shows them.
REPORT_DIMENSIONS = ("gender", "age_band")

#: Usable width of an A4 page with 2.5 cm margins, and the tables' column widths (cm).
PAGE_WIDTH_CM = 16.0
CONTRIBUTION_WIDTHS = (1.6, 6.3, 2.8, 5.3)  # Id | Synpunkt | Även tema | Kommunens kommentar
FORMAL_WIDTHS = (1.6, 3.0, 6.0, 5.4)  # Id | Avsändare | Synpunkt | Kommunens kommentar
DECISION_WIDTHS = (1.6, 3.2, 4.0, 7.2)  # Id | Avsändare | Tema | Motivering
ID_FONT = Pt(8)
META_FONT = Pt(8.5)


# --- What the report shows --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportItem:
    """One contribution as the report lists it."""

    key: str
    text: str
    #: Codebook theme ids, the main theme first (empty: no theme).
    themes: tuple[str, ...]
    #: What it answered: the question's prompt, or the discussion it was written in.
    context: str = ""
    channel: str = "web"
    created_at: datetime | None = None
    sender_type: str = "resident"
    #: Who sent it: participant key for residents (pseudonymised), a name for formal intake.
    sender_key: str = ""
    sender_name: str | None = None
    #: The official answer given on the platform (comments), else empty.
    official_answer: str = ""
    #: The planner's decision: "met", "partly", "not_met" or None.
    disposition: str | None = None

    @property
    def main_theme(self) -> str:
        return self.themes[0] if self.themes else OTHER


@dataclass(frozen=True, slots=True)
class ChannelRow:
    channel: str
    participants: int
    contributions: int


@dataclass(frozen=True, slots=True)
class GroupRow:
    dimension: str
    group: str
    participants: str
    share: str
    population_share: str


@dataclass(frozen=True, slots=True)
class ThemeRow:
    theme: str
    contributions: int
    share: float
    #: The share's 95 % interval.
    low: float | None = None
    high: float | None = None


@dataclass
class ReportFigures:
    """The round's figures, from the analysis dataset and its indicator document."""

    participants: int
    responses: int
    comments: int
    places: int
    contributions: int
    channels: list[ChannelRow]
    themes: list[ThemeRow]
    groups: list[GroupRow] = field(default_factory=list)
    has_population: bool = False
    #: Key figures as (label, value) rows (``evidence.fact_rows``): participants, per 1,000,
    #: contributions by kind, group shares and the dissimilarity index.
    key_figures: list[tuple[str, str]] = field(default_factory=list)
    #: dimension → dissimilarity index D (only where the population comparison holds).
    dissimilarity: dict[str, float] = field(default_factory=dict)


@dataclass
class ReportData:
    title: str
    organization: str
    project: str
    stage: str
    case_number: str
    opens: date | None
    closes: date | None
    activities: list[str]
    meetings: list[str]
    figures: ReportFigures
    items: list[ReportItem]
    labels: dict[str, str]
    did: str
    lang: str = "sv"
    #: Pseudonym of each private sender ("Privatperson 3"), numbered in order of appearance.
    pseudonyms: dict[str, str] = field(default_factory=dict)

    def theme_label(self, theme: str) -> str:
        if theme == OTHER:
            return _("Other")
        return self.labels.get(theme) or _("Other theme")

    def sender(self, item: ReportItem) -> str:
        if item.sender_type in PRIVATE_SENDERS:
            return self.pseudonyms.get(item.sender_key, _("Private person"))
        return item.sender_name or sender_type_label(item.sender_type)

    @property
    def theme_order(self) -> list[str]:
        """Codebook order, themes outside the codebook after it, "other" last."""
        used = {it.main_theme for it in self.items}
        known = [t for t in self.labels if t in used]
        return known + sorted(used - set(known) - {OTHER}) + ([OTHER] if OTHER in used else [])


# --- Labels --------------------------------------------------------------------------------


def _count_contributions(count: int) -> str:
    """ "1 contribution", "2 contributions" (numbers formatted as everywhere in the report)."""
    return ngettext("%(n)s submission", "%(n)s submissions", count, n=evidence.number(count))


def report_title(scope: Scope) -> str:
    stage = scope.stage
    if stage is not None and stage.kind == StageKind.CONSULTATION:
        return _("Consultation report")
    if stage is not None and stage.kind == StageKind.REVIEW:
        return _("Review statement")
    return _("Compilation of contributions")


def sender_type_label(sender_type: str) -> str:
    return {
        "resident": _("Residents"),
        "sakagare": _("Property owners and other parties concerned"),
        "remissinstans": _("Referral bodies"),
        "organisation": _("Organisations and associations"),
    }.get(sender_type, sender_type)


def channel_label(channel: str) -> str:
    return evidence.channel_label(channel)


def _local_date(value: datetime) -> date:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Stockholm"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).date()


# --- Gathering -----------------------------------------------------------------------------


@dataclass
class ReportInputs:
    """What ``report_data`` needs: the contributions, their final coding and the figures."""

    items: list[Item]
    results: dict[str, Final]
    figures: ReportFigures
    #: key → what the contribution answered (question prompt or discussion title).
    contexts: dict[str, str]
    #: key → the official answers given to it.
    answers: dict[str, str]
    #: theme id → name (the codebook's and the project's own themes).
    labels: dict[str, str] = field(default_factory=dict)


def report_data(
    scope: Scope,
    items: Sequence[Item],
    results: Mapping[str, Final],
    figures: ReportFigures,
    *,
    lang: str,
    contexts: Mapping[str, str] | None = None,
    answers: Mapping[str, str] | None = None,
    dispositions: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> ReportData:
    """The report's content from contributions and figures computed elsewhere.

    ``items`` are every contribution of the scope; the ones with text are listed, each exactly
    once. ``dispositions`` defaults to the planner's stored decisions; ``labels`` (theme id →
    name) to the codebook's.
    """
    labels = dict(labels) if labels else evidence.theme_labels(lang)
    order = {t: i for i, t in enumerate(labels)}
    contexts = contexts or {}
    answers = answers or {}
    if dispositions is None:
        dispositions = stored_dispositions(items)
    senders = stored_senders(items)
    listed: list[ReportItem] = []
    for it in items:
        text = (it.contribution.text or "").strip()
        if not text:
            continue
        themes = list(results[it.key].themes) if it.key in results else []
        main, rest = themes[:1], sorted(themes[1:], key=lambda t: order.get(t, len(order)))
        listed.append(
            ReportItem(
                key=it.key,
                text=text,
                themes=tuple(main + rest),
                context=contexts.get(it.key, ""),
                channel=it.contribution.channel or "web",
                created_at=it.contribution.created_at,
                sender_type=senders.get(it.key, ("resident", None))[0],
                sender_name=senders.get(it.key, ("resident", None))[1],
                sender_key=it.contribution.participant_id or it.key,
                official_answer=answers.get(it.key, ""),
                disposition=dispositions.get(it.key),
            )
        )
    listed.sort(key=lambda i: (i.created_at or datetime.min.replace(tzinfo=UTC), i.key))
    pseudonyms: dict[str, str] = {}
    for entry in listed:
        if entry.sender_type in PRIVATE_SENDERS and entry.sender_key not in pseudonyms:
            pseudonyms[entry.sender_key] = _("Private person %(n)s", n=len(pseudonyms) + 1)
    stage = scope.stage
    project = scope.project
    opens = [s.opens_at for s in scope.stages if s.opens_at]
    closes = [s.closes_at for s in scope.stages if s.closes_at]
    activities = []
    for s in scope.stages:
        for a in s.activities:
            kind = _("Survey") if a.kind == ActivityKind.SURVEY else _("Discussion")
            name = translated(a.title, lang)
            activities.append(f"{kind}: {name}" if name else kind)
    did = ""
    if stage is not None and stage.feedback is not None:
        did = translated(stage.feedback.did, lang)
    return ReportData(
        title=report_title(scope),
        organization=project.organization.name if project else "",
        project=translated(project.title, lang) if project else "",
        stage=translated(stage.title, lang) if stage else _("All stages of the project"),
        case_number=(project.case_number or "") if project else "",
        opens=_local_date(min(opens)) if opens else None,
        closes=_local_date(max(closes)) if closes else None,
        activities=activities,
        meetings=[],  # no meeting records yet; listed here once they exist
        figures=figures,
        items=listed,
        labels=labels,
        did=did or "",
        lang=lang,
        pseudonyms=pseudonyms,
    )


def stored_senders(items: Iterable[Item]) -> dict[str, tuple[str, str | None]]:
    """key → (sender type, name) of comments registered through the intake; the name only of
    public senders (remissinstanser, organisations): private ones are pseudonymised."""
    from app.intake.models import Sender

    ids = [it.target_id for it in items if it.target_type == TargetType.COMMENT]
    out: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(ids), dataset.CHUNK):
        rows = db.session.execute(
            sa.select(Comment.id, Comment.sender_type, Sender.name)
            .outerjoin(Sender, Sender.comment_id == Comment.id)
            .where(Comment.id.in_(ids[start : start + dataset.CHUNK]))
            .where(Comment.sender_type.is_not(None))
        )
        for comment_id, sender_type, name in rows:
            kind = str(sender_type)
            out[dataset.key_of(TargetType.COMMENT, comment_id)] = (
                kind,
                None if kind in PRIVATE_SENDERS else name,
            )
    return out


def stored_dispositions(items: Iterable[Item]) -> dict[str, str]:
    """key → the planner's decision (met, partly, not_met) of the contributions that have one."""
    ids: dict[TargetType, list[int]] = defaultdict(list)
    for it in items:
        ids[it.target_type].append(it.target_id)
    out: dict[str, str] = {}
    for target_type, target_ids in ids.items():
        for start in range(0, len(target_ids), dataset.CHUNK):
            for target_id, disposition in db.session.execute(
                sa.select(ContributionReview.target_id, ContributionReview.disposition).where(
                    ContributionReview.target_type == target_type,
                    ContributionReview.target_id.in_(target_ids[start : start + dataset.CHUNK]),
                    ContributionReview.disposition.is_not(None),
                )
            ):
                out[dataset.key_of(target_type, target_id)] = str(disposition)
    return out


def gather_inputs(scope: Scope, *, lang: str) -> ReportInputs:
    """Contributions, their final codings (reviewers' decisions and valence corrections
    applied) and the figures, from the one analysis dataset (published content) and its
    indicator document: the numbers of the analysis page and the summary."""
    analysis = dataset.scope_data(scope)
    doc = compute_scope(scope, analysis)
    results = dataset.coded(analysis, scope.project)
    labels = evidence.theme_labels(lang, doc.get("labels"))
    return ReportInputs(
        analysis.items,
        results,
        _figures(doc, analysis, labels),
        _contexts(analysis.items, lang),
        _answers(analysis.items),
        labels,
    )


def _figures(
    doc: Mapping[str, Any], analysis: ScopeData, labels: Mapping[str, str]
) -> ReportFigures:
    """The report's figures: totals, theme shares and who took part from the indicator
    document; participants and contributions per channel from the same dataset."""
    totals = doc.get("totals", {})
    people: dict[str, set[str]] = defaultdict(set)
    contributions: Counter[str] = Counter()
    for event in analysis.events:
        people[event.channel or "web"].add(event.participant)
    for it in analysis.items:
        channel = it.contribution.channel or "web"
        people[channel].add(it.contribution.participant_id or f"contribution:{it.key}")
        contributions[channel] += 1
    rows = {t["theme"]: t for t in doc.get("themes", [])}
    order = [*labels, *sorted(set(rows) - set(labels))]
    themes = [
        ThemeRow(t, rows[t]["count"], rows[t]["share"] or 0.0, rows[t]["low"], rows[t]["high"])
        for t in order
        if t in rows and rows[t]["count"]
    ]
    rep = doc.get("representation", {})
    dims = {d["dimension"]: d for d in rep.get("dimensions", [])}
    groups = [
        GroupRow(
            dim,
            g["group"],
            evidence.count(g["participants"]),
            evidence.percent(g["participant_share"]),
            evidence.percent(g["population_share"]),
        )
        for dim in REPORT_DIMENSIONS
        if dim in dims and any(g["group"] != "unknown" for g in dims[dim]["groups"])
        for g in dims[dim]["groups"]
    ]
    return ReportFigures(
        participants=int(totals.get("participants", 0)),
        responses=int(totals.get("responses", 0)),
        comments=int(totals.get("comments", 0)),
        places=int(totals.get("markings", 0)),
        contributions=int(totals.get("contributions", 0)),
        channels=[
            ChannelRow(ch, len(people[ch]), contributions[ch])
            for ch in sorted(people, key=lambda c: (-len(people[c]), c))
        ],
        themes=themes,
        groups=groups,
        has_population=rep.get("population_year") is not None,
        key_figures=evidence.fact_rows(dict(doc)),
        dissimilarity={
            dim: d["dissimilarity"]
            for dim, d in dims.items()
            if dim in REPORT_DIMENSIONS and d.get("dissimilarity") is not None
        },
    )


def _contexts(items: Sequence[Item], lang: str) -> dict[str, str]:
    """What each contribution answered: the question, the map question, or the discussion."""
    comment_ids = [it.target_id for it in items if it.target_type == TargetType.COMMENT]
    discussion: dict[int, str] = {}
    for start in range(0, len(comment_ids), dataset.CHUNK):
        for cid, activity_title in db.session.execute(
            sa.select(Comment.id, Activity.title)
            .join(Activity, Comment.activity_id == Activity.id)
            .where(Comment.id.in_(comment_ids[start : start + dataset.CHUNK]))
        ):
            discussion[cid] = translated(activity_title, lang) if activity_title else ""
    question_ids = sorted({it.question_id for it in items if it.question_id is not None})
    prompts: dict[int, str] = {}
    for start in range(0, len(question_ids), dataset.CHUNK):
        for qid, prompt_text in db.session.execute(
            sa.select(Question.id, Question.prompt).where(
                Question.id.in_(question_ids[start : start + dataset.CHUNK])
            )
        ):
            prompts[qid] = " ".join(translated(prompt_text, lang).split())
    out: dict[str, str] = {}
    for it in items:
        if it.target_type == TargetType.COMMENT:
            title = discussion.get(it.target_id, "")
            out[it.key] = (
                _("Comment in the discussion “%(title)s”", title=title)
                if title
                else _("Comment in the discussion")
            )
            continue
        prompt = prompts.get(it.question_id, "") if it.question_id is not None else ""
        if it.target_type == TargetType.FEATURE:
            category = it.contribution.category
            place = _("Place on the map")
            if category:
                place += f" ({category})"
            out[it.key] = f"{place}: {prompt}" if prompt else place
        else:
            out[it.key] = prompt
    return out


def _answers(items: Sequence[Item]) -> dict[str, str]:
    """The published official answers given to each resident comment, oldest first."""
    comment_ids = [it.target_id for it in items if it.target_type == TargetType.COMMENT]
    out: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(comment_ids), dataset.CHUNK):
        for parent_id, body in db.session.execute(
            sa.select(Comment.parent_id, Comment.body)
            .where(
                Comment.parent_id.in_(comment_ids[start : start + dataset.CHUNK]),
                Comment.is_official.is_(True),
                Comment.deleted_at.is_(None),
                Comment.status == CommentStatus.PUBLISHED,
            )
            .order_by(Comment.created_at, Comment.id)
        ):
            if parent_id is not None:  # excluded by the query; for the type checker
                out[dataset.key_of(TargetType.COMMENT, parent_id)].append((body or "").strip())
    return {k: "\n\n".join(v for v in vs if v) for k, vs in out.items()}


# --- Rendering -----------------------------------------------------------------------------


def _field(paragraph: Any, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


#: Children of w:trPr and w:tblPr that come after the ones we add (schema order matters to
#: Word, which reports "unreadable content" otherwise).
_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
_AFTER_TBL_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden")
_AFTER_TBL_W = (
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
)


def _on(parent: Any, tag: str, successors: Sequence[str], **attrs: str) -> Any:
    """Put a ``tag`` child in ``parent`` (once) before its schema successors."""
    existing = parent.find(qn(tag))
    if existing is not None:
        return existing
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key), value)
    parent.insert_element_before(element, *successors)
    return element


def _keep_row_together(row: Any) -> None:
    """A row never breaks across pages (a contribution reads as one piece)."""
    _on(row._tr.get_or_add_trPr(), "w:cantSplit", _AFTER_CANT_SPLIT)


def _repeat_header(row: Any) -> None:
    """Mark a table row as a header row, repeated at the top of every page."""
    _keep_row_together(row)
    _on(row._tr.get_or_add_trPr(), "w:tblHeader", _AFTER_TBL_HEADER, **{"w:val": "true"})


def _table(document: Any, headers: Sequence[str], widths: Sequence[float]) -> Any:
    """A fixed-layout table of the given column widths (cm) with a marked header row."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    width = str(int(sum(widths) * 567))
    _on(tbl_pr, "w:tblW", _AFTER_TBL_W, **{"w:w": width, "w:type": "dxa"})
    for column, w in zip(table.columns, widths, strict=True):
        column.width = Cm(w)
    for cell, text, w in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = Cm(w)
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    _repeat_header(table.rows[0])
    return table


def _row(table: Any, widths: Sequence[float]) -> list[Any]:
    row = table.add_row()
    _keep_row_together(row)
    cells: list[Any] = list(row.cells)
    for cell, w in zip(cells, widths, strict=True):
        cell.width = Cm(w)
    return cells


def _text(cell: Any, value: str, *, size: Pt | None = None, italic: bool = False) -> Any:
    """Put ``value`` in ``cell`` (its first paragraph when empty), one paragraph per block."""
    blocks = clean_text(value).split("\n\n") or [""]
    paragraph = None
    for i, block in enumerate(blocks):
        paragraph = (
            cell.paragraphs[0] if i == 0 and not cell.paragraphs[0].text else cell.add_paragraph()
        )
        run = paragraph.add_run(block)
        run.italic = italic
        if size is not None:
            run.font.size = size
    return paragraph


def _meta(cell: Any, value: str) -> None:
    paragraph = cell.add_paragraph() if cell.paragraphs[0].text else cell.paragraphs[0]
    run = paragraph.add_run(clean_text(value))
    run.font.size = META_FONT
    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def _header_footer(document: Any, data: ReportData) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    header = section.header.paragraphs[0]
    parts = [data.project or data.title]
    if data.case_number:
        parts.append(_("Case no. %(number)s", number=data.case_number))
    run = header.add_run(clean_text(" · ".join(parts)))
    run.font.size = Pt(9)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(_("Page") + " ").font.size = Pt(9)
    _field(footer, "PAGE")
    footer.add_run(" " + _("of") + " ").font.size = Pt(9)
    _field(footer, "NUMPAGES")


def _caption(document: Any, text: str) -> None:
    """A bold line kept with the table that follows it."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(8)
    paragraph.add_run(clean_text(text)).bold = True


def _summary(document: Any, data: ReportData) -> None:
    f = data.figures
    document.add_heading(_("1 Summary"), level=1)
    period = ""
    if data.opens and data.closes:
        period = _(
            " from %(opens)s to %(closes)s",
            opens=data.opens.isoformat(),
            closes=data.closes.isoformat(),
        )
    document.add_paragraph(
        _(
            "During %(stage)s of %(project)s%(period)s, %(participants)s took part and made "
            "%(contributions)s, of which %(texts)s with text are reported in section 3.",
            stage=clean_text(data.stage),
            project=clean_text(data.project),
            period=period,
            participants=ngettext(
                "%(count)s person",
                "%(count)s people",
                f.participants,
                count=evidence.number(f.participants),
            ),
            contributions=ngettext(
                "%(count)s contribution",
                "%(count)s contributions",
                f.contributions,
                count=evidence.number(f.contributions),
            ),
            texts=evidence.number(len(data.items)),
        )
    )
    top = sorted(f.themes, key=lambda t: -t.contributions)[:3]
    if top:
        document.add_paragraph(
            _(
                "The themes raised most often were %(themes)s.",
                themes=", ".join(
                    f"{data.theme_label(t.theme).lower()} ({evidence.percent(t.share)})"
                    for t in top
                ),
            )
        )
    not_met = sum(1 for i in data.items if i.disposition == "not_met")
    partly = sum(1 for i in data.items if i.disposition == "partly")
    document.add_paragraph(
        _(
            "Not met: %(not_met)s; partly met: %(partly)s (section 5).",
            not_met=_count_contributions(not_met),
            partly=_count_contributions(partly),
        )
    )
    if f.key_figures:
        # The key figures of the analysis page and the summary, the same numbers.
        _caption(document, _("Key figures"))
        widths: tuple[float, ...] = (7.0, 9.0)
        table = _table(document, [_("Fact"), _("Value")], widths)
        for label, value in f.key_figures:
            cells = _row(table, widths)
            _text(cells[0], label)
            _text(cells[1], value)
    if f.themes:
        _caption(document, _("Themes"))
        widths = (8.0, 3.0, 5.0)
        table = _table(document, [_("Theme"), _("Contributions"), _("Share")], widths)
        for t in f.themes:  # codebook order
            cells = _row(table, widths)
            _text(cells[0], data.theme_label(t.theme))
            _text(cells[1], evidence.number(t.contributions))
            _text(cells[2], f"{evidence.percent(t.share)} ({evidence.interval(t.low, t.high)})")
        document.add_paragraph(
            _(
                "Share of all contributions (%(n)s) with a 95 %% interval. A contribution can "
                "concern several themes; below it is listed once, under its main theme.",
                n=evidence.number(f.contributions),
            )
        )


def _conduct(document: Any, data: ReportData) -> None:
    f = data.figures
    document.add_heading(_("2 How the consultation was carried out"), level=1)
    document.add_heading(_("Dates and activities"), level=2)
    if data.opens or data.closes:
        document.add_paragraph(
            _(
                "The consultation ran from %(opens)s to %(closes)s.",
                opens=data.opens.isoformat() if data.opens else "–",
                closes=data.closes.isoformat() if data.closes else "–",
            )
        )
    for activity in data.activities:
        document.add_paragraph(clean_text(activity), style="List Bullet")
    if data.meetings:
        document.add_heading(_("Meetings"), level=2)
        for meeting in data.meetings:
            document.add_paragraph(clean_text(meeting), style="List Bullet")
    document.add_heading(_("Participants and contributions by channel"), level=2)
    document.add_paragraph(
        _(
            "Participants: %(participants)s. Survey responses: %(responses)s, comments: "
            "%(comments)s, places marked on the map: %(places)s.",
            participants=evidence.number(f.participants),
            responses=evidence.number(f.responses),
            comments=evidence.number(f.comments),
            places=evidence.number(f.places),
        )
    )
    widths = (8.0, 4.0, 4.0)
    table = _table(document, [_("Channel"), _("Participants"), _("Contributions")], widths)
    for row in f.channels:
        cells = _row(table, widths)
        _text(cells[0], channel_label(row.channel))
        _text(cells[1], evidence.number(row.participants))
        _text(cells[2], evidence.number(row.contributions))
    document.add_heading(_("Who took part"), level=2)
    if not f.groups:
        document.add_paragraph(_("No participant answered the questions about themselves."))
        return
    document.add_paragraph(
        _(
            "Participants by gender and age beside the population. Groups of fewer than five "
            "participants are shown as <5."
        )
        if f.has_population
        else _(
            "Participants by gender and age. No population figures have been uploaded, so the "
            "comparison with the population is missing."
        )
    )
    group_widths = (6.0, 3.0, 3.4, 3.6)
    table = _table(
        document,
        [_("Group"), _("Participants"), _("Share of participants"), _("Share of population")],
        group_widths,
    )
    for g in f.groups:
        cells = _row(table, group_widths)
        label = evidence.group_label(g.group, g.dimension)
        _text(cells[0], f"{evidence.dimension_label(g.dimension)}: {label}")
        _text(cells[1], g.participants)
        _text(cells[2], g.share)
        _text(cells[3], g.population_share)
    for dim, d in f.dissimilarity.items():
        line = document.add_paragraph(
            f"{evidence.dimension_label(dim)}: "
            + _("dissimilarity index D = %(d)s (0 = like the population)", d=evidence.number(d, 2))
        )
        line.paragraph_format.space_before = Pt(6)


def _contribution_rows(document: Any, data: ReportData, items: list[ReportItem]) -> None:
    widths = CONTRIBUTION_WIDTHS
    # "View" is the glossary's synpunkt: a contribution about a theme, as section 3 lists them.
    table = _table(
        document,
        [_("Id"), _("View"), _("Also about"), _("The municipality's comment")],
        widths,
    )
    for it in items:
        cells = _row(table, widths)
        _text(cells[0], it.key, size=ID_FONT)
        if it.context:
            _meta(cells[1], it.context)
        _text(cells[1], it.text)
        when = _local_date(it.created_at).isoformat() if it.created_at else ""
        _meta(
            cells[1], " · ".join(p for p in (data.sender(it), channel_label(it.channel), when) if p)
        )
        _text(cells[2], ", ".join(data.theme_label(t) for t in it.themes[1:]), size=META_FONT)
        _text(cells[3], it.official_answer)


def _contributions(document: Any, data: ReportData) -> None:
    document.add_heading(_("3 Contributions received"), level=1)
    document.add_paragraph(
        _(
            "Every contribution is listed once, under its main theme; other themes it concerns "
            "are in the column “Also about”. Private persons are shown under a number, not by "
            "name. The last column holds the official answer given during the consultation, or "
            "is left for the municipality's comment."
        )
    )
    by_sender: dict[str, list[ReportItem]] = defaultdict(list)
    for it in data.items:
        by_sender[it.sender_type].append(it)
    if not data.items:
        document.add_paragraph(_("No contributions with text were received."))
    for sender_type in [*SENDER_TYPES, *sorted(set(by_sender) - set(SENDER_TYPES))]:
        items = by_sender.get(sender_type)
        if not items:
            continue
        document.add_heading(sender_type_label(sender_type), level=2)
        if sender_type != "resident":
            widths = FORMAL_WIDTHS
            table = _table(
                document,
                [_("Id"), _("Sender"), _("View"), _("The municipality's comment")],
                widths,
            )
            for it in items:
                cells = _row(table, widths)
                _text(cells[0], it.key, size=ID_FONT)
                _text(cells[1], data.sender(it))
                _text(cells[2], it.text)
                _text(cells[3], it.official_answer)
            continue
        senders = {it.sender_key for it in items}
        document.add_paragraph(
            _(
                "%(contributions)s from %(people)s.",
                contributions=_count_contributions(len(items)),
                people=ngettext(
                    "%(n)s private person",
                    "%(n)s private persons",
                    len(senders),
                    n=evidence.number(len(senders)),
                ),
            )
        )
        by_theme: dict[str, list[ReportItem]] = defaultdict(list)
        for it in items:
            by_theme[it.main_theme].append(it)
        for theme in data.theme_order:
            members = by_theme.get(theme)
            if not members:
                continue
            document.add_heading(clean_text(data.theme_label(theme)), level=3)
            _contribution_rows(document, data, members)


def _changes(document: Any, data: ReportData) -> None:
    document.add_heading(_("4 Changes after the consultation"), level=1)
    blocks = [b.strip() for b in data.did.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if not blocks:
        document.add_paragraph().add_run(
            _(
                "[Describe what the municipality changed after the consultation. Fill in "
                "“What we did” in the stage's feedback and export again.]"
            )
        ).italic = True
    for block in blocks:
        _markdown_block(document, block)


def _markdown_block(document: Any, block: str) -> None:
    """One block of a Markdown text (the feedback is written in Markdown): a heading, a list
    (one bulleted paragraph per item) or a paragraph, its inline markup as plain text."""
    from app.core.content import markdown_text

    lines = [line.strip() for line in block.split("\n") if line.strip()]
    if len(lines) == 1 and lines[0].startswith("#"):
        document.add_heading(clean_text(markdown_text(lines[0].lstrip("#"))), level=3)
    elif all(line[:2] in ("- ", "* ", "+ ") for line in lines):
        for line in lines:
            document.add_paragraph(clean_text(markdown_text(line[2:])), style="List Bullet")
    else:
        document.add_paragraph(clean_text(markdown_text(" ".join(lines))))


def _not_met(document: Any, data: ReportData) -> None:
    document.add_heading(_("5 Contributions not met"), level=1)
    decided = sum(1 for it in data.items if it.disposition)
    document.add_paragraph(
        ngettext(
            "The municipality has decided on %(decided)s of %(n)s contribution. Contributions "
            "are referred to by their id in section 3.",
            "The municipality has decided on %(decided)s of %(n)s contributions. Contributions "
            "are referred to by their id in section 3.",
            len(data.items),
            decided=evidence.number(decided),
            n=evidence.number(len(data.items)),
        )
    )
    for disposition, heading, empty in (
        ("not_met", _("Not met"), _("No contribution has been marked as not met.")),
        ("partly", _("Partly met"), _("No contribution has been marked as partly met.")),
    ):
        document.add_heading(heading, level=2)
        members = [it for it in data.items if it.disposition == disposition]
        if not members:
            document.add_paragraph(empty)
            continue
        widths = DECISION_WIDTHS
        table = _table(
            document, [_("Id"), _("Sender"), _("Theme"), _("The municipality's reasons")], widths
        )
        for it in members:
            cells = _row(table, widths)
            _text(cells[0], it.key, size=ID_FONT)
            _text(cells[1], data.sender(it))
            _text(cells[2], data.theme_label(it.main_theme))
            _text(cells[3], "")


def render_report(data: ReportData) -> bytes:
    """Lay out ``data`` as a DOCX document."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    document.core_properties.title = clean_text(f"{data.title} – {data.project}")
    document.core_properties.language = data.lang
    document.core_properties.author = data.organization or "Platsdialog"
    if data.case_number:
        document.core_properties.identifier = clean_text(data.case_number)
    _header_footer(document, data)

    document.add_heading(clean_text(data.title), level=0)
    document.add_paragraph(clean_text(f"{data.project} – {data.stage}"))
    facts = [data.organization]
    if data.case_number:
        facts.append(_("Case no. %(number)s", number=data.case_number))
    document.add_paragraph(clean_text(" · ".join(f for f in facts if f)))
    draft = document.add_paragraph()
    draft.add_run(
        _(
            "Draft produced by Platsdialog on %(date)s. Edit before publishing.",
            date=datetime.now(UTC).strftime("%Y-%m-%d"),
        )
    ).italic = True
    _summary(document, data)
    _conduct(document, data)
    _contributions(document, data)
    _changes(document, data)
    _not_met(document, data)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def build_report(scope: Scope, *, lang: str = "sv", progress: Progress | None = None) -> bytes:
    """The report of ``scope`` as DOCX bytes."""
    report = progress or (lambda _p: None)
    inputs = gather_inputs(scope, lang=lang)
    report(50)
    data = report_data(
        scope,
        inputs.items,
        inputs.results,
        inputs.figures,
        lang=lang,
        contexts=inputs.contexts,
        answers=inputs.answers,
    )
    report(70)
    return render_report(data)
