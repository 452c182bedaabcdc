"""Staff are told: dashboard counts, the notification setting, immediate mails and the digest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.models import User
from app.comments.models import CommentStatus
from app.core.mail import outbox
from app.core.models import utcnow
from app.exports.models import ExportJob, JobStatus
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ActivityKind


@pytest.fixture()
def premoderated(make_project, make_activity):
    project = make_project()
    return make_activity(project.current_stage, ActivityKind.DISCUSSION, moderation="pre")


def _to(address):
    return [m for m in outbox() if m["To"] == address]


def test_dashboard_counts_what_waits_for_staff(
    client, login, english, premoderated, staff, make_comment, make_flag
):
    org = premoderated.stage.project.organization
    user = staff(org, Role.FACILITATOR)
    make_comment(premoderated, "Väntar på granskning", status=CommentStatus.PENDING)
    make_comment(premoderated, "Väntar också", status=CommentStatus.PENDING)
    make_flag(make_comment(premoderated, "Anmäld"))
    make_comment(premoderated, "När börjar bygget?", needs_answer=True)
    db.session.add(
        ExportJob(
            organization_id=org.id,
            user_id=user.id,
            kind="responses",
            status=JobStatus.DONE,
            finished_at=utcnow(),
        )
    )
    db.session.commit()
    login(user)
    english()
    html = client.get("/manage/").get_data(as_text=True)
    assert '<span class="stat-number" id="stat-pending">2</span>' in html
    assert '<span class="stat-number" id="stat-flags">1</span>' in html
    assert '<span class="stat-number" id="stat-answers">1</span>' in html
    assert '<span class="stat-number" id="stat-exports">1</span>' in html
    assert "comments waiting for approval" in html
    # One of a kind is named in the singular (2 pending, 1 flag, 1 answer owed).
    assert "flag waiting</a>" in html and "flags waiting" not in html
    assert "comment waiting for an official answer</a>" in html
    assert 'data-col="pending"><a href="/manage/moderation?project=' in html
    swedish = client.get("/manage/?lang=sv").get_data(as_text=True)
    assert "anmälan som väntar</a>" in swedish
    assert "kommentarer som väntar på granskning</a>" in swedish


def test_staff_choose_notifications_on_the_account_page(client, login, english, staff, make_org):
    user = staff(make_org())
    login(user)
    english()
    page = client.get("/account").get_data(as_text=True)
    assert "Notifications" in page and 'name="staff_notify"' in page
    assert '<label for="staff_notify">' in page
    response = client.post("/account/notifications", data={"staff_notify": "immediately"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user.id).staff_notify == "immediately"
    client.post("/account/notifications", data={"staff_notify": "sometimes"})
    db.session.expire_all()
    assert db.session.get(User, user.id).staff_notify == "immediately"


def test_residents_have_no_staff_notification_setting(client, login, make_user):
    resident = make_user()
    login(resident)
    assert 'name="staff_notify"' not in client.get("/account").get_data(as_text=True)
    assert client.post("/account/notifications", data={"staff_notify": "off"}).status_code == 403


def test_immediate_mail_when_a_comment_waits_or_is_flagged(
    app, client, premoderated, staff, make_comment
):
    org = premoderated.stage.project.organization
    eager = staff(org, staff_notify="immediately", locale="en")
    daily = staff(org)  # the default: daily digest only
    svensk = staff(org, staff_notify="immediately", locale="sv")
    response = client.post(
        f"/stages/{premoderated.stage_id}/comments", data={"body": "Granska mig, tack"}
    )
    assert response.status_code in (200, 303)
    [mail] = _to(eager.email)
    assert "waits for approval" in mail["Subject"]
    assert "Granska mig, tack" in mail.get_content()
    assert "/manage/moderation?kind=pending" in mail.get_content()
    assert _to(daily.email) == []
    [swedish] = _to(svensk.email)
    assert "väntar på granskning" in swedish["Subject"]

    published = make_comment(premoderated, "Köp billiga klockor")
    other = app.test_client()
    assert other.post(f"/comments/{published.id}/flag", data={"reason": "spam"}).status_code == 303
    subjects = [m["Subject"] for m in _to(eager.email)]
    assert len(subjects) == 2 and "was reported" in subjects[1]
    # A second report of the same comment, still waiting, sends nothing more.
    third = app.test_client()
    assert third.post(f"/comments/{published.id}/flag", data={"reason": "spam"}).status_code == 303
    assert len(_to(eager.email)) == 2


def test_daily_digest_is_sent_once_and_then_only_what_is_new(
    app, runner, premoderated, staff, make_comment, make_flag, make_org
):
    org = premoderated.stage.project.organization
    user = staff(org, Role.FACILITATOR, locale="en")
    outsider = staff(make_org())  # another municipality: nothing to tell
    off = staff(org, staff_notify="off")
    make_comment(premoderated, "Väntar på granskning", status=CommentStatus.PENDING)
    make_flag(make_comment(premoderated, "Anmäld kommentar"))
    question = make_comment(premoderated, "När börjar bygget?")
    with app.test_request_context():
        from app.moderation.services import set_needs_answer

        set_needs_answer(question, True, user=user)
    db.session.add(
        ExportJob(
            organization_id=org.id,
            user_id=user.id,
            kind="responses",
            file_name="svar.csv",
            status=JobStatus.DONE,
            finished_at=utcnow(),
        )
    )
    db.session.commit()

    result = runner.invoke(args=["notify", "digest"])
    assert result.exit_code == 0, result.output
    [mail] = _to(user.email)
    body = mail.get_content()
    assert mail["Subject"] == "Platsdialog: 4 new items wait for you"
    assert "1 comment waits for approval" in body and "Väntar på granskning" in body
    assert "1 comment was reported" in body and "Anmäld kommentar" in body
    assert "1 comment needs an official answer" in body and "När börjar bygget?" in body
    assert "1 of your exports is finished" in body and "svar.csv" in body
    assert _to(outsider.email) == [] and _to(off.email) == []
    db.session.expire_all()
    assert db.session.get(User, user.id).last_digest_at is not None

    # The same day again: nothing new, nothing sent.
    assert runner.invoke(args=["notify", "digest"]).exit_code == 0
    assert len(_to(user.email)) == 1

    later = make_comment(premoderated, "En ny som väntar", status=CommentStatus.PENDING)
    later.created_at = utcnow() + timedelta(seconds=1)
    db.session.commit()
    assert runner.invoke(args=["notify", "digest"]).exit_code == 0
    second = _to(user.email)[1]
    assert second["Subject"] == "Platsdialog: 1 new item waits for you"
    assert "En ny som väntar" in second.get_content()
    assert "Väntar på granskning" not in second.get_content()


def test_digest_in_swedish_for_a_swedish_user(runner, premoderated, staff, make_comment):
    user = staff(premoderated.stage.project.organization, locale="sv")
    make_comment(premoderated, "Väntar", status=CommentStatus.PENDING)
    assert runner.invoke(args=["notify", "digest"]).exit_code == 0
    [mail] = _to(user.email)
    assert "väntar på dig" in mail["Subject"]
    assert "väntar på granskning" in mail.get_content()


def test_digest_tells_the_assignee_about_a_comment_given_to_them(
    app, runner, premoderated, staff, make_comment
):
    org = premoderated.stage.project.organization
    boss = staff(org, Role.PLANNER, staff_notify="off")
    assignee = staff(org, Role.FACILITATOR, locale="en")
    question = make_comment(premoderated, "Vem ansvarar för parken?", needs_answer=True)
    assert runner.invoke(args=["notify", "digest"]).exit_code == 0
    assert _to(assignee.email) == []  # marked without the audited action: nothing yet
    from app.moderation import work

    with app.test_request_context():
        work.assign(
            question,
            assignee_id=assignee.id,
            due_on=(utcnow() + timedelta(days=5)).date(),
            by=boss,
        )
    db.session.commit()
    assert runner.invoke(args=["notify", "digest"]).exit_code == 0
    [mail] = _to(assignee.email)
    due = (utcnow() + timedelta(days=5)).date().isoformat()
    assert f"Vem ansvarar för parken?” (yours, due {due})" in mail.get_content()
