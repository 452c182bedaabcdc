"""The repository explains itself: code and docs refer to documents inside it, never to the
design notes the project started from outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"DESIGN\.md|DESIGN \d|\.\./shared/|(?<![/\w])codebook\.md")
SKIP = {".venv", ".git", "node_modules", "__pycache__", "data"}


def test_no_reference_to_documents_outside_the_repository():
    found = []
    for path in ROOT.rglob("*"):
        if not path.is_file() or SKIP & set(path.relative_to(ROOT).parts):
            continue
        if path.suffix not in {".py", ".md", ".html", ".js", ".toml", ".cfg", ".sh"}:
            continue
        if path == Path(__file__):
            continue
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="ignore").splitlines(), 1
        ):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)
