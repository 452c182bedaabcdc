"""Undated stages are not shown as open in the manager (issue 17)."""

from __future__ import annotations

from app.extensions import db


def test_undated_stages_say_so_instead_of_open(client, as_planner, make_project, org):
    project = make_project(org)
    for stage in project.stages:
        stage.opens_at = stage.closes_at = None
    db.session.commit()
    page = client.get(f"/manage/projects/{project.id}").get_data(as_text=True)
    assert "(Open)" not in page
    assert page.count("(No dates)") == len(project.stages) - 1
    assert page.count("(No dates, current stage)") == 1
    stages = client.get(f"/manage/projects/{project.id}/stages").get_data(as_text=True)
    assert "· Open" not in stages and "No dates" in stages
