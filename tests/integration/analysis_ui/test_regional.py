"""The regional view: every organization's stored indicators side by side, aggregates only."""

from __future__ import annotations

import uuid
from typing import Any

from app.analysis_ui.services import recompute
from app.comments.models import Comment
from app.extensions import db
from app.projects.models import ProjectStatus


def _stage_with(make_project, make_activity, make_participant, org, title, n):
    project = make_project(org, title={"sv": title, "en": title})
    stage = project.current_stage
    discussion = make_activity(stage, "discussion")
    for i in range(n):
        db.session.add(
            Comment(
                activity=discussion,
                stage=stage,
                participant=make_participant(),
                body=f"Mer grönska och fler träd i parken ({i})",
                client_id=str(uuid.uuid4()),
            )
        )
    db.session.flush()
    recompute(stage)
    db.session.commit()
    return project


def test_staff_of_one_municipality_see_all_municipalities(
    client: Any,
    login: Any,
    make_user: Any,
    make_org: Any,
    make_project: Any,
    make_activity: Any,
    make_participant: Any,
) -> None:
    huddinge, tyreso = make_org(name="Huddinge kommun"), make_org(name="Tyresö kommun")
    _stage_with(make_project, make_activity, make_participant, huddinge, "Stationsparken", 7)
    _stage_with(make_project, make_activity, make_participant, tyreso, "Skolvägen", 3)
    draft = _stage_with(make_project, make_activity, make_participant, tyreso, "Hemligt", 6)
    draft.status = ProjectStatus.DRAFT
    db.session.commit()
    login(make_user(role="moderator", org=huddinge))
    page = client.get("/manage/analysis/regional")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Stationsparken" in html and "Skolvägen" in html and "Tyresö kommun" in html
    assert "Hemligt" not in html  # drafts are not compared
    assert "&lt;5" in html  # three participants are shown as <5
    assert "Mer grönska" not in html  # no contribution text, only aggregates


def test_residents_cannot_open_the_regional_view(client: Any, login: Any, make_user: Any) -> None:
    assert client.get("/manage/analysis/regional").status_code == 302  # to login
    login(make_user())
    assert client.get("/manage/analysis/regional").status_code == 403
