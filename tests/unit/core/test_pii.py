"""The personal-data detector: what it finds, what it leaves alone."""

from __future__ import annotations

import pytest

from app.core import pii


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Ring 070-123 45 67!", pii.PHONE, "070-123 45 67"),
        ("tel +46 70 123 45 67", pii.PHONE, "+46 70 123 45 67"),
        ("växel 08-123 456 78", pii.PHONE, "08-123 456 78"),
        ("sms 0701234567", pii.PHONE, "0701234567"),
        ("mejla a.b+c@kommun.example.se.", pii.EMAIL, "a.b+c@kommun.example.se"),
        ("pnr 811218-9876", pii.PERSONNUMMER, "811218-9876"),
        ("pnr 198112189876", pii.PERSONNUMMER, "198112189876"),
        ("samordningsnummer 701063-2391", pii.PERSONNUMMER, "701063-2391"),
        ("vid Storgatan 12 i hörnet", pii.STREET, "Storgatan 12"),
        ("bor på Björkvägen 3B nu", pii.STREET, "Björkvägen 3B"),
        ("mot Solgränd 4", pii.STREET, "Solgränd 4"),
    ],
)
def test_it_finds(text: str, kind: str, found: str) -> None:
    matches = pii.find(text)
    assert [(m.kind, m.text(text)) for m in matches] == [(kind, found)]


@pytest.mark.parametrize(
    "text",
    [
        "pnr 811218-9875",  # fails Luhn
        "811318-9876",  # no 13th month
        "Byggt 1998, 120 lägenheter, 123 45 Stockholm",
        "Det kostar 1 200 000 kr och tar 2026-2028",
        "Buss 172 går 07.15",
        "storgatan 12 (small letter) and Storgatan without a number",
        "e-post @ kommunen",
    ],
)
def test_it_leaves_alone(text: str) -> None:
    assert pii.find(text) == []


def test_only_contact_data_and_personnummer_hold_back() -> None:
    assert pii.holds_back(pii.find("Ring 070-123 45 67"))
    assert not pii.holds_back(pii.find("Vid Storgatan 12"))
    assert pii.kinds(pii.find("a@b.se, Storgatan 12")) == "email,street"


def test_highlight_escapes_everything_else() -> None:
    html = str(pii.highlight("<b>x</b> a@b.se"))
    assert html == '&lt;b&gt;x&lt;/b&gt; <mark data-pii="email">a@b.se</mark>'
