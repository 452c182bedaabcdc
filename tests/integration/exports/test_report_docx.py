"""The consultation report (samrådsredogörelse) as DOCX: its sections, every contribution
once, a narrow id column, page numbers, heading styles, header rows, the case number and the
planner's decisions driving section 5."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
import sqlalchemy as sa
from docx.oxml.ns import qn

from analysis.codebook import load_codebook
from app.analysis_ui import review
from app.analysis_ui.dataset import target_items
from app.analysis_ui.models import TargetType
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.projects.models import Feedback
from app.surveys.models import Answer, AnswerFeature, Question, QuestionType, Response
from tests.integration.exports.conftest import SWEDISH

SECTIONS = [
    "1 Sammanfattning",
    "2 Samrådets genomförande",
    "3 Inkomna synpunkter",
    "4 Ändringar efter samrådet",
    "5 Synpunkter som inte tillgodoses",
]
CONTRIBUTION_HEADER = ["Id", "Synpunkt", "Även tema", "Kommunens kommentar"]
DID = "Vi flyttar belysningen i gångtunneln till första etappen."


def _export(runner: Any, stage_id: int, out: Path) -> Any:
    result = runner.invoke(
        args=["export", "consultation-report", "--stage", str(stage_id), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return docx.Document(str(out))


def _headings(document: Any) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]


def _header(table: Any) -> list[str]:
    return [c.text for c in table.rows[0].cells]


def _contribution_tables(document: Any) -> list[Any]:
    return [t for t in document.tables if _header(t) == CONTRIBUTION_HEADER]


def _expected_keys() -> set[str]:
    """Every contribution with text, read straight from the tables."""
    keys = {
        f"C{cid}"
        for cid in db.session.scalars(
            sa.select(Comment.id).where(
                Comment.is_official.is_(False),
                Comment.status == CommentStatus.PUBLISHED,
                Comment.deleted_at.is_(None),
            )
        )
    }
    keys |= {
        f"A{aid}"
        for aid, text in db.session.execute(
            sa.select(Answer.id, Answer.text)
            .join(Question, Question.id == Answer.question_id)
            .where(Question.type.not_in([QuestionType.AGE_BAND, QuestionType.GENDER]))
        )
        if text and text.strip()
    }
    keys |= {
        f"F{fid}"
        for fid, comment in db.session.execute(sa.select(AnswerFeature.id, AnswerFeature.comment))
        if comment and comment.strip()
    }
    return keys


@pytest.fixture()
def report(dataset: Any, runner: Any, tmp_path: Path) -> Any:
    dataset.project.case_number = "KS 2026/77"
    db.session.add(Feedback(stage_id=dataset.stage.id, did={"sv": DID, "en": "We moved it."}))
    db.session.commit()
    return _export(runner, dataset.stage.id, tmp_path / "samradsredogorelse.docx")


def test_sections_in_order_with_heading_styles(report: Any) -> None:
    headings = _headings(report)
    assert headings[0] == ("Title", "Samrådsredogörelse")
    assert [t for s, t in headings if s == "Heading 1"] == SECTIONS
    level2 = [t for s, t in headings if s == "Heading 2"]
    assert level2.index("Privatpersoner") < level2.index("Tillgodoses inte")
    assert "Deltagare och synpunkter per kanal" in level2 and "Vilka som deltog" in level2
    assert DID in [p.text for p in report.paragraphs]


def test_each_contribution_exactly_once_with_its_question(report: Any, dataset: Any) -> None:
    rows = [row for t in _contribution_tables(report) for row in t.rows[1:]]
    ids = [row.cells[0].text for row in rows]
    assert len(ids) == len(set(ids))
    assert set(ids) == _expected_keys()
    c = dataset.comments
    assert f"C{c.hidden.id}" not in ids and f"C{c.official.id}" not in ids
    # The whole document holds each text once (no appendix repeating them).
    cells = [cell.text for t in report.tables for row in t.rows for cell in row.cells]
    assert sum(SWEDISH in text for text in cells) == 1
    row = next(r for r in rows if SWEDISH in r.cells[1].text)
    assert "Vad vill du förbättra?" in row.cells[1].text
    # The official answer fills the comment column of the comment it answered.
    c1 = next(r for r in rows if r.cells[0].text == f"C{c.c1.id}")
    assert c1.cells[3].text == c.official.body
    assert next(r for r in rows if r.cells[0].text == f"C{c.c4.id}").cells[3].text == ""
    # Private senders are pseudonymised: no nickname, a number instead.
    text = "\n".join(cells)
    assert "Boende0" not in text and "Privatperson 1" in text


def test_residents_grouped_by_main_theme_in_codebook_order(report: Any) -> None:
    headings = _headings(report)
    start = headings.index(("Heading 2", "Privatpersoner"))
    end = headings.index(("Heading 1", SECTIONS[3]))
    themes = [t for s, t in headings[start:end] if s == "Heading 3"]
    codebook = [t.label_for("sv") for t in load_codebook().themes] + ["Övrigt"]
    assert themes and themes == [t for t in codebook if t in themes]


def test_id_column_narrow_and_header_rows_marked(report: Any) -> None:
    tables = _contribution_tables(report)
    assert tables
    for table in report.tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        if _header(table)[0] == "Id":
            assert grid[0] / sum(grid) <= 0.15, _header(table)
        tr_pr = table.rows[0]._tr.trPr
        assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
        # Only the first row is a header; no row breaks across a page.
        for row in table.rows[1:]:
            assert row._tr.trPr.find(qn("w:tblHeader")) is None
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        assert table.style.name == "Table Grid"
    # The two text columns are the wide ones.
    grid = [int(c.get(qn("w:w"))) for c in tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sorted(grid)[-2:] == sorted([grid[1], grid[3]])


def test_page_numbers_in_the_footer_and_case_number_in_the_header(report: Any) -> None:
    section = report.sections[0]
    fields = [f.get(qn("w:instr")).strip() for f in section.footer._element.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    header = "\n".join(p.text for p in section.header.paragraphs)
    assert "Flemingsbergs centrum" in header and "Dnr KS 2026/77" in header


def test_the_planners_decision_drives_section_five(
    dataset: Any, runner: Any, tmp_path: Path
) -> None:
    c = dataset.comments
    [item4] = target_items(TargetType.COMMENT, [c.c4.id])
    [item5] = target_items(TargetType.COMMENT, [c.c5.id])
    [item1] = target_items(TargetType.COMMENT, [c.c1.id])
    review.set_disposition(item4, "not_met", dataset.planner.id)
    review.set_disposition(item5, "partly", dataset.planner.id)
    review.set_disposition(item1, "met", dataset.planner.id)
    db.session.commit()
    document = _export(runner, dataset.stage.id, tmp_path / "r.docx")
    decision_tables = [t for t in document.tables if _header(t)[:2] == ["Id", "Avsändare"]]
    not_met, partly = decision_tables
    assert [r.cells[0].text for r in not_met.rows[1:]] == [f"C{c.c4.id}"]
    assert [r.cells[0].text for r in partly.rows[1:]] == [f"C{c.c5.id}"]
    assert not_met.rows[1].cells[1].text.startswith("Privatperson ")
    assert not_met.rows[1].cells[3].text == ""  # the planner writes the reasons
    # Clearing a decision takes the contribution out of section 5.
    review.set_disposition(item4, None, dataset.planner.id)
    db.session.commit()
    document = _export(runner, dataset.stage.id, tmp_path / "r2.docx")
    assert len([t for t in document.tables if _header(t)[:2] == ["Id", "Avsändare"]]) == 1
    assert "Ingen synpunkt har markerats som ej tillgodosedd." in [
        p.text for p in document.paragraphs
    ]


def test_no_nickname_or_raw_code_and_figures_by_channel(report: Any, dataset: Any) -> None:
    texts = [p.text for p in report.paragraphs]
    texts += [cell.text for t in report.tables for row in t.rows for cell in row.cells]
    joined = "\n".join(texts)
    for code in ("woman", "no_answer", "not_met", "_other", "resident"):
        assert code not in joined
    channels = next(t for t in report.tables if _header(t)[0] == "Kanal")
    rows = {r.cells[0].text: r.cells[1].text for r in channels.rows[1:]}
    responses = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
    assert rows == {"Webb": str(responses)}


def test_yttranden_from_the_intake_are_grouped_by_sender_type(
    runner: Any, dataset: Any, tmp_path: Path
) -> None:
    from app.comments.models import ContributionChannel, SenderType
    from app.intake.models import Sender

    stage = dataset.stage
    activity = dataset.discussion
    letters = [
        (SenderType.REMISSINSTANS, "Länsstyrelsen i Stockholms län", "Dagvattnet måste utredas."),
        (SenderType.SAKAGARE, "Anna Fastighetsägare", "Huset skuggar min tomt."),
    ]
    for sender_type, name, text in letters:
        comment = Comment(
            activity_id=activity.id,
            stage_id=stage.id,
            body=text,
            channel=ContributionChannel.LETTER,
            sender_type=sender_type,
        )
        db.session.add(comment)
        db.session.flush()
        db.session.add(Sender(comment_id=comment.id, name=name))
    db.session.commit()
    report = _export(runner, stage.id, tmp_path / "report.docx")
    level2 = [t for s, t in _headings(report) if s == "Heading 2"]
    assert level2.index("Remissinstanser") < level2.index("Sakägare och andra berörda")
    assert level2.index("Sakägare och andra berörda") < level2.index("Privatpersoner")
    text = "\n".join(c.text for t in report.tables for row in t.rows for c in row.cells)
    assert "Dagvattnet måste utredas." in text and "Huset skuggar min tomt." in text
    # A public body is named; a private property owner is pseudonymised.
    assert "Länsstyrelsen i Stockholms län" in text
    assert "Anna Fastighetsägare" not in text
