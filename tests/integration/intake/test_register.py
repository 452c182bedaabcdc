"""The register of remissinstanser and sakägare, by hand and from the property register CSV."""

from __future__ import annotations

import html
import io

from app.audit.models import AuditEvent
from app.extensions import db
from app.intake.models import RegisterEntry, RegisterKind
from tests.formparse import submit


def _url(project, tail=""):
    return f"/manage/projects/{project.id}/intake/register{tail}"


def _entries(project):
    return db.session.scalars(
        db.select(RegisterEntry)
        .where(RegisterEntry.project_id == project.id)
        .order_by(RegisterEntry.id)
    ).all()


def _import(client, project, raw: bytes):
    return client.post(
        _url(project, "/import"),
        data={"csv-file": (io.BytesIO(raw), "fastigheter.csv")},
        content_type="multipart/form-data",
    )


def test_add_edit_remove_by_hand(client, project, staff):
    staff()
    page = client.get(_url(project)).get_data(as_text=True)
    added = submit(
        client,
        page,
        _url(project),
        kind="remissinstans",
        name="Trafikverket",
        email="trafikverket@trafikverket.se",
    )
    assert added.status_code == 303
    (entry,) = _entries(project)
    assert entry.kind == RegisterKind.REMISSINSTANS and entry.name == "Trafikverket"
    page = client.get(_url(project)).get_data(as_text=True)
    edited = submit(
        client, page, _url(project, f"/{entry.id}"), name="Trafikverket Region Stockholm"
    )
    assert edited.status_code == 303
    db.session.expire_all()
    assert _entries(project)[0].name == "Trafikverket Region Stockholm"
    page = client.get(_url(project)).get_data(as_text=True)
    assert submit(client, page, _url(project, f"/{entry.id}/delete")).status_code == 303
    assert _entries(project) == []
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.action.like("intake.register_entry%"))
    ).all()
    assert sorted(actions) == [
        "intake.register_entry.create",
        "intake.register_entry.delete",
        "intake.register_entry.update",
    ]


def test_entry_without_name_is_422_with_the_error_at_the_field(client, project, staff):
    staff()
    page = client.get(_url(project)).get_data(as_text=True)
    response = submit(client, page, _url(project), kind="sakagare", name=" ", email="not-an-email")
    assert response.status_code == 422
    body = html.unescape(response.get_data(as_text=True))
    assert 'id="new-name-error"' in body and "Give a name." in body
    assert 'id="new-email-error"' in body
    assert _entries(project) == []


def test_import_semicolons_bom_good_and_bad_rows(client, project, staff):
    staff()
    raw = (
        "\ufeffFastighetsbeteckning;Namn;Adress\r\n"
        "Huddinge Skogås 3:14;Anna Andersson;Storgatan 1, 141 00 Huddinge\r\n"
        "Huddinge Skogås 3:15;;Storgatan 3\r\n"
        "\r\n"
        "Huddinge Skogås 3:16;Bo Björk;Storgatan 5\r\n"
        f"Huddinge Skogås 3:17;{'X' * 250};Storgatan 7\r\n"
    ).encode()
    response = _import(client, project, raw)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "Imported 2 sakägare; 0 already in the register." in page
    assert "Row 3: Give a name." in page
    assert "Row 6: The name is too long" in page
    entries = _entries(project)
    assert [(e.property_designation, e.name) for e in entries] == [
        ("Huddinge Skogås 3:14", "Anna Andersson"),
        ("Huddinge Skogås 3:16", "Bo Björk"),
    ]
    assert all(e.kind == RegisterKind.SAKAGARE for e in entries)
    assert entries[0].address == "Storgatan 1, 141 00 Huddinge"
    # Importing the same file again adds nobody.
    again = html.unescape(_import(client, project, raw).get_data(as_text=True))
    assert "Imported 0 sakägare; 2 already in the register." in again
    assert len(_entries(project)) == 2
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "intake.register.import")
    ).first()
    assert event.data == {"added": 2, "skipped": 0, "refused": 2}


def test_import_commas_and_windows_encoding(client, project, staff):
    staff()
    raw = "fastighetsbeteckning,namn\nHuddinge Vårby 1:2,Örjan Åberg\n".encode("cp1252")
    assert _import(client, project, raw).status_code == 200
    assert [e.name for e in _entries(project)] == ["Örjan Åberg"]


def test_import_without_name_column_is_refused_whole(client, project, staff):
    staff()
    response = _import(client, project, b"fastighet;adress\nHuddinge 1:1;Gatan 1\n")
    assert response.status_code == 422
    body = html.unescape(response.get_data(as_text=True))
    assert 'id="csv-file-error"' in body and "no name column" in body
    assert _entries(project) == []


def test_import_without_file_is_422(client, project, staff):
    staff()
    response = client.post(_url(project, "/import"), data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a CSV file." in response.get_data(as_text=True)


def test_entry_of_another_project_is_404(client, project, staff, make_project):
    staff()
    other = make_project(project.organization)
    entry = RegisterEntry(project_id=other.id, kind=RegisterKind.SAKAGARE, name="X")
    db.session.add(entry)
    db.session.commit()
    assert client.post(_url(project, f"/{entry.id}/delete")).status_code == 404
    assert len(_entries(other)) == 1
