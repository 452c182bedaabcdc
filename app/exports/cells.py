"""Making user text safe for spreadsheets, office files and XML.

Residents write the text we export. A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is run as a formula by Excel and LibreOffice (CSV/formula injection), so
such text gets a leading apostrophe. Control characters are invalid in XML (XLSX, DOCX) and
are stripped everywhere — first, so that ``"\x01=HYPERLINK(...)"`` cannot become a formula
once the control character is gone. Text whose first visible character is a formula prefix
(after spaces, zero-width or direction marks, a BOM) or its full-width form is guarded too:
spreadsheet programs may drop those characters on import.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: What a program may trim or fold before it looks for a formula: the prefixes' full-width
#: forms, and whitespace and invisible format characters in front of them.
_WIDE_PREFIXES = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
_INVISIBLE_LEAD = re.compile(
    "^[\\s\x80-\x9f\u00a0\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3000\u3164\ufeff]+"
)

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
    text = clean_text(value if isinstance(value, str) else str(value))
    visible = _INVISIBLE_LEAD.sub("", text)
    if text.startswith(FORMULA_PREFIXES) or visible.startswith(FORMULA_PREFIXES + _WIDE_PREFIXES):
        text = "'" + text
    return text
