"""Staff type in paper survey forms: channel ``paper``, one participant per form, audited."""

from __future__ import annotations

from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind
from app.surveys.models import Channel, Question, QuestionType, Response
from tests.formparse import form_by_action, form_fields


def _survey(project, make_activity):
    survey = make_activity(project.current_stage, ActivityKind.SURVEY).survey
    db.session.add(
        Question(
            survey=survey,
            type=QuestionType.SHORT_TEXT,
            page=1,
            position=0,
            prompt={"sv": "Vad vill du ha i parken?", "en": "What do you want in the park?"},
        )
    )
    db.session.commit()
    return survey


def _type_in(client, survey, text):
    """Fill the survey form as rendered, go to the review and send it."""
    action = f"/s/{survey.id}"
    page = client.get(
        f"/manage/projects/{survey.activity.stage.project_id}/intake/surveys/{survey.id}/paper",
        follow_redirects=True,
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    form = form_by_action(html, action)
    data = form_fields(form)
    assert data.get("paper") == "1"
    question_field = next(
        el.name
        for el in form.inputs
        if el.tag == "textarea"
        or (
            el.tag == "input"
            and el.get("type") in (None, "text")
            and el.name
            and el.name.startswith("q")
        )
    )
    data[question_field] = text
    data["action"] = "next"
    review = client.post(action, data=data)
    assert review.status_code == 200
    data = form_fields(form_by_action(review.get_data(as_text=True), action))
    data["action"] = "submit"
    return client.post(action, data=data)


def test_each_paper_form_is_its_own_paper_response(client, project, staff, make_activity):
    survey = _survey(project, make_activity)
    user = staff(Role.FACILITATOR)
    first = _type_in(client, survey, "En lekplats")
    assert first.status_code == 303
    assert first.headers["Location"].endswith(f"/manage/projects/{project.id}/intake")
    second = _type_in(client, survey, "Fler bänkar")
    assert second.status_code == 303
    responses = db.session.scalars(db.select(Response).order_by(Response.id)).all()
    assert [r.channel for r in responses] == [Channel.PAPER, Channel.PAPER]
    assert responses[0].participant_id != responses[1].participant_id
    assert [r.answers[0].text for r in responses] == ["En lekplats", "Fler bänkar"]
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "intake.paper")
    ).all()
    assert [e.object_id for e in events] == [r.id for r in responses]
    assert all(e.actor_user_id == user.id for e in events)


def test_residents_cannot_claim_paper(client, project, make_activity, make_user, login):
    survey = _survey(project, make_activity)
    login(make_user())
    assert client.get(f"/s/{survey.id}?paper=1").status_code == 403
    assert (
        client.get(f"/manage/projects/{project.id}/intake/surveys/{survey.id}/paper").status_code
        == 403
    )
    assert (
        client.post(
            f"/s/{survey.id}", data={"paper": "1", "step": "review", "action": "submit"}
        ).status_code
        == 403
    )
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0
