"""The draft consultation report as an editable Word document (python-docx).

A samrådsredogörelse for samråd stages, a granskningsutlåtande for granskning, a generic
compilation otherwise: the round's facts, a summary table of themes, the contributions grouped
by theme with an empty "Kommunens kommentar" column for the planner, and an appendix listing
every contribution with its id. Only the built-in styles of python-docx's default template are
used, and user text is stripped of characters XML cannot hold, so Word and LibreOffice open
the file without repair.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from flask_babel import gettext as _
from flask_babel import ngettext

from app.analysis_ui import dataset, evidence
from app.analysis_ui.dataset import Item
from app.analysis_ui.indicators import compute_scope
from app.core.models import translated
from app.exports.cells import clean_text
from app.exports.queries import Scope
from app.exports.summary import _dates
from app.exports.tables import local_time
from app.projects.models import StageKind

Progress = Callable[[int], None]
OTHER = "_other"


def report_title(scope: Scope) -> str:
    stage = scope.stage
    if stage is not None and stage.kind == StageKind.CONSULTATION:
        return _("Consultation report")
    if stage is not None and stage.kind == StageKind.REVIEW:
        return _("Review statement")
    return _("Compilation of contributions")


def _repeat_header(row: object) -> None:
    """Mark a table row as a header row repeated on every page."""
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _table(document: object, headers: list[str], widths: list[float]) -> object:
    table = document.add_table(rows=1, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        cell.width = Cm(width)
    _repeat_header(table.rows[0])
    return table


def _add_row(table: object, values: list[str], widths: list[float]) -> None:
    cells = table.add_row().cells  # type: ignore[attr-defined]
    for cell, value, width in zip(cells, values, widths, strict=True):
        cell.text = clean_text(value)
        cell.width = Cm(width)


def _source(item: Item) -> str:
    return evidence.source_label(str(item.target_type))


def build_report(scope: Scope, *, lang: str = "sv", progress: Progress | None = None) -> bytes:
    """The report as DOCX bytes."""
    report = progress or (lambda _p: None)
    # One dataset and one indicator document: the figures of the analysis page and summary.
    doc = compute_scope(scope)
    report(20)
    analysis = dataset.scope_data(scope)
    results = dataset.coded(analysis, scope.project)
    items = [it for it in analysis.items if it.contribution.text.strip()]
    report(50)
    labels = evidence.theme_labels(lang, doc.get("labels"))
    theme_rows = {t["theme"]: t for t in doc.get("themes", [])}

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    title = report_title(scope)
    project_title = translated(scope.project.title, lang) if scope.project else ""
    stage = scope.stage
    stage_title = translated(stage.title, lang) if stage else _("All stages of the project")
    document.core_properties.title = clean_text(f"{title} – {project_title}")
    document.core_properties.language = lang
    document.core_properties.author = "Platsdialog"

    document.add_heading(clean_text(title), level=0)
    document.add_paragraph(clean_text(f"{project_title} – {stage_title}"))
    draft = document.add_paragraph()
    draft.add_run(
        _(
            "Draft produced by Platsdialog on %(date)s. Edit before publishing.",
            date=datetime.now(UTC).strftime("%Y-%m-%d"),
        )
    ).italic = True

    document.add_heading(_("Introduction"), level=1)
    opens, closes = _dates(scope)
    document.add_paragraph(
        _(
            "This document compiles the contributions residents made during %(stage)s of "
            "%(project)s and leaves room for the municipality's comments.",
            stage=clean_text(stage_title),
            project=clean_text(project_title),
        )
    )
    facts_widths = [6.0, 10.0]
    facts = _table(document, [_("Fact"), _("Value")], facts_widths)
    for label, value in (
        (_("Organization"), scope.project.organization.name if scope.project else ""),
        (_("Project"), project_title),
        (_("Stage"), stage_title),
        (_("Opening date"), opens.isoformat() if opens else "–"),
        (_("Closing date"), closes.isoformat() if closes else "–"),
        *evidence.fact_rows(doc),
        (_("Contributions with text"), evidence.number(len(items))),
    ):
        _add_row(facts, [label, value], facts_widths)

    # Each contribution once, under its main theme (the most confident one).
    groups: dict[str, list[Item]] = {}
    for it in items:
        themes = results[it.key].themes or (OTHER,)
        groups.setdefault(themes[0], []).append(it)
    order = [t for t in labels if t in groups] + [t for t in groups if t not in labels]
    summary_order = [t for t in labels if theme_rows.get(t, {}).get("count")]

    document.add_heading(_("Summary by theme"), level=1)
    summary_widths = [8.0, 4.0, 4.0]
    summary = _table(document, [_("Theme"), _("Contributions"), _("Share")], summary_widths)
    for theme in summary_order:
        t = theme_rows[theme]
        _add_row(
            summary,
            [
                labels.get(theme) or _("Other theme"),
                evidence.number(t["count"]),
                f"{evidence.percent(t['share'])} ({evidence.interval(t['low'], t['high'])})",
            ],
            summary_widths,
        )
    document.add_paragraph(
        _(
            "Share of all %(n)s contributions with a 95 %% interval. A contribution can concern "
            "several themes; below it is listed once, under its main theme.",
            n=evidence.number(doc.get("totals", {}).get("contributions", 0)),
        )
    )
    report(65)

    document.add_heading(_("Contributions by theme"), level=1)
    widths = [2.0, 9.5, 5.5]
    for theme in order:
        members = groups[theme]
        name = labels.get(theme) or (_("Other") if theme == OTHER else _("Other theme"))
        document.add_heading(clean_text(name), level=2)
        people = len({m.contribution.participant_id or m.key for m in members})
        document.add_paragraph(
            ngettext(
                "%(n)s contribution",
                "%(n)s contributions",
                len(members),
                n=evidence.number(len(members)),
            )
            + " "
            + ngettext(
                "from %(n)s participant.",
                "from %(n)s participants.",
                people,
                n=evidence.number(people),
            )
        )
        table = _table(
            document, [_("Id"), _("Contribution"), _("The municipality's comment")], widths
        )
        for it in members:
            _add_row(table, [it.key, it.contribution.text.strip(), ""], widths)
    report(85)

    document.add_heading(_("Appendix: all contributions"), level=1)
    appendix_widths = [2.0, 3.0, 3.0, 9.0]
    appendix = _table(document, [_("Id"), _("Date"), _("Source"), _("Theme")], appendix_widths)
    for it in sorted(
        items, key=lambda i: (i.contribution.created_at or datetime.min.replace(tzinfo=UTC), i.key)
    ):
        _add_row(
            appendix,
            [
                it.key,
                local_time(it.contribution.created_at)[:10],
                _source(it),
                # The text stands once, in its theme's table above.
                labels.get((results[it.key].themes or (OTHER,))[0]) or _("Other"),
            ],
            appendix_widths,
        )
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
