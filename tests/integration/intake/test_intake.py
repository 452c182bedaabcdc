"""Registering letters, e-mails, meeting notes and yttranden by hand (issue 17, item 2)."""

from __future__ import annotations

import html
import io
from datetime import date, timedelta

import pytest

from app.audit.models import AuditEvent
from app.comments.models import Comment, CommentStatus, ContributionChannel, SenderType
from app.extensions import db
from app.intake.models import Attachment, RegisterEntry, RegisterKind, Sender
from app.organizations.models import Role
from app.projects.models import ModerationMode, ProjectPartner
from tests.formparse import form_by_action, form_fields

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _url(project, tail=""):
    return f"/manage/projects/{project.id}/intake{tail}"


def _form_data(client, project, **changes):
    """The intake form as rendered, with ``changes``."""
    page = client.get(_url(project, "/new")).get_data(as_text=True)
    data = form_fields(form_by_action(page, _url(project, "/new")))
    data.update(changes)
    return data


def _letter(client, project, **changes):
    data = _form_data(
        client,
        project,
        channel="letter",
        sender_type="sakagare",
        sender_name="Anna Andersson",
        sender_contact="Storgatan 1, 141 00 Huddinge",
        received_on=str(date.today() - timedelta(days=2)),
        body="Jag motsätter mig att huset blir fem våningar.",
    )
    data.update(changes)
    return client.post(_url(project, "/new"), data=data, content_type="multipart/form-data")


def _registered():
    return db.session.scalars(db.select(Comment).where(Comment.registered_by_id.is_not(None))).all()


@pytest.mark.parametrize("role", [Role.PLANNER, Role.FACILITATOR, Role.MODERATOR])
def test_staff_register_a_letter(client, project, staff, role):
    user = staff(role)
    response = _letter(client, project)
    assert response.status_code == 303, response.get_data(as_text=True)
    (comment,) = _registered()
    assert comment.channel == ContributionChannel.LETTER
    assert comment.sender_type == SenderType.SAKAGARE
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.participant_id is None and comment.registered_by_id == user.id
    assert comment.received_at is not None
    assert comment.stage_id == project.current_stage.id
    sender = db.session.scalar(db.select(Sender).where(Sender.comment_id == comment.id))
    assert sender.name == "Anna Andersson"
    # The name is kept apart from the text.
    assert "Anna" not in comment.body
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "intake.register"))
    assert event.actor_user_id == user.id and event.object_id == comment.id
    assert event.data["channel"] == "letter" and "Anna" not in str(event.data)
    overview = client.get(_url(project)).get_data(as_text=True)
    assert "Anna Andersson" in overview and "five" not in overview
    assert "Jag motsätter mig" in overview


def test_pre_moderated_discussion_gets_a_pending_contribution(client, project, staff):
    staff()
    project.current_stage.activities[0].moderation = ModerationMode.PRE
    db.session.commit()
    assert _letter(client, project).status_code == 303
    assert _registered()[0].status == CommentStatus.PENDING


def test_sender_name_never_shown_publicly(client, project, staff):
    staff()
    _letter(client, project)
    client.post("/logout")
    client.get("/lang/en")
    stage = project.current_stage
    response = client.get(f"/p/{project.organization.slug}/{project.slug}/{stage.id}")
    assert response.status_code == 200
    public = html.unescape(response.get_data(as_text=True))
    assert "Jag motsätter mig att huset blir fem våningar." in public
    assert "Anna Andersson" not in public and "Storgatan" not in public
    # Shown as what it is: a sakägare's letter, with the date it was received.
    received = (date.today() - timedelta(days=2)).strftime("%b %-d, %Y")
    assert "Sakägare" in public and "Letter" in public and f"Received {received}" in public


def test_meeting_notes_and_email_go_through_the_same_form(client, project, staff):
    staff()
    notes = _letter(
        client,
        project,
        channel="meeting",
        sender_type="resident",
        sender_name="",
        body="Många på mötet ville ha en lekplats.",
    )
    mail = _letter(
        client,
        project,
        channel="email",
        sender_type="organisation",
        sender_name="Naturskyddsföreningen",
    )
    assert notes.status_code == 303 and mail.status_code == 303
    channels = sorted(c.channel.value for c in _registered())
    assert channels == ["email", "meeting"]
    # A resident without a name stores no sender row.
    assert db.session.scalar(db.select(db.func.count(Sender.id))) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"body": "   "}, "body", "Type the text of the contribution."),
        ({"channel": "web"}, "channel", "Choose how the contribution arrived."),
        ({"sender_type": "king"}, "sender_type", "Choose who sent it."),
        (
            {"sender_type": "remissinstans", "sender_name": ""},
            "sender_name",
            "Give the sender's name for this sender type.",
        ),
        ({"received_on": ""}, "received_on", "Give the date it was received."),
        (
            {"received_on": str(date.today() + timedelta(days=3))},
            "received_on",
            "The date received cannot be in the future.",
        ),
        ({"lat": "59.2"}, "lat", "Give both latitude and longitude, or neither."),
    ],
)
def test_refused_registration_writes_nothing(client, project, staff, changes, field, message):
    staff()
    response = _letter(client, project, **changes)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert f'id="{field}-error"' in page and message in page
    assert _registered() == []
    assert db.session.scalar(db.select(db.func.count(Sender.id))) == 0
    assert (
        db.session.scalar(
            db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "intake.register")
        )
        == 0
    )


def test_wrong_attachment_writes_nothing(client, project, staff, app):
    staff()
    response = _letter(client, project, attachment=(io.BytesIO(b"MZ\x90 not a pdf"), "virus.exe"))
    assert response.status_code == 422
    assert "Attach a PDF or an image" in response.get_data(as_text=True)
    assert _registered() == [] and db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
    app.config["MAX_DOCUMENT_BYTES"] = 100
    big = _letter(client, project, attachment=(io.BytesIO(PDF * 10), "brev.pdf"))
    assert big.status_code == 422 and "too large" in big.get_data(as_text=True)
    assert _registered() == []


def test_attachment_is_served_to_staff_only(
    client, project, staff, make_user, make_org, login, app
):
    staff()
    response = _letter(client, project, attachment=(io.BytesIO(PDF), "brev från Anna.pdf"))
    assert response.status_code == 303
    (attachment,) = db.session.scalars(db.select(Attachment)).all()
    assert attachment.content_type == "application/pdf"
    assert attachment.path.startswith(f"intake/{project.id}/") and "Anna" not in attachment.path
    url = _url(project, f"/attachments/{attachment.id}")
    got = client.get(url)
    assert got.status_code == 200 and got.data == PDF
    assert "private" in got.headers["Cache-Control"]
    got.close()
    # A partner, a resident with an account and the public are refused.
    partner_org = make_org()
    partner = make_user(role=Role.PLANNER, org=partner_org)
    db.session.add(ProjectPartner(project_id=project.id, organization_id=partner_org.id))
    db.session.commit()
    client.post("/logout")
    assert client.get(url).status_code in (302, 401)
    login(partner)
    assert client.get(url).status_code == 403
    client.post("/logout")
    login(make_user())
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("who", ["partner", "resident"])
def test_partners_and_residents_get_403(client, project, make_user, make_org, login, who):
    if who == "partner":
        partner_org = make_org()
        user = make_user(role=Role.PLANNER, org=partner_org)
        db.session.add(ProjectPartner(project_id=project.id, organization_id=partner_org.id))
        db.session.commit()
    else:
        user = make_user()
    login(user)
    for path in ("", "/new", "/register"):
        assert client.get(_url(project, path)).status_code == 403
    data = {
        "channel": "letter",
        "sender_type": "resident",
        "received_on": str(date.today()),
        "body": "Text",
        "stage": str(project.current_stage.id),
    }
    assert client.post(_url(project, "/new"), data=data).status_code == 403
    assert (
        client.post(
            _url(project, "/register"), data={"new-kind": "sakagare", "new-name": "X"}
        ).status_code
        == 403
    )
    assert _registered() == []
    assert db.session.scalar(db.select(db.func.count(RegisterEntry.id))) == 0


def test_other_organization_gets_404(client, project, make_user, make_org, login):
    login(make_user(role=Role.PLANNER, org=make_org()))
    project.status = project.status  # published project; staff elsewhere still learn nothing
    assert client.get(_url(project, "/new")).status_code in (403, 404)


def test_stage_without_discussion_is_refused(client, project, staff):
    staff()
    other = project.stages[0]
    assert not any(a.kind.value == "discussion" for a in other.activities)
    response = _letter(client, project, stage=str(other.id))
    assert response.status_code == 422
    assert _registered() == []


def test_project_page_links_to_intake(client, project, staff):
    staff()
    page = client.get(f"/manage/projects/{project.id}").get_data(as_text=True)
    assert f'href="{_url(project)}"' in page


def test_yttrande_from_register_marks_it_answered(client, project, staff):
    staff()
    entry = RegisterEntry(
        project_id=project.id, kind=RegisterKind.REMISSINSTANS, name="Länsstyrelsen i Stockholm"
    )
    db.session.add(entry)
    db.session.commit()
    response = _letter(
        client,
        project,
        sender_type="remissinstans",
        sender_name="",
        register_entry=str(entry.id),
        body="Länsstyrelsen har inget att erinra.",
    )
    assert response.status_code == 303
    sender = db.session.scalar(db.select(Sender))
    assert sender.name == "Länsstyrelsen i Stockholm" and sender.register_entry_id == entry.id
    page = client.get(_url(project, "/register")).get_data(as_text=True)
    assert "Has answered" in page and "1 of 1 have answered" in page


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.MODERATOR])
def test_facilitator_and_moderator_find_the_intake_from_the_project(client, project, staff, role):
    staff(role)
    page = client.get(f"/manage/projects/{project.id}")
    assert page.status_code == 200
    assert f'href="{_url(project)}"' in page.get_data(as_text=True)
    intake = client.get(_url(project)).get_data(as_text=True)
    # No links to project pages they may not open.
    assert f'/manage/projects/{project.id}/edit"' not in intake


def test_registered_contribution_is_coded_automatically(client, project, staff, app):
    from app.analysis_ui.models import Coding, TargetType

    app.config["AUTO_CODING"] = "sync"
    staff()
    response = _letter(
        client,
        project,
        body="Vi vill ha en ny lekplats och fler träd i parken, och säkra cykelbanor.",
    )
    assert response.status_code == 303
    (comment,) = _registered()
    codings = db.session.scalars(
        db.select(Coding).where(
            Coding.target_type == TargetType.COMMENT, Coding.target_id == comment.id
        )
    ).all()
    assert codings


def test_intake_pages_in_swedish(client, project, staff):
    staff()
    client.get("/lang/sv")
    form = client.get(_url(project, "/new")).get_data(as_text=True)
    assert "Registrera en synpunkt" in form and "Avsändarens namn" in form
    refused = html.unescape(_letter(client, project, body="").get_data(as_text=True))
    assert "Skriv synpunktens text." in refused
    assert "Förteckningen" in client.get(_url(project, "/register")).get_data(as_text=True)


def test_admin_erases_a_sender_and_the_text_stays(client, project, staff):
    staff(Role.ADMIN)
    _letter(client, project, attachment=(io.BytesIO(PDF), "brev.pdf"))
    (comment,) = _registered()
    (attachment,) = db.session.scalars(db.select(Attachment)).all()
    from app.intake.services import attachment_path

    path = attachment_path(attachment)
    assert path.is_file()
    response = client.post(_url(project, f"/{comment.id}/erase-sender"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Sender.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
    assert not path.exists()
    kept = db.session.get(Comment, comment.id)
    assert kept.body.startswith("Jag motsätter mig") and kept.sender_type == SenderType.SAKAGARE
    assert "Anna Andersson" not in client.get(_url(project)).get_data(as_text=True)
    assert (
        db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "intake.sender.erase")
        ).object_id
        == comment.id
    )


def test_only_admins_erase_senders(client, project, staff):
    staff(Role.PLANNER)
    _letter(client, project)
    (comment,) = _registered()
    assert "Erase sender" not in client.get(_url(project)).get_data(as_text=True)
    assert client.post(_url(project, f"/{comment.id}/erase-sender")).status_code == 403
    assert db.session.scalar(db.select(db.func.count(Sender.id))) == 1


def test_an_erasure_that_does_not_commit_keeps_the_attachment(client, project, staff):
    from app.intake.services import attachment_path, erase_sender

    admin = staff(Role.ADMIN)
    _letter(client, project, attachment=(io.BytesIO(PDF), "brev.pdf"))
    (comment,) = _registered()
    (attachment,) = db.session.scalars(db.select(Attachment)).all()
    path = attachment_path(attachment)
    erase_sender(comment, actor=admin)
    assert path.is_file()  # nothing is deleted before the commit ...
    db.session.rollback()
    assert path.is_file()  # ... and a rollback keeps row and file together
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 1
    erase_sender(db.session.get(Comment, comment.id), actor=admin)
    db.session.commit()
    assert not path.exists()
