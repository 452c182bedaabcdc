"""The dialogue summary carries the organization's colour and logo and the stage's "what we
did" text, and its PDF is tagged (PDF/UA-1)."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.core.models import utcnow
from app.extensions import db
from app.projects.models import Feedback

# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
DID = "Vi bygger en ny gångbro i stället för tunneln."


def _export(runner: Any, stage_id: int, fmt: str, out: Path) -> None:
    result = runner.invoke(
        args=["export", "summary", "--stage", str(stage_id), "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output


def test_summary_has_the_organizations_band_logo_and_what_we_did(
    dataset: Any, runner: Any, app: Any, tmp_path: Path
) -> None:
    logo = Path(app.config["INSTANCE_DIR"]) / "logos" / "huddinge.png"
    logo.parent.mkdir(parents=True, exist_ok=True)
    logo.write_bytes(PNG)
    dataset.org.logo_path = "logos/huddinge.png"
    dataset.org.primary_color = "#ffd200"  # light: black text reads better on it
    feedback = Feedback(stage_id=dataset.stage.id, did={"sv": DID})
    db.session.add(feedback)
    db.session.commit()
    draft = tmp_path / "draft.html"
    _export(runner, dataset.stage.id, "html", draft)
    assert DID not in draft.read_text(encoding="utf-8")  # a draft is not published
    feedback.published_at = utcnow()
    db.session.commit()
    out = tmp_path / "summary.html"
    _export(runner, dataset.stage.id, "html", out)
    html = out.read_text(encoding="utf-8")
    assert 'style="background: #ffd200; color: #000000"' in html
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in html
    assert 'alt="Logotyp för Huddinge kommun"' in html
    assert ">Vad vi gjorde<" in html and DID in html


def test_a_bad_colour_or_missing_logo_falls_back(dataset: Any, runner: Any, tmp_path: Path) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(PNG)
    dataset.org.logo_path = str(outside)  # outside the instance directory: never read
    dataset.org.primary_color = "red;x"
    db.session.commit()
    out = tmp_path / "summary.html"
    _export(runner, dataset.stage.id, "html", out)
    html = out.read_text(encoding="utf-8")
    assert 'style="background: #005a9c; color: #ffffff"' in html
    assert 'class="brand-logo"' not in html and ">Vad vi gjorde<" not in html


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_summary_pdf_is_tagged(dataset: Any, runner: Any, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    _export(runner, dataset.stage.id, "pdf", out)
    info = subprocess.run(
        ["pdfinfo", str(out)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    meta = subprocess.run(
        ["pdfinfo", "-meta", str(out)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert 'pdfuaid:part="1"' in meta  # the PDF/UA-1 identification in the XMP metadata
