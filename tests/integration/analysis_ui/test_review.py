"""The coding review a facilitator can finish: filters, pages, bulk accept of the filtered
page, valence corrections, the planner's decision and the "fewer than 30" agreement note."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from app.analysis_ui import services
from app.analysis_ui.models import (
    Coding,
    ContributionReview,
    Disposition,
    ReviewState,
    TargetType,
)
from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Role
from app.surveys.models import Channel
from tests.integration.analysis_ui.conftest import point

UNSAFE = "Det känns otryggt att gå här på kvällen, belysningen är dålig och det är mörkt."
PARK = "Parken behöver fler träd och grönska, det är för lite natur här i området."
BUS = "Bussen går för sällan, det behövs fler avgångar till stationen på kvällen."
TOO_FEW = "Fewer than 30 contributions have been reviewed"


@pytest.fixture()
def stage_setup(
    make_project: Any,
    make_comment: Any,
    make_user: Any,
    make_survey: Any,
    make_response: Any,
) -> Any:
    project = make_project()
    stage = project.current_stage
    unsafe = make_comment(stage, UNSAFE)
    park = make_comment(stage, PARK)
    setup = make_survey(stage)
    paper = make_response(setup, text=BUS)
    paper.channel = Channel.PAPER
    pinned = make_response(setup, pins=[(point(17.95, 59.22), "unsafe", "Mörkt vid tunneln")])
    db.session.commit()
    services.recode_and_recompute(stage)
    db.session.commit()
    facilitator = make_user(role=Role.FACILITATOR, org=project.organization)
    answer_id = paper.answers[0].id
    feature_id = pinned.answers[0].features[0].id
    return {
        "project": project,
        "stage": stage,
        "setup": setup,
        "unsafe": f"C{unsafe.id}",
        "park": f"C{park.id}",
        "bus": f"A{answer_id}",
        "pin": f"F{feature_id}",
        "facilitator": facilitator,
    }


def _listed(page: str) -> list[str]:
    return re.findall(r'<li data-item="([A-Z]\d+)"', page)


def _url(stage: Any, suffix: str = "") -> str:
    return f"/manage/analysis/stages/{stage.id}/review{suffix}"


def test_filters_narrow_the_list(client: Any, login: Any, stage_setup: Any) -> None:
    s = stage_setup
    login(s["facilitator"])
    stage = s["stage"]
    everything = _listed(client.get(_url(stage)).get_data(as_text=True))
    assert set(everything) == {s["unsafe"], s["park"], s["bus"], s["pin"]}

    def listed(query: str) -> set[str]:
        response = client.get(_url(stage, "?" + query))
        assert response.status_code == 200
        return set(_listed(response.get_data(as_text=True)))

    assert listed("theme=green") == {s["park"]}
    assert s["unsafe"] in listed("theme=safety") and s["park"] not in listed("theme=safety")
    assert listed("channel=paper") == {s["bus"]}
    assert listed(f"question={s['setup'].map.id}") == {s["pin"]}
    assert listed(f"question={s['setup'].text.id}&channel=web") == set()
    coded = {
        ("C" if t == TargetType.COMMENT else "A" if t == TargetType.ANSWER else "F") + str(i)
        for t, i, src in db.session.execute(
            sa.select(Coding.target_type, Coding.target_id, Coding.source)
        )
        if src.startswith("rule:")
    }
    assert coded and listed("source=rule") == coded
    assert listed("source=model") == set()  # no model coder has run
    assert listed("source=human") == set() and listed("reviewed=yes") == set()
    assert listed("reviewed=no") == set(everything)
    # The pin's theme comes only from its question's hint (confidence 0.6).
    assert s["pin"] in listed("confidence=medium") and s["pin"] not in listed("confidence=high")
    # A decision moves a contribution from "not reviewed" to "reviewed" and "a person".
    client.post(_url(stage, f"/{s['park']}"), data={"decision": "accepted", "theme": "green"})
    assert listed("reviewed=yes") == {s["park"]} == listed("source=human")
    assert s["park"] not in listed("reviewed=no")
    # Unknown filter values are ignored, not errors.
    assert listed("source=nonsense&confidence=x&question=abc") == set(everything)


def test_pages_and_bulk_accept_of_the_filtered_page(
    client: Any, login: Any, stage_setup: Any, make_comment: Any
) -> None:
    s = stage_setup
    stage = s["stage"]
    for i in range(30):
        make_comment(stage, f"{PARK} Nummer {i}.")
    services.recode_and_recompute(stage)
    db.session.commit()
    login(s["facilitator"])
    first = client.get(_url(stage, "?theme=green")).get_data(as_text=True)
    second = client.get(_url(stage, "?theme=green&page=2")).get_data(as_text=True)
    page1, page2 = _listed(first), _listed(second)
    assert len(page1) == 25 and len(page2) == 6 and not set(page1) & set(page2)
    assert "sida 1 av 2" in first.lower() or "page 1 of 2" in first.lower()
    assert "theme=green" in re.search(r'href="([^"]*page=2[^"]*)"', first).group(1)

    # A theme a person already rejected keeps that decision through a bulk accept.
    client.post(_url(stage, f"/{page2[0]}"), data={"decision": "rejected", "theme": "green"})
    response = client.post(_url(stage, "/accept-page?theme=green&page=2"))
    assert response.status_code == 303
    assert "theme=green" in response.headers["Location"]
    assert "page=2" in response.headers["Location"]
    human = db.session.scalars(
        sa.select(Coding).where(Coding.source == f"human:{s['facilitator'].id}")
    ).all()
    assert {f"C{r.target_id}" for r in human} == set(page2)
    states = {(f"C{r.target_id}", r.theme_key): r.review_state for r in human}
    assert states.pop((page2[0], "green")) == ReviewState.REJECTED
    assert set(states.values()) == {ReviewState.ACCEPTED}
    # The machine's rows are untouched: human decisions are separate rows.
    machine = db.session.scalars(
        sa.select(Coding).where(Coding.review_state == ReviewState.MACHINE)
    ).all()
    assert {f"C{r.target_id}" for r in machine if r.target_type == TargetType.COMMENT} >= set(page2)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "coding.bulk_accept")
    )
    assert event is not None
    # Only the accepted page is reviewed now; the rest is still waiting.
    still = set(_listed(client.get(_url(stage, "?theme=green&reviewed=no")).get_data(True)))
    assert still == set(page1)


def test_agreement_says_when_fewer_than_30_were_reviewed(
    client: Any, login: Any, stage_setup: Any, make_comment: Any
) -> None:
    s = stage_setup
    stage = s["stage"]
    for i in range(30):
        make_comment(stage, f"{PARK} Nummer {i}.")
    services.recode_and_recompute(stage)
    db.session.commit()
    login(s["facilitator"])
    client.post(_url(stage, f"/{s['park']}"), data={"decision": "accepted", "theme": "green"})
    page = client.get(_url(stage, "?lang=en")).get_data(as_text=True)
    assert "Over 1 reviewed contributions." in page and TOO_FEW in page
    client.post(_url(stage, "/accept-page?theme=green"))
    client.post(_url(stage, "/accept-page?theme=green&page=2"))
    page = client.get(_url(stage, "?lang=en")).get_data(as_text=True)
    assert "kappa" in page and TOO_FEW not in page


def test_valence_correction_is_kept_apart_and_wins(
    client: Any, login: Any, stage_setup: Any
) -> None:
    s = stage_setup
    stage = s["stage"]
    login(s["facilitator"])
    key = s["unsafe"]
    page = client.get(_url(stage, f"?item={key}&lang=en")).get_data(as_text=True)
    assert 'data-valence="negative"' in page
    response = client.post(
        _url(stage, f"/{key}/valence?reviewed=no"), data={"valence": "mixed", "next": key}
    )
    assert response.status_code == 303 and "reviewed=no" in response.headers["Location"]
    row = db.session.scalar(sa.select(ContributionReview))
    assert (row.valence, row.valence_by_id) == ("mixed", s["facilitator"].id)
    # The machine's coding keeps its own valence; the final one is the person's.
    machine = db.session.scalars(sa.select(Coding).where(Coding.target_id == int(key[1:]))).all()
    assert machine and all(c.valence == "negative" for c in machine)
    page = client.get(_url(stage, f"?item={key}&lang=en")).get_data(as_text=True)
    assert 'data-valence="mixed"' in page and "corrected to mixed" in page
    items = [it for it in services.dataset.stage_items(stage) if it.key == key]
    final = services.finals(items, services.coder_for(stage.project).source)[key]
    assert final.valence == "mixed" and not final.reviewed  # reviewed is about themes
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "coding.valence"))
    # A value outside the list is refused and stores nothing new.
    client.post(_url(stage, f"/{key}/valence"), data={"valence": "angry"})
    db.session.expire_all()
    assert db.session.scalar(sa.select(ContributionReview.valence)) == "mixed"
    # Back to the machine's valence.
    client.post(_url(stage, f"/{key}/valence"), data={"valence": ""})
    db.session.expire_all()
    assert db.session.scalar(sa.select(ContributionReview.valence)) is None


def test_planner_sets_the_decision_on_a_contribution(
    client: Any, login: Any, stage_setup: Any
) -> None:
    s = stage_setup
    stage = s["stage"]
    login(s["facilitator"])
    key = s["bus"]
    assert (
        client.post(_url(stage, f"/{key}/disposition"), data={"disposition": "not_met"})
    ).status_code == 303
    row = db.session.scalar(sa.select(ContributionReview))
    assert row.target_type == TargetType.ANSWER and row.disposition == Disposition.NOT_MET
    page = client.get(_url(stage, f"?item={key}&lang=sv")).get_data(as_text=True)
    assert '<option value="not_met" selected>' in page
    assert '<span data-disposition="not_met">Tillgodoses inte</span>' in page  # in the list
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "contribution.disposition")
    )
    assert event is not None
    client.post(_url(stage, f"/{key}/disposition"), data={"disposition": "maybe"})
    db.session.expire_all()
    assert db.session.scalar(sa.select(ContributionReview.disposition)) == Disposition.NOT_MET
    # A contribution of another stage is not found here.
    other = next(x for x in s["project"].stages if x.id != stage.id)
    assert (
        client.post(
            f"/manage/analysis/stages/{other.id}/review/{key}/disposition",
            data={"disposition": "met"},
        ).status_code
        == 404
    )


def test_moderator_cannot_use_the_review(
    client: Any, login: Any, stage_setup: Any, make_user: Any
) -> None:
    s = stage_setup
    stage = s["stage"]
    login(make_user(role=Role.MODERATOR, org=s["project"].organization))
    for url in (
        f"/{s['park']}/valence",
        f"/{s['park']}/disposition",
        "/accept-page",
    ):
        assert client.post(_url(stage, url), data={"valence": "positive"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContributionReview)) == 0
