"""The OpenAPI document declares the problem+json answers the app really gives.

api/openapi_problems.py derives them from each route's dependencies; these tests pin the
derivation (the fuzzer in tests/fuzz checks it against real answers) and that a route added
after the document was first built is covered too.
"""

import json
import uuid
from functools import cache
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.requests import Request

from api.app import create_app
from api.dependencies import CURSOR_PATTERN, ETAG_PATTERN, IfMatch, PrincipalDep
from api.errors import PROBLEM_JSON, problem_response
from api.settings import ApiSettings
from domain.kernel.errors import Problem

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


@cache
def _document() -> dict[str, Any]:
    """Built once for these tests (read-only): building the document takes a second or two."""
    return create_app(ApiSettings()).openapi()


def test_every_refusal_is_a_problem_and_fastapis_validation_error_is_gone() -> None:
    document = _document()
    refusals = 0
    for method, path, operation in _operations(document):
        for status, answer in operation["responses"].items():
            if not status.startswith(("4", "5")) or (path, status) == ("/ready", "503"):
                continue
            refusals += 1
            assert answer["content"] == {PROBLEM_JSON: {"schema": PROBLEM_REF}}, (method, path)
    assert refusals > 300
    assert "HTTPValidationError" not in str(document)


def test_each_operation_declares_what_its_dependencies_can_refuse() -> None:
    document = _document()
    for method, path, operation in _operations(document):
        statuses = set(operation["responses"])
        params = {p["name"]: p for p in operation.get("parameters", [])}
        if operation.get("security"):
            assert {"401", "403", "503"} <= statuses, (method, path)
            assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
            assert "Retry-After" in operation["responses"]["503"]["headers"]
        if "{" in path:
            assert "404" in statuses, (method, path)
        if "if-match" in params:
            assert params["if-match"]["schema"]["pattern"] == ETAG_PATTERN
            assert {"400", "412"} <= statuses, (method, path)
            assert ("428" in statuses) == params["if-match"]["required"], (method, path)
        if "cursor" in params and path != "/api/v1/audit":
            assert params["cursor"]["schema"]["pattern"] == CURSOR_PATTERN
            assert "400" in statuses, (method, path)
    pupils = document["paths"]["/api/v1/pupils/{pupil_id}"]
    patch = {p["name"]: p for p in pupils["patch"]["parameters"]}
    assert patch["if-match"]["required"] is True
    assert "409" in pupils["delete"]["responses"]
    assert "409" not in pupils["get"]["responses"]
    # a pupil_id filter is looked up (404 outside the caller's schools); school_id is a scope
    assert "404" in document["paths"]["/api/v1/judgements"]["get"]["responses"]
    assert "404" not in document["paths"]["/api/v1/pupils"]["get"]["responses"]


def test_a_route_added_later_is_documented_with_its_problems() -> None:
    app: FastAPI = create_app(ApiSettings())
    app.openapi()  # built once before the route exists
    router = APIRouter()

    @router.delete("/api/v1/late/{late_id}", status_code=204)
    async def delete_late(late_id: uuid.UUID, principal: PrincipalDep, version: IfMatch) -> None:
        """A route no decorator says anything about refusals for."""

    app.include_router(router)
    answers = app.openapi()["paths"]["/api/v1/late/{late_id}"]["delete"]["responses"]
    assert set(answers) == {"204", "400", "401", "403", "404", "409", "412", "422", "428", "503"}
    assert answers["428"]["content"][PROBLEM_JSON]["schema"] == PROBLEM_REF


def test_the_problem_schema_names_every_member_a_problem_carries() -> None:
    schemas = _document()["components"]["schemas"]
    scope = {"type": "http", "method": "GET", "path": "/x", "headers": [], "query_string": b""}
    request = Request(scope)
    request.state.correlation_id = "abc"
    response = problem_response(request, 409, "conflict", "Conflict", problems=[Problem("a", "b")])
    body = json.loads(bytes(response.body))

    assert set(schemas["Problem"]["required"]) <= set(body) <= set(schemas["Problem"]["properties"])
    assert set(body["errors"][0]) == set(schemas["ProblemField"]["required"])
