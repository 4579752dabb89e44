"""Fuzz every GraphQL root field from schema.graphql: no 5xx and no masked "Unexpected error."

A masked error is the GraphQL face of a 500: an exception that is not a domain error. The
cases are drawn first (derandomized) and sent afterwards on the session's event loop.
"""

from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.core.result import Err
from schemathesis.graphql import nodes

from tests.factories import World
from tests.fuzz.cases import draw_cases

pytestmark = pytest.mark.fuzz

SCHEMA = Path(__file__).resolve().parents[2] / "schema.graphql"
MASKED = "Unexpected error."

schemathesis.graphql.scalar("UUID", st.uuids().map(lambda value: nodes.String(str(value))))
schemathesis.graphql.scalar("Date", st.dates().map(lambda value: nodes.String(value.isoformat())))
schemathesis.graphql.scalar(
    "DateTime", st.datetimes().map(lambda value: nodes.String(value.isoformat() + "Z"))
)


@pytest.mark.parametrize("who", ["school_admin", "teacher"])
async def test_every_root_field_answers_fuzzed_input_without_an_unexpected_error(
    client: httpx.AsyncClient, world: World, who: str
) -> None:
    schema = schemathesis.graphql.from_file(SCHEMA.read_text())
    headers = {"Authorization": f"Bearer {world.tokens[who]}"}
    failures: list[str] = []
    fields = 0
    for result in schema.get_all_operations():
        assert not isinstance(result, Err), result.err()
        operation = result.ok()
        fields += 1
        for case in draw_cases(operation.as_strategy()):
            body: dict[str, Any] = {"query": case.body}
            response = await client.post("/graphql", json=body, headers=headers)
            errors = [] if response.status_code >= 500 else response.json().get("errors") or []
            if response.status_code >= 500 or any(e.get("message") == MASKED for e in errors):
                failures.append(f"{operation.label} {response.status_code}\n{body}\n{errors}")
    assert fields > 0
    assert not failures, "\n\n".join(failures)
