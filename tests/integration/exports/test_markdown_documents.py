"""The feedback is written in Markdown: the dialogue summary renders it safely, and the
consultation report (docx) turns its headings and lists into Word headings and bullets
instead of printing the markup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx

from app.core.models import utcnow
from app.extensions import db
from app.projects.models import Feedback

DID = (
    "## Ändringar\n\nVi **flyttar** belysningen till [första etappen](https://example.se/e1).\n\n"
    "- en ny gångbro\n- fler träd\n\n<script>alert(1)</script>"
)


def test_markdown_feedback_in_the_summary_and_the_report(
    dataset: Any, runner: Any, tmp_path: Path
) -> None:
    db.session.add(Feedback(stage_id=dataset.stage.id, did={"sv": DID}, published_at=utcnow()))
    db.session.commit()
    out = tmp_path / "summary.html"
    result = runner.invoke(
        args=["export", "summary", "--stage", str(dataset.stage.id), "--format", "html",
              "--out", str(out)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<h4>Ändringar</h4>" in html and "<strong>flyttar</strong>" in html
    assert '<a href="https://example.se/e1" rel="nofollow noopener">första etappen</a>' in html
    assert "<li>en ny gångbro</li>" in html
    assert "<script>alert(1)</script>" not in html

    report_path = tmp_path / "report.docx"
    result = runner.invoke(
        args=["export", "consultation-report", "--stage", str(dataset.stage.id),
              "--out", str(report_path)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    paragraphs = [(p.style.name, p.text) for p in docx.Document(str(report_path)).paragraphs]
    assert ("Heading 3", "Ändringar") in paragraphs
    assert ("Normal", "Vi flyttar belysningen till första etappen.") in paragraphs
    assert ("List Bullet", "en ny gångbro") in paragraphs
    assert ("List Bullet", "fler träd") in paragraphs
    assert not any("**" in text or "](" in text for _, text in paragraphs)
    assert ("Normal", "<script>alert(1)</script>") in paragraphs  # as text, not "&lt;"
