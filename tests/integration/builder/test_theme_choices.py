"""Theme choices come from the codebook: labels in the interface language, a project's own
themes offered (and accepted) as question hints and feedback themes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from analysis.codebook import DEFAULT_CODEBOOK_PATH
from app.codebook.models import Codebook, Theme
from app.codebook.themes import theme_choices
from app.extensions import db
from app.surveys.models import Question

CODEBOOK = json.loads(DEFAULT_CODEBOOK_PATH.read_text(encoding="utf-8"))


@pytest.fixture()
def setup(make_survey: Any, planner: Any, login: Any) -> Any:
    survey = make_survey()
    login(planner(survey.activity.stage.project.organization))
    return survey


def _own_theme(project: Any, key: str = "playground") -> None:
    book = Codebook(project_id=project.id, name="Egna teman")
    book.themes.append(Theme(key=key, label={"sv": "Lekplatser", "en": "Playgrounds"}))
    db.session.add(book)
    db.session.commit()


def _question_page(client: Any, survey: Any, question: Question) -> str:
    return client.get(f"/manage/surveys/{survey.id}/questions/{question.id}").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_labels_are_the_codebooks_in_each_language(
    app: Any, client: Any, setup: Any, make_question: Any, lang: str
) -> None:
    with client.session_transaction() as session:
        session["lang"] = lang
    page = _question_page(client, setup, make_question(setup))
    for theme in CODEBOOK["themes"]:
        assert f'<option value="{theme["id"]}">{theme["label"][lang]}</option>' in page
    assert [tid for tid, _label in theme_choices(None, lang)] == [
        t["id"] for t in CODEBOOK["themes"]
    ]


def test_a_projects_own_theme_is_a_question_hint(
    client: Any, setup: Any, make_question: Any, make_survey: Any
) -> None:
    project = setup.activity.stage.project
    _own_theme(project)
    question = make_question(setup)
    assert '<option value="playground">Lekplatser</option>' in _question_page(
        client, setup, question
    )
    data = {
        "type": question.type.value,
        "prompt_sv": "Var leker barnen?",
        "page": "1",
        "theme_hint": "playground",
        "condition": "",
    }
    saved = client.post(f"/manage/surveys/{setup.id}/questions/{question.id}", data=data)
    assert saved.status_code == 303, saved.get_data(as_text=True)[:500]
    db.session.refresh(question)
    assert question.theme_hint == "playground"

    # Another project's survey does not offer it, and refuses it.
    other = make_survey(org=project.organization)
    other_question = make_question(other)
    assert 'value="playground"' not in _question_page(client, other, other_question)
    refused = client.post(f"/manage/surveys/{other.id}/questions/{other_question.id}", data=data)
    assert refused.status_code == 422
    db.session.refresh(other_question)
    assert other_question.theme_hint is None


def test_feedback_may_answer_a_projects_own_theme(
    client: Any, make_project: Any, planner: Any, login: Any
) -> None:
    project = make_project(open_stage=False)
    _own_theme(project)
    login(planner(project.organization))
    stage = project.current_stage
    page = client.get(f"/manage/stages/{stage.id}/feedback").get_data(as_text=True)
    assert 'value="playground"' in page and "Lekplatser" in page
    saved = client.post(
        f"/manage/stages/{stage.id}/feedback",
        data={"heard_sv": "Fler gungor.", "did_sv": "Vi bygger.", "theme_keys": ["playground"]},
    )
    assert saved.status_code in (302, 303), saved.get_data(as_text=True)[:500]
    db.session.refresh(stage)
    assert stage.feedback.theme_keys == ["playground"]
