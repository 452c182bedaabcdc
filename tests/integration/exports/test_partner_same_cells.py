"""A partner sees "<5" on the analysis page exactly where their aggregate export does."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl

from tests.integration.exports.test_web_and_jobs import _finished, _job_id, _start


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_partner_sees_small_cells_suppressed_as_in_the_export(
    dataset: Any, app: Any, login: Any
) -> None:
    facilitator, partner = app.test_client(), app.test_client()
    login(dataset.facilitator, test_client=facilitator)
    stage = dataset.stage.id
    assert facilitator.post(f"/manage/analysis/stages/{stage}/recompute").status_code in (
        200,
        302,
        303,
    )
    login(dataset.partner, test_client=partner)
    job = _finished(_job_id(_start(partner, f"stage:{stage}")))
    body = partner.get(f"/manage/exports/jobs/{job.id}/download").data
    themes_rows = list(
        openpyxl.load_workbook(io.BytesIO(body))["Teman"].iter_rows(min_row=2, values_only=True)
    )
    themes = {row[1]: row[3] for row in themes_rows}
    suppressed = [label for label, participants in themes.items() if participants == "<5"]
    shown = [label for label, participants in themes.items() if participants not in ("<5", 0)]
    assert suppressed and shown
    html = partner.get(f"/manage/analysis/stages/{stage}").get_data(as_text=True)
    table = html[html.index('class="themes-table"') :]
    rows = {
        _text(m.group(1)).strip(): _text(m.group(2)).split()
        for m in re.finditer(
            r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table[: table.index("</table>")], re.S
        )
    }
    for label in suppressed:
        assert rows[label][0] == "&lt;5", (label, rows[label])
        assert "%" not in " ".join(rows[label]), (label, rows[label])  # no share to count back
    for label in shown:
        assert rows[label][0] not in ("&lt;5", "0"), (label, rows[label])
    # The chart above the table shows no share of a suppressed theme either.
    chart = _text(html[html.index('id="themes-heading"') : html.index('class="themes-table"')])
    for label in suppressed:
        after = chart[chart.index(label) + len(label) :].split()[:1] if label in chart else []
        assert not after or "%" not in after[0] or after[0] == "&lt;5", (label, after)
    # The indicators API tells the partner the same.
    api = partner.get(f"/api/v1/stages/{stage}/indicators").get_json()["indicators"]
    ids = {t["theme"]: t for t in api["themes"]}
    labels = {row[1]: row[0] for row in themes_rows}
    for label in suppressed:
        theme = ids[labels[label]]
        assert theme["count"] == "<5" and theme["share"] is None, theme
