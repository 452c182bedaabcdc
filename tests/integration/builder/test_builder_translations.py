"""The builder lists the texts of a survey missing in a language; residents are not offered
the survey in that language until they are translated (tests/integration/public)."""

from __future__ import annotations

from app.extensions import db
from tests.integration.builder.test_builder import setup, url  # noqa: F401 - fixture


def test_builder_lists_missing_translations(client, setup, make_question):  # noqa: F811
    question = make_question(setup, options=["Bra", "Dåligt"], prompt="Vad tycker du?")
    html = client.get(url(setup)).get_data(as_text=True)
    assert 'id="translation-gaps-heading"' not in html  # complete in English
    question.options[1].label = {"sv": "Dåligt"}
    question.help_text = {"sv": "Välj ett"}
    db.session.commit()
    client.get("/lang/sv")
    html = client.get(url(setup)).get_data(as_text=True)
    assert "Engelska: 2 texter saknas." in html
    assert "<li>fråga 1: Vad tycker du?</li>" in html
    assert "<li>alternativet ”Dåligt” i fråga 1</li>" in html
