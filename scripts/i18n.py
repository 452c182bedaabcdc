"""Build the Swedish catalogue from the per-domain parts and compile it.

Each domain keeps its Swedish translations in ``app/translations/sv/parts/<domain>.po`` so
engineers working on different domains do not edit one file at once. This script merges the
parts into ``messages.po`` and compiles ``messages.mo`` (run by ``make``; the compiled file is
not committed). ``--check`` lists msgids found in the code that have no translation.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SV = ROOT / "app" / "translations" / "sv" / "LC_MESSAGES"
PARTS = ROOT / "app" / "translations" / "sv" / "parts"
METHODS = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def merged() -> Catalog:
    catalog = Catalog(locale="sv", project="platsdialog", charset="utf-8")
    for part in sorted(PARTS.glob("*.po")):
        with part.open("rb") as fh:
            for message in read_po(fh, locale="sv"):
                if not message.id or not message.string:
                    continue
                if message.id in catalog and catalog[message.id].string != message.string:
                    print(f"warning: {part.name}: different translation for {message.id!r}")
                    continue
                catalog.add(message.id, message.string)
    return catalog


def extracted_ids() -> set[str]:
    ids: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=METHODS,
        keywords=KEYWORDS,
        options_map={"app/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        if isinstance(message, tuple):
            ids.add(message[0])
        elif message:
            ids.add(message)
    return ids


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true", help="list untranslated msgids")
    args = parser.parse_args()
    catalog = merged()
    if args.check:
        missing = sorted(i for i in extracted_ids() if i not in catalog)
        for msgid in missing:
            print(f"untranslated: {msgid!r}")
        return 1 if missing else 0
    SV.mkdir(parents=True, exist_ok=True)
    with (SV / "messages.po").open("wb") as fh:
        write_po(fh, catalog, sort_output=True, width=100)
    with (SV / "messages.mo").open("wb") as fh:
        write_mo(fh, catalog)
    print(f"compiled {len(catalog)} Swedish messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
