"""Editing a survey that already has responses never loses or reinterprets them."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.surveys.models import Answer, Question, QuestionOption, Survey


@pytest.fixture()
def answered(make_survey, make_question, make_response, planner, login, english):
    survey = make_survey(status="open")
    login(planner(survey.activity.stage.project.organization))
    english()
    choice = make_question(survey, "single_choice", options=["Ja", "Nej"], prompt="Trivs du?")
    text = make_question(survey, "short_text", prompt="Varför?")
    make_response(survey, {choice: choice.options[0].id, text: "Fint"})
    return survey, choice, text


def url(survey, tail=""):
    return f"/manage/surveys/{survey.id}{tail}"


def test_builder_warns_about_responses(client, answered):
    survey, _, _ = answered
    page = client.get(url(survey)).get_data(as_text=True)
    assert "The survey has 1 response" in page


def test_deleting_an_answered_question_archives_it(client, answered):
    survey, choice, text = answered
    response = client.post(url(survey, f"/questions/{text.id}/delete"))
    assert response.status_code == 303
    db.session.expire_all()
    archived = db.session.get(Question, text.id)
    assert archived is not None and archived.archived_at is not None
    answer = db.session.scalar(db.select(Answer).where(Answer.question_id == text.id))
    assert answer.value == "Fint" and answer.question.id == text.id
    survey = db.session.get(Survey, survey.id)
    assert survey.version == 2
    assert [q.id for q in survey.active_questions] == [choice.id]
    # The archived question no longer shows in the builder and cannot be edited.
    assert "Varför?" not in client.get(url(survey)).get_data(as_text=True)
    assert client.get(url(survey, f"/questions/{text.id}")).status_code == 404


def test_deleting_an_answered_option_archives_it(client, answered):
    survey, choice, _ = answered
    yes = choice.options[0]
    assert client.post(url(survey, f"/options/{yes.id}/delete")).status_code == 303
    db.session.expire_all()
    option = db.session.get(QuestionOption, yes.id)
    assert option is not None and option.archived_at is not None
    answer = db.session.scalar(db.select(Answer).where(Answer.question_id == choice.id))
    assert answer.value == yes.id
    assert db.session.get(Survey, survey.id).version == 2


def test_type_change_is_refused(client, answered):
    survey, choice, _ = answered
    response = client.post(
        url(survey, f"/questions/{choice.id}"),
        data={"type": "multi_choice", "prompt_sv": "Trivs du?", "page": "1", "condition": ""},
    )
    assert response.status_code == 409
    assert "type cannot change" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, choice.id).type == "single_choice"


def test_option_meaning_change_is_refused_but_typo_fix_allowed(client, answered):
    survey, choice, _ = answered
    yes = choice.options[0]
    refused = client.post(
        url(survey, f"/options/{yes.id}"),
        data={f"o{yes.id}-kind": "option", f"o{yes.id}-label_sv": "Ja", f"o{yes.id}-code": "nej"},
    )
    assert refused.status_code == 409
    db.session.expire_all()
    assert db.session.get(QuestionOption, yes.id).code == "ja"
    fixed = client.post(
        url(survey, f"/options/{yes.id}"),
        data={f"o{yes.id}-kind": "option", f"o{yes.id}-label_sv": "Ja!", f"o{yes.id}-code": "ja"},
        follow_redirects=True,
    )
    assert fixed.status_code == 200
    assert "only fix typos" in fixed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuestionOption, yes.id).label["sv"] == "Ja!"


def test_reordering_keeps_answers_and_version(client, answered):
    survey, choice, text = answered
    assert (
        client.post(url(survey, f"/questions/{text.id}/move"), data={"direction": "up"}).status_code
        == 303
    )
    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    assert [q.id for q in survey.questions] == [text.id, choice.id]
    assert survey.version == 1
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 2


def test_structural_edit_bumps_version(client, answered):
    survey, choice, _ = answered
    response = client.post(
        url(survey, f"/questions/{choice.id}"),
        data={
            "type": "single_choice",
            "prompt_sv": "Trivs du?",
            "page": "1",
            "required": "y",
            "condition": "",
        },
    )
    assert response.status_code == 303
    client.post(url(survey, "/questions"), data={"type": "long_text"})
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).version == 3


def test_option_used_by_a_condition_cannot_be_deleted(client, answered, make_question):
    survey, choice, _ = answered
    make_question(
        survey,
        "long_text",
        condition_question_id=choice.id,
        condition_option_id=choice.options[1].id,
    )
    response = client.post(url(survey, f"/options/{choice.options[1].id}/delete"))
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(QuestionOption, choice.options[1].id).archived_at is None


def test_banner_in_swedish(client, answered):
    survey, _, _ = answered
    with client.session_transaction() as session:
        session["lang"] = "sv"
    assert "Enkäten har 1 svar" in client.get(url(survey)).get_data(as_text=True)


def test_builder_changes_are_audited(client, answered):
    from app.audit.models import AuditEvent

    survey, choice, text = answered
    client.post(url(survey, f"/questions/{text.id}/delete"))
    client.post(url(survey, f"/options/{choice.options[1].id}/delete"))
    client.post(url(survey, "/status"), data={"status": "closed"})
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.object_id) for e in events] == [
        ("question.archive", text.id),
        ("option.archive", choice.options[1].id),
        ("survey.close", survey.id),
    ]
    assert all(e.organization_id == survey.organization_id for e in events)


def test_answer_labels_of_an_answered_survey_warn_before_rewording(
    client, make_survey, make_question, make_response, planner, login, english
):
    from app.surveys.builder import default_settings
    from app.surveys.models import QuestionType

    survey = make_survey(status="open")
    login(planner(survey.activity.stage.project.organization))
    english()
    likert = make_question(
        survey, "likert", prompt="Trygg?", settings=default_settings(QuestionType.LIKERT)
    )
    scale = make_question(
        survey, "scale", prompt="Viktigt?", settings=default_settings(QuestionType.SCALE)
    )
    warning = "rewording a label changes what the answers already given mean"
    assert warning not in client.get(url(survey, f"/questions/{likert.id}")).get_data(as_text=True)
    make_response(survey, {likert: 4, scale: 7})
    for question, field in ((likert, "likert_en"), (scale, "max_label_en")):
        page = client.get(url(survey, f"/questions/{question.id}")).get_data(as_text=True)
        at = page.index(f'name="{field}"')
        described = page[page.rindex("<", 0, at) : page.index(">", at)]
        hint_id = f"{field}-hint"
        assert f'aria-describedby="{hint_id}' in described  # read out with the field
        assert warning in page[page.index(f'id="{hint_id}"') :][:400]
