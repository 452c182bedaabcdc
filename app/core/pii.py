"""Personal data in residents' text: phone numbers, e-mail addresses, Swedish personnummer
(Luhn-checked) and street addresses.

The first three hold a contribution back for moderation (its author may not have meant to
publish them); a street address is normal in a planning comment ("the crossing at
Storgatan 12"), so it is published and only marked for a moderator's look. Matches are
character spans, so the moderation queue can highlight them and the redaction service
(:mod:`app.moderation.redaction`) can remove exactly them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    pass

PHONE = "phone"
EMAIL = "email"
PERSONNUMMER = "personnummer"
STREET = "street"
#: Kinds that hold a contribution back for moderation; the others only mark it.
HOLD_BACK = frozenset({PHONE, EMAIL, PERSONNUMMER})

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# YYMMDD-NNNN, YYYYMMDD-NNNN, with or without the separator (+ for 100 years and older).
_PNR = re.compile(r"(?<![\d-])((?:19|20)?)(\d{6})\s?([-+]?)\s?(\d{4})(?![\d-])")
# Swedish numbers: +46 or 0, then 7-10 more digits in groups of spaces or hyphens.
_PHONE = re.compile(r"(?<![\w+])(?:\+46|0046|0)(?:[\s-]?\(?\d\)?){7,10}(?!\d)")
_STREET = re.compile(
    r"\b[A-ZÅÄÖ][a-zåäöéü]*(?:vägen|gatan|gränd|stigen|backen|torget|allén|plan)"
    r"\s+\d{1,4}(?:[A-Za-z]|\s[A-Z])?(?![\wåäö])"
)


@dataclass(frozen=True, slots=True)
class Match:
    kind: str
    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        n = int(char) * (2 if index % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _valid_date(yymmdd: str, century: str) -> bool:
    year, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > 60:  # samordningsnummer: day + 60
        day -= 60
    full_year = int(century + yymmdd[:2]) if century else 2000 + year
    try:
        date(full_year if century else 2000, month, day)
    except ValueError:
        try:
            date(1900 + year, month, day)
        except ValueError:
            return False
    return True


def _personnummer(text: str) -> list[Match]:
    found = []
    for m in _PNR.finditer(text):
        century, yymmdd, _sep, tail = m.groups()
        if _valid_date(yymmdd, century) and luhn_ok(yymmdd + tail):
            found.append(Match(PERSONNUMMER, m.start(), m.end()))
    return found


def find(text: str | None) -> list[Match]:
    """The personal data in ``text``, in order, never overlapping (the stronger kind wins:
    e-mail, personnummer, phone, street)."""
    if not text:
        return []
    candidates: list[Match] = [Match(EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)]
    candidates += _personnummer(text)
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 8 <= len(digits) - (2 if m.group().startswith("+46") else 0) <= 12:
            candidates.append(Match(PHONE, m.start(), m.end()))
    candidates += [Match(STREET, m.start(), m.end()) for m in _STREET.finditer(text)]
    chosen: list[Match] = []
    for match in candidates:  # in order of strength
        if all(match.end <= c.start or match.start >= c.end for c in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def kinds(matches: list[Match]) -> str | None:
    """The kinds found, as stored on a contribution ("email,street"), or None."""
    found = sorted({m.kind for m in matches})
    return ",".join(found) if found else None


def holds_back(matches: list[Match]) -> bool:
    return any(m.kind in HOLD_BACK for m in matches)


def highlight(text: str | None) -> Markup:
    """``text`` escaped, with each match in ``<mark data-pii="kind">``."""
    source = text or ""
    out: list[str] = []
    at = 0
    for m in find(source):
        out.append(str(escape(source[at : m.start])))
        out.append(f'<mark data-pii="{m.kind}">{escape(m.text(source))}</mark>')
        at = m.end
    out.append(str(escape(source[at:])))
    return Markup("".join(out))  # noqa: S704 - every piece of text is escaped above
