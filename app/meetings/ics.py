"""An iCalendar file (RFC 5545) for one meeting: escaped text, folded lines, CRLF, UTC times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

#: RFC 5545 3.1: lines longer than 75 octets are folded (the break is CRLF + one space).
LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    uid: str
    stamp: datetime
    starts: datetime
    ends: datetime
    summary: str
    location: str
    url: str
    description: str


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            out.append(current)
            current, size = " ", 1  # a continuation line starts with one space
        current += char
        size += octets
    out.append(current)
    return "\r\n".join(out)


def calendar(events: list[Event], *, product: str = "-//Platsdialog//Samradsmoten//SV") -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{product}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{utc(event.stamp)}",
            f"DTSTART:{utc(event.starts)}",
            f"DTEND:{utc(event.ends)}",
            f"SUMMARY:{escape(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape(event.location)}")
        lines.append(f"URL:{event.url}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape(event.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
