"""JSON API v1: the OpenAPI 3.1 document of the whole API (DESIGN.md section 8).

Served at ``GET /api/v1/openapi.json``. A test validates it and checks that every route
registered under ``/api/v1`` appears here, so a new endpoint cannot go undocumented.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.api import bp

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def _errors(*statuses: int) -> dict[str, Any]:
    texts = {
        400: "Malformed request (not JSON, bad query parameter).",
        401: "Login or an API token is needed.",
        403: "Not allowed (closed stage, participation policy, role).",
        404: "Unknown or not visible.",
        409: "Conflicts with what is stored (closed, already answered, client_id reused).",
        413: "The request body is too large.",
        422: "Invalid input; `fields` names each problem.",
        429: "Too many requests; see Retry-After.",
    }
    return {str(s): _error(texts[s]) for s in statuses}


def _id_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "integer", "minimum": 1},
    }


LANG_PARAM = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of titles and labels (defaults to the interface language).",
    "schema": {"type": "string", "example": "sv"},
}
PAGE_PARAM = {
    "name": "page",
    "in": "query",
    "required": False,
    "description": "Page number, from 1.",
    "schema": {"type": "integer", "minimum": 1, "default": 1},
}

NULLABLE_STRING = {"type": ["string", "null"]}
DATETIME = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "fields"],
                "properties": {
                    "code": {"type": "string", "example": "invalid"},
                    "message": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "description": "Problems per request field.",
                    },
                },
            }
        },
    },
    "Geometry": {
        "type": "object",
        "description": "A GeoJSON geometry in WGS84 (lon, lat).",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {
                "type": "string",
                "enum": [
                    "Point",
                    "LineString",
                    "Polygon",
                    "MultiPoint",
                    "MultiLineString",
                    "MultiPolygon",
                ],
            },
            "coordinates": {"type": "array"},
        },
    },
    "Point": {
        "type": "object",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"const": "Point"},
            "coordinates": {
                "type": "array",
                "items": {"type": "number"},
                "minItems": 2,
                "maxItems": 2,
            },
        },
    },
    "OrganizationRef": {
        "type": "object",
        "required": ["id", "slug", "name"],
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "name": {"type": "string"},
        },
    },
    "ProjectSummary": {
        "type": "object",
        "required": [
            "id",
            "slug",
            "title",
            "organization",
            "status",
            "area",
            "current_stage_id",
            "url",
        ],
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "organization": _ref("OrganizationRef"),
            "status": {"type": "string", "enum": ["active", "completed", "draft", "archived"]},
            "area": {"oneOf": [_ref("Geometry"), {"type": "null"}]},
            "current_stage_id": {"type": ["integer", "null"]},
            "url": {"type": "string", "format": "uri"},
        },
    },
    "Activity": {
        "type": "object",
        "required": ["id", "kind", "policy", "moderation"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["survey", "discussion"]},
            "survey_id": {"type": ["integer", "null"]},
            "policy": {"type": "string", "enum": ["anonymous", "nickname", "account"]},
            "moderation": {"type": "string", "enum": ["post", "pre"]},
        },
    },
    "Stage": {
        "type": "object",
        "required": [
            "id",
            "kind",
            "title",
            "position",
            "status",
            "opens_at",
            "closes_at",
            "participation_level",
            "activities",
        ],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string"},
            "title": {"type": "string"},
            "position": {"type": "integer"},
            "status": {"type": "string", "enum": ["open", "closed", "upcoming"]},
            "is_current": {"type": "boolean"},
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "participation_level": {
                "type": "string",
                "enum": ["information", "consultation", "dialogue", "influence", "codecision"],
            },
            "influence": NULLABLE_STRING,
            "activities": {"type": "array", "items": _ref("Activity")},
        },
    },
    "ProjectDetail": {
        "allOf": [
            _ref("ProjectSummary"),
            {
                "type": "object",
                "required": ["stages"],
                "properties": {
                    "summary": NULLABLE_STRING,
                    "body": NULLABLE_STRING,
                    "stages": {"type": "array", "items": _ref("Stage")},
                },
            },
        ]
    },
    "Comment": {
        "type": "object",
        "required": ["id", "stage_id", "parent_id", "body", "created_at", "supports", "official"],
        "properties": {
            "id": {"type": "integer"},
            "stage_id": {"type": "integer"},
            "parent_id": {"type": ["integer", "null"]},
            "body": {"type": "string"},
            "geometry": {"oneOf": [_ref("Point"), {"type": "null"}]},
            "status": {"type": "string", "enum": ["published", "pending", "hidden"]},
            "created_at": {"type": "string", "format": "date-time"},
            "edited_at": DATETIME,
            "supports": {"type": "integer", "minimum": 0},
            "official": {"type": "boolean"},
            "client_id": NULLABLE_STRING,
        },
    },
    "CommentPage": {
        "type": "object",
        "required": ["comments", "page", "pages", "total"],
        "properties": {
            "comments": {"type": "array", "items": _ref("Comment")},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "total": {"type": "integer"},
        },
    },
    "CommentFeatureCollection": {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "id", "geometry", "properties"],
                    "properties": {
                        "type": {"const": "Feature"},
                        "id": {"type": "integer"},
                        "geometry": _ref("Geometry"),
                        "properties": {
                            "type": "object",
                            "required": [
                                "id",
                                "body",
                                "created_at",
                                "supports",
                                "official",
                                "parent_id",
                            ],
                            "properties": {
                                "id": {"type": "integer"},
                                "body": {"type": "string"},
                                "created_at": {"type": "string", "format": "date-time"},
                                "supports": {"type": "integer"},
                                "official": {"type": "boolean"},
                                "parent_id": {"type": ["integer", "null"]},
                            },
                        },
                    },
                },
            },
        },
    },
    "NewComment": {
        "type": "object",
        "required": ["body", "client_id"],
        "additionalProperties": False,
        "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": 2000},
            "geometry": {"oneOf": [_ref("Point"), {"type": "null"}]},
            "parent_id": {"type": ["integer", "null"]},
            "client_id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9_-]{8,36}$",
                "description": "Generated by the client (a UUID); re-sending is harmless.",
            },
        },
    },
    "Option": {
        "type": "object",
        "required": ["id", "label"],
        "properties": {"id": {"type": "integer"}, "label": {"type": "string"}},
        "additionalProperties": True,
    },
    "Question": {
        "type": "object",
        "required": ["id", "type", "prompt", "required", "options", "categories", "places"],
        "properties": {
            "id": {"type": "integer"},
            "type": {
                "type": "string",
                "enum": [
                    "map_point",
                    "map_line",
                    "map_polygon",
                    "single_choice",
                    "multi_choice",
                    "likert",
                    "scale",
                    "ranking",
                    "short_text",
                    "long_text",
                    "number",
                    "age_band",
                    "gender",
                    "district",
                    "relation",
                ],
            },
            "page": {"type": "integer"},
            "prompt": {"type": "string"},
            "required": {"type": "boolean"},
            "options": {"type": "array", "items": _ref("Option")},
            "categories": {"type": "array", "items": _ref("Option")},
            "places": {"type": "array", "items": _ref("Option")},
            "min": {"type": ["integer", "null"]},
            "max": {"type": ["integer", "null"]},
            "condition": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["question_id", "option_id"],
                        "properties": {
                            "question_id": {"type": "integer"},
                            "option_id": {"type": "integer"},
                        },
                    },
                    {"type": "null"},
                ]
            },
        },
        "additionalProperties": True,
    },
    "Survey": {
        "type": "object",
        "required": ["id", "title", "status", "languages", "pages", "questions"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": ["draft", "open", "closed"]},
            "languages": {"type": "array", "items": {"type": "string"}},
            "pages": {"type": "array", "items": {"type": "object"}},
            "questions": {"type": "array", "items": _ref("Question")},
        },
        "additionalProperties": True,
    },
    "MapFeature": {
        "type": "object",
        "required": ["type", "geometry"],
        "properties": {
            "type": {"const": "Feature"},
            "geometry": _ref("Geometry"),
            "properties": {
                "type": "object",
                "properties": {
                    "category": {"type": ["integer", "null"]},
                    "comment": NULLABLE_STRING,
                },
            },
        },
    },
    "Answer": {
        "type": "object",
        "required": ["question_id"],
        "description": (
            "`value` is an option id (single choice, demographics), a list of option ids "
            "(multi choice, ranking in order), an integer (likert 1-5, scale 0-10), a number, "
            "a string (text types), or for map questions `{place}` / `{description}` as the "
            "text alternative; map questions send `features` instead."
        ),
        "properties": {
            "question_id": {"type": "integer"},
            "value": {},
            "other": NULLABLE_STRING,
            "features": {"type": "array", "items": _ref("MapFeature")},
        },
    },
    "NewResponse": {
        "type": "object",
        "required": ["client_id", "language", "answers"],
        "properties": {
            "client_id": {"type": "string", "maxLength": 36},
            "language": {"type": "string"},
            "channel": {"type": "string", "enum": ["web", "offline", "kiosk", "paper"]},
            "answers": {"type": "array", "items": _ref("Answer")},
            "demographics": {"type": ["object", "null"]},
        },
    },
    "StoredResponse": {
        "type": "object",
        "required": ["id", "client_id"],
        "properties": {
            "id": {"type": "integer"},
            "client_id": {"type": "string"},
            "survey_id": {"type": "integer"},
            "submitted_at": {"type": "string", "format": "date-time"},
            "answers": {"type": "array", "items": _ref("Answer")},
        },
        "additionalProperties": True,
    },
    "ResponsePage": {
        "type": "object",
        "required": ["responses", "page", "pages", "total"],
        "properties": {
            "survey_id": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
            "total": {"type": "integer"},
            "personal_data": {"type": "boolean"},
            "responses": {"type": "array", "items": _ref("StoredResponse")},
        },
    },
    "Indicators": {
        "type": "object",
        "description": "Aggregated indicators of a stage (DESIGN.md section 6); cells "
        'below the suppression threshold are reported as "<5".',
        "additionalProperties": True,
    },
}

STAGE_ID = _id_param("stage_id", "The stage's id.")
SURVEY_ID = _id_param("survey_id", "The survey's id.")
PROJECT_ID = _id_param("project_id", "The project's id.")

PATHS: dict[str, Any] = {
    "/api/v1/projects": {
        "get": {
            "operationId": "listProjects",
            "summary": "Published projects of every organization",
            "tags": ["projects"],
            "parameters": [LANG_PARAM],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["projects"],
                        "properties": {
                            "projects": {"type": "array", "items": _ref("ProjectSummary")}
                        },
                    },
                    "The projects.",
                ),
                **_errors(429),
            },
        }
    },
    "/api/v1/projects/{project_id}": {
        "get": {
            "operationId": "getProject",
            "summary": "A project with its stages and activities",
            "tags": ["projects"],
            "parameters": [PROJECT_ID, LANG_PARAM],
            "responses": {"200": _json(_ref("ProjectDetail"), "The project."), **_errors(404)},
        }
    },
    "/api/v1/stages/{stage_id}/comments": {
        "get": {
            "operationId": "listStageComments",
            "summary": "Published comments of a stage",
            "description": (
                "With `bbox`, a GeoJSON FeatureCollection of the comments placed in the box "
                "(with an ETag; 304 on a matching If-None-Match). Without it, a paginated "
                "list of all published comments."
            ),
            "tags": ["comments"],
            "parameters": [
                STAGE_ID,
                {
                    "name": "bbox",
                    "in": "query",
                    "required": False,
                    "description": "minLon,minLat,maxLon,maxLat (WGS84).",
                    "schema": {"type": "string", "example": "17.9,59.2,18.0,59.3"},
                },
                PAGE_PARAM,
            ],
            "responses": {
                "200": {
                    "description": "GeoJSON with bbox, a page of comments without.",
                    "content": {
                        "application/geo+json": {"schema": _ref("CommentFeatureCollection")},
                        JSON: {"schema": _ref("CommentPage")},
                    },
                },
                "304": {"description": "Not modified since the ETag sent in If-None-Match."},
                **_errors(400, 404),
            },
        },
        "post": {
            "operationId": "createComment",
            "summary": "Post a comment or reply (idempotent by client_id)",
            "description": (
                "Browser calls send the session cookie and the CSRF token as X-CSRFToken. "
                "Replies deeper than two levels attach to the level-2 comment's parent."
            ),
            "tags": ["comments"],
            "parameters": [STAGE_ID],
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": _ref("NewComment")}},
            },
            "responses": {
                "201": _json(_ref("Comment"), "Stored."),
                "200": _json(_ref("Comment"), "Already stored with this client_id."),
                **_errors(400, 403, 404, 409, 413, 422, 429),
            },
        },
    },
    "/api/v1/surveys/{survey_id}": {
        "get": {
            "operationId": "getSurvey",
            "summary": "A survey with its pages and questions",
            "tags": ["surveys"],
            "parameters": [SURVEY_ID, LANG_PARAM],
            "responses": {"200": _json(_ref("Survey"), "The survey."), **_errors(404)},
        }
    },
    "/api/v1/surveys/{survey_id}/responses": {
        "post": {
            "operationId": "createResponse",
            "summary": "Submit a response (idempotent by client_id)",
            "tags": ["surveys"],
            "parameters": [SURVEY_ID],
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": _ref("NewResponse")}},
            },
            "responses": {
                "201": _json(_ref("StoredResponse"), "Stored."),
                "200": _json(_ref("StoredResponse"), "Already stored with this client_id."),
                **_errors(400, 403, 404, 409, 413, 422, 429),
            },
        },
        "get": {
            "operationId": "listResponses",
            "summary": "Staff: a page of the survey's responses",
            "description": "Personal data only for roles allowed to see it.",
            "tags": ["surveys", "staff"],
            "parameters": [SURVEY_ID, PAGE_PARAM],
            "security": [{"session": []}, {"apiToken": []}],
            "responses": {
                "200": _json(_ref("ResponsePage"), "The responses."),
                **_errors(400, 401, 403, 404),
            },
        },
    },
    "/api/v1/stages/{stage_id}/indicators": {
        "get": {
            "operationId": "getStageIndicators",
            "summary": "Staff: the stage's indicators",
            "tags": ["staff"],
            "parameters": [STAGE_ID],
            "security": [{"session": []}, {"apiToken": []}],
            "responses": {
                "200": _json(_ref("Indicators"), "The indicators."),
                **_errors(401, 403, 404),
            },
        }
    },
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "tags": ["meta"],
            "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
        }
    },
}


def document() -> dict[str, Any]:
    """The OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Platsdialog API",
            "version": "1",
            "description": (
                "For the PWA's offline sync, open data and integrations. Errors are "
                '`{"error": {"code", "message", "fields"}}`. Ids are integers; geometries '
                "are GeoJSON in WGS84 (lon, lat)."
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": n} for n in ("projects", "comments", "surveys", "staff", "meta")],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "apiToken": {"type": "http", "scheme": "bearer"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_document() -> object:
    """The OpenAPI 3.1 document of the API."""
    return jsonify(document())
