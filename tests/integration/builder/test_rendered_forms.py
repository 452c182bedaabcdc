"""The builder's forms, posted exactly as the rendered HTML sends them (issue 17, item 1)."""

from __future__ import annotations

import lxml.html
import pytest

from app.extensions import db
from app.surveys.models import OptionKind, Question, QuestionOption, Survey
from tests.formparse import field_names, form_fields, rendered_forms, submit


@pytest.fixture()
def setup(make_survey, planner, login, english):
    survey = make_survey()
    login(planner(survey.activity.stage.project.organization))
    english()
    return survey


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_edit_option_label_as_rendered(client, setup, make_question):
    q = make_question(setup, "single_choice", options=["Buss", "Cykel"])
    bike = q.options[1]
    page = _page(client, f"/manage/surveys/{setup.id}/questions/{q.id}")
    response = submit(
        client, page, f"/manage/surveys/{setup.id}/options/{bike.id}", label_sv="Cykla"
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuestionOption, bike.id).label["sv"] == "Cykla"
    # The page after the redirect shows the new label.
    assert "Cykla" in _page(client, response.headers["Location"].split("#")[0])


def test_edit_category_and_place_as_rendered(client, setup, make_question):
    q = make_question(setup, "map_point")
    category = QuestionOption(
        kind=OptionKind.CATEGORY,
        position=0,
        label={"sv": "Bra", "en": "Good"},
        icon="star",
        color="#005a9c",
        valence_hint="positive",
    )
    place = QuestionOption(
        kind=OptionKind.PLACE,
        position=1,
        label={"sv": "Torget", "en": "Square"},
        geometry={"type": "Point", "coordinates": [18.0, 59.3]},
    )
    q.options.extend([category, place])
    db.session.commit()
    page = _page(client, f"/manage/surveys/{setup.id}/questions/{q.id}")
    for option, label in ((category, "Mycket bra"), (place, "Stortorget")):
        response = submit(
            client, page, f"/manage/surveys/{setup.id}/options/{option.id}", label_sv=label
        )
        assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuestionOption, category.id).label["sv"] == "Mycket bra"
    stored = db.session.get(QuestionOption, place.id)
    assert stored.label["sv"] == "Stortorget"
    assert stored.geometry["coordinates"] == [18.0, 59.3]


def test_option_edit_forms_have_unique_control_ids(client, setup, make_question):
    q = make_question(setup, "single_choice", options=["Buss", "Cykel", "Gång"])
    page = _page(client, f"/manage/surveys/{setup.id}/questions/{q.id}")
    ids = [el.get("id") for el in lxml.html.fromstring(page).iter() if el.get("id")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates


def test_add_option_as_rendered(client, setup, make_question):
    q = make_question(setup, "multi_choice", options=["Buss"])
    page = _page(client, f"/manage/surveys/{setup.id}/questions/{q.id}")
    response = submit(
        client, page, f"/manage/surveys/{setup.id}/questions/{q.id}/options", label_sv="Tåg"
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert [o.label["sv"] for o in db.session.get(Question, q.id).options] == ["Buss", "Tåg"]


def test_question_form_as_rendered(client, setup, make_question):
    q = make_question(setup, "single_choice", options=["Ja", "Nej"], prompt="Gillar du parken?")
    page = _page(client, f"/manage/surveys/{setup.id}/questions/{q.id}")
    response = submit(
        client,
        page,
        f"/manage/surveys/{setup.id}/questions/{q.id}",
        prompt_sv="Tycker du om parken?",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, q.id).prompt["sv"] == "Tycker du om parken?"


def test_settings_form_as_rendered(client, setup):
    page = _page(client, f"/manage/surveys/{setup.id}")
    response = submit(client, page, f"/manage/surveys/{setup.id}/settings", title_sv="Parkenkät")
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Survey, setup.id).title["sv"] == "Parkenkät"


def test_every_builder_form_is_accepted_as_rendered(client, setup, make_question):
    """No form on the builder or question page is refused as malformed when sent unchanged."""
    q = make_question(setup, "single_choice", options=["Ja", "Nej"])
    make_question(setup, "short_text")
    pages = [f"/manage/surveys/{setup.id}", f"/manage/surveys/{setup.id}/questions/{q.id}"]
    posted: set[str] = set()
    for path in pages:
        html = _page(client, path)
        for form in rendered_forms(html):
            action = form.get("action")
            if (
                form.get("method", "get").lower() != "post"
                or not action.startswith("/manage/surveys/")  # the site's own nav (log out)
                or action.endswith("/delete")
            ):
                continue
            posted.add(action)
            data = form_fields(form)
            # A new option needs a label: type one, as a planner would.
            data.update({n: "Nytt" for n in data if n.endswith("label_sv") and not data[n]})
            response = client.post(action, data=data)
            # Unchanged forms may be refused for a domain reason (409), never as malformed.
            assert response.status_code not in (400, 422), (action, field_names(form))
            html = _page(client, path)
    # Settings, status, duplicate, add question, question, options, moves: all were tried.
    assert len(posted) >= 8, posted


def test_refused_option_edit_shows_the_error_at_its_field(client, setup, make_question):
    q = make_question(setup, "single_choice", options=["Buss", "Cykel"])
    bike = q.options[1]
    page = _page(client, f"/manage/surveys/{setup.id}/questions/{q.id}")
    response = submit(client, page, f"/manage/surveys/{setup.id}/options/{bike.id}", label_sv="")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    tree = lxml.html.fromstring(body)
    (error,) = tree.xpath(f'//*[@id="o{bike.id}-label_sv-error"]')
    assert error.text_content().strip()
    (card,) = tree.xpath(f'//li[@id="o-{bike.id}"]/details')
    assert card.get("open") is not None
    # Re-sent as the error page renders it, with the label typed in, it saves.
    again = submit(client, body, f"/manage/surveys/{setup.id}/options/{bike.id}", label_sv="Cykla")
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.get(QuestionOption, bike.id).label["sv"] == "Cykla"
