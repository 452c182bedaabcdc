"""Samrådsmöten: staff add, edit and delete them; residents see them on the stage page and
download each as an .ics file (parsed strictly here); notes come in through the intake form."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from app.audit.models import AuditEvent
from app.comments.models import Comment, ContributionChannel
from app.extensions import db
from app.meetings.ics import fold
from app.meetings.models import Meeting, MeetingNote
from tests.integration.follow.conftest import BASE_URL

TEXT_PROPS = {"SUMMARY", "LOCATION", "DESCRIPTION"}


def parse_ics(raw: bytes) -> list[dict[str, str]]:
    """A strict reader for what RFC 5545 asks of us: CRLF line ends, lines of at most 75
    octets, folding by CRLF + space, escaped TEXT values, a VCALENDAR of VEVENTs."""
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in raw.replace(b"\r\n", b""), "bare CR"
    for physical in raw.split(b"\r\n")[:-1]:
        assert len(physical) <= 75, physical
        physical.decode("utf-8")  # never folded inside a character
    text = raw.decode("utf-8").replace("\r\n ", "")
    lines = text.split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    calendar = dict(line.split(":", 1) for line in lines if not line.startswith(("BEGIN", "END")))
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines[1:-1]:
        name, value = line.split(":", 1)
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None:
            assert ";" not in name, "no parameters expected"
            if name in TEXT_PROPS:
                # Commas and semicolons must be escaped; unescape the rest.
                assert not re.search(r"(?<!\\)[,;]", value.replace("\\\\", "")), value
                value = re.sub(
                    r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value
                )
            current[name] = value
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL"):
            assert required in event, required
        for stamp in ("DTSTAMP", "DTSTART", "DTEND"):
            assert re.fullmatch(r"\d{8}T\d{6}Z", event[stamp]), event[stamp]
    return events


def _utc(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _form(**overrides: Any) -> dict[str, str]:
    data = {
        "title_sv": "Samrådsmöte om parken",
        "title_en": "Consultation meeting on the park",
        "starts_at": "2027-01-12T18:00",
        "ends_at": "2027-01-12T20:00",
        "place": "Flemingsbergs bibliotek, Hälsovägen 7, Huddinge",
        "accessibility_sv": "Entré utan trappsteg; hörslinga; tillgänglig toalett.",
        "accessibility_en": "Step-free entrance; hearing loop; accessible toilet.",
        "online_url": "https://mote.example.se/parken",
        "description_sv": "Vi visar förslaget, och du kan ställa frågor.",
        "description_en": "",
    }
    data.update(overrides)
    return data


def test_staff_add_a_meeting_residents_see_it_and_download_it(app, client, login, project, planner):
    stage = project.current_stage
    login(planner)
    page = client.get(f"/manage/stages/{stage.id}/meetings/new")
    assert page.status_code == 200
    response = client.post(f"/manage/stages/{stage.id}/meetings/new", data=_form())
    assert response.status_code == 303
    meeting = db.session.scalar(db.select(Meeting))
    # 18:00 Swedish winter time is 17:00 UTC.
    assert meeting.starts_at == datetime(2027, 1, 12, 17, 0, tzinfo=UTC)
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "meeting.create"))

    resident = app.test_client()
    sv = resident.get(f"/p/huddinge/parken/{stage.id}").get_data(as_text=True)
    assert "Samrådsmöte om parken" in sv
    assert "tisdag 12 januari 2027 18:00–20:00" in sv
    assert "Entré utan trappsteg" in sv
    assert f'href="/meetings/{meeting.id}.ics"' in sv
    en = resident.get(f"/p/huddinge/parken/{stage.id}?lang=en").get_data(as_text=True)
    assert "Tuesday 12 January 2027 18:00–20:00" in en
    assert "Step-free entrance" in en

    ics = resident.get(f"/meetings/{meeting.id}.ics?lang=en", headers={"Host": "evil.example"})
    assert ics.status_code == 200
    assert ics.mimetype == "text/calendar"
    assert "attachment" in ics.headers["Content-Disposition"]
    [event] = parse_ics(ics.data)
    assert _utc(event["DTSTART"]) == datetime(2027, 1, 12, 17, 0, tzinfo=UTC)
    assert _utc(event["DTEND"]) == datetime(2027, 1, 12, 19, 0, tzinfo=UTC)
    assert event["SUMMARY"] == "Consultation meeting on the park: The park"
    assert event["LOCATION"] == "Flemingsbergs bibliotek, Hälsovägen 7, Huddinge"
    assert event["URL"] == f"{BASE_URL}/p/huddinge/parken/{stage.id}#meeting-{meeting.id}"
    assert "Step-free entrance; hearing loop; accessible toilet." in event["DESCRIPTION"]
    assert "https://mote.example.se/parken" in event["DESCRIPTION"]
    assert event["UID"] == f"meeting-{meeting.id}@dialog.example.se"


def test_bad_meeting_input_is_refused_next_to_the_field(app, client, login, project, planner):
    stage = project.current_stage
    login(planner)
    response = client.post(
        f"/manage/stages/{stage.id}/meetings/new?lang=en",
        data=_form(ends_at="2027-01-12T17:00", place="", online_url="not a link"),
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "The meeting must end after it starts." in body
    assert "Give a full link starting with https://" in body
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0


def test_edit_and_delete_a_meeting(app, client, login, project, planner):
    stage = project.current_stage
    login(planner)
    client.post(f"/manage/stages/{stage.id}/meetings/new", data=_form())
    meeting = db.session.scalar(db.select(Meeting))
    form = client.get(f"/manage/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="2027-01-12T18:00"' in form
    edited = client.post(
        f"/manage/meetings/{meeting.id}/edit", data=_form(place="Stadshuset", online_url="")
    )
    assert edited.status_code == 303
    db.session.expire_all()
    assert meeting.place == "Stadshuset" and meeting.online_url is None
    assert client.post(f"/manage/meetings/{meeting.id}/delete").status_code == 303
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0


def test_residents_cannot_manage_meetings(app, client, project, make_user, login):
    stage = project.current_stage
    login(make_user("boende@example.se"))
    assert client.post(f"/manage/stages/{stage.id}/meetings/new", data=_form()).status_code in (
        403,
        404,
    )
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0


def test_notes_from_a_meeting_are_meeting_contributions_linked_to_it(
    app, client, login, project, planner
):
    stage = project.current_stage
    login(planner)
    client.post(f"/manage/stages/{stage.id}/meetings/new", data=_form())
    meeting = db.session.scalar(db.select(Meeting))
    staff_page = client.get(f"/manage/stages/{stage.id}").get_data(as_text=True)
    link = (
        f"/manage/projects/{project.id}/intake/new"
        f"?channel=meeting&amp;stage={stage.id}&amp;meeting={meeting.id}"
    )
    assert link in staff_page
    form = client.get(link.replace("&amp;", "&") + "&lang=en").get_data(as_text=True)
    assert f'name="meeting" value="{meeting.id}"' in form
    assert "Notes from the meeting" in form
    response = client.post(
        f"/manage/projects/{project.id}/intake/new",
        data={
            "meeting": str(meeting.id),
            "stage": str(stage.id),
            "channel": "meeting",
            "sender_type": "resident",
            "received_on": "2026-12-01",
            "body": "Många frågade om belysningen vid dammen.",
        },
    )
    assert response.status_code == 303
    comment = db.session.scalar(db.select(Comment).where(Comment.body.like("Många frågade%")))
    assert comment.channel == ContributionChannel.MEETING
    note = db.session.get(MeetingNote, comment.id)
    assert note is not None and note.meeting_id == meeting.id


def test_fold_keeps_lines_within_75_octets_without_splitting_characters():
    line = "DESCRIPTION:" + "Gångväg, ljus och träd – åäö " * 12
    folded = fold(line).encode("utf-8")
    for physical in folded.split(b"\r\n"):
        assert len(physical) <= 75
        physical.decode("utf-8")
    assert folded.decode("utf-8").replace("\r\n ", "") == line
