"""Follow a project and hear back: double opt-in, event mails with a one-click unsubscribe
(RFC 8058) that stops the next mail, no duplicates, forged links refused, erasure."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.comments.models import Comment
from app.core.mail import outbox
from app.core.models import utcnow
from app.extensions import db
from app.follow import services
from app.follow.models import Follow, FollowMail
from app.projects.models import Feedback
from tests.integration.follow.conftest import BASE_URL

ADDRESS = "asa@example.se"


def _mails_to(address: str) -> list[Any]:
    return [m for m in outbox() if m["To"] == address]


def _raw_mails() -> list[bytes]:
    from pathlib import Path

    from flask import current_app

    return [p.read_bytes() for p in sorted(Path(current_app.config["MAIL_DIR"]).glob("*.eml"))]


def _link(mail: Any, part: str) -> str:
    found = re.search(r"https?://\S+" + re.escape(part) + r"\S+", mail.get_content())
    assert found, mail.get_content()
    return found.group(0)


def _path(url: str) -> str:
    return urlsplit(url).path


def _comment_as_resident(client: Any, project: Any, body: str = "Fler bänkar vid dammen") -> Any:
    stage = project.current_stage
    assert client.post(f"/stages/{stage.id}/comments", data={"body": body}).status_code in (
        302,
        303,
    )
    return db.session.scalar(db.select(Comment).where(Comment.body == body))


def _confirm(client: Any, link: str) -> None:
    """Open the confirmation link (a page with a button) and press the button."""
    assert client.get(_path(link)).status_code == 200
    assert client.post(_path(link)).status_code == 200


def _follow_by_mail(client: Any, address: str = ADDRESS, **headers: Any) -> Any:
    return client.post("/p/huddinge/parken/follow", data={"email": address}, headers=headers)


def test_follow_confirm_reply_mail_unsubscribe_stops_the_next_mail(
    app, client, login, project, planner, make_app
):
    resident = app.test_client()
    mine = _comment_as_resident(resident, project)
    response = _follow_by_mail(resident, headers={"Host": "evil.example"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/p/huddinge/parken#follow")

    # Unconfirmed: only the confirmation mail, with a link from BASE_URL (not the Host sent).
    [confirmation] = _mails_to(ADDRESS)
    assert "List-Unsubscribe" not in confirmation
    link = _link(confirmation, "/follow/confirm/")
    assert link.startswith(BASE_URL + "/")
    stranger = app.test_client()
    stranger.post(f"/comments/{mine.id}/reply", data={"body": "Håller inte med"})
    assert len(_mails_to(ADDRESS)) == 1  # nothing before confirming

    # Opening the link (as a mail scanner does) changes nothing: a button confirms.
    page = resident.get(_path(link))
    assert page.status_code == 200
    assert "Ja, följ projektet" in page.get_data(as_text=True)
    assert db.session.scalar(db.select(Follow)).confirmed_at is None
    stranger.post(f"/comments/{mine.id}/reply", data={"body": "Fortfarande inte"})
    assert len(_mails_to(ADDRESS)) == 1
    assert resident.post(_path(link)).status_code == 200
    assert db.session.scalar(db.select(Follow)).confirmed_at is not None

    stranger.post(f"/comments/{mine.id}/reply", data={"body": "Eller kanske en fontän"})
    reply_mail = _mails_to(ADDRESS)[-1]
    assert len(_mails_to(ADDRESS)) == 2
    assert "Eller kanske en fontän" in reply_mail.get_content()
    assert reply_mail["Subject"] == "Ett svar på din kommentar: Parken"
    assert "eftersom du följer Parken" in reply_mail.get_content()
    unsubscribe = reply_mail["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{BASE_URL}/unsubscribe/") and unsubscribe.endswith(">")
    assert reply_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = unsubscribe[1:-1]
    # On the wire the header is the plain link (not encoded words), every line within 998.
    raw = _raw_mails()[-1]
    assert f"\nList-Unsubscribe: <{url}>\n".encode() in raw.replace(b"\r\n", b"\n")
    assert b"\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n" in raw.replace(b"\r\n", b"\n")
    assert max(len(line) for line in raw.splitlines()) <= 998

    # GET shows a button and stops nothing.
    shown = app.test_client().get(_path(url))
    assert shown.status_code == 200
    assert 'method="post"' in shown.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 1

    # The mail client's one-click POST: no session, no CSRF token.
    done = app.test_client().post(_path(url), data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0

    # The next event sends nothing.
    stranger.post(f"/comments/{mine.id}/reply", data={"body": "Och en lekplats"})
    login(planner)
    assert client.post(f"/manage/stages/{project.stages[3].id}/current").status_code == 302
    assert len(_mails_to(ADDRESS)) == 2
    # A second POST of the same link is harmless.
    assert app.test_client().post(_path(url)).status_code == 200


def test_one_click_unsubscribe_needs_no_csrf_token_where_csrf_is_on(make_app, project):
    guarded = make_app(BASE_URL=BASE_URL, WTF_CSRF_ENABLED=True)
    with guarded.app_context():
        follow, _mailed = _confirmed_follow(project)
        token = services.unsubscribe_token(follow)
        # Other posts still need the token.
        assert guarded.test_client().post(f"/my/follows/{follow.id}/stop").status_code == 400
        assert guarded.test_client().post(f"/unsubscribe/{token}").status_code == 200
        assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0


def _confirmed_follow(project: Any, address: str = ADDRESS, locale: str = "sv") -> Any:
    follow = services.follow_with_address(project, address, None, locale)
    services.confirm(follow)
    db.session.commit()
    return follow, False


def test_new_stage_and_feedback_mail_each_follower_once_in_their_language(
    app, client, login, project, planner
):
    swedish, _ = _confirmed_follow(project, "sv@example.se", "sv")
    english, _ = _confirmed_follow(project, "en@example.se", "en")
    outbox_before = len(outbox())
    login(planner)
    next_stage = project.stages[3]
    assert client.post(f"/manage/stages/{next_stage.id}/current").status_code == 302
    [sv_mail] = _mails_to("sv@example.se")
    [en_mail] = _mails_to("en@example.se")
    assert sv_mail["Subject"] == f"Ny fas i Parken: {next_stage.title['sv']}"
    assert en_mail["Subject"].startswith("New stage in The park")
    assert "because you follow The park" in en_mail.get_content()
    assert f"{BASE_URL}/p/huddinge/parken/{next_stage.id}" in en_mail.get_content()
    assert len(outbox()) == outbox_before + 2

    # The same event again (a retried job) mails nobody twice.
    assert services.send_event("stage", next_stage.id) == 0
    assert db.session.scalar(db.select(db.func.count(FollowMail.id))) == 2

    # Feedback on a closed stage: once, however often it is published.
    closed = project.stages[2]
    closed.opens_at, closed.closes_at = utcnow() - timedelta(days=30), utcnow() - timedelta(days=1)
    db.session.commit()
    data = {"heard_sv": "Fler träd.", "did_sv": "Vi sparar eken.", "action": "publish"}
    assert client.post(f"/manage/stages/{closed.id}/feedback", data=data).status_code == 302
    assert client.post(f"/manage/stages/{closed.id}/feedback", data=data).status_code == 302
    feedback = db.session.scalar(db.select(Feedback))
    en_mails = _mails_to("en@example.se")
    assert len(en_mails) == 2
    assert en_mails[-1]["Subject"] == "What we heard – what we did: The park"
    assert f"#feedback-{closed.id}" in en_mails[-1].get_content()
    assert services.send_event("feedback", feedback.id) == 0


def test_official_answer_mails_the_author_who_follows(app, client, login, project, planner):
    resident = app.test_client()
    mine = _comment_as_resident(resident, project, "Belysningen på gångvägen")
    assert _follow_by_mail(resident).status_code == 303
    _confirm(resident, _link(_mails_to(ADDRESS)[0], "/follow/confirm/"))
    login(planner)
    answered = client.post(f"/manage/answers/{mine.id}", data={"body": "Vi byter lamporna i vår."})
    assert answered.status_code == 303
    mail = _mails_to(ADDRESS)[-1]
    assert mail["Subject"] == "Kommunen har svarat på din kommentar: Parken"
    assert "Vi byter lamporna i vår." in mail.get_content()
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_verified_account_follows_at_once_and_stops_from_my_contributions(
    app, client, login, project, make_user
):
    user = make_user("konto@example.se", locale="en")
    login(user)
    assert client.post("/p/huddinge/parken/follow", data={}).status_code == 303
    follow = db.session.scalar(db.select(Follow))
    assert follow.confirmed_at is not None and follow.email is None
    assert outbox() == []  # no confirmation needed
    page = client.get("/p/huddinge/parken?lang=en").get_data(as_text=True)
    assert "You follow this project" in page
    mine = client.get("/my?lang=en").get_data(as_text=True)
    assert "Projects you follow" in mine and "The park" in mine
    stopped = client.post(f"/my/follows/{follow.id}/stop")
    assert stopped.status_code == 303
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0


def test_someone_elses_follow_cannot_be_stopped(app, project):
    follow, _ = _confirmed_follow(project)
    assert app.test_client().post(f"/my/follows/{follow.id}/stop").status_code == 404
    assert db.session.get(Follow, follow.id) is not None


def test_bad_address_is_refused_next_to_the_field_and_nothing_is_stored(app, client, project):
    response = client.post("/p/huddinge/parken/follow?lang=en", data={"email": "not-an-address"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="email-error"' in body and "Enter a valid email address." in body
    empty = client.post("/p/huddinge/parken/follow?lang=en", data={"email": ""})
    assert empty.status_code == 422
    assert "Enter your email address." in empty.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0
    assert outbox() == []
    # The refused form's page, reloaded or reached with Back, leads to the form again.
    again = client.get("/p/huddinge/parken/follow")
    assert again.status_code == 303
    assert again.headers["Location"].endswith("/p/huddinge/parken#follow")


def test_following_twice_keeps_one_follow_and_says_the_same(app, project):
    first = _follow_by_mail(app.test_client())
    second = _follow_by_mail(app.test_client(), ADDRESS.upper())
    assert first.status_code == second.status_code == 303
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 1


def test_forged_or_foreign_tokens_do_nothing(app, project):
    follow, _ = _confirmed_follow(project)
    other, _ = _confirmed_follow(project, "annan@example.se")
    good = services.unsubscribe_token(follow)
    client = app.test_client()
    assert client.post(f"/unsubscribe/{good[:-2]}xx").status_code == 404
    assert client.get(f"/unsubscribe/{good}x").status_code == 404
    # A token signed with another key, or naming another follow with this one's secret.
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("another-key", salt="platsdialog.follow-stop").dumps(
        {"f": other.id, "s": other.secret}
    )
    assert client.post(f"/unsubscribe/{forged}").status_code == 404
    mixed = URLSafeSerializer(app.config["SECRET_KEY"], salt="platsdialog.follow-stop").dumps(
        {"f": other.id, "s": follow.secret}
    )
    client.post(f"/unsubscribe/{mixed}")
    # A confirmation token is no unsubscribe token.
    client.post(f"/unsubscribe/{services.confirm_token(other)}")
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 2


def test_unconfirmed_follows_expire(app, runner, project):
    _follow_by_mail(app.test_client())
    link = _link(_mails_to(ADDRESS)[0], "/follow/confirm/")
    follow = db.session.scalar(db.select(Follow))
    follow.created_at = utcnow() - timedelta(hours=services.CONFIRM_HOURS + 1)
    db.session.commit()
    result = runner.invoke(args=["follow", "sweep"])
    assert "Deleted 1" in result.output
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0
    assert app.test_client().get(_path(link)).status_code in (404, 410)


@pytest.mark.parametrize("how", ["my_delete", "staff_erase", "cli"])
def test_erasure_removes_follower_addresses(app, client, login, runner, project, make_user, how):
    resident = app.test_client()
    mine = _comment_as_resident(resident, project)
    _follow_by_mail(resident)
    _confirm(resident, _link(_mails_to(ADDRESS)[0], "/follow/confirm/"))
    assert db.session.scalar(db.select(Follow.email)) == ADDRESS
    if how == "my_delete":
        assert resident.post("/my/delete", data={"confirm": "y"}).status_code == 302
    elif how == "staff_erase":
        login(make_user(role="admin", org=project.organization))
        response = client.post(
            "/manage/privacy/erase",
            data={
                "organization_id": project.organization_id,
                "reference": str(mine.id),
                "confirm": "y",
            },
        )
        assert response.status_code == 302
    else:
        assert "Deleted 1" in runner.invoke(args=["follow", "forget", ADDRESS.upper()]).output
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0


def test_staff_see_a_count_never_addresses(app, client, login, project, planner):
    _confirmed_follow(project)
    _confirmed_follow(project, "b@example.se")
    login(planner)
    page = client.get(f"/manage/stages/{project.current_stage.id}?lang=en").get_data(as_text=True)
    assert "2 people follow this project." in page
    assert ADDRESS not in page


def test_a_device_that_follows_sees_it_on_the_page_and_in_my_contributions(app, project):
    resident = app.test_client()
    assert _follow_by_mail(resident).status_code == 303
    waiting = resident.get("/p/huddinge/parken?lang=en").get_data(as_text=True)
    assert "Check your inbox: open the link we sent to start following." in waiting
    _confirm(resident, _link(_mails_to(ADDRESS)[0], "/follow/confirm/"))
    page = resident.get("/p/huddinge/parken?lang=en").get_data(as_text=True)
    assert "You follow this project." in page
    mine = resident.get("/my?lang=en").get_data(as_text=True)
    assert "Projects you follow" in mine and "The park" in mine
    copy = resident.get("/my/data").get_json()
    assert [f["email"] for f in copy["follows"]] == [ADDRESS]
    assert ADDRESS not in app.test_client().get("/p/huddinge/parken").get_data(as_text=True)


def test_an_approved_reply_mails_the_follower_once(
    app, client, login, project, make_user, make_activity
):
    from app.projects.models import ModerationMode

    project.current_stage.activities[0].moderation = ModerationMode.PRE
    db.session.commit()
    author = make_user("forfattare@example.se")
    login(author)
    _comment_as_resident(client, project, "Mer grönska vid torget")
    mine = db.session.scalar(db.select(Comment).where(Comment.body == "Mer grönska vid torget"))
    assert client.post("/p/huddinge/parken/follow", data={}).status_code == 303
    moderator = make_user(role="moderator", org=project.organization)
    other = app.test_client()
    login(moderator, test_client=other)
    assert other.post(f"/manage/moderation/{mine.id}/approve").status_code in (302, 303)
    stranger = app.test_client()
    stranger.post(f"/comments/{mine.id}/reply", data={"body": "Instämmer helt"})
    reply = db.session.scalar(db.select(Comment).where(Comment.body == "Instämmer helt"))
    assert _mails_to("forfattare@example.se") == []  # pending: nothing yet
    assert other.post(f"/manage/moderation/{reply.id}/approve").status_code in (302, 303)
    [mail] = _mails_to("forfattare@example.se")
    assert "Instämmer helt" in mail.get_content()
    assert services.send_event("reply", reply.id) == 0


def test_the_follow_form_carries_the_bot_trap_and_refuses_a_filled_honeypot(app, project):
    client = app.test_client()
    page = client.get("/p/huddinge/parken").get_data(as_text=True)
    stamp = re.search(r'name="pd_form_started" value="([^"]+)"', page)
    assert stamp and 'name="website"' in page and 'id="follow"' in page
    bot = client.post(
        "/p/huddinge/parken/follow",
        data={"email": ADDRESS, "website": "http://spam.example", "pd_form_started": stamp[1]},
    )
    assert bot.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0
    assert outbox() == []


def test_a_stage_that_opens_by_its_date_is_announced_when_it_opens(
    app, client, login, project, planner
):
    _confirmed_follow(project, "early@example.se", "sv")
    login(planner)
    next_stage = project.stages[3]
    opens = utcnow() + timedelta(days=2)
    next_stage.opens_at, next_stage.closes_at = opens, opens + timedelta(days=30)
    db.session.commit()
    # Made current ahead of its date: nobody is told of a stage that is not open yet.
    assert client.post(f"/manage/stages/{next_stage.id}/current").status_code == 302
    assert _mails_to("early@example.se") == []
    assert services.announce_opened_stages(now=opens - timedelta(hours=1)) == 0
    # Someone who began to follow after it opened found it open: no news to them.
    late, _ = _confirmed_follow(project, "late@example.se", "en")
    late.confirmed_at = opens + timedelta(minutes=30)
    db.session.commit()
    assert services.announce_opened_stages(now=opens + timedelta(hours=1)) == 1
    [mail] = _mails_to("early@example.se")
    assert mail["Subject"] == f"Ny fas i Parken: {next_stage.title['sv']}"
    assert "List-Unsubscribe" in mail
    assert _mails_to("late@example.se") == []
    # The hourly sweep again: nothing twice.
    assert services.announce_opened_stages(now=opens + timedelta(hours=2)) == 0
    assert len(_mails_to("early@example.se")) == 1
    # Long after it opened, a missed sweep does not announce it late.
    assert services.announce_opened_stages(now=opens + timedelta(days=8)) == 0
