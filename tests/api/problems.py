"""Checking RFC 9457 problem responses: the shape every failure shares, and the field it names."""

from typing import Any

import httpx

PROBLEM_JSON = "application/problem+json"
PROBLEM_MEMBERS = ("type", "title", "status", "detail", "correlation_id")


def assert_problem(
    response: httpx.Response,
    status: int,
    field: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """Assert `response` is a problem with `status` (naming `field`, with `code`); its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    missing = [m for m in PROBLEM_MEMBERS if not body.get(m)]
    assert not missing, f"problem body lacks {missing}: {body}"
    assert body["status"] == status
    assert body["type"].startswith("urn:stepwise:problem:")
    assert body["correlation_id"] == response.headers["x-request-id"]
    if field is not None:
        named = [e for e in body.get("errors", []) if e["field"] == field]
        assert named, f"no error names {field!r}: {body}"
        if code is not None:
            assert code in {e["code"] for e in named}, f"{field!r} not refused with {code}: {body}"
    return body


def error_fields(response: httpx.Response) -> set[str]:
    """Every field a problem response names."""
    return {e["field"] for e in response.json().get("errors", [])}
