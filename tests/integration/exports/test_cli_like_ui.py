"""`flask export` offers what the web form offers, with the same CSV separator, and prints
only its own line (issue 17)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest


def _invoke(runner: Any, *args: str) -> Any:
    return runner.invoke(args=["export", *args])


def test_csv_uses_a_semicolon_by_default_as_the_form_does(
    dataset: Any, runner: Any, tmp_path: Path
) -> None:
    out = tmp_path / "svar.csv"
    result = _invoke(
        runner,
        "responses",
        "--survey",
        str(dataset.survey.id),
        "--format",
        "csv",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("response_id;submitted_at;")


@pytest.mark.parametrize(
    ("kind", "fmt", "scope"),
    [
        ("responses", "xlsx", "--stage"),
        ("responses", "xlsx", "--project"),
        ("comments", "csv", "--project"),
        ("summary", "html", "--project"),
        ("consultation-report", None, "--project"),
    ],
)
def test_every_scope_of_the_form_is_available(
    dataset: Any, runner: Any, tmp_path: Path, kind: str, fmt: str | None, scope: str
) -> None:
    scope_id = dataset.stage.id if scope == "--stage" else dataset.project.id
    args = [kind, scope, str(scope_id), "--out", str(tmp_path / "fil")]
    if fmt:
        args += ["--format", fmt]
    result = _invoke(runner, *args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fil").stat().st_size > 0


def test_refused_like_the_form(dataset: Any, runner: Any, tmp_path: Path) -> None:
    both = _invoke(
        runner,
        "responses",
        "--survey",
        str(dataset.survey.id),
        "--stage",
        str(dataset.stage.id),
        "--format",
        "csv",
        "--out",
        str(tmp_path / "x"),
    )
    assert both.exit_code != 0 and "exactly one of --survey, --stage or --project" in both.output
    no_survey = _invoke(
        runner, "comments", "--survey", "1", "--format", "csv", "--out", str(tmp_path / "y")
    )
    assert no_survey.exit_code != 0  # comments belong to stages, as in the form
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_libraries_do_not_log_info_lines(
    dataset: Any, runner: Any, tmp_path: Path, caplog: Any
) -> None:
    for name in ("fontTools.subset", "weasyprint"):
        logging.getLogger(name).setLevel(logging.NOTSET)
    caplog.set_level(logging.INFO)
    result = _invoke(
        runner,
        "summary",
        "--stage",
        str(dataset.stage.id),
        "--format",
        "pdf",
        "--out",
        str(tmp_path / "s.pdf"),
    )
    assert result.exit_code == 0, result.output
    chatter = [
        r
        for r in caplog.records
        if r.levelno < logging.WARNING and not r.name.startswith(("app", "flask", "werkzeug"))
    ]
    assert chatter == []
