"""The OpenAPI document is valid and covers every route under /api/v1."""

from __future__ import annotations

import re

from openapi_spec_validator import validate


def _normalise(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_openapi_document_is_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert "Error" in spec["components"]["schemas"]


def test_every_api_route_is_documented(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (_normalise(path), method.upper())
        for path, item in spec["paths"].items()
        for method in item
    }
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = _normalise(re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (path, method) not in documented:
                missing.append(f"{method} {rule.rule}")
    assert not missing, f"undocumented API routes: {missing}"


def test_design_endpoints_are_all_described(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    expected = {
        ("/api/v1/projects", "get"),
        ("/api/v1/projects/{}", "get"),
        ("/api/v1/stages/{}/comments", "get"),
        ("/api/v1/stages/{}/comments", "post"),
        ("/api/v1/surveys/{}", "get"),
        ("/api/v1/surveys/{}/responses", "post"),
        ("/api/v1/surveys/{}/responses", "get"),
        ("/api/v1/stages/{}/indicators", "get"),
    }
    have = {(_normalise(p), m) for p, item in paths.items() for m in item}
    assert expected <= have
    for item in paths.values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}
