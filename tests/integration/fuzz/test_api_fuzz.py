"""Hypothesis against the JSON API, in process: random bodies and query strings never give
a 500, and every 4xx carries the error shape ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.projects.models import ActivityKind

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=60),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
GEOMETRY_KEYS = ["type", "coordinates", "geometry", "features", "properties"]


def _check(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.get_data()[:300])
    if 400 <= response.status_code < 500:
        body = response.get_json(silent=True)
        assert isinstance(body, dict) and set(body) == {"error"}, response.get_data()[:300]
        error = body["error"]
        assert set(error) == {"code", "message", "fields"}, error
        assert isinstance(error["code"], str) and error["code"]
        assert isinstance(error["message"], str) and error["message"]
        assert isinstance(error["fields"], dict)


def _send(client: Any, url: str, body: Any) -> Any:
    """Send ``body`` as JSON, or as raw bytes (maybe not JSON at all) when it is bytes."""
    if isinstance(body, bytes):
        return client.post(url, data=body, content_type="application/json")
    data = json.dumps(body, allow_nan=True)
    return client.post(url, data=data, content_type="application/json")


def _mutate(answers: list[dict[str, Any]], data: st.DataObject) -> list[dict[str, Any]]:
    answers = copy.deepcopy(answers)
    for _round in range(data.draw(st.integers(min_value=1, max_value=3))):
        index = data.draw(st.integers(min_value=0, max_value=len(answers) - 1))
        key = data.draw(st.sampled_from(["value", "features", "question_id", "text", "other"]))
        answers[index][key] = data.draw(json_values)
    return answers


def test_fuzz_survey_responses(app, make_survey):
    kit = make_survey()
    client = app.test_client()
    url = f"/api/v1/surveys/{kit.survey.id}/responses"
    valid = kit.valid_answers()

    @SETTINGS
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        shape = data.draw(st.sampled_from(["random", "answers", "bytes", "client_id"]))
        if shape == "random":
            body: Any = data.draw(json_values)
        elif shape == "bytes":
            body = data.draw(st.binary(max_size=200))
        elif shape == "client_id":
            body = {"client_id": data.draw(json_values), "answers": valid}
        else:
            body = {
                "client_id": str(data.draw(st.uuids())),
                "language": data.draw(st.sampled_from(["sv", "en", "xx", None, 3])),
                "answers": _mutate(valid, data),
            }
        _check(_send(client, url, body))

    run()


def test_fuzz_comments(app, make_project, make_activity):
    project = make_project()
    stage = project.current_stage
    make_activity(stage, ActivityKind.DISCUSSION)
    client = app.test_client()
    url = f"/api/v1/stages/{stage.id}/comments"

    geometries = st.one_of(
        json_values,
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["Point", "LineString", "Polygon", "Nope", ""]),
                "coordinates": json_values,
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("Point"),
                "coordinates": st.lists(
                    st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=4
                ),
            }
        ),
    )

    @SETTINGS
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        shape = data.draw(st.sampled_from(["random", "fields", "bytes"]))
        if shape == "random":
            body: Any = data.draw(json_values)
        elif shape == "bytes":
            body = data.draw(st.binary(max_size=200))
        else:
            body = {
                "client_id": data.draw(st.one_of(st.uuids().map(str), json_values)),
                "body": data.draw(st.one_of(st.text(max_size=300), json_values)),
            }
            if data.draw(st.booleans()):
                body["geometry"] = data.draw(geometries)
            if data.draw(st.booleans()):
                body["parent_id"] = data.draw(json_values)
        _check(_send(client, url, body))

    run()


def test_fuzz_query_strings(app, make_project, make_activity, make_survey):
    kit = make_survey()
    stage = kit.project.current_stage
    client = app.test_client()
    urls = [
        "/api/v1/projects",
        f"/api/v1/projects/{kit.project.id}",
        f"/api/v1/stages/{stage.id}/comments",
        f"/api/v1/surveys/{kit.survey.id}",
        f"/api/v1/surveys/{kit.survey.id}/responses",
    ]
    values = st.one_of(
        st.text(max_size=40),
        st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=5).map(
            lambda xs: ",".join(str(x) for x in xs)
        ),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )

    @SETTINGS
    @given(
        url=st.sampled_from(urls),
        query=st.dictionaries(st.sampled_from(["bbox", "page", "lang", "x"]), values, max_size=3),
    )
    def run(url: str, query: dict[str, str]) -> None:
        _check(client.get(url, query_string=query))

    run()
