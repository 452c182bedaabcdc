"""The survey builder: every action, invalid input (422, nothing stored) and permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit.models import AuditEvent  # noqa: F401  (schema import for clarity)
from app.core.models import utcnow
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import Activity, ProjectPartner
from app.surveys.models import OptionKind, Question, QuestionOption, Survey, SurveyStatus


@pytest.fixture()
def setup(make_survey, planner, login, english):
    survey = make_survey()
    org = survey.activity.stage.project.organization
    user = planner(org)
    login(user)
    english()
    return survey


def url(survey, tail=""):
    return f"/manage/surveys/{survey.id}{tail}"


def question_data(**overrides):
    data = {
        "type": "single_choice",
        "prompt_sv": "Hur ofta besöker du parken?",
        "prompt_en": "How often do you visit the park?",
        "help_sv": "",
        "help_en": "",
        "page": "1",
        "theme_hint": "",
        "condition": "",
    }
    data.update(overrides)
    return data


def test_builder_page_shows_questions_and_preview(client, setup, make_question):
    make_question(setup, prompt="Vad tycker du om torget?")
    page = client.get(url(setup)).get_data(as_text=True)
    assert "Vad tycker du om torget?" in page
    assert f'src="/s/{setup.id}?preview=1"' in page


@pytest.mark.parametrize(
    "qtype",
    [
        "map_point",
        "map_line",
        "map_polygon",
        "single_choice",
        "multi_choice",
        "likert",
        "scale",
        "ranking",
        "short_text",
        "long_text",
        "number",
        "age_band",
        "gender",
        "district",
        "relation",
    ],
)
def test_add_question_of_every_type(client, setup, qtype):
    response = client.post(url(setup, "/questions"), data={"type": qtype})
    assert response.status_code == 303
    question = db.session.scalar(db.select(Question).where(Question.survey_id == setup.id))
    assert question.type == qtype and question.page == 1
    assert client.get(response.headers["Location"]).status_code == 200
    if qtype == "age_band":
        codes = [o.code for o in question.options]
        assert codes == ["0-17", "18-29", "30-44", "45-64", "65-79", "80+"]
    if qtype == "gender":
        assert [o.code for o in question.options] == ["woman", "man", "other", "no_answer"]
    if qtype == "relation":
        assert [o.code for o in question.options] == ["live", "work", "study", "visit"]
    if qtype == "likert":
        assert len(question.settings["labels"]["sv"]) == 5
    if qtype == "short_text":
        assert question.settings["max_length"] == 200
    if qtype == "long_text":
        assert question.settings["max_length"] == 4000
    if qtype.startswith("map_"):
        assert len(question.options_of(OptionKind.CATEGORY)) == 3


def test_district_options_come_from_population(client, setup):
    from app.organizations.models import PopulationRow

    for band, district in enumerate(("Flemingsberg", "Visättra", "Flemingsberg")):
        db.session.add(
            PopulationRow(
                organization_id=setup.organization_id,
                year=2024,
                district=district,
                age_band=str(band),
                gender="woman",
                count=10,
            )
        )
    db.session.commit()
    client.post(url(setup, "/questions"), data={"type": "district"})
    question = db.session.scalar(db.select(Question).where(Question.survey_id == setup.id))
    assert [o.code for o in question.options] == ["Flemingsberg", "Visättra"]


def test_add_question_htmx_returns_fragment(client, setup):
    response = client.post(
        url(setup, "/questions"), data={"type": "short_text"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "survey-changed"
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="questions"') and "<html" not in body


def test_unknown_type_is_422(client, setup):
    assert client.post(url(setup, "/questions"), data={"type": "essay"}).status_code == 422
    assert not setup.questions


def test_edit_question_texts_and_settings(client, setup, make_question):
    q = make_question(setup, "multi_choice", options=["A", "B"])
    response = client.post(
        url(setup, f"/questions/{q.id}"),
        data=question_data(
            type="multi_choice",
            required="y",
            help_sv="Välj högst två",
            min_count="1",
            max_count="2",
            theme_hint="green",
        ),
    )
    assert response.status_code == 303
    db.session.refresh(q)
    assert q.prompt["sv"] == "Hur ofta besöker du parken?" and q.help_text == {
        "sv": "Välj högst två"
    }
    assert (q.required, q.min_count, q.max_count, q.theme_hint) == (True, 1, 2, "green")


def test_edit_type_settings(client, setup, make_question):
    number = make_question(setup, "number")
    client.post(
        url(setup, f"/questions/{number.id}"),
        data=question_data(
            type="number", number_min="0", number_max="120", number_integer="y", number_unit="år"
        ),
    )
    db.session.refresh(number)
    assert number.settings == {"min": 0, "max": 120, "integer": True, "unit": "år"}
    likert = make_question(setup, "likert")
    labels = "Nej\nNja\nKanske\nJa\nAbsolut"
    response = client.post(
        url(setup, f"/questions/{likert.id}"),
        data=question_data(type="likert", likert_sv=labels, likert_en="No\nHm\nMaybe\nYes\nSure"),
    )
    assert response.status_code == 303
    db.session.refresh(likert)
    assert likert.settings["labels"]["sv"] == labels.split("\n")
    scale = make_question(setup, "scale")
    client.post(
        url(setup, f"/questions/{scale.id}"),
        data=question_data(type="scale", min_label_sv="Dåligt", max_label_sv="Bra"),
    )
    db.session.refresh(scale)
    assert scale.settings["min_label"] == {"sv": "Dåligt"}
    mapq = make_question(setup, "map_point")
    client.post(
        url(setup, f"/questions/{mapq.id}"),
        data=question_data(type="map_point", restrict_to_area="y", max_comment_length="500"),
    )
    db.session.refresh(mapq)
    assert mapq.settings == {
        "restrict_to_area": True,
        "require_comment": False,
        "max_comment_length": 500,
    }


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"prompt_sv": ""}, "prompt_sv"),
        ({"min_count": "3", "max_count": "1"}, "max_count"),
        ({"theme_hint": "parking"}, "theme_hint"),
        ({"page": "0"}, "page"),
        ({"likert_sv": "Ja\nNej"}, "likert_sv"),
    ],
)
def test_invalid_question_input_is_422_and_nothing_stored(client, setup, make_question, bad, field):
    q = make_question(
        setup, "likert" if field == "likert_sv" else "multi_choice", prompt="Original"
    )
    data = question_data(type=q.type.value, **bad)
    response = client.post(url(setup, f"/questions/{q.id}"), data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    assert q.prompt["sv"] == "Original" and q.min_count is None and q.theme_hint is None


def test_condition_on_earlier_choice_question(client, setup, make_question):
    first = make_question(setup, "single_choice", options=["Ja", "Nej"])
    second = make_question(setup, "short_text")
    yes = first.options[0]
    response = client.post(
        url(setup, f"/questions/{second.id}"),
        data=question_data(type="short_text", condition=f"{first.id}:{yes.id}"),
    )
    assert response.status_code == 303
    db.session.refresh(second)
    assert (second.condition_question_id, second.condition_option_id) == (first.id, yes.id)


def test_condition_pointing_to_later_or_non_choice_question_is_422(client, setup, make_question):
    first = make_question(setup, "single_choice", options=["Ja"])
    text = make_question(setup, "short_text")
    later = make_question(setup, "single_choice", options=["A"])
    other_page = make_question(setup, "single_choice", options=["B"], page=2)
    for condition in (
        f"{later.id}:{later.options[0].id}",  # later question
        f"{first.id}:{later.options[0].id}",  # option of another question
        f"{text.id}:999",  # not a choice question
        "nonsense",
    ):
        response = client.post(
            url(setup, f"/questions/{text.id}"),
            data=question_data(type="short_text", condition=condition),
        )
        assert response.status_code == 422, condition
        assert 'id="condition-error"' in response.get_data(as_text=True)
    # A question on page 2 cannot make an earlier page-1 question depend on it.
    response = client.post(
        url(setup, f"/questions/{first.id}"),
        data=question_data(condition=f"{other_page.id}:{other_page.options[0].id}"),
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Question, text.id).condition_question_id is None


def test_reorder_and_move_to_page(client, setup, make_question):
    a = make_question(setup, prompt="A")
    b = make_question(setup, prompt="B")
    assert (
        client.post(url(setup, f"/questions/{b.id}/move"), data={"direction": "up"}).status_code
        == 303
    )
    db.session.expire_all()
    assert [q.prompt["sv"] for q in db.session.get(Survey, setup.id).questions] == ["B", "A"]
    client.post(url(setup, f"/questions/{b.id}/move"), data={"page": "2"})
    db.session.expire_all()
    assert db.session.get(Question, b.id).page == 2
    assert db.session.get(Question, a.id).position == 0
    assert client.post(url(setup, f"/questions/{a.id}/move"), data={"page": "0"}).status_code == 422


def test_move_that_breaks_a_condition_is_refused(client, setup, make_question):
    first = make_question(setup, options=["Ja"])
    second = make_question(
        setup, "short_text", condition_question_id=first.id, condition_option_id=first.options[0].id
    )
    response = client.post(url(setup, f"/questions/{second.id}/move"), data={"direction": "up"})
    assert response.status_code == 409
    assert "display condition" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [q.id for q in db.session.get(Survey, setup.id).questions] == [first.id, second.id]


def test_delete_question_without_responses_deletes(client, setup, make_question):
    q = make_question(setup)
    assert client.post(url(setup, f"/questions/{q.id}/delete")).status_code == 303
    db.session.expire_all()
    assert db.session.get(Question, q.id) is None


def test_options_add_edit_reorder_delete(client, setup, make_question):
    q = make_question(setup, "multi_choice", options=["Buss"])
    add = client.post(
        url(setup, f"/questions/{q.id}/options"),
        data={
            "kind": "option",
            "new-option-kind": "option",
            "new-option-label_sv": "Cykel",
            "new-option-label_en": "Bike",
            "new-option-code": "bike",
        },
    )
    assert add.status_code == 303
    other = client.post(
        url(setup, f"/questions/{q.id}/options"),
        data={
            "kind": "option",
            "new-option-kind": "option",
            "new-option-label_sv": "Annat",
            "new-option-is_other": "y",
        },
    )
    assert other.status_code == 303
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    labels = [o.label["sv"] for o in q.options]
    assert labels == ["Buss", "Cykel", "Annat"] and q.options[2].is_other
    bike = q.options[1]
    edit = client.post(
        url(setup, f"/options/{bike.id}"),
        data={
            f"o{bike.id}-kind": "option",
            f"o{bike.id}-label_sv": "Cykla",
            f"o{bike.id}-code": "bike",
        },
    )
    assert edit.status_code == 303
    client.post(url(setup, f"/options/{bike.id}/move"), data={"direction": "up"})
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    assert [o.label["sv"] for o in q.options] == ["Cykla", "Buss", "Annat"]
    # A second "other" option is refused.
    again = client.post(
        url(setup, f"/questions/{q.id}/options"),
        data={
            "kind": "option",
            "new-option-kind": "option",
            "new-option-label_sv": "Övrigt",
            "new-option-is_other": "y",
        },
    )
    assert again.status_code == 422
    assert client.post(url(setup, f"/options/{bike.id}/delete")).status_code == 303
    db.session.expire_all()
    assert db.session.get(QuestionOption, bike.id) is None


def test_map_category_and_place(client, setup, make_question):
    q = make_question(setup, "map_point")
    response = client.post(
        url(setup, f"/questions/{q.id}/options"),
        data={
            "kind": "category",
            "new-category-kind": "category",
            "new-category-label_sv": "Otryggt",
            "new-category-icon": "warning",
            "new-category-color": "#B00020",
            "new-category-valence_hint": "negative",
        },
    )
    assert response.status_code == 303
    place = client.post(
        url(setup, f"/questions/{q.id}/options"),
        data={
            "kind": "place",
            "new-place-kind": "place",
            "new-place-label_sv": "Stationen",
            "new-place-lat": "59.22",
            "new-place-lon": "17.95",
        },
    )
    assert place.status_code == 303
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    cat = q.options_of(OptionKind.CATEGORY)[0]
    assert (cat.icon, cat.color, cat.valence_hint) == ("warning", "#b00020", "negative")
    assert q.options_of(OptionKind.PLACE)[0].geometry == {
        "type": "Point",
        "coordinates": [17.95, 59.22],
    }


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"new-category-color": "red"}, "new-category-color"),
        ({"new-category-color": "#12345g"}, "new-category-color"),
        ({"new-category-icon": "skull"}, "new-category-icon"),
        ({"new-category-label_sv": ""}, "new-category-label_sv"),
        ({"new-category-valence_hint": "angry"}, "new-category-valence_hint"),
    ],
)
def test_invalid_category_is_422_and_nothing_stored(client, setup, make_question, bad, field):
    q = make_question(setup, "map_point")
    data = {
        "kind": "category",
        "new-category-kind": "category",
        "new-category-label_sv": "Idé",
        "new-category-icon": "star",
        "new-category-color": "#005a9c",
        "new-category-valence_hint": "neutral",
    }
    data.update(bad)
    response = client.post(url(setup, f"/questions/{q.id}/options"), data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, q.id).options == []


def test_survey_settings(client, setup):
    response = client.post(
        url(setup, "/settings"),
        data={
            "title_sv": "Parkens framtid",
            "title_en": "The park's future",
            "intro_sv": "Hej!",
            "languages": ["sv"],
            "resubmission": "refuse",
        },
    )
    assert response.status_code == 303
    db.session.refresh(setup)
    assert setup.title == {"sv": "Parkens framtid", "en": "The park's future"}
    assert setup.languages == ["sv"] and setup.resubmission == "refuse"
    bad = client.post(
        url(setup, "/settings"),
        data={"title_sv": "", "languages": ["sv"], "resubmission": "update"},
    )
    assert bad.status_code == 422
    db.session.refresh(setup)
    assert setup.title["sv"] == "Parkens framtid"


def test_open_requires_a_question_then_opens_and_closes(client, setup, make_question):
    response = client.post(url(setup, "/status"), data={"status": "open"})
    assert response.status_code == 409
    assert "at least one question" in response.get_data(as_text=True)
    db.session.refresh(setup)
    assert setup.status == SurveyStatus.DRAFT
    make_question(setup, options=["Ja", "Nej"])
    assert client.post(url(setup, "/status"), data={"status": "open"}).status_code == 303
    db.session.refresh(setup)
    assert setup.status == SurveyStatus.OPEN
    assert client.post(url(setup, "/status"), data={"status": "closed"}).status_code == 303
    db.session.refresh(setup)
    assert setup.status == SurveyStatus.CLOSED


def test_open_refused_when_stage_has_ended(client, setup, make_question):
    make_question(setup)
    stage = setup.activity.stage
    stage.opens_at, stage.closes_at = utcnow() - timedelta(days=9), utcnow() - timedelta(days=1)
    db.session.commit()
    page = client.get(url(setup)).get_data(as_text=True)
    assert "The stage has already ended" in page
    assert client.post(url(setup, "/status"), data={"status": "open"}).status_code == 409
    db.session.refresh(setup)
    assert setup.status == SurveyStatus.DRAFT


def test_create_survey_in_stage(client, setup):
    stage = setup.activity.stage
    response = client.post("/manage/surveys/new", data={"stage_id": stage.id})
    assert response.status_code == 303
    surveys = db.session.scalars(db.select(Survey).order_by(Survey.id)).all()
    assert len(surveys) == 2 and surveys[1].activity.stage_id == stage.id
    assert surveys[1].status == SurveyStatus.DRAFT


def test_duplicate_deep_copies_and_repoints_conditions(client, setup, make_question):
    first = make_question(setup, options=["Ja", "Nej"])
    second = make_question(
        setup,
        "map_point",
        page=2,
        condition_question_id=first.id,
        condition_option_id=first.options[1].id,
    )
    second.options.append(
        QuestionOption(
            kind=OptionKind.CATEGORY,
            label={"sv": "Idé"},
            icon="lightbulb",
            color="#005a9c",
            valence_hint="neutral",
        )
    )
    db.session.commit()
    later = setup.activity.stage.project.stages[-1]
    response = client.post(url(setup, "/duplicate"), data={"stage_id": later.id})
    assert response.status_code == 303
    copy = db.session.scalars(db.select(Survey).where(Survey.id != setup.id)).one()
    assert copy.status == SurveyStatus.DRAFT and copy.activity.stage_id == later.id
    assert response.headers["Location"].endswith(f"/manage/surveys/{copy.id}")
    c_first, c_second = copy.questions
    assert {c_first.id, c_second.id}.isdisjoint({first.id, second.id})
    assert c_second.page == 2 and c_second.options[0].label == {"sv": "Idé"}
    assert c_second.condition_question_id == c_first.id
    assert c_second.condition_option_id == c_first.options[1].id
    assert c_first.options[1].id != first.options[1].id
    # The original is untouched.
    db.session.refresh(second)
    assert second.condition_question_id == first.id


def test_duplicate_to_another_project_stage_is_refused(client, setup, make_project):
    other = make_project(setup.activity.stage.project.organization)
    response = client.post(url(setup, "/duplicate"), data={"stage_id": other.stages[0].id})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Survey.id))) == 1


# --- permissions ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, make_survey):
    survey = make_survey()
    response = client.get(url(survey))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.FACILITATOR])
def test_moderator_and_facilitator_cannot_edit(client, make_survey, make_user, login, role):
    survey = make_survey()
    login(make_user(role=role, org=survey.activity.stage.project.organization))
    assert client.get(url(survey)).status_code == 403
    assert client.post(url(survey, "/questions"), data={"type": "short_text"}).status_code == 403
    assert not db.session.get(Survey, survey.id).questions


def test_other_organization_gets_404(client, make_survey, make_org, make_user, login):
    survey = make_survey()
    login(make_user(role=Role.PLANNER, org=make_org()))
    assert client.get(url(survey)).status_code == 404
    assert client.post(url(survey, "/status"), data={"status": "open"}).status_code == 404


def test_partner_is_refused(client, make_survey, make_org, make_user, login):
    survey = make_survey()
    partner_org = make_org()
    project = survey.activity.stage.project
    db.session.add(ProjectPartner(project=project, organization_id=partner_org.id))
    db.session.commit()
    login(make_user(role=Role.PLANNER, org=partner_org))
    assert client.get(url(survey)).status_code == 403


def test_superadmin_may_edit(client, make_survey, make_user, login):
    survey = make_survey()
    login(make_user(superadmin=True))
    assert client.get(url(survey)).status_code == 200


def test_question_of_another_survey_is_404(client, setup, make_survey, make_question):
    other = make_survey(org=setup.activity.stage.project.organization)
    q = make_question(other)
    assert client.get(url(setup, f"/questions/{q.id}")).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Activity.id))) == 2


def test_preview_may_be_framed_by_the_builder_only(client, setup, make_question):
    make_question(setup)
    preview = client.get(f"/s/{setup.id}?preview=1")
    assert preview.status_code == 200
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    other = client.get("/")
    assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"]
    assert other.headers["X-Frame-Options"] == "DENY"


def test_type_change_without_responses_resets_options(client, setup, make_question):
    q = make_question(setup, "single_choice", options=["A", "B"])
    response = client.post(
        url(setup, f"/questions/{q.id}"),
        data=question_data(type="map_polygon"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/manage/surveys/{setup.id}/questions/{q.id}"
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    assert q.type == "map_polygon" and q.options == []
    assert q.settings["restrict_to_area"] is True


def test_question_form_htmx_fragment_and_422(client, setup, make_question):
    q = make_question(setup, "short_text")
    ok = client.post(
        url(setup, f"/questions/{q.id}"),
        data=question_data(type="short_text", max_length="150"),
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200 and ok.headers["HX-Trigger"] == "survey-changed"
    assert ok.get_data(as_text=True).lstrip().startswith('<section id="question-form"')
    bad = client.post(
        url(setup, f"/questions/{q.id}"),
        data=question_data(type="short_text", prompt_sv=""),
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422 and 'id="prompt_sv-error"' in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, q.id).settings["max_length"] == 150


def test_question_list_names_the_condition(client, setup, make_question):
    first = make_question(setup, options=["Ja", "Nej"], prompt="Bor du här?")
    make_question(
        setup,
        "short_text",
        condition_question_id=first.id,
        condition_option_id=first.options[0].id,
    )
    page = client.get(url(setup)).get_data(as_text=True)
    assert "Shown only if the answer is: Bor du här? → Ja" in page
