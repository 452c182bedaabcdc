"""Uploaded covers, logos and plan maps follow the transaction: a refused upload writes
nothing, a rolled-back one leaves no file behind and keeps the file the row still names, a
committed replacement deletes the old file (app/core/images.py)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from app.core import images
from app.extensions import db
from app.organizations.models import Organization, Role
from app.plans.models import StagePlan
from app.projects.models import Project
from tests.integration.manage.conftest import image_bytes


def _cover(client: Any, project: Project, content: bytes) -> Any:
    return client.post(
        f"/manage/projects/{project.id}/cover",
        data={"cover-image": (io.BytesIO(content), "cover.jpg"), "cover-alt_sv": "Flygbild"},
        content_type="multipart/form-data",
    )


def _logo(client: Any, project: Project, content: bytes) -> Any:
    return client.post(
        f"/admin/organizations/{project.organization_id}/logo",
        data={"logo-logo": (io.BytesIO(content), "logo.png")},
        content_type="multipart/form-data",
    )


def _plan(client: Any, project: Project, content: bytes) -> Any:
    return client.post(
        f"/manage/stages/{project.current_stage.id}/plan/upload",
        data={"file": (io.BytesIO(content), "plan.png")},
        content_type="multipart/form-data",
    )


def _cover_path(project: Project) -> str | None:
    return project.cover_image_path


def _logo_path(project: Project) -> str | None:
    org = db.session.get(Organization, project.organization_id)
    return org.logo_path if org is not None else None


def _plan_path(project: Project) -> str | None:
    select = sa.select(StagePlan.image_path).where(StagePlan.stage_id == project.current_stage.id)
    return db.session.scalar(select)


#: name: (upload, the path the row names, the module whose audit call runs after the write)
KINDS = {
    "cover": (_cover, _cover_path, "app.projects.services"),
    "logo": (_logo, _logo_path, "app.organizations.services"),
    "plan": (_plan, _plan_path, "app.plans.services"),
}


def _files(app: Any) -> set[Path]:
    return {p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()}


@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_or_rolled_back_upload_leaves_no_file_behind(
    kind, app, client, login, make_org, make_user, make_project, monkeypatch
):
    upload, row_path, module = KINDS[kind]
    org = make_org(slug="huddinge", name="Huddinge kommun")
    project = make_project(org)
    login(make_user(role=Role.ADMIN, org=org))
    assert upload(client, project, image_bytes("PNG", (300, 200))).status_code == 302
    db.session.expire_all()
    first = row_path(project)
    assert first is not None
    kept = _files(app)
    assert Path(app.config["UPLOAD_DIR"]) / first in kept

    # Refused: not an image (a GIF, then text), checked before anything is written.
    for content in (image_bytes("GIF"), b"not an image"):
        assert upload(client, project, content).status_code == 422
        assert _files(app) == kept

    # Rolled back: the new file was written, then the request failed after it.
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit log is down")

    with monkeypatch.context() as patch:
        patch.setattr(f"{module}.record", fail)
        assert upload(client, project, image_bytes("JPEG", (300, 200))).status_code == 500
    db.session.expire_all()
    assert row_path(project) == first
    assert _files(app) == kept  # the old file is still there, the new one is gone

    # Committed: the replacement stays, the file it replaced goes.
    assert upload(client, project, image_bytes("JPEG", (300, 200))).status_code == 302
    db.session.expire_all()
    second = row_path(project)
    assert second is not None and second != first
    assert _files(app) == kept - {Path(app.config["UPLOAD_DIR"]) / first} | {
        Path(app.config["UPLOAD_DIR"]) / second
    }


def test_a_released_savepoint_is_not_the_commit(app):
    """``begin_nested`` (idempotent inserts) releases a savepoint inside the transaction: a
    file dropped before it is not deleted yet, a file written before it still goes on
    rollback."""
    root = Path(app.config["UPLOAD_DIR"])
    old = images.write_derived("test/old.png", b"old")
    db.session.execute(sa.text("SELECT 1"))
    images.unlink_after_commit(["test/old.png"])
    new = images.write_new("test/new.png", b"new")
    with db.session.begin_nested():
        db.session.execute(sa.text("SELECT 1"))
    assert old.is_file() and new.is_file()
    db.session.rollback()
    assert old.is_file() and not new.exists()
    assert old == root / "test/old.png"
