"""The staff response browser: filters (a choice answer, channel, dates), pages, one response
in full with its map markings, the audit of every opening, partners refused, and the link from
the analysis review to the response."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.analysis_ui import services
from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Role
from app.projects.models import ProjectPartner
from app.surveys import responses_browser
from app.surveys.models import Answer, Channel, Question, QuestionOption, QuestionType
from tests.integration.analysis_ui.conftest import point

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture()
def world(make_project: Any, make_survey: Any, make_response: Any, make_user: Any) -> Any:
    project = make_project()
    setup = make_survey(project.current_stage)
    # A multi-choice question too, answered with {"options": [...], "other": ...}.
    multi = Question(
        survey=setup.survey,
        type=QuestionType.MULTI_CHOICE,
        position=9,
        prompt={"sv": "Hur tar du dig hit?", "en": "How do you get here?"},
    )
    bus = QuestionOption(code="bus", position=0, label={"sv": "Buss", "en": "Bus"})
    bike = QuestionOption(code="bike", position=1, label={"sv": "Cykel", "en": "Bike"})
    multi.options.extend([bus, bike])
    db.session.add(multi)
    db.session.commit()
    early = datetime(2026, 11, 2, 10, 0, tzinfo=STOCKHOLM)
    alby = make_response(
        setup,
        text="Mer ljus i tunneln",
        demographics={"district": "Alby", "age_band": "30-44"},
        pins=[
            (point(17.95, 59.22), "unsafe", "Mörkt vid tunneln"),
            (point(17.96, 59.23), "like", None),
        ],
        submitted_at=early,
    )
    alby.answers.append(
        Answer(question_id=multi.id, value={"options": [bike.id], "other": "Till fots"})
    )
    fittja = make_response(
        setup,
        text="Fler bänkar",
        demographics={"district": "Fittja"},
        submitted_at=early + timedelta(days=10),
    )
    fittja.answers.append(Answer(question_id=multi.id, value=[bus.id, bike.id]))
    fittja.channel = Channel.PAPER
    db.session.commit()
    planner = make_user(role=Role.PLANNER, org=project.organization, display_name="Planerare")
    return {
        "project": project,
        "setup": setup,
        "alby": alby,
        "fittja": fittja,
        "multi": multi,
        "bus": bus,
        "bike": bike,
        "planner": planner,
    }


def _listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-response="(\d+)">', html)]


def _english(client: Any) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"


def test_filter_by_choice_answer_channel_and_date(client: Any, login: Any, world: Any) -> None:
    login(world["planner"])
    _english(client)
    survey = world["setup"].survey
    base = f"/manage/surveys/{survey.id}/responses"
    html = client.get(base).get_data(as_text=True)
    alby, fittja = world["alby"].id, world["fittja"].id
    assert _listed(html) == [fittja, alby]  # newest first
    assert '<h2 id="list-heading">2 responses</h2>' in html
    assert '<label for="f-answer">Answer to a choice question</label>' in html
    assert '<th scope="col">Channel</th>' in html

    def listed(query: str) -> list[int]:
        response = client.get(f"{base}?{query}")
        assert response.status_code == 200
        return _listed(response.get_data(as_text=True))

    district = world["setup"].demographic["district"]
    alby_option = world["setup"].option("district", "Alby")
    assert listed(f"answer={district.id}:{alby_option.id}") == [alby]
    multi = world["multi"]
    assert listed(f"answer={multi.id}:{world['bus'].id}") == [fittja]
    assert listed(f"answer={multi.id}:{world['bike'].id}") == [fittja, alby]
    assert listed("channel=paper") == [fittja]
    assert listed("channel=web") == [alby]
    assert listed("from=2026-11-10") == [fittja]
    assert listed("to=2026-11-02") == [alby]  # the whole day, in Swedish time
    assert listed("from=2026-11-03&to=2026-11-11") == []
    # Unknown values are ignored, not errors.
    assert listed("answer=999:1&channel=pigeon&from=yesterday") == [fittja, alby]


def test_pages_of_fifty(
    client: Any, login: Any, world: Any, make_response: Any, monkeypatch: Any
) -> None:
    assert responses_browser.PAGE_SIZE == 50
    monkeypatch.setattr(responses_browser, "PAGE_SIZE", 2)
    for i in range(3):
        make_response(world["setup"], text=f"Svar {i}")
    login(world["planner"])
    _english(client)
    base = f"/manage/surveys/{world['setup'].survey.id}/responses"
    first = client.get(base).get_data(as_text=True)
    assert len(_listed(first)) == 2 and "page 1 of 3" in first and 'rel="next"' in first
    # Filters stay on the page links; a page past the end shows the last one.
    last = client.get(f"{base}?page=9&channel=web").get_data(as_text=True)
    assert "page 2 of 2" in last and 'rel="next"' not in last
    assert _listed(last)[-1] == world["alby"].id and world["fittja"].id not in _listed(last)
    prev = re.search(r'<a rel="prev" href="([^"]+)"', last).group(1)
    assert "channel=web" in prev and "page=1" in prev


def test_one_response_in_full_with_its_markings_is_audited(
    client: Any, login: Any, world: Any
) -> None:
    login(world["planner"])
    _english(client)
    survey, alby = world["setup"].survey, world["alby"]
    response = client.get(f"/manage/surveys/{survey.id}/responses/{alby.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<h1>Response {alby.id}</h1>" in html
    # Answers with their question prompts and option labels, not ids.
    assert '<th scope="row">What do you think?</th>' in html and "Mer ljus i tunneln" in html
    assert "Alby" in html and "30-44" in html
    assert "<li>Bike</li>" in html and "<li>Till fots</li>" in html
    # Markings: listed as text and handed to the map as GeoJSON in a data attribute.
    assert "Feels unsafe" in html and "Mörkt vid tunneln" in html and "Good place" in html
    assert "59.22000, 17.95000" in html
    data = re.search(r'data-geojson="([^"]*)"', html).group(1)
    import html as html_lib

    collection = json.loads(html_lib.unescape(data))
    assert [f["geometry"]["coordinates"] for f in collection["features"]] == [
        [17.95, 59.22],
        [17.96, 59.23],
    ]
    assert "/static/vendor/leaflet/leaflet.js" in html and "js/response-map.js" in html
    assert "<script>" not in html  # no inline script
    [event] = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "response.view")
    ).all()
    assert event.object_id == alby.id and event.actor_user_id == world["planner"].id
    assert event.data == {"survey_id": survey.id}
    client.get(f"/manage/surveys/{survey.id}/responses/{alby.id}")
    assert (
        db.session.scalar(
            db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "response.view")
        )
        == 2
    )
    # A response of another survey is not found under this one.
    other = world["setup"].survey.id + 1000
    assert client.get(f"/manage/surveys/{other}/responses/{alby.id}").status_code == 404


def test_partners_moderators_and_other_municipalities_are_refused(
    app: Any, login: Any, world: Any, make_user: Any, make_org: Any
) -> None:
    survey, alby = world["setup"].survey, world["alby"]
    partner = make_user()
    db.session.add(ProjectPartner(project=world["project"], user_id=partner.id))
    db.session.commit()
    moderator = make_user(role=Role.MODERATOR, org=world["project"].organization)
    stranger = make_user(role=Role.ADMIN, org=make_org())
    for user, status in ((partner, 403), (moderator, 403), (stranger, 404)):
        client = app.test_client()
        login(user, test_client=client)
        assert client.get(f"/manage/surveys/{survey.id}/responses").status_code == status
        assert client.get(f"/manage/surveys/{survey.id}/responses/{alby.id}").status_code == status
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == 0


def test_the_analysis_review_links_each_survey_contribution_to_its_response(
    client: Any, login: Any, world: Any, make_comment: Any
) -> None:
    stage = world["project"].current_stage
    make_comment(stage, "En kommentar utan enkätsvar")
    services.recode_and_recompute(stage)
    db.session.commit()
    login(world["planner"])
    _english(client)
    html = client.get(f"/manage/analysis/stages/{stage.id}/review").get_data(as_text=True)
    survey_id = world["setup"].survey.id
    links = re.findall(r'<a href="(/manage/surveys/\d+/responses/\d+)" data-response-link>', html)
    alby, fittja = world["alby"], world["fittja"]
    assert f"/manage/surveys/{survey_id}/responses/{alby.id}" in links  # its text and pins
    assert f"/manage/surveys/{survey_id}/responses/{fittja.id}" in links
    items = re.findall(r'<li data-item="([A-Z]\d+)">(.*?)</li>', html, re.S)
    for key, body in items:
        assert ("data-response-link" in body) == (not key.startswith("C")), key
    for link in set(links):
        assert client.get(link).status_code == 200
