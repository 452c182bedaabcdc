"""The builder lists the texts of a survey missing in a language; residents are not offered
the survey in that language until they are translated (tests/integration/public)."""

from __future__ import annotations

from app.extensions import db
from tests.integration.builder.test_builder import (  # noqa: F401 - fixture
    question_data,
    setup,
    url,
)


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


def _after(html, marker):
    """The part of ``html`` from ``marker`` (a field) to the next field or the end of its
    fieldset."""
    start = html.index(marker)
    ends = [html.find(end, start + len(marker)) for end in ('name="', "</fieldset>")]
    return html[start : min(end for end in ends if end != -1)]


def _survey_page(app, survey, lang=None):
    """The survey page as a resident (a client of their own) sees it."""
    resident = app.test_client()
    return resident.get(f"/s/{survey.id}" + (f"?lang={lang}" if lang else "")).get_data(
        as_text=True
    )


def test_an_edited_swedish_prompt_marks_the_english_one_older(
    app,
    client,
    setup,  # noqa: F811
    make_question,
):
    from app.surveys.models import SurveyStatus

    question = make_question(setup, options=["Bra", "Dåligt"], prompt="Vad tycker du?")
    question.prompt = {"sv": "Vad tycker du?", "en": "What do you think?"}
    setup.status = SurveyStatus.OPEN
    db.session.commit()
    assert 'hreflang="en"' in _survey_page(app, setup)  # complete in English: offered
    edit = url(setup, f"/questions/{question.id}")
    data = question_data(prompt_sv="Vad tycker du?", prompt_en="What do you think?")
    assert client.post(edit, data=data).status_code == 303
    client.get("/lang/sv")
    assert "äldre än svenskan" not in client.get(url(setup)).get_data(as_text=True)

    # The planner changes the Swedish question and leaves the English one as it was.
    data["prompt_sv"] = "Vad tycker du om torget?"
    assert client.post(edit, data=data).status_code == 303
    builder = client.get(url(setup)).get_data(as_text=True)
    assert "Engelska: 1 text är äldre än den svenska texten." in builder
    assert "<li>fråga 1: Vad tycker du om torget?</li>" in builder
    card = builder[builder.index(f'id="q-{question.id}"') :]
    card = card[: card.index("</li>")]
    assert "Engelska: äldre än svenskan – uppdatera översättningen" in card
    editor = client.get(edit).get_data(as_text=True)
    prompt_en = editor[editor.index('name="prompt_en"') : editor.index('name="help_en"')]
    assert "Engelska: äldre än svenskan – uppdatera översättningen" in prompt_en
    # Residents are no longer offered English; one reading English gets the Swedish text
    # with a note, never the old English question.
    assert 'hreflang="en"' not in _survey_page(app, setup)
    english = _survey_page(app, setup, "en")
    assert "Vad tycker du om torget?" in english and "What do you think?" not in english
    assert "This page is not yet fully translated into English" in english

    # The English text is updated: current again, and English is offered again.
    data["prompt_en"] = "What do you think of the square?"
    assert client.post(edit, data=data).status_code == 303
    assert "äldre än svenskan" not in client.get(url(setup)).get_data(as_text=True)
    assert "äldre än svenskan" not in client.get(edit).get_data(as_text=True)
    assert 'hreflang="en"' in _survey_page(app, setup)
    page = _survey_page(app, setup, "en")
    assert "What do you think of the square?" in page


def test_options_and_survey_texts_show_missing_and_older_translations(
    client,
    setup,  # noqa: F811
    make_question,
):
    question = make_question(setup, options=["Bra", "Dåligt"], prompt="Vad tycker du?")
    good = question.options[0]
    option_url = url(setup, f"/options/{good.id}")
    option = {
        f"o{good.id}-kind": "option",
        f"o{good.id}-label_sv": "Bra",
        f"o{good.id}-label_en": "Good",
        f"o{good.id}-code": "bra",
    }
    assert client.post(option_url, data=option).status_code == 303
    option[f"o{good.id}-label_sv"] = "Mycket bra"
    assert client.post(option_url, data=option).status_code == 303
    editor = client.get(url(setup, f"/questions/{question.id}")).get_data(as_text=True)
    card = editor[editor.index(f'id="o-{good.id}"') :]
    card = card[: card.index("</li>")]
    assert "English: older than the Swedish text – update the translation" in card
    option[f"o{good.id}-label_en"] = "Very good"
    assert client.post(option_url, data=option).status_code == 303
    editor = client.get(url(setup, f"/questions/{question.id}")).get_data(as_text=True)
    assert "older than the Swedish text" not in editor

    # The survey's texts: the title is edited in Swedish only, the English intro is left out.
    settings = {
        "title_sv": "Tyck om torget",
        "title_en": "Have your say",
        "intro_sv": "Välkommen",
        "intro_en": "Welcome",
        "languages": ["sv", "en"],
        "resubmission": "update",
    }
    assert client.post(url(setup, "/settings"), data=settings).status_code in (200, 303)
    settings.update(title_sv="Tyck om torget och parken", intro_en="")
    assert client.post(url(setup, "/settings"), data=settings).status_code in (200, 303)
    builder = client.get(url(setup)).get_data(as_text=True)
    form = builder[builder.index('id="survey-settings"') :]
    assert "English: older than the Swedish text – update the translation" in _after(
        form, 'name="title_en"'
    )
    assert "English: missing" in _after(form, 'name="intro_en"')
    assert "English:" not in _after(form, 'name="title_sv"')
    assert "1 text is missing." in builder and "1 text is older than the Swedish text." in builder


def test_edited_swedish_answer_labels_mark_the_english_ones_older(
    app,
    client,
    setup,  # noqa: F811
    make_question,
):
    """A likert question's five labels and a scale's end labels are texts residents answer
    by: an English resident must never rate on a scale the Swedish text no longer has."""
    from app.surveys.builder import DEFAULT_LIKERT, default_settings
    from app.surveys.models import QuestionType, SurveyStatus

    likert = make_question(
        setup,
        "likert",
        prompt="Hur trygg känner du dig?",
        settings=default_settings(QuestionType.LIKERT),
    )
    setup.status = SurveyStatus.OPEN
    db.session.commit()
    assert 'hreflang="en"' in _survey_page(app, setup)  # the default labels are translated
    edit = url(setup, f"/questions/{likert.id}")
    english = "\n".join(DEFAULT_LIKERT["en"])
    data = question_data(
        type="likert",
        prompt_sv="Hur trygg känner du dig?",
        prompt_en="How safe do you feel?",
        likert_sv="Mycket otrygg\nOtrygg\nVarken eller\nTrygg\nMycket trygg",
        likert_en=english,
    )
    assert client.post(edit, data=data).status_code == 303
    client.get("/lang/sv")
    editor = client.get(edit).get_data(as_text=True)
    labels_en = _after(editor, 'name="likert_en"')
    assert "Engelska: äldre än svenskan – uppdatera översättningen" in labels_en
    assert "Engelska: 1 text är äldre än den svenska texten." in client.get(url(setup)).get_data(
        as_text=True
    )
    page = _survey_page(app, setup, "en")
    assert 'hreflang="en"' not in _survey_page(app, setup)
    assert "Mycket trygg" in page and "Strongly agree" not in page

    assert "Enkäten har svar" not in labels_en  # no answers yet: no warning
    data["likert_en"] = "Very unsafe\nUnsafe\nNeither\nSafe\nVery safe"
    assert client.post(edit, data=data).status_code == 303
    assert "äldre än svenskan" not in client.get(edit).get_data(as_text=True)
    assert "Very safe" in _survey_page(app, setup, "en")

    # A scale's end label written in Swedish only is missing in English.
    scale = make_question(
        setup, "scale", prompt="Hur viktigt?", settings=default_settings(QuestionType.SCALE)
    )
    db.session.commit()
    edit = url(setup, f"/questions/{scale.id}")
    data = question_data(
        type="scale",
        prompt_sv="Hur viktigt?",
        prompt_en="How important?",
        min_label_sv="Oviktigt",
        min_label_en="",
        max_label_sv="Helt och hållet",
        max_label_en="Completely",
    )
    assert client.post(edit, data=data).status_code == 303
    editor = client.get(edit).get_data(as_text=True)
    assert "Engelska: saknas" in _after(editor, 'name="min_label_en"')
    assert "Engelska" not in _after(editor, 'name="max_label_en"')
    assert 'hreflang="en"' not in _survey_page(app, setup)
