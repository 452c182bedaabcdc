"""Posting, replying, supporting, flagging, editing and deleting comments through the pages."""

from __future__ import annotations

from app.comments.models import Comment, CommentStatus, Flag, Support
from app.extensions import db
from tests.factories import INSIDE, OUTSIDE
from tests.integration.public.conftest import stage_path

HX = {"HX-Request": "true"}


def _comments():
    return db.session.scalars(db.select(Comment).order_by(Comment.id)).all()


def test_post_a_comment_without_js_then_see_it(client, discussion):
    stage = discussion()
    response = client.post(f"/stages/{stage.id}/comments", data={"body": "  Fler bänkar  "})
    assert response.status_code == 303
    (comment,) = _comments()
    assert comment.body == "Fler bänkar"
    assert comment.status == CommentStatus.PUBLISHED and comment.geometry is None
    assert response.headers["Location"].endswith(f"{stage_path(stage)}#c-{comment.id}")
    assert "pd_participant" in response.headers.get("Set-Cookie", "")
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert "Fler bänkar" in html
    assert f'href="/comments/{comment.id}/edit"' in html  # the author may edit
    assert f'href="/comments/{comment.id}/flag"' not in html  # but not report their own


def test_post_with_htmx_returns_the_discussion_with_the_comment(client, discussion):
    stage = discussion()
    response = client.post(
        f"/stages/{stage.id}/comments",
        data={"body": "Via htmx", "lat": "59.22", "lon": "17.95"},
        headers=HX,
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "comment-posted"
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="discussion"')
    assert "Via htmx" in html and "<html" not in html
    (comment,) = _comments()
    assert comment.geometry == {"type": "Point", "coordinates": [17.95, 59.22]}
    assert comment.min_lon == 17.95


def test_same_client_id_stores_one_comment(client, discussion, resident):
    stage = discussion()
    resident(client)
    data = {"body": "Dubbelklick", "client_id": "0b0e4a5e-7a53-4a53-9d8e-3c2f6b1a0001"}
    assert client.post(f"/stages/{stage.id}/comments", data=data).status_code == 303
    assert client.post(f"/stages/{stage.id}/comments", data=data).status_code == 303
    assert len(_comments()) == 1


def test_bad_input_is_refused_with_422_and_nothing_stored(client, discussion):
    stage = discussion()
    url = f"/stages/{stage.id}/comments"
    for data in (
        {"body": "   "},
        {"body": "x" * 2001},
        {"body": "Utanför", "lat": str(OUTSIDE["coordinates"][1]), "lon": "18.30"},
        {"body": "Konstig plats", "lat": "200", "lon": "17.95"},
        {"body": "Ej tal", "lat": "abc", "lon": "17.95"},
    ):
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        assert 'class="field-error"' in response.get_data(as_text=True)
    html = client.post(url, data={"body": "Utanför", "lat": "59.40", "lon": "18.30"}).get_data(
        as_text=True
    )
    assert "utanför projektområdet" in html
    assert _comments() == []
    # That page's address, reloaded or reached with Back, leads to the discussion.
    again = client.get(url)
    assert again.status_code == 303
    assert again.headers["Location"].endswith(f"/{stage.id}#discussion")


def test_closed_stage_refuses_comments(client, discussion):
    stage = discussion(open_stage=False)
    response = client.post(f"/stages/{stage.id}/comments", data={"body": "För sent"})
    assert response.status_code == 403
    assert _comments() == []


def test_stage_without_map_placement_refuses_a_place(client, discussion):
    stage = discussion()
    stage.allowed_actions = [a for a in stage.allowed_actions if a != "place_on_map"]
    db.session.commit()
    response = client.post(
        f"/stages/{stage.id}/comments", data={"body": "Här", "lat": "59.22", "lon": "17.95"}
    )
    assert response.status_code == 403
    assert _comments() == []


def test_missing_csrf_token_is_refused(make_app, discussion):
    stage = discussion()
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        response = app.test_client().post(f"/stages/{stage.id}/comments", data={"body": "Hej"})
        assert response.status_code == 400
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_replies_stay_two_levels_deep(client, discussion, make_comment):
    stage = discussion()
    top = make_comment(stage, "Topp")
    client.post(f"/comments/{top.id}/reply", data={"body": "Nivå ett"})
    level1 = _comments()[-1]
    assert level1.parent_id == top.id
    client.post(f"/comments/{level1.id}/reply", data={"body": "Nivå två"})
    level2 = _comments()[-1]
    assert level2.parent_id == level1.id
    response = client.post(f"/comments/{level2.id}/reply", data={"body": "Nivå tre"})
    assert response.status_code == 303
    deeper = _comments()[-1]
    assert deeper.body == "Nivå tre" and deeper.parent_id == level1.id
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert all(text in html for text in ("Nivå ett", "Nivå två", "Nivå tre"))


def test_reply_with_htmx_returns_the_thread_root(client, discussion, make_comment):
    stage = discussion()
    top = make_comment(stage, "Topp")
    form = client.get(f"/comments/{top.id}/reply", headers=HX).get_data(as_text=True)
    assert 'name="body"' in form and "<html" not in form
    response = client.post(f"/comments/{top.id}/reply", data={"body": "Svar"}, headers=HX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<article id="c-{top.id}"')
    assert "Svar" in html
    bad = client.post(f"/comments/{top.id}/reply", data={"body": ""}, headers=HX)
    assert bad.status_code == 422
    assert bad.headers["HX-Retarget"] == f"#slot-{top.id}"


def test_many_replies_show_more_on_demand(client, discussion, make_comment):
    stage = discussion()
    top = make_comment(stage, "Topp")
    for i in range(5):
        make_comment(stage, f"Svar nummer {i}", parent=top, age_minutes=-i)
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert "Svar nummer 2" in html and "Svar nummer 4" not in html
    assert f'href="/comments/{top.id}/replies"' in html
    more = client.get(f"/comments/{top.id}/replies").get_data(as_text=True)
    assert "Svar nummer 4" in more and "<html" in more
    fragment = client.get(f"/comments/{top.id}/replies", headers=HX).get_data(as_text=True)
    assert "Svar nummer 4" in fragment and "<html" not in fragment


def test_support_once(client, discussion, make_comment, resident):
    stage = discussion()
    comment = make_comment(stage, "Bra idé")
    me = resident(client)
    assert client.post(f"/comments/{comment.id}/support").status_code == 303
    second = client.post(f"/comments/{comment.id}/support")
    assert second.status_code == 409
    assert "redan" in second.get_data(as_text=True)
    db.session.refresh(comment)
    assert comment.supports_count == 1
    assert db.session.scalar(db.select(db.func.count(Support.id))) == 1
    again = client.post(f"/comments/{comment.id}/support", headers=HX)
    assert again.status_code == 200 and "Du håller redan med" in again.get_data(as_text=True)
    db.session.refresh(comment)
    assert comment.supports_count == 1
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert "Du håller med" in html
    assert me.id


def test_support_with_htmx_updates_the_count(client, discussion, make_comment):
    stage = discussion()
    comment = make_comment(stage, "Bra idé")
    response = client.post(f"/comments/{comment.id}/support", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div class="support" id="support-{comment.id}"')
    assert "1 håller med" in html


def test_cannot_support_own_comment(client, discussion, resident, make_comment):
    stage = discussion()
    me = resident(client)
    comment = make_comment(stage, "Min egen", participant=me)
    assert client.post(f"/comments/{comment.id}/support").status_code == 403
    db.session.refresh(comment)
    assert comment.supports_count == 0


def test_flag_with_reason_once(client, discussion, make_comment, resident):
    stage = discussion()
    comment = make_comment(stage, "Köp billiga klockor")
    resident(client)
    form = client.get(f"/comments/{comment.id}/flag").get_data(as_text=True)
    assert 'value="spam"' in form
    assert (
        client.post(f"/comments/{comment.id}/flag", data={"reason": "nonsense"}).status_code == 422
    )
    response = client.post(
        f"/comments/{comment.id}/flag", data={"reason": "spam", "note": "Reklam"}
    )
    assert response.status_code == 303
    (flag,) = db.session.scalars(db.select(Flag)).all()
    assert flag.reason == "spam" and flag.note == "Reklam"
    again = client.post(f"/comments/{comment.id}/flag", data={"reason": "other"})
    assert again.status_code == 409
    db.session.refresh(comment)
    assert comment.flags_count == 1


def test_edit_own_comment_within_the_window_only(client, discussion, make_comment, resident):
    stage = discussion()
    me = resident(client)
    fresh = make_comment(stage, "Stavfell", participant=me, age_minutes=5)
    old = make_comment(stage, "Gammal", participant=me, age_minutes=16)
    response = client.post(f"/comments/{fresh.id}/edit", data={"body": "Stavfel"})
    assert response.status_code == 303
    db.session.refresh(fresh)
    assert fresh.body == "Stavfel" and fresh.edited_at is not None
    assert client.post(f"/comments/{fresh.id}/edit", data={"body": ""}).status_code == 422
    assert client.get(f"/comments/{old.id}/edit").status_code == 403
    assert client.post(f"/comments/{old.id}/edit", data={"body": "Ny"}).status_code == 403
    db.session.refresh(old)
    assert old.body == "Gammal"


def test_others_comments_cannot_be_edited_or_deleted(client, discussion, make_comment, resident):
    stage = discussion()
    resident(client)
    other = make_comment(stage, "Någon annans")
    assert client.post(f"/comments/{other.id}/edit", data={"body": "Hackad"}).status_code == 403
    assert client.post(f"/comments/{other.id}/delete").status_code == 403
    db.session.refresh(other)
    assert other.body == "Någon annans" and other.deleted_at is None


def test_delete_own_keeps_replies(client, discussion, make_comment, resident):
    stage = discussion()
    me = resident(client)
    mine = make_comment(stage, "Ångrar mig", participant=me, age_minutes=60, geometry=INSIDE)
    make_comment(stage, "Ett svar som ska stå kvar", parent=mine)
    assert client.post(f"/comments/{mine.id}/delete").status_code == 303
    db.session.refresh(mine)
    assert mine.deleted_at is not None and mine.body == "" and mine.geometry is None
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert "Borttagen av skribenten" in html and "Ångrar mig" not in html
    assert "Ett svar som ska stå kvar" in html


def test_pre_moderated_comments_wait_and_only_the_author_sees_them(
    client, app, discussion, resident
):
    stage = discussion(moderation="pre")
    resident(client)
    response = client.post(
        f"/stages/{stage.id}/comments", data={"body": "Granska mig"}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Ditt inlägg granskas innan det publiceras" in html
    (comment,) = _comments()
    assert comment.status == CommentStatus.PENDING
    assert "Granska mig" in html
    other = app.test_client()
    assert "Granska mig" not in other.get(stage_path(stage)).get_data(as_text=True)
    assert other.get(f"/comments/{comment.id}/replies").status_code == 404


def test_hidden_comment_shows_reason_and_keeps_replies(client, discussion, make_comment):
    stage = discussion()
    hidden = make_comment(
        stage, "Otrevligt", status=CommentStatus.HIDDEN, hidden_reason="personangrepp"
    )
    make_comment(stage, "Svaret finns kvar", parent=hidden)
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert "Borttagen av en moderator: personangrepp" in html
    assert "Otrevligt" not in html
    assert "Svaret finns kvar" in html


def test_official_badge_cannot_be_imitated(client, discussion, make_comment, make_user):
    stage = discussion()
    staff = make_user(role="facilitator", org=stage.project.organization)
    make_comment(stage, "Kommunen svarar: vi bygger en park", is_official=False)
    make_comment(stage, "Vi har tagit med detta.", is_official=True, author_user_id=staff.id)
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert html.count("badge-official") == 1
    badge = html.index("badge-official")
    assert html.index("Vi har tagit med detta.") > badge
    assert html.index("Kommunen svarar: vi bygger en park") < badge or (
        html.count("Kommunen svarar: vi bygger en park") == 1
    )


def test_staff_can_answer_officially_residents_cannot(
    client, app, discussion, make_comment, make_user, login
):
    stage = discussion()
    top = make_comment(stage, "Fråga till kommunen")
    resident_client = app.test_client()
    resident_client.post(
        f"/comments/{top.id}/reply", data={"body": "Jag är kommunen", "official": "y"}
    )
    assert all(not c.is_official for c in _comments())
    staff = make_user(role="facilitator", org=stage.project.organization)
    login(staff)
    response = client.post(f"/comments/{top.id}/reply", data={"body": "Vi svarar", "official": "y"})
    assert response.status_code == 303
    answer = _comments()[-1]
    assert answer.is_official and answer.author_user_id == staff.id


def test_nickname_policy_asks_once(client, discussion, resident):
    stage = discussion(policy="nickname")
    me = resident(client)
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert 'name="nickname"' in html
    assert client.post(f"/stages/{stage.id}/comments", data={"body": "Hej"}).status_code == 422
    assert _comments() == []
    client.post(f"/stages/{stage.id}/comments", data={"body": "Hej", "nickname": "Cyklisten"})
    db.session.refresh(me)
    assert me.nickname == "Cyklisten"
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert 'name="nickname"' not in html and "Cyklisten" in html


def test_account_policy_requires_a_verified_account(client, discussion, make_user, login):
    stage = discussion(policy="account")
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert 'name="body"' not in html and "/login" in html
    assert client.post(f"/stages/{stage.id}/comments", data={"body": "Hej"}).status_code == 403
    login(make_user())
    assert client.post(f"/stages/{stage.id}/comments", data={"body": "Hej"}).status_code == 303
    assert len(_comments()) == 1


def test_user_text_is_escaped(client, discussion, make_comment):
    stage = discussion()
    make_comment(stage, '<script>alert("x")</script><b>fet</b>')
    html = client.get(stage_path(stage)).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_edit_and_delete_with_htmx_return_the_comment(client, discussion, make_comment, resident):
    stage = discussion()
    me = resident(client)
    mine = make_comment(stage, "Förstaa", participant=me)
    form = client.get(f"/comments/{mine.id}/edit", headers=HX).get_data(as_text=True)
    assert "<html" not in form and "Förstaa" in form
    html = client.post(f"/comments/{mine.id}/edit", data={"body": "Första"}, headers=HX)
    assert html.get_data(as_text=True).lstrip().startswith(f'<article id="c-{mine.id}"')
    assert "Första" in html.get_data(as_text=True) and "ändrad" in html.get_data(as_text=True)
    bad = client.post(f"/comments/{mine.id}/edit", data={"body": " "}, headers=HX)
    assert bad.status_code == 422 and bad.headers["HX-Retarget"] == f"#slot-{mine.id}"
    gone = client.post(f"/comments/{mine.id}/delete", headers=HX).get_data(as_text=True)
    assert gone.lstrip().startswith(f'<article id="c-{mine.id}"')
    assert "Borttagen av skribenten" in gone and "Första" not in gone


def test_flag_with_htmx_thanks_in_place(client, discussion, make_comment):
    stage = discussion()
    comment = make_comment(stage, "Reklam")
    response = client.post(f"/comments/{comment.id}/flag", data={"reason": "spam"}, headers=HX)
    assert response.status_code == 200
    assert "En moderator kommer att titta" in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)


def test_a_refused_comment_sets_no_cookie_and_stores_no_participant(client, app, discussion):
    """The participant is created only when the comment is stored (as in the API)."""
    from app.accounts.models import Participant

    stage = discussion()
    url = f"/stages/{stage.id}/comments"
    for data in ({"body": "   "}, {"body": "Utanför", "lat": "59.40", "lon": "18.30"}):
        refused = client.post(url, data=data)
        assert refused.status_code == 422, data
        assert app.config["PARTICIPANT_COOKIE"] not in refused.headers.get("Set-Cookie", "")
        assert db.session.scalar(db.select(db.func.count(Participant.id))) == 0
    accepted = client.post(url, data={"body": "Fler bänkar"})
    assert accepted.status_code == 303
    assert app.config["PARTICIPANT_COOKIE"] in accepted.headers.get("Set-Cookie", "")
    assert db.session.scalar(db.select(db.func.count(Participant.id))) == 1


def test_a_refused_support_or_flag_creates_no_participant(client, app, discussion, make_comment):
    from app.accounts.models import Participant

    stage = discussion(open_stage=False)
    comment = make_comment(stage, "Stängd")
    before = db.session.scalar(db.select(db.func.count(Participant.id)))
    flagged = client.post(f"/comments/{comment.id}/flag", data={"reason": "nonsense"})
    assert flagged.status_code == 422
    assert "Välj ett skäl" in flagged.get_data(as_text=True)
    for response in (flagged, client.post(f"/comments/{comment.id}/support")):
        assert app.config["PARTICIPANT_COOKIE"] not in response.headers.get("Set-Cookie", "")
    assert db.session.scalar(db.select(db.func.count(Participant.id))) == before


def test_a_message_about_a_hidden_field_is_shown_on_the_form(client, discussion):
    stage = discussion()
    response = client.post(
        f"/stages/{stage.id}/comments", data={"body": "Hej", "client_id": "bad id!"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="field-error"' in html and "client_id" in html
    assert _comments() == []
