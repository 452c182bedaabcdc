"""Query-count guards: the number of SQL statements a page or a submission needs must not
grow with the amount of data (no N+1). Counts only, never timings (see docs/performance.md)."""

from __future__ import annotations

import uuid
from typing import Any

from app.projects.models import ActivityKind, ProjectStatus


def _queries(count_queries: Any, fetch: Any) -> tuple[int, Any]:
    with count_queries() as statements:
        response = fetch()
    return len(statements), response


def test_catalogue_with_200_projects_needs_as_many_queries_as_with_3(
    client: Any, count_queries: Any, make_org: Any, make_project: Any
) -> None:
    orgs = [make_org() for _ in range(3)]
    for n in range(3):
        make_project(orgs[n % 3], status=ProjectStatus.ACTIVE)
    client.get("/")  # warm caches that are filled once per process
    few, response = _queries(count_queries, lambda: client.get("/"))
    assert response.status_code == 200
    assert "Projekt" in response.get_data(as_text=True)

    for n in range(197):
        make_project(orgs[n % 3], status=ProjectStatus.ACTIVE)
    many, response = _queries(count_queries, lambda: client.get("/"))
    assert response.status_code == 200
    assert few > 0
    assert many == few, f"{few} queries for 3 projects but {many} for 200"


def test_stage_page_needs_as_many_queries_for_60_comments_as_for_2(
    client: Any, count_queries: Any, make_project: Any, make_activity: Any, add_comments: Any
) -> None:
    project = make_project()
    stage = project.current_stage
    make_activity(stage, ActivityKind.DISCUSSION)
    make_activity(stage, ActivityKind.SURVEY)
    url = f"/p/{project.organization.slug}/{project.slug}/{stage.id}"
    add_comments(stage, 2)
    client.get(url)
    few, response = _queries(count_queries, lambda: client.get(url))
    assert response.status_code == 200
    assert "Synpunkt 1" in response.get_data(as_text=True)

    add_comments(stage, 58)
    many, response = _queries(count_queries, lambda: client.get(url))
    assert response.status_code == 200
    assert many == few, f"{few} queries for 2 comments but {many} for 60"


def _submit(client: Any, survey_id: int, answers: list[dict[str, Any]]) -> Any:
    return client.post(
        f"/api/v1/surveys/{survey_id}/responses",
        json={"client_id": str(uuid.uuid4()), "answers": answers},
    )


def _inserts(statements: list[str]) -> int:
    return sum(1 for s in statements if s.lstrip().upper().startswith("INSERT"))


def test_a_submission_reads_as_much_for_12_questions_as_for_3(
    make_app: Any,
    count_queries: Any,
    make_project: Any,
    make_activity: Any,
    add_questions: Any,
    database_url: str,
) -> None:
    """The rows go in through the ORM unit of work: on PostgreSQL one INSERT per table, on
    SQLite one per answer (SQLite cannot return the ids of a multi-row INSERT in order, so
    the ORM writes the rows it needs ids of one by one). What must never grow is the reads."""
    app = make_app(AUTO_CODING="off")  # coding runs after the commit; not part of the request
    with app.app_context():
        stage = make_project().current_stage
        small = make_activity(stage, ActivityKind.SURVEY).survey
        large = make_activity(stage, ActivityKind.SURVEY).survey
        small_answers = add_questions(small, 3)
        large_answers = add_questions(large, 12)
        small_id, large_id = small.id, large.id

    counts: dict[str, tuple[int, int]] = {}
    for name, survey_id, answers in (
        ("small", small_id, small_answers),
        ("large", large_id, large_answers),
    ):
        fresh = app.test_client()  # a new phone: a new participant each time
        payload = answers()
        with app.app_context(), count_queries() as statements:
            response = _submit(fresh, survey_id, payload)
        assert response.status_code == 201, response.get_json()
        inserts = _inserts(statements)
        counts[name] = (len(statements) - inserts, inserts)

    assert counts["large"][0] == counts["small"][0], counts
    # Client id look-up, survey, questions, options, savepoint and release (a new phone has
    # no earlier response to look up).
    assert counts["small"][0] <= 6, counts
    if database_url.startswith("postgresql"):
        # Participant, response, answers, features.
        assert counts["large"][1] == counts["small"][1] == 4, counts
    else:
        assert counts["large"][1] - counts["small"][1] == 12 - 3, counts


def test_a_resubmission_replaces_answers_with_a_bounded_number_of_reads(
    make_app: Any, count_queries: Any, make_project: Any, make_activity: Any, add_questions: Any
) -> None:
    app = make_app(AUTO_CODING="off")
    with app.app_context():
        stage = make_project().current_stage
        survey = make_activity(stage, ActivityKind.SURVEY).survey
        answers = add_questions(survey, 6)
        survey_id = survey.id
    client = app.test_client()
    with app.app_context():
        first = _submit(client, survey_id, answers())
    assert first.status_code == 201
    with app.app_context(), count_queries() as statements:
        again = _submit(client, survey_id, answers())
    assert again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["updated_at"] is not None
    # Survey (3), participant, client id, earlier response with its answers and features (3),
    # the two DELETEs of the old answers and features, the UPDATE of the response.
    assert len(statements) - _inserts(statements) <= 11, statements
