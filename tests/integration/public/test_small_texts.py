"""Small things a resident reads: distances with a decimal comma, user text isolated for
right-to-left scripts, the coordinate alternative marked as a disclosure, no "remove the
place" button before a place is chosen."""

from __future__ import annotations

import re

from tests.integration.public.conftest import stage_path


def test_distance_has_a_decimal_comma_in_swedish(client, make_project):
    make_project(title={"sv": "Nära"})
    html = client.get("/?near=59.25,17.95").get_data(as_text=True)
    distance = re.search(r'class="distance">([^<]+)<', html).group(1)
    assert re.fullmatch(r"\d+,\d km bort", distance), distance
    client.get("/lang/en")
    html = client.get("/?near=59.25,17.95").get_data(as_text=True)
    distance = re.search(r'class="distance">([^<]+)<', html).group(1)
    assert re.fullmatch(r"\d+\.\d km away", distance), distance


def test_comment_text_is_isolated_for_right_to_left_scripts(client, discussion, make_comment):
    stage = discussion()
    make_comment(stage, body="الحديقة تحتاج إلى مقاعد")
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert '<div class="comment-body" dir="auto">الحديقة تحتاج إلى مقاعد</div>' in html


def test_remove_place_waits_for_a_place_and_coordinates_are_a_disclosure(client, discussion):
    stage = discussion()
    html = client.get(stage_path(stage)).get_data(as_text=True)
    button = re.search(r"<button[^>]*data-clear-place[^>]*>", html).group(0)
    assert "hidden" in button
    summary = re.search(r'<details class="coords"[^>]*>\s*<summary[^>]*>', html)
    assert summary is not None
    assert 'class="disclosure"' in summary.group(0)
