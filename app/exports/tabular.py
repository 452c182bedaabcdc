"""CSV (UTF-8 with BOM, comma or semicolon) and XLSX (openpyxl) files from export tables.

Every text cell passes through :func:`app.exports.cells.safe_cell`, which neutralises
formulas and strips characters XML cannot hold.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from app.exports.cells import safe_cell
from app.exports.tables import Table

DELIMITERS = (",", ";")


def csv_bytes(table: Table, delimiter: str = ",") -> bytes:
    """The table as CSV: UTF-8 with a BOM so Excel reads Swedish letters, CRLF line ends."""
    if delimiter not in DELIMITERS:
        raise ValueError("delimiter must be ',' or ';'")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(c.name) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _file_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[^\w-]+", "_", title.lower()).strip("_") or "table"
    name, n = base, 2
    while name in used:
        name, n = f"{base}_{n}", n + 1
    used.add(name)
    return name + ".csv"


def csv_zip_bytes(tables: Sequence[Table], delimiter: str = ",") -> bytes:
    """Several tables as one ZIP of CSV files."""
    buf = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for t in tables:
            zf.writestr(_file_name(t.title, used), csv_bytes(t, delimiter))
    return buf.getvalue()


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'") or "Sheet"
    base = base[:28]
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:26]} {n}", n + 1
    used.add(name.lower())
    return name


def _link(ws: Any, url: str) -> Any:
    """A cell showing ``url`` that opens it when clicked."""
    cell = WriteOnlyCell(ws, value=url)
    cell.hyperlink = url
    cell.style = "Hyperlink"
    return cell


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    """The tables as one workbook, one sheet each, with a bold frozen header row.

    Written in openpyxl's write-only mode, which streams rows and keeps memory flat for
    tens of thousands of responses.
    """
    wb = Workbook(write_only=True)
    used: set[str] = set()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for t in tables:
        ws = wb.create_sheet(_sheet_title(t.title, used))
        ws.freeze_panes = "A2"
        header = []
        for c in t.columns:
            cell = WriteOnlyCell(ws, value=safe_cell(c.name))
            cell.font = bold
            cell.alignment = wrap
            header.append(cell)
        ws.append(header)
        links = [i for i, c in enumerate(t.columns) if c.link]
        for row in t.rows:
            values = [safe_cell(v) if isinstance(v, str) else v for v in row]
            for i in links:
                if isinstance(values[i], str) and values[i].startswith(("https://", "http://")):
                    values[i] = _link(ws, values[i])
            ws.append(values)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
