"""Build export files and audit them.

:func:`build_export` is the one entry point for the web UI, background jobs and the CLI: it
takes what to export (kind, format, scope) and what the requester may see (:class:`Access`,
decided by :mod:`app.core.permissions`) and returns the file. :func:`audit_export` writes the
audit event (format and scope, never the data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.audit.services import record
from app.core.permissions import Action, Actor, can
from app.exports.queries import Dataset, Scope, load_dataset

#: Formats each kind of export comes in.
FORMATS: dict[str, tuple[str, ...]] = {
    "responses": ("csv", "xlsx", "geojson", "gpkg"),
    "comments": ("csv", "xlsx", "geojson"),
    "summary": ("html", "pdf"),
    "report": ("docx",),
}
#: Kinds that need a stage or project (comments and the report belong to stages).
STAGE_KINDS = {"comments", "summary", "report"}

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

Progress = Callable[[int], None]


class ExportError(Exception):
    """The export cannot be built as asked; the message is for people (translated)."""


class ExportRefused(ExportError):
    """The requester may not get this export (e.g. a partner asking for individual rows)."""


@dataclass(frozen=True)
class Access:
    """What an export may contain for its requester."""

    #: Individual rows with nicknames, emails and demographics.
    personal: bool
    #: Hidden and pending comments.
    hidden: bool

    @property
    def aggregate_only(self) -> bool:
        return not self.personal

    @property
    def level(self) -> str:
        return "full" if self.personal else "aggregate"

    @classmethod
    def system(cls) -> Access:
        """The CLI's system actor: everything."""
        return cls(personal=True, hidden=True)


def access_for(actor: Actor, obj: Any) -> Access:
    """The export access of ``actor`` on ``obj`` (callers check Action.EXPORT first)."""
    return Access(
        personal=can(actor, Action.VIEW_PERSONAL_DATA, obj),
        hidden=can(actor, Action.VIEW_HIDDEN, obj),
    )


@dataclass
class ExportFile:
    name: str
    data: bytes
    mimetype: str


def file_stem(kind: str, scope: Scope) -> str:
    return f"platsdialog-{kind}-{scope.type}-{scope.obj.id}"


def check_request(kind: str, fmt: str, scope: Scope, access: Access) -> None:
    """Raise ExportError/ExportRefused when the combination cannot or may not be served."""
    if kind not in FORMATS or fmt not in FORMATS[kind]:
        raise ExportError(_("This format is not available for this export."))
    if kind in STAGE_KINDS and scope.type == "survey":
        raise ExportError(_("Choose a stage or a project for this export."))
    if access.aggregate_only and (kind == "report" or fmt in ("geojson", "gpkg")):
        raise ExportRefused(
            _("You may only export aggregated results (CSV or Excel, or the summary).")
        )


def build_export(
    kind: str,
    fmt: str,
    scope: Scope,
    access: Access,
    *,
    lang: str = "sv",
    delimiter: str = ",",
    progress: Progress | None = None,
) -> ExportFile:
    """Build one export file. Raises ExportError or ExportRefused (see check_request)."""
    report = progress or (lambda _p: None)
    with force_locale(lang):
        check_request(kind, fmt, scope, access)
        return _build(kind, fmt, scope, access, lang=lang, delimiter=delimiter, progress=report)


def _build(
    kind: str,
    fmt: str,
    scope: Scope,
    access: Access,
    *,
    lang: str,
    delimiter: str,
    progress: Progress,
) -> ExportFile:
    from app.exports import geo

    stem = file_stem(kind, scope)
    if kind in ("summary", "report"):
        return _document(kind, fmt, scope, access, stem=stem, lang=lang, progress=progress)

    data = load_dataset(
        scope,
        # The responses workbook of a stage or project carries its comments on a sheet too.
        include_comments=kind == "comments"
        or (
            kind == "responses"
            and fmt == "xlsx"
            and scope.type != "survey"
            and not access.aggregate_only
        ),
        include_responses=kind == "responses",
        include_hidden=access.hidden and not access.aggregate_only,
        include_people=access.personal,
    )
    progress(20)
    from app.analysis_ui import dataset

    analysis = dataset.scope_data(
        scope, dataset.Options(include_hidden=access.hidden and not access.aggregate_only)
    )
    results = dataset.coded(analysis, scope.project)
    progress(40)

    if access.aggregate_only:
        return _aggregated(
            kind, fmt, scope, data, stem=stem, lang=lang, delimiter=delimiter, progress=progress
        )

    if fmt in ("geojson", "gpkg"):
        if kind == "comments":
            features = geo.comment_features(data, results)
        else:
            features = geo.answer_features(data, results, lang)
        progress(70)
        if fmt == "geojson":
            return ExportFile(
                f"{stem}.geojson", geo.geojson_bytes(features, stem), MIMETYPES["geojson"]
            )
        payload, ext = geo.gpkg_bytes(features, stem)
        return ExportFile(f"{stem}-sweref99tm.{ext}", payload, MIMETYPES[ext])

    return _tables(
        kind,
        fmt,
        scope,
        access,
        data,
        results,
        stem=stem,
        lang=lang,
        delimiter=delimiter,
        progress=progress,
    )


def _document(
    kind: str, fmt: str, scope: Scope, access: Access, *, stem: str, lang: str, progress: Progress
) -> ExportFile:
    """The summary (HTML or PDF) or the report (Word)."""
    if kind == "summary":
        from app.exports import summary

        progress(5)
        context = summary.build_context(
            scope, lang=lang, staff=not access.aggregate_only, progress=progress
        )
        html = summary.render_html(context, for_print=fmt == "pdf")
        progress(85)
        if fmt == "html":
            return ExportFile(f"{stem}.html", html.encode("utf-8"), MIMETYPES["html"])
        return ExportFile(f"{stem}.pdf", summary.render_pdf(html), MIMETYPES["pdf"])
    from app.exports import report_docx

    data = report_docx.build_report(scope, lang=lang, progress=progress)
    return ExportFile(f"{stem}.docx", data, MIMETYPES["docx"])


def _aggregated(
    kind: str,
    fmt: str,
    scope: Scope,
    data: Dataset,
    *,
    stem: str,
    lang: str,
    delimiter: str,
    progress: Progress,
) -> ExportFile:
    """Counts of distinct participants only, small groups suppressed (a partner's export)."""
    from app.analysis_ui.indicators import compute_scope
    from app.exports import tables, tabular

    threshold = int(current_app.config.get("SUPPRESSION_THRESHOLD", 5))
    # The same theme figures as the analysis page and the summary (one document).
    parts = [tables.theme_table(compute_scope(scope), lang=lang, threshold=threshold)]
    if kind == "responses":
        parts.insert(0, tables.question_counts_table(data, lang=lang, threshold=threshold))
    intro = [
        _(
            "Aggregated results: counts of distinct participants; groups smaller than "
            "%(n)s are shown as <%(n)s.",
            n=threshold,
        )
    ]
    readme = tables.readme_table(parts, intro)
    progress(80)
    if fmt == "xlsx":
        return ExportFile(f"{stem}.xlsx", tabular.xlsx_bytes([*parts, readme]), MIMETYPES["xlsx"])
    return ExportFile(
        f"{stem}.zip", tabular.csv_zip_bytes([*parts, readme], delimiter), MIMETYPES["zip"]
    )


def _tables(
    kind: str,
    fmt: str,
    scope: Scope,
    access: Access,
    data: Dataset,
    results: dict[str, Any],
    *,
    stem: str,
    lang: str,
    delimiter: str,
    progress: Progress,
) -> ExportFile:
    """Individual rows: one CSV, a zip of CSVs or a workbook with a read-me sheet."""
    from app.exports import tables, tabular

    sheets: list[tables.Table] = []
    if kind == "comments":
        sheets.append(tables.comments_table(data, results, personal=access.personal))
    else:
        surveys = scope.surveys
        for n, survey in enumerate(surveys):

            def sub(p: int, n: int = n) -> None:
                progress(40 + int(40 * (n + p / 100) / max(1, len(surveys))))

            sheets.append(
                tables.responses_table(
                    data,
                    survey,
                    lang=lang,
                    personal=access.personal,
                    with_wkt=fmt == "csv",
                    progress=sub,
                )
            )
        if fmt == "xlsx":
            sheets.append(tables.map_table(data, results, lang=lang, personal=access.personal))
            if scope.type != "survey":
                sheets.append(tables.comments_table(data, results, personal=access.personal))
    progress(85)
    if fmt == "csv":
        if len(sheets) == 1:
            return ExportFile(
                f"{stem}.csv", tabular.csv_bytes(sheets[0], delimiter), MIMETYPES["csv"]
            )
        readme = tables.readme_table(sheets, [])
        return ExportFile(
            f"{stem}.zip", tabular.csv_zip_bytes([*sheets, readme], delimiter), MIMETYPES["zip"]
        )
    intro = [
        _(
            "Exported from Platsdialog. Times are local time. Contribution ids: C = comment, "
            "A = free-text answer, F = place drawn on the map."
        ),
        _(
            "Themes and valence come from the reviewed coding where there is one, otherwise "
            "from the automatic coder."
        ),
    ]
    readme = tables.readme_table(sheets, intro)
    return ExportFile(f"{stem}.xlsx", tabular.xlsx_bytes([*sheets, readme]), MIMETYPES["xlsx"])


def audit_export(
    kind: str,
    fmt: str,
    scope: Scope,
    access: Access,
    *,
    user: Any = None,
    via: str = "web",
    job_id: int | None = None,
) -> None:
    """Record who exported what (kind, format, scope and level), never the data itself."""
    record(
        f"export.{kind}",
        actor=user,
        organization_id=scope.organization_id,
        obj=scope.obj,
        format=fmt,
        scope=scope.key,
        level=access.level,
        via=via,
        job_id=job_id,
    )
