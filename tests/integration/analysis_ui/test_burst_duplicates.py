"""Responses that arrived in a burst of new participants from one address are marked as
possible duplicates, and a facilitator can leave them out of the analysis."""

from __future__ import annotations

import re
from typing import Any

from app.analysis_ui import dataset, duplicates, services
from app.extensions import db
from app.organizations.models import Role

PARK = "Parken behöver fler träd och grönska, det är för lite natur här i området."
BUS = "Bussen går för sällan, det behövs fler avgångar till stationen på kvällen."


def _listed(page: str) -> list[str]:
    return re.findall(r'<li data-item="([A-Z]\d+)"', page)


def test_a_facilitator_can_leave_out_the_burst(
    client: Any, login: Any, make_project: Any, make_comment: Any, make_user: Any
) -> None:
    project = make_project()
    stage = project.current_stage
    genuine = make_comment(stage, PARK)
    burst = make_comment(stage, BUS)
    burst.participant.burst_suspect = True
    db.session.commit()
    services.recode_and_recompute(stage)
    db.session.commit()
    login(make_user(role=Role.FACILITATOR, org=project.organization))
    url = f"/manage/analysis/stages/{stage.id}/review"

    page = client.get(url).get_data(as_text=True)
    assert set(_listed(page)) == {f"C{genuine.id}", f"C{burst.id}"}
    assert "Utelämna 1 möjlig dubblett" in page

    kept = _listed(client.get(url + "?duplicates=exclude").get_data(as_text=True))
    assert kept == [f"C{genuine.id}"]

    # The stage data the indicators read honours the same choice.
    data = duplicates.without_burst_suspects(dataset.stage_data(stage))
    assert [it.key for it in data.items] == [f"C{genuine.id}"]
    assert [e.participant for e in data.events] == [f"p{genuine.participant_id}"]


def test_without_a_burst_nothing_is_offered(
    client: Any, login: Any, make_project: Any, make_comment: Any, make_user: Any
) -> None:
    project = make_project()
    stage = project.current_stage
    make_comment(stage, PARK)
    login(make_user(role=Role.FACILITATOR, org=project.organization))
    page = client.get(f"/manage/analysis/stages/{stage.id}/review").get_data(as_text=True)
    assert "dubblett" not in page
