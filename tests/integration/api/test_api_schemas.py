"""The generated OpenAPI document describes what the API really answers, and one schema per
use case gives the page and the API the same, translated, messages."""
# The shared factories are imported as fixtures, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from app.comments.schemas import MAX_BODY
from tests.factories import INSIDE
from tests.integration.public.conftest import (  # noqa: F401
    discussion,
    make_comment,
)
from tests.integration.surveys.conftest import make_survey  # noqa: F401

CID = "5d1c9f3a-2b7e-4d5a-9c1e-000000000002"


def _conforms(spec: dict[str, Any], component: str, instance: Any) -> None:
    """``instance`` is valid against the document's component schema ``component``."""
    root = {**spec, "$ref": f"#/components/schemas/{component}"}
    errors = [e.message for e in Draft202012Validator(root).iter_errors(instance)]
    assert not errors, (component, errors)


def test_real_answers_match_the_generated_document(client, discussion, make_comment, make_survey):
    spec = client.get("/api/v1/openapi.json").get_json()
    stage = discussion()
    make_comment(stage, "Finns redan")
    project_id = stage.project_id
    posted = client.post(
        f"/api/v1/stages/{stage.id}/comments",
        json={"body": "Från appen", "geometry": INSIDE, "client_id": CID},
    )
    assert posted.status_code == 201
    _conforms(spec, "Comment", posted.get_json())
    _conforms(spec, "CommentPage", client.get(f"/api/v1/stages/{stage.id}/comments").get_json())
    box = client.get(f"/api/v1/stages/{stage.id}/comments?bbox=17.9,59.2,18.0,59.3")
    _conforms(spec, "CommentFeatureCollection", box.get_json())
    _conforms(spec, "ProjectList", client.get("/api/v1/projects").get_json())
    _conforms(spec, "ProjectDetail", client.get(f"/api/v1/projects/{project_id}").get_json())
    refused = client.post(f"/api/v1/stages/{stage.id}/comments", json={"body": ""})
    _conforms(spec, "Error", refused.get_json())

    kit = make_survey()
    _conforms(spec, "Survey", client.get(f"/api/v1/surveys/{kit.survey.id}").get_json())
    payload = kit.payload()
    _conforms(spec, "NewResponse", payload)
    stored = client.post(f"/api/v1/surveys/{kit.survey.id}/responses", json=payload)
    assert stored.status_code == 201, stored.get_json()
    _conforms(spec, "StoredResponse", stored.get_json())


def test_request_schemas_in_the_document_are_the_validating_ones(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    new_comment = schemas["NewComment"]
    assert set(new_comment["required"]) == {"body", "client_id"}
    assert new_comment["additionalProperties"] is False
    assert new_comment["properties"]["body"]["maxLength"] == MAX_BODY
    assert "client_id" in schemas["NewResponse"]["required"]


def test_schema_messages_are_translated_and_the_same_for_page_and_api(client, discussion):
    stage = discussion()
    too_long = "x" * (MAX_BODY + 1)
    api = client.post(
        f"/api/v1/stages/{stage.id}/comments",
        json={"body": too_long, "client_id": CID, "colour": "red", "parent_id": "1"},
    )
    assert api.status_code == 422
    error = api.get_json()["error"]
    assert error["fields"]["body"] == f"Kommentaren får vara högst {MAX_BODY} tecken lång."
    assert error["fields"]["colour"] == "Det här fältet är okänt."
    assert error["fields"]["parent_id"] == "parent_id måste vara ett kommentars-id."
    english = client.post(
        f"/api/v1/stages/{stage.id}/comments?lang=en",
        json={"body": "Hej", "client_id": CID, "colour": "red"},
    )
    assert english.get_json()["error"]["fields"] == {"colour": "This field is not known."}
    page = client.post(f"/stages/{stage.id}/comments?lang=sv", data={"body": too_long})
    assert page.status_code == 422
    assert f"Kommentaren får vara högst {MAX_BODY} tecken lång." in page.get_data(as_text=True)
