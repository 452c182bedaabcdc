"""Project area, cover image, documents and partners."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import Document, ProjectPartner, ProjectStatus
from tests.factories import AREA
from tests.integration.manage.conftest import image_bytes

SQUARE = AREA


@pytest.fixture()
def project(make_project: Any, org: Any) -> Any:
    return make_project(org, status=ProjectStatus.DRAFT, area=None)


def _area(client: Any, project: Any, **data: Any) -> Any:
    return client.post(
        f"/manage/projects/{project.id}/area", data=data, content_type="multipart/form-data"
    )


def test_area_pasted_geometry_is_saved(client, as_planner, project):
    page = client.get(f"/manage/projects/{project.id}/area")
    assert page.status_code == 200
    assert 'id="area-map"' in page.get_data(as_text=True)
    response = _area(client, project, geojson=json.dumps(SQUARE))
    assert response.status_code == 302
    db.session.expire_all()
    assert project.geometry["type"] == "Polygon"
    assert (project.min_lon, project.max_lat) == (17.94, 59.225)
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "project.area"))


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "Feature", "properties": {}, "geometry": SQUARE},
        {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": SQUARE}]},
        {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]},
    ],
)
def test_area_upload_accepts_feature_collection_and_geometry(client, as_planner, project, payload):
    upload = (io.BytesIO(json.dumps(payload).encode()), "area.geojson")
    assert _area(client, project, geojson="", upload=upload).status_code == 302
    db.session.expire_all()
    assert project.geometry["type"] in ("Polygon", "MultiPolygon")


BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[17.94, 59.215], [17.96, 59.225], [17.96, 59.215], [17.94, 59.225], [17.94, 59.215]]
    ],
}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (json.dumps({"type": "Point", "coordinates": [17.9, 59.2]}).encode(), "must be a polygon"),
        (json.dumps(BOWTIE).encode(), "crosses itself"),
        (
            json.dumps(
                {"type": "Polygon", "coordinates": [[[17, 59], [200, 59], [17, 95], [17, 59]]]}
            ).encode(),
            "outside the valid range",
        ),
        (
            json.dumps({"type": "FeatureCollection", "features": []}).encode(),
            "exactly one polygon",
        ),
    ],
)
def test_area_upload_errors(client, as_planner, project, content, message):
    response = _area(client, project, geojson="", upload=(io.BytesIO(content), "a.geojson"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="upload-error"' in html
    assert message in html
    db.session.expire_all()
    assert project.geometry is None


def test_area_upload_too_large(client, as_planner, project, monkeypatch):
    from app.projects import services

    # A smaller limit keeps the test client from spooling the body to a temporary file.
    monkeypatch.setattr(services, "MAX_AREA_BYTES", 2000)
    content = json.dumps(SQUARE).encode() + b" " * 2000
    response = _area(client, project, geojson="", upload=(io.BytesIO(content), "a.geojson"))
    assert response.status_code == 422
    assert "too large" in response.get_data(as_text=True)
    db.session.expire_all()
    assert project.geometry is None


def test_area_pasted_error_shows_next_to_text_field(client, as_planner, project):
    response = _area(client, project, geojson=json.dumps(BOWTIE))
    assert response.status_code == 422
    assert 'id="geojson-error"' in response.get_data(as_text=True)
    assert _area(client, project, geojson="").status_code == 422
    db.session.expire_all()
    assert project.geometry is None


# --- cover image ---------------------------------------------------------------------------


def _cover(client: Any, project: Any, content: bytes, name: str) -> Any:
    return client.post(
        f"/manage/projects/{project.id}/cover",
        # The alt text is required with a cover (tests/integration/public/test_brand.py).
        data={"cover-image": (io.BytesIO(content), name), "cover-alt_sv": "Flygbild över området"},
        content_type="multipart/form-data",
    )


def test_png_renamed_jpg_is_stored_as_png(client, as_planner, project, app):
    response = _cover(client, project, image_bytes("PNG"), "photo.jpg")
    assert response.status_code == 302
    db.session.expire_all()
    assert project.cover_image_path.endswith(".png")
    served = client.get(f"/manage/projects/{project.id}/cover")
    assert served.status_code == 200
    assert served.data.startswith(b"\x89PNG")
    assert served.mimetype == "image/png"
    served.close()


def test_text_file_renamed_png_is_refused(client, as_planner, project):
    response = _cover(client, project, b"hello, I am not an image", "cover.png")
    assert response.status_code == 422
    assert "JPEG, PNG or WebP" in response.get_data(as_text=True)
    db.session.expire_all()
    assert project.cover_image_path is None


def test_gif_is_refused(client, as_planner, project):
    assert _cover(client, project, image_bytes("GIF"), "x.gif").status_code == 422


def test_exif_gps_is_stripped(client, as_planner, project, app):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (59.0, 13.0, 0.0)}  # GPSInfo
    original = image_bytes("JPEG", exif=exif)
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif()  # the test image really carries EXIF
    assert _cover(client, project, original, "gps.jpg").status_code == 302
    db.session.expire_all()
    stored = Path(app.config["UPLOAD_DIR"]) / project.cover_image_path
    with Image.open(stored) as cleaned:
        assert cleaned.format == "JPEG"
        assert not cleaned.getexif()
        assert "exif" not in cleaned.info
    assert b"SpyCam" not in stored.read_bytes()


def test_image_size_limit(make_app, make_org, make_user, make_project):
    app = make_app(MAX_IMAGE_BYTES=200)
    with app.app_context():
        org = make_org()
        user = make_user(role=Role.PLANNER, org=org)
        project = make_project(org)
        client = app.test_client()
        client.post(
            "/login", data={"email": user.email, "password": "correct horse battery staple"}
        )
        response = _cover(client, project, image_bytes("PNG", size=(200, 200)), "big.png")
        assert response.status_code == 422
        db.session.expire_all()
        assert project.cover_image_path is None


def test_draft_cover_is_not_public(client, as_planner, project):
    _cover(client, project, image_bytes("PNG"), "a.png")
    client.post("/logout")
    assert client.get(f"/manage/projects/{project.id}/cover").status_code == 404


def test_a_replaced_or_removed_cover_is_deleted_from_disk(client, as_planner, project, app):
    assert _cover(client, project, image_bytes("PNG"), "first.png").status_code == 302
    db.session.expire_all()
    first = Path(app.config["UPLOAD_DIR"]) / project.cover_image_path
    assert first.is_file()
    assert _cover(client, project, image_bytes("JPEG"), "second.jpg").status_code == 302
    db.session.expire_all()
    second = Path(app.config["UPLOAD_DIR"]) / project.cover_image_path
    assert second.is_file() and not first.exists()
    covers = sorted(p.name for p in second.parent.glob("cover-*"))
    assert covers == [second.name]


def test_a_refused_replacement_keeps_the_old_cover(client, as_planner, project, app):
    _cover(client, project, image_bytes("PNG"), "first.png")
    db.session.expire_all()
    first = Path(app.config["UPLOAD_DIR"]) / project.cover_image_path
    assert _cover(client, project, b"not an image", "x.png").status_code == 422
    assert first.is_file()


def _huge_png(width: int, height: int) -> bytes:
    """A small file that declares a huge 1-bit PNG (all black): a decompression bomb."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    pixels = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(12_000, 12_000), (8_000, 6_000)])
def test_a_144_megapixel_cover_is_refused_before_it_is_decoded(
    client, as_planner, project, monkeypatch, size
):
    from PIL import Image

    bomb = _huge_png(*size)  # 144 MP (over Pillow's own limit); 48 MP (over ours, not Pillow's)
    assert len(bomb) < 1_000_000  # small on the wire, 144 megapixels once decoded
    decoded = []
    real_load = Image.Image.load
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(1) or real_load(self))
    response = _cover(client, project, bomb, "bomb.png")
    assert response.status_code == 422
    assert "megapixel" in response.get_data(as_text=True).lower()
    assert decoded == []
    db.session.expire_all()
    assert project.cover_image_path is None


def test_a_large_cover_is_stored_and_served_resized(client, as_planner, project, app):
    from PIL import Image

    assert (
        _cover(client, project, image_bytes("JPEG", size=(4000, 3000)), "big.jpg").status_code
        == 302
    )
    db.session.expire_all()
    served = client.get(f"/manage/projects/{project.id}/cover")
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.size == (2400, 1800)
    served.close()


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<script>alert(1)</script>",  # right first bytes, nothing of a PDF after
        b"%PDF-1.7\n" + b"\x00" * 2000,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF",  # no pages
    ],
)
def test_a_file_that_only_starts_like_a_pdf_is_refused(
    client, as_planner, project, count_rows, content
):
    response = _doc(client, project, **{"doc-file": (io.BytesIO(content), "plan.pdf")})
    assert response.status_code == 422
    assert "not a PDF" in response.get_data(as_text=True)
    assert count_rows(Document) == 0


def test_a_real_pdf_is_accepted(client, as_planner, project, count_rows):
    response = _doc(client, project, **{"doc-file": (io.BytesIO(pdf_bytes(3)), "plan.pdf")})
    assert response.status_code == 302
    assert count_rows(Document) == 1


# --- documents -----------------------------------------------------------------------------


def _doc(client: Any, project: Any, **data: Any) -> Any:
    payload = {"doc-title_sv": "Planbeskrivning", "doc-title_en": "", "doc-url": ""}
    payload.update(data)
    return client.post(
        f"/manage/projects/{project.id}/documents",
        data=payload,
        content_type="multipart/form-data",
    )


def test_documents_link_pdf_reorder_delete(client, as_planner, project, count_rows):
    assert _doc(client, project, **{"doc-url": "https://example.se/plan"}).status_code == 302
    pdf = pdf_bytes()
    response = _doc(
        client, project, **{"doc-title_sv": "Karta", "doc-file": (io.BytesIO(pdf), "karta.pdf")}
    )
    assert response.status_code == 302
    db.session.expire_all()
    titles = [d.title["sv"] for d in project.documents]
    assert titles == ["Planbeskrivning", "Karta"]
    pdf_doc = project.documents[1]
    served = client.get(f"/manage/projects/{project.id}/documents/{pdf_doc.id}/file")
    assert served.status_code == 200
    assert served.data == pdf
    served.close()
    client.post(
        f"/manage/projects/{project.id}/documents/{pdf_doc.id}/move", data={"direction": "up"}
    )
    db.session.expire_all()
    assert [d.title["sv"] for d in project.documents] == ["Karta", "Planbeskrivning"]
    stored = Path(client.application.config["UPLOAD_DIR"]) / pdf_doc.file_path
    assert stored.is_file()
    client.post(f"/manage/projects/{project.id}/documents/{pdf_doc.id}/delete")
    db.session.expire_all()
    assert [d.title["sv"] for d in project.documents] == ["Planbeskrivning"]
    assert not stored.exists()  # the file goes with the document
    assert project.documents[0].position == 0
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.action.like("document.%"))
    ).all()
    assert sorted(actions) == [
        "document.create",
        "document.create",
        "document.delete",
        "document.move",
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"doc-file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "plan.pdf")}, "doc-file", "not a PDF"),
        ({"doc-title_sv": "", "doc-url": "https://example.se"}, "doc-title_sv", "Enter the"),
        ({}, "doc-url", "either a link or a PDF"),
        ({"doc-url": "javascript:alert(1)"}, "doc-url", ""),
        (
            {"doc-url": "https://example.se", "doc-file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
            "doc-url",
            "not both",
        ),
    ],
)
def test_document_errors(client, as_planner, project, count_rows, data, field, message):
    response = _doc(client, project, **data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html
    assert count_rows(Document) == 0


def test_document_size_limit(make_app, make_org, make_user, make_project):
    app = make_app(MAX_DOCUMENT_BYTES=50)
    with app.app_context():
        org = make_org()
        user = make_user(role=Role.PLANNER, org=org)
        project = make_project(org)
        client = app.test_client()
        client.post(
            "/login", data={"email": user.email, "password": "correct horse battery staple"}
        )
        big = b"%PDF-1.4" + b"0" * 100
        response = _doc(client, project, **{"doc-file": (io.BytesIO(big), "big.pdf")})
        assert response.status_code == 422
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


# --- partners ------------------------------------------------------------------------------


def test_partners_add_and_remove(client, as_planner, project, make_org, make_user, count_rows):
    consultant = make_org(slug="konsult", name="Konsult AB")
    researcher = make_user("forskare@kth.se")
    response = client.post(
        f"/manage/projects/{project.id}/partners",
        data={"partner-organization": "konsult", "partner-description_sv": "Utreder trafiken"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/manage/projects/{project.id}/partners",
        data={"partner-email": "Forskare@KTH.se"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    partners = sorted(project.partners, key=lambda p: p.id)
    assert partners[0].organization_id == consultant.id
    assert partners[0].description == {"sv": "Utreder trafiken"}
    assert partners[1].user_id == researcher.id
    html = client.get(f"/manage/projects/{project.id}").get_data(as_text=True)
    assert "Konsult AB" in html and "forskare@kth.se" in html
    # Duplicates, unknown people and the project's own organization are refused.
    for data, field in [
        ({"partner-organization": "konsult"}, "partner-organization"),
        ({"partner-email": "nobody@example.se"}, "partner-email"),
        ({"partner-organization": project.organization.slug}, "partner-organization"),
        ({}, "partner-organization"),
    ]:
        bad = client.post(f"/manage/projects/{project.id}/partners", data=data)
        assert bad.status_code == 422, data
        assert f'id="{field}-error"' in bad.get_data(as_text=True)
    assert count_rows(ProjectPartner) == 2
    client.post(f"/manage/projects/{project.id}/partners/{partners[0].id}/delete")
    assert count_rows(ProjectPartner) == 1
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "partner.remove"))


def test_partner_of_other_project_cannot_be_removed(
    client, as_planner, project, make_project, make_org, org
):
    other = make_project(org)
    partner = ProjectPartner(project_id=other.id, organization_id=make_org().id)
    db.session.add(partner)
    db.session.commit()
    response = client.post(f"/manage/projects/{project.id}/partners/{partner.id}/delete")
    assert response.status_code == 404
