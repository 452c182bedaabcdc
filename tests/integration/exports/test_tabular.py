"""CSV and XLSX exports read back with the csv module and openpyxl, as Excel users' tools do."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from shapely import wkt

from tests.integration.exports.conftest import INJECTION, POINTS, SWEDISH


def _cli(runner: Any, *args: str) -> None:
    result = runner.invoke(args=["export", *args])
    assert result.exit_code == 0, result.output


def _csv_rows(path: Path, delimiter: str) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so Excel reads Swedish letters"
    text = raw.decode("utf-8-sig")
    # The first column name followed by the separator (the sniffer guesses wrong when
    # question titles in the header hold commas).
    first_column = text.splitlines()[0].split(delimiter)[0]
    assert first_column in {"response_id", "comment_id", "id"}, first_column
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_responses_csv_has_bom_delimiter_and_one_row_per_response(
    dataset: Any, runner: Any, tmp_path: Path, delimiter: str
) -> None:
    out = tmp_path / "svar.csv"
    _cli(
        runner,
        "responses",
        "--survey",
        str(dataset.survey.id),
        "--format",
        "csv",
        "--out",
        str(out),
        "--delimiter",
        delimiter,
    )
    rows = _csv_rows(out, delimiter)
    header, body = rows[0], rows[1:]
    assert len(body) == len(dataset.responses)
    assert header[:4] == ["response_id", "submitted_at", "language", "channel"]
    texts = [r[header.index(f"Q{dataset.questions.text.id}. Vad vill du förbättra?")] for r in body]
    assert SWEDISH in texts
    # The map answers travel as WKT in the CSV.
    wkt_col = header.index(f"Q{dataset.questions.map.id}. Markera platser: WKT")
    first = next(r for r in body if r[0] == str(dataset.responses[0].id))
    point = wkt.loads(first[wkt_col])
    assert (point.x, point.y) == pytest.approx(POINTS[0])


def test_csv_and_xlsx_neutralise_formulas_and_strip_control_characters(
    dataset: Any, runner: Any, tmp_path: Path
) -> None:
    csv_out, xlsx_out = tmp_path / "svar.csv", tmp_path / "svar.xlsx"
    _cli(
        runner,
        "responses",
        "--survey",
        str(dataset.survey.id),
        "--format",
        "csv",
        "--out",
        str(csv_out),
    )
    _cli(
        runner,
        "responses",
        "--survey",
        str(dataset.survey.id),
        "--format",
        "xlsx",
        "--out",
        str(xlsx_out),
    )
    # ";" is the default separator, as in the web form.
    cells = [c for row in _csv_rows(csv_out, ";") for c in row]
    assert "'" + INJECTION in cells
    assert INJECTION not in cells
    assert "'-5 grader och ingen snöröjning på cykelvägen" in cells
    assert "Kontrolltecken i texten" in cells

    wb = openpyxl.load_workbook(xlsx_out)
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "'" + INJECTION in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    # openpyxl stores a string starting with "=" as a formula: none may exist.
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)

    comments_csv = tmp_path / "kommentarer.csv"
    _cli(
        runner,
        "comments",
        "--stage",
        str(dataset.stage.id),
        "--format",
        "csv",
        "--out",
        str(comments_csv),
    )
    bodies = [r[6] for r in _csv_rows(comments_csv, ";")[1:]]
    assert "'+46 70 123 45 67 ring mig om parken" in bodies


def test_xlsx_has_a_sheet_per_survey_with_questions_in_order(
    dataset: Any, runner: Any, tmp_path: Path
) -> None:
    out = tmp_path / "svar.xlsx"
    _cli(
        runner,
        "responses",
        "--survey",
        str(dataset.survey.id),
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [f"S{dataset.survey.id} Enkät", "Kartsvar", "Läs mig"]
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    q = dataset.questions
    # Questions in survey order (page, position); the archived one is still there, marked.
    order = [q.single, q.multi, q.likert, q.text, q.map, q.rank, q.age, q.gender, q.old]
    firsts = []
    for question in order:
        idx = next(i for i, h in enumerate(header) if h.startswith(f"Q{question.id}."))
        firsts.append(idx)
    assert firsts == sorted(firsts)
    assert any(h.startswith(f"Q{q.old.id}.") and h.endswith("(arkiverad)") for h in header)

    # Multiple choice: one 0/1 column per option, plus the "other" text.
    multi_cols = [h for h in header if h.startswith(f"Q{q.multi.id}.")]
    assert multi_cols == [
        f"Q{q.multi.id}. Vad saknas på platsen?: {label}"
        for label in ("Bänkar", "Belysning", "Träd", "Annat", "annat")
    ]
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=2)}
    assert len(rows) == len(dataset.responses)
    third = rows[dataset.responses[2].id]
    by_name = dict(zip(header, third, strict=True))
    assert by_name[multi_cols[0]] == 0
    assert by_name[multi_cols[2]] == 1  # Träd
    assert by_name[multi_cols[3]] == 1  # Annat
    assert by_name[multi_cols[4]] == "Toaletter"
    # Personal columns for staff with personal-data rights (the CLI is the system actor).
    assert by_name["nickname"] is None or isinstance(by_name["nickname"], str)
    assert rows[dataset.responses[0].id][header.index("nickname")] == "Boende0"


def test_xlsx_map_sheet_has_wkt_categories_and_themes(
    dataset: Any, runner: Any, tmp_path: Path
) -> None:
    out = tmp_path / "svar.xlsx"
    _cli(
        runner,
        "responses",
        "--survey",
        str(dataset.survey.id),
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    ws = openpyxl.load_workbook(out)["Kartsvar"]
    header = [c.value for c in ws[1]]
    assert header[:8] == [
        "feature_id",
        "response_id",
        "question_id",
        "question",
        "category",
        "comment",
        "geometry_type",
        "wkt",
    ]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    assert len(rows) == len(POINTS)
    coords = sorted((wkt.loads(r["wkt"]).x, wkt.loads(r["wkt"]).y) for r in rows)
    for got, want in zip(coords, sorted(POINTS), strict=True):
        assert got == pytest.approx(want)
    assert {r["category"] for r in rows} == {"Bra plats", "Känns otryggt"}
    unsafe = [r for r in rows if r["category"] == "Känns otryggt"]
    assert all(r["valence"] == "negative" for r in unsafe)
    assert any("safety" in (r["themes"] or "") for r in unsafe)


def test_xlsx_readme_describes_every_column(dataset: Any, runner: Any, tmp_path: Path) -> None:
    out = tmp_path / "svar.xlsx"
    _cli(
        runner,
        "responses",
        "--survey",
        str(dataset.survey.id),
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    wb = openpyxl.load_workbook(out)
    readme = [[c.value for c in r] for r in wb["Läs mig"].iter_rows(min_row=2)]
    described = {(sheet, column) for sheet, column, text in readme if sheet and text}
    for ws in wb.worksheets[:-1]:
        for cell in ws[1]:
            assert (ws.title, cell.value) in described, cell.value


def test_comments_xlsx_has_thread_structure_and_official_answers(
    dataset: Any, runner: Any, tmp_path: Path
) -> None:
    out = tmp_path / "kommentarer.xlsx"
    _cli(
        runner, "comments", "--stage", str(dataset.stage.id), "--format", "xlsx", "--out", str(out)
    )
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Kommentarer", "Läs mig"]
    ws = wb["Kommentarer"]
    header = [c.value for c in ws[1]]
    rows = {
        r[0].value: dict(zip(header, [c.value for c in r], strict=True))
        for r in ws.iter_rows(min_row=2)
    }
    c = dataset.comments
    assert rows[c.c1.id]["depth"] == 0 and rows[c.c1.id]["parent_id"] is None
    assert rows[c.c2.id]["parent_id"] == c.c1.id and rows[c.c2.id]["depth"] == 1
    assert rows[c.c3.id]["depth"] == 2
    assert rows[c.official.id]["official"] == 1
    assert rows[c.c1.id]["official_answer_ids"] == str(c.official.id)
    assert "belysningen" in rows[c.c1.id]["official_answers"]
    assert rows[c.c1.id]["supports"] == 4
    # The CLI runs as the system actor: hidden comments are included, marked.
    assert rows[c.hidden.id]["status"] == "hidden"
    assert rows[c.hidden.id]["hidden_reason"] == "Personangrepp"


def test_stage_csv_with_several_tables_is_a_zip(dataset: Any, app: Any) -> None:
    from app.exports.queries import resolve_scope
    from app.exports.services import Access, build_export

    result = build_export(
        "responses",
        "csv",
        resolve_scope("project", dataset.project.id),
        Access.system(),
        delimiter=";",
    )
    # One survey: a single CSV even for a project scope.
    assert result.name.endswith(".csv")
    aggregate = build_export(
        "responses",
        "csv",
        resolve_scope("stage", dataset.stage.id),
        Access(personal=False, hidden=False),
    )
    assert aggregate.name.endswith(".zip")
    names = zipfile.ZipFile(io.BytesIO(aggregate.data)).namelist()
    assert len(names) == 3  # per question, themes, readme


HIDDEN_FORMULAS = [
    '\x01=HYPERLINK("http://evil.example","klicka")',
    "\x00\x1f+1+cmd|' /C calc'!A0",
    '\x7f@SUM(1+1)*cmd|" /C calc"!A0',
    "\ufeff=1+1",
    "\u200b\u200e-2+3",
    "  =1+1",
    "\n=1+1",
    '\uff1dHYPERLINK("http://evil.example")',
    "\x85=1+1",
]


def test_a_control_character_in_front_does_not_hide_a_formula(app: Any) -> None:
    from app.exports.tables import Column, Table
    from app.exports.tabular import csv_bytes, xlsx_bytes

    table = Table("Svar", [Column("text", "Fritext")], [[text] for text in HIDDEN_FORMULAS])
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"))))[1:]
    for (cell,), original in zip(rows, HIDDEN_FORMULAS, strict=True):
        assert cell.startswith("'"), (original, cell)
        assert not any(ord(ch) < 0x20 and ch not in "\t\n\r" for ch in cell)
    assert rows[0] == ['\'=HYPERLINK("http://evil.example","klicka")']

    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([table])))
    cells = [row[0] for row in wb.worksheets[0].iter_rows(min_row=2)]
    assert all(c.data_type != "f" for c in cells)
    assert all(isinstance(c.value, str) and c.value.startswith("'") for c in cells)


def test_ordinary_text_is_left_alone(app: Any) -> None:
    from app.exports.cells import safe_cell

    for text in ("Fler träd", "Parken 2 = bra", "e-post: a@b.se", "  fler bänkar", "¡Hola!"):
        assert safe_cell(text) == text
