"""What the request boundary refuses cleanly: out-of-range numbers in query strings, line
breaks in ``next=``, deeply nested JSON and oversized survey submissions (issue 15)."""

from __future__ import annotations

import json

import pytest

from app.organizations.models import Role
from tests.conftest import TEST_PASSWORD

BIG = "99999999999999999999"


def test_out_of_range_numbers_in_query_strings_are_400_not_500(
    client, make_user, login, make_open_survey
):
    survey = make_open_survey()
    org = survey.activity.stage.project.organization
    login(make_user(role=Role.ADMIN, org=org))
    for url in (
        f"/?page={BIG}",
        f"/?project={BIG}",
        f"/?stage={BIG}",
        f"/manage/moderation?page={BIG}",
        f"/manage/moderation?project={BIG}&stage={BIG}",
        f"/manage/moderation?project=-{BIG}",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.mimetype == "text/html"
    api = client.get(f"/api/v1/surveys/{survey.id}/responses?page={BIG}")
    assert api.status_code == 400
    assert api.get_json()["error"]["code"] == "bad_request"
    # Numbers in range, and other arguments with long numbers (a search), are untouched.
    assert client.get("/manage/moderation?page=2147483647").status_code == 200
    assert client.get(f"/?q={BIG}").status_code == 200


def test_a_line_break_in_next_redirects_safely(client, make_user):
    response = client.get("/lang/en?next=/x%0d%0aSet-Cookie:%20a=b")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "a=b" not in response.headers.get("Set-Cookie", "")
    user = make_user()
    response = client.post(
        "/login?next=/account%0aevil", data={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("shape", ["object", "array", "mixed"])
def test_deeply_nested_json_is_a_clean_400(client, make_open_survey, shape):
    survey = make_open_survey()
    depth = 5000
    body = {
        "object": '{"a":' * depth + "1" + "}" * depth,
        "array": "[" * depth + "]" * depth,
        "mixed": '{"answers":' + '[{"v":' * 40 + "1" + "}]" * 40 + "}",
    }[shape]
    response = client.post(
        f"/api/v1/surveys/{survey.id}/responses", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"]


def test_moderately_nested_json_still_parses(app):
    from app.core.requests import MAX_JSON_DEPTH

    ring = [[18.0, 59.0], [18.1, 59.0], [18.1, 59.1], [18.0, 59.0]]
    answer = {"answers": [{"value": {"features": [{"geometry": {"coordinates": [ring]}}]}}]}
    with app.test_request_context("/", method="POST", json=answer):
        from flask import request

        assert request.get_json() == answer
    deep: object = 1
    for _ in range(MAX_JSON_DEPTH + 1):
        deep = [deep]
    with app.test_request_context("/", method="POST", json=deep):
        from flask import request

        assert request.get_json(silent=True) is None


def _map_answer(n_bytes):
    point = [18.01234567, 59.01234567]
    count = n_bytes // 26
    return {"type": "LineString", "coordinates": [point] * count}


def test_a_huge_map_answer_is_refused_with_413_before_it_is_parsed(
    app, client, make_open_survey, monkeypatch
):
    survey = make_open_survey()
    parsed = []
    real_loads = app.json.loads
    monkeypatch.setattr(app.json, "loads", lambda s, **kw: parsed.append(1) or real_loads(s, **kw))
    body = json.dumps(
        {
            "client_id": "6f1d0c7e-2a43-4f59-9f3e-1a2b3c4d5e6f",
            "answers": {"1": _map_answer(1_000_000)},
        }
    )
    response = client.post(
        f"/api/v1/surveys/{survey.id}/responses", data=body, content_type="application/json"
    )
    assert parsed == []  # (before reading the answer, which parses JSON too)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    # The survey form takes the same limit: a page with a huge map field is a 413 page.
    form = client.post(f"/s/{survey.id}", data={"q1": json.dumps(_map_answer(600_000))})
    assert form.status_code == 413
    assert form.mimetype == "text/html"


def test_the_submission_limit_applies_to_survey_submissions_only(make_app, make_user):
    app = make_app(MAX_SURVEY_SUBMISSION_BYTES=1024)
    with app.app_context():
        user = make_user()
        client = app.test_client()
        # Logging in with a (long) body elsewhere is not a survey submission.
        response = client.post(
            "/login", data={"email": user.email, "password": TEST_PASSWORD, "pad": "x" * 4000}
        )
        assert response.status_code == 302
