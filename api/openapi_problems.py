"""Every problem+json answer in the OpenAPI document, derived from each route's dependencies.

Refusals come from a few shared places (the caller, If-Match, cursors, the database, the
handlers in api/errors.py), not from each route, so they are documented from those same places
whenever FastAPI builds the document: a route added later is covered without touching its
decorator. A route that can refuse in its own way says so in its `responses=`; this fills in
the problem+json body for it.
"""

import json
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from starlette.routing import BaseRoute

from api.dependencies import (
    CURSOR_PATTERN,
    ETAG_PATTERN,
    get_principal,
    get_runtime,
    optional_if_match,
    page_request,
    required_if_match,
)
from api.errors import PROBLEM_JSON

PROBLEM_REF = "#/components/schemas/Problem"

PROBLEM_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "title": "Problem",
        "description": (
            "RFC 9457 problem details (api/errors.py). Extension members may follow: the token"
            " endpoint adds OAuth's error and error_description, a refused import its report."
        ),
        "type": "object",
        "required": ["type", "title", "status", "detail", "instance", "correlation_id"],
        "properties": {
            "type": {"type": "string", "examples": ["urn:stepwise:problem:not-found"]},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string", "description": "the request's path"},
            "correlation_id": {
                "type": ["string", "null"],
                "description": "the X-Request-ID this answer was logged under",
            },
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemField"}},
        },
    },
    "ProblemField": {
        "title": "ProblemField",
        "type": "object",
        "required": ["field", "reason", "code"],
        "properties": {
            "field": {"type": "string", "description": "e.g. body.date_of_birth, If-Match, cursor"},
            "reason": {"type": "string"},
            "code": {"type": "string", "description": "machine-readable, e.g. required, conflict"},
        },
    },
}

_RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before retrying",
        "required": True,
        "schema": {"type": "string", "pattern": r"^\d+$"},
    }
}
_WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "description": "the scheme to authenticate with",
        "required": True,
        "schema": {"type": "string"},
    }
}

#: status -> (description, response headers) for the refusals shared by many routes
SHARED: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("Malformed: an If-Match or cursor this API did not issue", {}),
    401: ("No valid bearer token", _WWW_AUTHENTICATE),
    403: ("The caller's role may not do this in this school or trust", {}),
    404: ("Not found, or outside the caller's schools (the two look the same)", {}),
    409: ("Clashes with existing records: a duplicate, or still referred to", {}),
    412: ("If-Match names a version that is no longer current", {}),
    422: ("Invalid request: one {field, reason, code} per problem in errors", {}),
    428: ("If-Match is required: send the ETag you read", {}),
    501: ("PDF output needs the Pango library, which this server lacks; ask for HTML", {}),
    503: ("The database is not reachable; retry after Retry-After seconds", _RETRY_AFTER),
}

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}

#: query filters the use cases look up first (a pupil outside the caller's schools is 404);
#: school_id and trust_id are scopes (403), other ids plain filters
_LOOKED_UP = {"pupil_id"}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _query_names(dependant: Dependant) -> Iterator[str]:
    yield from (field.alias for field in dependant.query_params)
    for sub in dependant.dependencies:
        yield from _query_names(sub)


def _has_parameters(dependant: Dependant) -> bool:
    own = (
        dependant.path_params
        or dependant.query_params
        or dependant.header_params
        or dependant.cookie_params
        or dependant.body_params
    )
    return bool(own) or any(_has_parameters(sub) for sub in dependant.dependencies)


def refusals(route: RouteContext, method: str, operation: dict[str, Any]) -> set[int]:
    """The problem statuses a route can answer with, from what it depends on."""
    calls = set(_calls(route.dependant))
    statuses: set[int] = set()
    if get_principal in calls:
        statuses |= {401, 403}
        if method in _WRITES:
            statuses.add(409)  # unique keys and references are checked by the database
    if get_runtime in calls:
        statuses.add(503)
    if route.dependant.path_params or _LOOKED_UP & set(_query_names(route.dependant)):
        statuses.add(404)
    if _has_parameters(route.dependant):
        statuses.add(422)
    if required_if_match in calls:
        statuses |= {400, 412, 428}
    if optional_if_match in calls:
        statuses |= {400, 412}
    if page_request in calls:
        statuses.add(400)
    if "application/pdf" in json.dumps(operation["responses"]):
        statuses.add(501)  # api/reports/negotiation.py renders every PDF
    return statuses


def _problem(description: str, headers: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }
    if headers:
        answer["headers"] = headers
    return answer


def _declare(responses: dict[str, Any], statuses: set[int]) -> None:
    """Add the shared refusals; give a route's own 4xx/5xx (and FastAPI's 422) a problem body."""
    for status in sorted(statuses):
        if str(status) not in responses:
            responses[str(status)] = _problem(*SHARED[status])
    for code, answer in responses.items():
        if not (code.isdigit() and code.startswith(("4", "5"))):
            continue
        description, headers = SHARED.get(int(code), (answer.get("description", ""), {}))
        if "HTTPValidationError" in json.dumps(answer):
            # FastAPI's default 422; api/errors.py answers request validation with a Problem
            answer.clear()
            answer.update(_problem(description, headers))
        elif not answer.get("content"):
            answer.update(_problem(answer.get("description") or description, headers))
    ordered = sorted(responses.items())
    responses.clear()
    responses.update(ordered)


def _document_headers(operation: dict[str, Any], route: RouteContext) -> None:
    """If-Match and cursors are checked by hand (400/428, not FastAPI's 422): say how."""
    calls = set(_calls(route.dependant))
    for parameter in operation.get("parameters", []):
        name = parameter["name"].lower()
        if parameter["in"] == "header" and name == "if-match":
            parameter["schema"] = {"type": "string", "pattern": ETAG_PATTERN}
            parameter["required"] = required_if_match in calls
        elif parameter["in"] == "query" and name == "cursor" and page_request in calls:
            parameter["schema"] = {"type": "string", "pattern": CURSOR_PATTERN}


def _drop_unused_schemas(document: dict[str, Any]) -> None:
    """FastAPI's HTTPValidationError is never sent (api/errors.py answers with a Problem)."""
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{name}" not in json.dumps(document):
            schemas.pop(name, None)


def add_problems(document: dict[str, Any], routes: list[BaseRoute]) -> dict[str, Any]:
    """Declare each operation's problem answers in an OpenAPI document built from `routes`."""
    for route in iter_route_contexts(routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        item = document["paths"].get(route.path_format, {})
        for method in route.methods or ():
            operation = item.get(method.lower())
            if operation is not None:
                statuses = refusals(route, method, operation)
                _declare(operation.setdefault("responses", {}), statuses)
                _document_headers(operation, route)
    document.setdefault("components", {}).setdefault("schemas", {}).update(PROBLEM_SCHEMAS)
    _drop_unused_schemas(document)
    return document


def document_problems(app: FastAPI) -> None:
    """Add the problems to the app's OpenAPI document each time FastAPI builds it (once, and
    again only if routes are added)."""
    build = app.openapi
    done: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        document = build()
        if not any(document is seen for seen in done):
            done[:] = [add_problems(document, app.routes)]
        return document

    app.openapi = openapi  # type: ignore[method-assign]
