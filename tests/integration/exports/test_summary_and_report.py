"""The dialogue summary (HTML, PDF via pdftotext) and the consultation report (python-docx)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.extensions import db
from app.projects.models import StageKind


def _cli(runner: Any, *args: str) -> None:
    result = runner.invoke(args=["export", *args])
    assert result.exit_code == 0, result.output


def test_summary_html_in_swedish_has_every_section(
    dataset: Any, runner: Any, tmp_path: Path
) -> None:
    out = tmp_path / "sammanstallning.html"
    _cli(
        runner,
        "summary",
        "--stage",
        str(dataset.stage.id),
        "--format",
        "html",
        "--lang",
        "sv",
        "--out",
        str(out),
    )
    html = out.read_text(encoding="utf-8")
    assert '<html lang="sv">' in html
    for heading in (
        "Deltagande",
        "Vilka som deltog",
        "Teman",
        "Platser och hotspots",
        "Med invånarnas egna ord",
        "Kommunens svar",
        "Obesvarade frågor",
    ):
        assert f">{heading}<" in html, heading
    assert "Flemingsbergs centrum" in html
    # The interactive folium map inlines Leaflet and jQuery (tests in test_question_results.py);
    # the rest of the document has no script and no URL.
    page = re.sub(r'<iframe class="folium-map".*?</iframe>', "", html, flags=re.S)
    assert page != html
    assert "<svg" in page and "<script" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    # Age groups of four people each are suppressed.
    assert "&lt;5" in html
    # Quotes carry contribution ids; the official answer and the open question are there.
    assert f"C{dataset.comments.official.id}" in html
    assert "Varför byggs det inte fler hyresrätter här?" in html
    # Quotes carry their contribution id; a staff document may quote survey free text too.
    quoted = re.findall(r"<footer>Bidrag (\w+)</footer>", html)
    assert quoted
    # C1 stands beside the municipality's answer, so it is not quoted again under a theme.
    assert f"C{dataset.comments.c1.id}" not in quoted
    assert html.count(dataset.comments.c1.body) == 1
    assert all(cid[0] in "CAF" for cid in quoted)
    assert len(quoted) == len(set(quoted))  # a text is quoted once
    # Hidden content never reaches the summary.
    assert "Dumheter" not in html


def test_summary_in_english(dataset: Any, runner: Any, tmp_path: Path) -> None:
    out = tmp_path / "summary.html"
    _cli(
        runner,
        "summary",
        "--stage",
        str(dataset.stage.id),
        "--format",
        "html",
        "--lang",
        "en",
        "--out",
        str(out),
    )
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert ">Who took part<" in html and ">Open questions<" in html
    assert "Safety and security" in html or "Safety" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_summary_pdf_keeps_swedish_characters(dataset: Any, runner: Any, tmp_path: Path) -> None:
    out = tmp_path / "sammanstallning.pdf"
    _cli(
        runner,
        "summary",
        "--stage",
        str(dataset.stage.id),
        "--format",
        "pdf",
        "--lang",
        "sv",
        "--out",
        str(out),
    )
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-enc", "UTF-8", str(out), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "Dialogsammanställning".upper() in text.upper()
    assert "Vilka som deltog" in text
    assert "Trygghet och säkerhet" in text
    assert "gångtunneln" in text
    assert "Dumheter" not in text


def test_project_summary_covers_all_stages(dataset: Any, app: Any) -> None:
    from app.exports.queries import resolve_scope
    from app.exports.services import Access, build_export

    result = build_export(
        "summary", "html", resolve_scope("project", dataset.project.id), Access.system()
    )
    html = result.data.decode("utf-8")
    assert "Projektets alla skeden" in html
    assert "12</strong>" in html  # participants


def test_report_title_follows_the_stage_kind(dataset: Any, app: Any) -> None:
    from flask_babel import force_locale

    from app.exports.queries import resolve_scope
    from app.exports.report_docx import report_title

    stage = dataset.stage
    with force_locale("sv"):
        _check_titles(stage, resolve_scope, report_title)


def _check_titles(stage: Any, resolve_scope: Any, report_title: Any) -> None:
    assert report_title(resolve_scope("stage", stage.id)) == "Samrådsredogörelse"
    stage.kind = StageKind.REVIEW
    db.session.commit()
    assert report_title(resolve_scope("stage", stage.id)) == "Granskningsutlåtande"
    stage.kind = StageKind.EARLY_DIALOGUE
    db.session.commit()
    assert report_title(resolve_scope("stage", stage.id)) == "Sammanställning av synpunkter"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_docx_and_xlsx(dataset: Any, runner: Any, tmp_path: Path) -> None:
    report = tmp_path / "rapport.docx"
    workbook = tmp_path / "svar.xlsx"
    _cli(runner, "consultation-report", "--stage", str(dataset.stage.id), "--out", str(report))
    _cli(
        runner,
        "responses",
        "--survey",
        str(dataset.survey.id),
        "--format",
        "xlsx",
        "--out",
        str(workbook),
    )
    profile = tmp_path / "lo-profile"
    for source, target in ((report, "txt:Text"), (workbook, "csv")):
        subprocess.run(  # noqa: S603
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",  # noqa: S607
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path / "converted"),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    text = (tmp_path / "converted" / "rapport.txt").read_text(encoding="utf-8-sig")
    assert "Samrådsredogörelse" in text and "Kommunens kommentar" in text
    sheet = (tmp_path / "converted" / "svar.csv").read_text(encoding="utf-8", errors="replace")
    assert "response_id" in sheet


def test_summary_compares_participants_with_the_population(dataset: Any, app: Any) -> None:
    from app.exports.queries import resolve_scope
    from app.exports.services import Access, build_export
    from app.organizations.models import PopulationRow

    for gender, count in (("woman", 5000), ("man", 4800)):
        for age in ("16-19", "20-29", "30-64"):
            db.session.add(
                PopulationRow(
                    organization_id=dataset.org.id,
                    year=2025,
                    district="Flemingsberg",
                    age_band=age,
                    gender=gender,
                    count=count,
                )
            )
    db.session.commit()
    result = build_export(
        "summary", "html", resolve_scope("stage", dataset.stage.id), Access.system(), lang="sv"
    )
    html = result.data.decode("utf-8")
    assert "Andel av befolkningen" in html
    assert "olikhetsindex D = 0,01" in html  # 6 + 6 participants against 49 % / 51 %
    # Per 1,000 from every distinct participant (not only those who stated their gender).
    from app.analysis_ui.indicators import compute

    participants = compute(dataset.stage)["totals"]["participants"]
    per_1000 = f"{1000 * participants / 29_400:.1f}".replace(".", ",")
    assert f"Deltagare per 1 000 invånare: {per_1000}." in html


def test_partner_may_export_the_aggregated_summary(dataset: Any, client: Any, login: Any) -> None:

    from app.exports.models import ExportJob, JobStatus

    login(dataset.partner)
    response = client.post(
        "/manage/exports/",
        data={
            "scope": f"stage:{dataset.stage.id}",
            "kind": "summary",
            "format": "html",
            "lang": "sv",
            "delimiter": ";",
        },
    )
    assert response.status_code == 303
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)  # tests run background jobs right after the commit
    assert job.status == JobStatus.DONE
    download = client.get(f"/manage/exports/jobs/{job_id}/download")
    html = download.data.decode("utf-8")
    download.close()
    assert "Vilka som deltog" in html and "&lt;5" in html
    assert "Dumheter" not in html
