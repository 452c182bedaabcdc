"""A survey page left open longer than a form's stamp lasts (a night, without JavaScript)
loses nothing: the same page comes back with the answers and a message, and the next press
goes on (app/core/bot_trap.py ``KEEP_ON_EXPIRY``)."""

from __future__ import annotations

from app.extensions import db
from app.surveys.models import Response
from tests.integration.security.test_bot_trap import _aged_stamp
from tests.integration.surveys.conftest import Flow, hidden_fields


def test_a_survey_page_left_open_all_night_keeps_its_answers(make_app, make_survey, monkeypatch):
    kit = make_survey()
    app = make_app(BOT_TRAP_MIN_SECONDS=1)
    client = app.test_client()
    path = f"/s/{kit.survey.id}"
    flow = Flow(client, kit.survey.id)
    description = f"q{kit.qid('point')}_description"
    night = _aged_stamp(app, monkeypatch, 9, path)
    data = {**hidden_fields(flow.page), "pd_form_started": night, "website": ""}
    data.pop("q_features", None)
    data.update({description: "Vid dammen, där lamporna är trasiga", "action": "next"})
    kept = client.post(path, data=data)
    assert kept.status_code == 400
    page = kept.get_data(as_text=True)
    assert "Dina svar finns kvar" in page
    assert "Vid dammen, där lamporna är trasiga</textarea>" in page
    fresh = hidden_fields(page)["pd_form_started"]
    assert fresh != night
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0
    # Pressed again a little later, with the stamp that page brought: on to page 2.
    later = _aged_stamp(app, monkeypatch, 0.01, path)
    again = {**hidden_fields(page), "pd_form_started": later, "website": ""}
    again.update({description: "Vid dammen, där lamporna är trasiga", "action": "next"})
    response = client.post(path, data=again)
    assert response.status_code == 200
    assert "Sida 2 av 4" in response.get_data(as_text=True)


def test_a_forged_or_foreign_stamp_is_still_refused(make_app, make_survey, monkeypatch):
    kit = make_survey()
    app = make_app(BOT_TRAP_MIN_SECONDS=1)
    client = app.test_client()
    flow = Flow(client, kit.survey.id)
    other = _aged_stamp(app, monkeypatch, 9, f"/s/{kit.survey.id + 1}")
    for stamp in ("form.AAAAAA.forged", other):
        data = {**hidden_fields(flow.page), "pd_form_started": stamp, "action": "next"}
        assert client.post(f"/s/{kit.survey.id}", data=data).status_code == 422
