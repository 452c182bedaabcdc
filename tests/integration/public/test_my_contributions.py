"""My contributions: by anonymous token cookie and by account."""

from __future__ import annotations

from app.core.models import utcnow
from app.extensions import db
from app.surveys.models import Response


def test_empty_state_for_a_new_visitor(client):
    html = client.get("/my").get_data(as_text=True)
    assert "Du har inte deltagit" in html or "You have not taken part" in html
    assert "pd_participant" not in client.get("/my").headers.get("Set-Cookie", "")


def test_lists_my_comments_and_responses_by_token(
    client, app, discussion, make_comment, make_activity, resident
):
    stage = discussion()
    me = resident(client)
    fresh = make_comment(stage, "Min nya kommentar", participant=me)
    old = make_comment(stage, "Min gamla kommentar", participant=me, age_minutes=60)
    make_comment(stage, "Någon annans kommentar")
    survey_activity = make_activity(stage, "survey")
    db.session.add(
        Response(
            survey_id=survey_activity.survey_id,
            participant_id=me.id,
            client_id="c1",
            submitted_at=utcnow(),
        )
    )
    db.session.commit()
    html = client.get("/my").get_data(as_text=True)
    assert "Min nya kommentar" in html and "Min gamla kommentar" in html
    assert "Någon annans kommentar" not in html
    assert f"/comments/{fresh.id}" in html  # the link that finds it on any page
    assert f"/comments/{fresh.id}/edit" in html  # within the edit window
    assert f"/comments/{old.id}/edit" not in html  # past it
    assert f"/comments/{old.id}/delete" in html
    assert f"/s/{survey_activity.survey_id}" in html and "Enkät" in html
    # Another visitor sees none of it.
    assert "Min nya kommentar" not in app.test_client().get("/my").get_data(as_text=True)


def test_edit_and_delete_from_my_contributions_come_back_here(
    client, discussion, make_comment, resident
):
    stage = discussion()
    me = resident(client)
    mine = make_comment(stage, "Stavfell", participant=me)
    response = client.post(f"/comments/{mine.id}/edit", data={"body": "Stavfel", "next": "/my"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/my")
    response = client.post(f"/comments/{mine.id}/delete", data={"next": "/my"})
    assert response.headers["Location"].endswith("/my")
    html = client.get("/my").get_data(as_text=True)
    assert "Borttagen av skribenten" in html and "Stavfel" not in html


def test_pending_and_hidden_status_are_shown(client, discussion, make_comment, resident):
    stage = discussion()
    me = resident(client)
    make_comment(stage, "Väntar", participant=me, status="pending")
    make_comment(stage, "Dold", participant=me, status="hidden", hidden_reason="spam")
    html = client.get("/my").get_data(as_text=True)
    assert "Väntar på granskning" in html
    assert "Borttagen av en moderator" in html and "spam" in html


def test_lists_contributions_by_account(client, discussion, make_comment, make_user, login):
    from app.accounts.models import Participant

    stage = discussion()
    user = make_user()
    participant = Participant(user_id=user.id)
    db.session.add(participant)
    db.session.commit()
    make_comment(stage, "Skrivet med konto", participant=participant)
    assert "Skrivet med konto" not in client.get("/my").get_data(as_text=True)
    login(user)
    assert "Skrivet med konto" in client.get("/my").get_data(as_text=True)
