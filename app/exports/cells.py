"""Making user text safe for spreadsheets, office files and XML.

Residents write the text we export. A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is run as a formula by Excel and LibreOffice (CSV/formula injection), so
such text gets a leading apostrophe. Control characters are invalid in XML (XLSX, DOCX) and
are stripped everywhere.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# XML 1.0 allows tab, newline and carriage return, nothing else below 0x20, no lone
# surrogates and not U+FFFE/U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str | None) -> str:
    """``value`` without characters that XML (and so XLSX and DOCX) cannot hold."""
    if not value:
        return ""
    return _CONTROL.sub("", value)


def safe_cell(value: Any) -> Any:
    """A value for a CSV or XLSX cell: numbers as they are, text cleaned and de-formula'd."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    return clean_text(text)
