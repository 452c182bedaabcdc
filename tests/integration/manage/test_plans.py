"""Plan maps: upload (image, PDF page), placement by three corners, who sees the image,
and the organization's base layers."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.extensions import db
from app.organizations.models import Role
from app.plans.models import MapLayer, StagePlan
from app.projects.models import ProjectStatus
from tests.integration.manage.conftest import image_bytes

CORNERS = {
    "tl_lat": "59.2232",
    "tl_lon": "17.9410",
    "tr_lat": "59.2232",
    "tr_lon": "17.9555",
    "bl_lat": "59.2150",
    "bl_lon": "17.9410",
}


@pytest.fixture()
def stage(make_project: Any, org: Any) -> Any:
    return make_project(org).current_stage


def pdf_bytes(*sizes: tuple[int, int]) -> bytes:
    """A PDF with one page per size (in points: Pillow writes 72 dpi)."""
    from PIL import Image

    pages = [Image.new("RGB", size, (255, 255, 255)) for size in sizes]
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=72, save_all=True, append_images=pages[1:])
    return out.getvalue()


def _upload(client: Any, stage: Any, content: bytes, name: str, **data: Any) -> Any:
    return client.post(
        f"/manage/stages/{stage.id}/plan/upload",
        data={"file": (io.BytesIO(content), name), **data},
        content_type="multipart/form-data",
    )


def _plan(stage: Any) -> StagePlan | None:
    db.session.expire_all()
    return db.session.scalar(db.select(StagePlan).where(StagePlan.stage_id == stage.id))


def _drawing(size: tuple[int, int] = (300, 200)) -> bytes:
    """A PNG like a plan map: flat colours, lines and a transparent margin."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, size[0] - 10, size[1] - 10), fill=(240, 220, 160, 255))
    for x in range(20, size[0] - 20, 17):
        draw.line((x, 20, x, size[1] - 20), fill=(90, 90, 90, 255), width=2)
    draw.rectangle((40, 40, 120, 90), fill=(120, 180, 90, 255), outline=(0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def test_png_upload_is_stored_and_served(client, as_planner, stage, app):
    from PIL import Image

    assert client.get(f"/manage/stages/{stage.id}/plan").status_code == 200
    upload = _drawing()
    response = _upload(client, stage, upload, "plan.png")
    assert response.status_code == 302
    plan = _plan(stage)
    assert (plan.width, plan.height, plan.source) == (300, 200, "png")
    assert plan.corners is None
    page = client.get(f"/manage/stages/{stage.id}/plan").get_data(as_text=True)
    url = re.search(r'data-plan-url="([^"]+)"', page).group(1)
    served = client.get(url)
    assert served.status_code == 200 and served.mimetype == "image/webp"
    # Lossless: residents see exactly the planner's pixels (transparency too), in fewer bytes
    # than the PNG that was uploaded.
    with Image.open(io.BytesIO(served.data)) as shown, Image.open(io.BytesIO(upload)) as original:
        assert shown.format == "WEBP"
        assert shown.convert("RGBA").tobytes() == original.convert("RGBA").tobytes()
    assert len(served.data) < len(upload)
    served.close()


def test_pdf_page_is_rasterised_to_the_expected_size(client, as_planner, stage, app):
    pdf = pdf_bytes((200, 300), (600, 300))
    assert _upload(client, stage, pdf, "plankarta.pdf", page="2").status_code == 302
    plan = _plan(stage)
    # The chosen (landscape) page, rendered 2400 pixels on its long side.
    assert (plan.source, plan.pdf_page, plan.width, plan.height) == ("pdf", 2, 2400, 1200)
    from PIL import Image

    with Image.open(Path(app.config["UPLOAD_DIR"]) / plan.image_path) as image:
        assert image.format == "WEBP" and image.size == (2400, 1200)


def test_pdf_page_out_of_range_is_refused_beside_the_page_field(client, as_planner, stage):
    response = _upload(client, stage, pdf_bytes((200, 300)), "plan.pdf", page="3")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="page-error"' in html and "The PDF has no page 3; choose a page from 1 to 1." in html
    assert _plan(stage) is None


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"just some text, not a plan", "plan.png"),
        (image_bytes("GIF"), "plan.gif"),
        (b"%PDF-1.4 broken", "plan.pdf"),
    ],
)
def test_other_types_are_refused_beside_the_file_field(client, as_planner, stage, content, name):
    response = _upload(client, stage, content, name)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html and "PNG or JPEG image or as a PDF" in html
    assert _plan(stage) is None


def test_upload_without_file_is_refused(client, as_planner, stage):
    response = client.post(
        f"/manage/stages/{stage.id}/plan/upload", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Choose a file." in response.get_data(as_text=True)


def test_swedish_error_next_to_the_field(client, planner, stage, login):
    login(planner)
    client.get("/lang/sv")
    response = _upload(client, stage, b"inte en bild", "plan.png")
    assert response.status_code == 422
    assert "PNG- eller JPEG-bild eller som PDF" in response.get_data(as_text=True)


def test_corner_placement_is_saved_and_shown_to_residents(client, as_planner, stage):
    _upload(client, stage, image_bytes("PNG", (300, 200)), "plan.png")
    response = client.post(f"/manage/stages/{stage.id}/plan/place", data=CORNERS)
    assert response.status_code == 302
    plan = _plan(stage)
    assert plan.corners == [[59.2232, 17.941], [59.2232, 17.9555], [59.215, 17.941]]
    project = stage.project
    anonymous = client.application.test_client()
    page = anonymous.get(f"/p/{project.organization.slug}/{project.slug}/{stage.id}")
    html = page.get_data(as_text=True)
    config = json.loads(
        re.search(r'id="plan-map-config" data-config="([^"]+)"', html)
        .group(1)
        .replace("&#34;", '"')
        .replace("&quot;", '"')
    )
    assert config["plan"]["corners"] == plan.corners
    assert (config["plan"]["width"], config["plan"]["height"]) == (300, 200)
    assert "js/plan-map.js" in html
    image = anonymous.get(config["plan"]["url"])
    assert image.status_code == 200
    image.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tl_lat": "abc"}, "Give a number"),
        ({"tl_lat": "95"}, "Latitude must be between"),
        # Top-right and top-left swapped: a mirrored plan.
        ({"tr_lon": "17.9300"}, "do not make a plan seen from above"),
        # All three corners in a line.
        ({"bl_lat": "59.2232", "bl_lon": "17.9480"}, "do not make a plan seen from above"),
        # A plan 2 metres wide.
        ({"tr_lon": "17.94103"}, "between 5 metres and 50 kilometres"),
    ],
)
def test_bad_corners_are_refused_and_nothing_is_saved(client, as_planner, stage, change, message):
    _upload(client, stage, image_bytes("PNG", (300, 200)), "plan.png")
    response = client.post(f"/manage/stages/{stage.id}/plan/place", data={**CORNERS, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _plan(stage).corners is None


def test_an_unplaced_plan_is_not_shown_to_residents(client, as_planner, stage):
    _upload(client, stage, image_bytes("PNG", (300, 200)), "plan.png")
    project = stage.project
    html = (
        client.application.test_client()
        .get(f"/p/{project.organization.slug}/{project.slug}/{stage.id}")
        .get_data(as_text=True)
    )
    assert "plan-map-config" not in html and "plan-map.js" not in html


def test_image_of_a_draft_project_is_for_staff_only(client, as_planner, make_project, org):
    stage = make_project(org, status=ProjectStatus.DRAFT).current_stage
    _upload(client, stage, image_bytes("PNG", (30, 20)), "plan.png")
    page = client.get(f"/manage/stages/{stage.id}/plan").get_data(as_text=True)
    url = re.search(r'data-plan-url="([^"]+)"', page).group(1)
    staff = client.get(url)
    assert staff.status_code == 200
    staff.close()
    assert client.application.test_client().get(url).status_code == 404


def test_replacing_keeps_the_placement_and_deletes_the_old_file(client, as_planner, stage, app):
    _upload(client, stage, image_bytes("PNG", (300, 200)), "plan.png")
    client.post(f"/manage/stages/{stage.id}/plan/place", data=CORNERS)
    old = Path(app.config["UPLOAD_DIR"]) / _plan(stage).image_path
    assert _upload(client, stage, image_bytes("JPEG", (400, 200)), "ny.jpg").status_code == 302
    plan = _plan(stage)
    assert plan.source == "jpeg" and plan.corners is not None
    assert not old.exists()
    assert client.post(f"/manage/stages/{stage.id}/plan/remove").status_code == 302
    assert _plan(stage) is None


def test_other_organizations_staff_cannot_upload(client, login, make_user, make_org, stage):
    other = make_user("x@annan.se", role=Role.PLANNER, org=make_org())
    login(other)
    response = _upload(client, stage, image_bytes("PNG"), "plan.png")
    assert response.status_code == 404
    assert _plan(stage) is None


# --- base layers ---------------------------------------------------------------------------


@pytest.fixture()
def admin(make_user: Any, org: Any, login: Any) -> Any:
    user = make_user("admin@huddinge.se", role=Role.ADMIN, org=org)
    login(user)
    return user


def _layer_rows(*rows: dict[str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"layers-{i}-{key}"] = value
    return data


ORTO = {
    "name": "Flygfoto",
    "type": "xyz",
    "url": "https://karta.huddinge.se/orto/{z}/{x}/{y}.png",
    "attribution": "Huddinge kommun",
}
WMS = {
    "name": "Detaljplaner",
    "type": "wms",
    "url": "https://karta.huddinge.se/wms",
    "layers": "detaljplaner",
}


def test_base_layers_are_saved_in_order(client, admin, org, stage):
    assert client.get(f"/manage/organizations/{org.id}/map-layers").status_code == 200
    response = client.post(
        f"/manage/organizations/{org.id}/map-layers", data=_layer_rows(ORTO, WMS)
    )
    assert response.status_code == 302
    layers = db.session.scalars(db.select(MapLayer).order_by(MapLayer.position)).all()
    assert [(layer.name, layer.kind.value) for layer in layers] == [
        ("Flygfoto", "xyz"),
        ("Detaljplaner", "wms"),
    ]
    project = stage.project
    html = (
        client.application.test_client()
        .get(f"/p/{project.organization.slug}/{project.slug}/{stage.id}")
        .get_data(as_text=True)
    )
    assert "karta.huddinge.se/orto" in html and "plan-map.js" in html
    # An empty form removes them.
    client.post(f"/manage/organizations/{org.id}/map-layers", data={})
    assert db.session.scalars(db.select(MapLayer)).all() == []


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({**ORTO, "url": "http://karta.huddinge.se/{z}/{x}/{y}.png"}, "url", "https://"),
        ({**ORTO, "url": "javascript:alert(1)"}, "url", "https://"),
        ({**ORTO, "url": "https://user:pw@karta.se/{z}/{x}/{y}"}, "url", "https://"),
        ({**ORTO, "url": "https://karta.huddinge.se/orto.png"}, "url", "{z}, {x} and {y}"),
        ({**WMS, "layers": ""}, "layers", "needs the name of its layers"),
        ({**ORTO, "name": ""}, "name", "Give the layer a name"),
    ],
)
def test_bad_base_layers_are_refused_beside_the_field(client, admin, org, row, field, message):
    response = client.post(
        f"/manage/organizations/{org.id}/map-layers", data=_layer_rows(ORTO, row)
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="layers-1-{field}-error"' in html and message in html
    assert db.session.scalars(db.select(MapLayer)).all() == []


def test_planners_cannot_edit_base_layers(client, as_planner, org):
    assert client.get(f"/manage/organizations/{org.id}/map-layers").status_code == 403
