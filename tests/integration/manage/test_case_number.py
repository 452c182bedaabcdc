"""The project's case number (diarienummer), set in the project editor."""

from __future__ import annotations

from typing import Any

from app.audit.models import AuditEvent
from app.extensions import db
from app.projects.models import ProjectStatus

FORM = {"slug": "gamla", "kind": "park", "title_sv": "Gamla", "title_en": "Old"}


def test_case_number_is_set_and_cleared_in_the_editor(
    client: Any, org: Any, as_planner: Any, make_project: Any
) -> None:
    project = make_project(org, status=ProjectStatus.DRAFT, slug="gamla")
    page = client.get(f"/manage/projects/{project.id}/edit?lang=sv").get_data(as_text=True)
    assert "Diarienummer" in page and 'name="case_number"' in page

    ok = client.post(
        f"/manage/projects/{project.id}/edit", data={**FORM, "case_number": "  SBN 2026/412 "}
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert project.case_number == "SBN 2026/412"
    event = db.session.scalar(
        db.select(AuditEvent)
        .where(AuditEvent.action == "project.update")
        .order_by(AuditEvent.id.desc())
    )
    assert event.object_id == project.id
    page = client.get(f"/manage/projects/{project.id}/edit").get_data(as_text=True)
    assert 'value="SBN 2026/412"' in page

    too_long = client.post(
        f"/manage/projects/{project.id}/edit", data={**FORM, "case_number": "x" * 61}
    )
    assert too_long.status_code == 422

    client.post(f"/manage/projects/{project.id}/edit", data={**FORM, "case_number": ""})
    db.session.expire_all()
    assert project.case_number is None
