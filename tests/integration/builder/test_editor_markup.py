"""The question editor's markup: unique element ids and readable icon names (issue 17)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

from app.surveys.builder import ICONS


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1


def duplicate_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return sorted(i for i, n in parser.ids.items() if n > 1)


@pytest.fixture()
def setup(make_survey, planner, login, english):
    survey = make_survey()
    login(planner(survey.activity.stage.project.organization))
    english()
    return survey


@pytest.mark.parametrize("qtype", ["map_point", "single_choice", "likert", "district"])
def test_question_editor_has_unique_ids(client, setup, qtype):
    client.post(f"/manage/surveys/{setup.id}/questions", data={"type": qtype})
    question = setup.questions[-1]
    client.post(f"/manage/surveys/{setup.id}/questions", data={"type": "single_choice"})
    page = client.get(f"/manage/surveys/{setup.id}/questions/{question.id}")
    assert page.status_code == 200
    assert duplicate_ids(page.get_data(as_text=True)) == []
    builder = client.get(f"/manage/surveys/{setup.id}")
    assert duplicate_ids(builder.get_data(as_text=True)) == []


def test_icon_dropdown_shows_translated_names(client, setup):
    client.post(f"/manage/surveys/{setup.id}/questions", data={"type": "map_point"})
    question = setup.questions[-1]
    english_page = client.get(f"/manage/surveys/{setup.id}/questions/{question.id}")
    html = english_page.get_data(as_text=True)
    assert '<option selected value="warning">Warning sign</option>' in html or (
        'value="warning">Warning sign</option>' in html
    )
    with client.session_transaction() as session:
        session["lang"] = "sv"
    swedish = client.get(f"/manage/surveys/{setup.id}/questions/{question.id}")
    html = swedish.get_data(as_text=True)
    assert 'value="lightbulb">Glödlampa (idé)</option>' in html
    for icon in ICONS:
        assert f'value="{icon}">{icon}</option>' not in html
    assert "Ikon: Varningsskylt" in html or "Ikon: Stjärna" in html


def test_the_phone_preview_shows_no_staff_navigation(client, setup, make_question):
    make_question(setup, options=["Ja", "Nej"])
    preview = client.get(f"/s/{setup.id}?preview=1").get_data(as_text=True)
    assert "/manage/" not in preview.split("</header>")[0]
    assert "Log out" not in preview and "Log in" in preview
    # The staff member's own pages keep their navigation.
    builder = client.get(f"/manage/surveys/{setup.id}").get_data(as_text=True)
    assert "Log out" in builder and 'href="/manage/"' in builder
