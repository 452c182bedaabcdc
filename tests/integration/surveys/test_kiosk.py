"""Kiosk mode (a shared tablet at a library or a meeting, ``/s/<id>?kiosk=1``): each person's
response is a response of its own, never replacing the last person's or refused as "already
answered", and its receipt shows the reference but no answers (docs/design.md, section 4)."""

from __future__ import annotations

from typing import Any

import pytest

from app.extensions import db
from app.surveys.models import Channel, Response, Resubmission
from tests.formparse import form_by_action, form_fields
from tests.integration.surveys.conftest import Flow


def _responses() -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Response).order_by(Response.id)))


def _kiosk_person(web: Any, kit: Any, short: str) -> Any:
    """One person at the tablet: the survey's pages with the browser's controls, a short
    text answer of their own, then "Send"."""
    flow = Flow(web, kit.survey.id, "?kiosk=1")
    page = flow.page
    for _step in range(6):
        data = form_fields(form_by_action(page, f"/s/{kit.survey.id}?kiosk=1"))
        if "review" == data.get("step"):
            data["action"] = "submit"
            return web.post(f"/s/{kit.survey.id}?kiosk=1", data=data)
        if f"q{kit.qid('short')}" in data:
            data[f"q{kit.qid('short')}"] = short
        data["action"] = "next"
        page = web.post(f"/s/{kit.survey.id}?kiosk=1", data=data).get_data(as_text=True)
    raise AssertionError("the review never came")


@pytest.mark.parametrize("resubmission", [Resubmission.UPDATE, Resubmission.REFUSE])
def test_each_person_at_a_kiosk_gives_a_response_of_their_own(web, make_survey, resubmission):
    kit = make_survey(resubmission=resubmission)
    first = _kiosk_person(web, kit, "Fler bänkar")
    assert first.status_code == 303, first.get_data(as_text=True)[:1500]
    second = _kiosk_person(web, kit, "Mer ljus")
    assert second.status_code == 303, second.get_data(as_text=True)[:1500]
    responses = _responses()
    assert len(responses) == 2
    assert {r.channel for r in responses} == {Channel.KIOSK}
    assert responses[0].participant_id != responses[1].participant_id
    texts = sorted(
        a.text for r in responses for a in r.answers if a.question_id == kit.qid("short")
    )
    assert texts == ["Fler bänkar", "Mer ljus"]
    # The receipt names the reference and starts the next person, and shows no answers.
    receipt = web.get(second.headers["Location"])
    assert receipt.status_code == 200
    text = receipt.get_data(as_text=True)
    assert "Tack för dina svar" in text and "Mer ljus" not in text and "Fler bänkar" not in text


def test_the_device_owner_keeps_their_own_response_beside_kiosk_ones(web, make_survey):
    kit = make_survey()
    own = web.post(f"/api/v1/surveys/{kit.survey.id}/responses", json=kit.payload())
    assert own.status_code == 201
    _kiosk_person(web, kit, "Mer ljus")
    # Sent from the offline outbox of the same tablet: also one of its own.
    offline = web.post(
        f"/api/v1/surveys/{kit.survey.id}/responses", json=kit.payload(channel="kiosk")
    )
    assert offline.status_code == 201
    responses = _responses()
    assert [r.channel for r in responses] == [Channel.WEB, Channel.KIOSK, Channel.KIOSK]
    assert len({r.participant_id for r in responses}) == 3
    # A kiosk response's receipt shows no answers even on the device of the first person.
    other = web.get(f"/s/{kit.survey.id}/receipt/{offline.get_json()['client_id']}")
    assert other.status_code == 404
