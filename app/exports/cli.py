"""`flask export ...` commands: exports run as the system actor (full data) and are audited.

They offer what the web form offers: every kind from a survey, a stage or a project where the
form allows it (``check_request`` decides for both), and CSV with a semicolon by default, as
Swedish Excel reads it and as the form suggests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from app.exports.queries import ScopeNotFound, resolve_scope
from app.exports.services import (
    FORMATS,
    Access,
    ExportError,
    audit_export,
    build_export,
    check_request,
)
from app.extensions import db

cli = AppGroup("export", help="Export responses, comments, summaries and reports.")

#: Libraries that log at INFO while building files (fonts, PDF, GDAL); the command's own
#: output is the one line it echoes, so their chatter is kept to warnings and errors.
NOISY_LOGGERS = ("fontTools", "weasyprint", "pyogrio", "fiona", "matplotlib", "PIL", "urllib3")


def quiet_libraries() -> None:
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _run(
    kind: str,
    fmt: str,
    scope_type: str,
    scope_id: int,
    out: str,
    *,
    lang: str = "sv",
    delimiter: str = ";",
) -> None:
    quiet_libraries()
    try:
        scope = resolve_scope(scope_type, scope_id)
    except ScopeNotFound as exc:
        raise click.ClickException(f"No {scope_type} with id {scope_id}.") from exc
    access = Access.system()
    try:
        check_request(kind, fmt, scope, access)
        result = build_export(kind, fmt, scope, access, lang=lang, delimiter=delimiter)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(result.data)
    audit_export(kind, fmt, scope, access, user=None, via="cli")
    db.session.commit()
    click.echo(f"Wrote {path} ({len(result.data)} bytes, {result.name}).")


def _scope(survey_id: int | None, stage_id: int | None, project_id: int | None) -> tuple[str, int]:
    given = [
        (name, value)
        for name, value in (("survey", survey_id), ("stage", stage_id), ("project", project_id))
        if value is not None
    ]
    if len(given) != 1:
        raise click.UsageError("Give exactly one of --survey, --stage or --project.")
    return given[0][0], int(given[0][1] or 0)


def _scope_options(*, survey: bool) -> Callable[[Any], Any]:
    def decorate(command: Any) -> Any:
        command = click.option("--project", "project_id", type=int, help="Project id.")(command)
        command = click.option("--stage", "stage_id", type=int, help="Stage id.")(command)
        if survey:
            command = click.option("--survey", "survey_id", type=int, help="Survey id.")(command)
        return command

    return decorate


def _table_options(kind: str) -> Callable[[Any], Any]:
    def decorate(command: Any) -> Any:
        command = click.option(
            "--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True
        )(command)
        command = click.option(
            "--delimiter",
            type=click.Choice([";", ","]),
            default=";",
            show_default=True,
            help="CSV separator (semicolon as the web form: Swedish Excel).",
        )(command)
        command = click.option(
            "--out", required=True, type=click.Path(dir_okay=False), help="Output file."
        )(command)
        command = click.option(
            "--format", "fmt", type=click.Choice(list(FORMATS[kind])), required=True
        )(command)
        return command

    return decorate


@cli.command("responses")
@_scope_options(survey=True)
@_table_options("responses")
def responses(
    survey_id: int | None,
    stage_id: int | None,
    project_id: int | None,
    fmt: str,
    out: str,
    delimiter: str,
    lang: str,
) -> None:
    """Export survey responses of a survey, a stage or a project (GeoPackage and GeoJSON:
    the places drawn)."""
    scope_type, scope_id = _scope(survey_id, stage_id, project_id)
    _run("responses", fmt, scope_type, scope_id, out, delimiter=delimiter, lang=lang)


@cli.command("comments")
@_scope_options(survey=False)
@_table_options("comments")
def comments(
    stage_id: int | None, project_id: int | None, fmt: str, out: str, delimiter: str, lang: str
) -> None:
    """Export the comments of a stage or a project, hidden ones included, with their thread
    structure."""
    scope_type, scope_id = _scope(None, stage_id, project_id)
    _run("comments", fmt, scope_type, scope_id, out, delimiter=delimiter, lang=lang)


@cli.command("summary")
@_scope_options(survey=False)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), required=True)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output file.")
def summary(stage_id: int | None, project_id: int | None, fmt: str, lang: str, out: str) -> None:
    """Write the dialogue summary of a stage (or a project) as HTML or PDF."""
    scope_type, scope_id = _scope(None, stage_id, project_id)
    _run("summary", fmt, scope_type, scope_id, out, lang=lang)


@cli.command("consultation-report")
@_scope_options(survey=False)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output .docx.")
def consultation_report(stage_id: int | None, project_id: int | None, lang: str, out: str) -> None:
    """Write the draft consultation report (samrådsredogörelse) of a stage (or a project) as
    DOCX."""
    scope_type, scope_id = _scope(None, stage_id, project_id)
    _run("report", "docx", scope_type, scope_id, out, lang=lang)
