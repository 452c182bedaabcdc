"""`flask export ...` commands: exports run as the system actor (full data) and are audited."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.exports.queries import ScopeNotFound, resolve_scope
from app.exports.services import Access, ExportError, audit_export, build_export
from app.extensions import db

cli = AppGroup("export", help="Export responses, comments, summaries and reports.")


def _run(
    kind: str,
    fmt: str,
    scope_type: str,
    scope_id: int,
    out: str,
    *,
    lang: str = "sv",
    delimiter: str = ",",
) -> None:
    try:
        scope = resolve_scope(scope_type, scope_id)
    except ScopeNotFound as exc:
        raise click.ClickException(f"No {scope_type} with id {scope_id}.") from exc
    access = Access.system()
    try:
        result = build_export(kind, fmt, scope, access, lang=lang, delimiter=delimiter)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(result.data)
    audit_export(kind, fmt, scope, access, user=None, via="cli")
    db.session.commit()
    click.echo(f"Wrote {path} ({len(result.data)} bytes, {result.name}).")


@cli.command("responses")
@click.option("--survey", "survey_id", type=int, required=True, help="Survey id.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx", "geojson", "gpkg"]), required=True
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output file.")
@click.option("--delimiter", type=click.Choice([",", ";"]), default=",", show_default=True)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
def responses(survey_id: int, fmt: str, out: str, delimiter: str, lang: str) -> None:
    """Export a survey's responses (GeoPackage and GeoJSON: the places drawn)."""
    _run("responses", fmt, "survey", survey_id, out, delimiter=delimiter, lang=lang)


@cli.command("comments")
@click.option("--stage", "stage_id", type=int, required=True, help="Stage id.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "geojson"]), required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output file.")
@click.option("--delimiter", type=click.Choice([",", ";"]), default=",", show_default=True)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
def comments(stage_id: int, fmt: str, out: str, delimiter: str, lang: str) -> None:
    """Export a stage's comments, hidden ones included, with their thread structure."""
    _run("comments", fmt, "stage", stage_id, out, delimiter=delimiter, lang=lang)


@cli.command("summary")
@click.option("--stage", "stage_id", type=int, help="Stage id.")
@click.option("--project", "project_id", type=int, help="Project id (instead of a stage).")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), required=True)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output file.")
def summary(stage_id: int | None, project_id: int | None, fmt: str, lang: str, out: str) -> None:
    """Write the dialogue summary of a stage (or a project) as HTML or PDF."""
    if (stage_id is None) == (project_id is None):
        raise click.UsageError("Give exactly one of --stage or --project.")
    if stage_id is not None:
        _run("summary", fmt, "stage", stage_id, out, lang=lang)
    else:
        _run("summary", fmt, "project", int(project_id or 0), out, lang=lang)


@cli.command("consultation-report")
@click.option("--stage", "stage_id", type=int, required=True, help="Stage id.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output .docx.")
def consultation_report(stage_id: int, lang: str, out: str) -> None:
    """Write the draft consultation report (samrådsredogörelse) of a stage as DOCX."""
    _run("report", "docx", "stage", stage_id, out, lang=lang)
