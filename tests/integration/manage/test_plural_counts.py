"""Counts agree with their number (issue 16 item 13): "1 kommentar", "2 kommentarer", never
"1 kommentarer", on staff pages and in messages as on public pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app.projects.models import ActivityKind, ProjectStatus

APP = Path(__file__).resolve().parents[3] / "app"
#: A translated text that puts a number before a plural noun itself, instead of ngettext
#: (thresholds, "fewer than 5 participants", are never 1 and stay as they are).
COUNTED = re.compile(
    r"""(?:\b_|\bgettext)\(\s*["'][^"']*?(?<!than )(?<!least )%\(\w+\)[sd] """
    r"""(?:survey responses|responses|comments|contributions|participants|agreements|"""
    r"""reports|themes|rows)\b"""
)


#: Counts of participants in published results: shown only from the privacy threshold (5) up,
#: below it as "<5", so never 1.
THRESHOLDED = ("_('%(n)s participants", "shares are of the %(n)s participants")


def test_no_translated_text_puts_a_count_before_a_plural_noun():
    found = [
        f"{path.relative_to(APP)}: {match.group(0)[:80]}"
        for path in sorted(APP.rglob("*"))
        if path.suffix in (".py", ".html")
        for match in COUNTED.finditer(path.read_text(encoding="utf-8"))
        if not any(match.group(0).endswith(allowed) for allowed in THRESHOLDED)
    ]
    assert found == []


@pytest.fixture()
def project(make_project: Any, org: Any) -> Any:
    return make_project(org, status=ProjectStatus.DRAFT)


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 enkätsvar, 1 kommentar."), (2, "2 enkätsvar, 2 kommentarer.")],
)
def test_the_stage_editor_counts_in_swedish(
    client, as_planner, project, make_activity, make_comment, make_response, count, expected
):
    stage = project.stages[2]
    discussion = make_activity(stage, ActivityKind.DISCUSSION)
    survey = make_activity(stage, ActivityKind.SURVEY)
    for _n in range(count):
        make_comment(discussion)
        make_response(survey)
    client.get("/lang/sv")
    text = client.get(f"/manage/stages/{stage.id}").get_data(as_text=True)
    assert expected in text
    page = client.get(f"/manage/stages/{stage.id}/delete").get_data(as_text=True)
    assert expected.rstrip(".").replace(", ", " och ") in page
