"""The authorisation matrix: every operation by every kind of caller, against the table.

Operations are read from the API (OpenAPI paths, GraphQL root fields); authorisation_matrix.md
says what each caller gets. Every caller calls every operation against a school A of its own
(a fresh victim, so what one caller's successful writes change cannot alter another's
answers), and the test fails on any answer the table does not name (OWASP API1 and API5), on
any of A's data in an answer to a caller refused it, and on any name, UPN, date of birth, MIS
id or free text in any answer to a trust analyst (API3: they see pupils by pseudonym).
"""

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.graphql.schema import build_schema
from api.runtime import Runtime
from tests.api.authorisation_calls import (
    call_graphql,
    call_rest,
    graphql_outcome,
    rest_outcome,
    without_echo,
)
from tests.api.authorisation_cases import graphql_variables, rest_calls
from tests.api.authorisation_table import (
    OUTCOMES,
    TABLE,
    graphql_operations,
    load,
    missing,
    rest_operations,
)
from tests.api.authorisation_victim import CALLERS, INTRUDERS, Victim, build_victim
from tests.api.string_fields import FREE_TEXT, IDENTIFYING, NAME_OR_PSEUDONYM, STRING_FIELDS
from tests.api.string_walk import blank, graphql_strings, rest_strings
from tests.factories import World

GRAPHQL = build_schema()._schema
#: what every pseudonym begins with (domain.privacy.Pseudonymiser)
PSEUDONYM_PREFIX = "P-"

#: Cells that refuse: the answer must carry nothing of school A.
REFUSALS = frozenset({"401", "403", "404", "422-ref"})


@pytest.fixture(scope="module")
async def stranger(runtime: Runtime) -> World:
    """The unrelated trust whose admin is the `other_trust` caller (it only reads)."""
    return await World.build(runtime)


def _phase(operation: str) -> int:
    """Reads first, then writes, then deletes, and the erasure of the pupil last of all: a
    caller's own writes never hide a record from its reads, and a record goes only after
    everything else that uses it has been called."""
    if operation.endswith("/erasure"):
        return 3
    verb = operation.split(" ", 1)[0]
    return {"GET": 0, "query": 0, "DELETE": 2}.get(verb, 1)


async def _answer(
    client: httpx.AsyncClient, victim: Victim, operation: str, token: str | None
) -> tuple[str, httpx.Response]:
    verb, name = operation.split(" ", 1)
    ids = victim.ids
    if verb in ("query", "mutation"):
        response = await call_graphql(client, name, graphql_variables(name, victim, ids), token)
        return graphql_outcome(name, response), response
    call = rest_calls(victim)[(verb, name)]
    response = await call_rest(client, verb, name, call, ids, token)
    return rest_outcome(response), response


def test_the_table_has_a_row_for_every_operation_and_no_other(app: FastAPI) -> None:
    operations = rest_operations(app.openapi()) + graphql_operations()
    rows = load()
    unclassified = sorted(set(operations) - rows.keys())
    assert unclassified == [], "add rows: python -m tests.api.authorisation_table --missing"
    assert sorted(rows.keys() - set(operations)) == [], "rows for operations the API lost"
    bad = {(op, who, cell) for op, cells in rows.items() for who, cell in cells.items()}
    assert {entry for entry in bad if entry[2] not in OUTCOMES} == set()


def test_rows_printed_for_a_new_operation_fail_until_classified(tmp_path: Path) -> None:
    rows = load()
    printed = missing(["GET /api/v1/new-thing", *rows], rows)
    header = [line for line in TABLE.read_text().splitlines() if line.startswith("| operation")]
    pasted = tmp_path / "matrix.md"
    pasted.write_text("\n".join([*header, *printed]))
    assert load(pasted) == {"GET /api/v1/new-thing": dict.fromkeys(CALLERS, "?")}
    assert "?" not in OUTCOMES


@pytest.mark.parametrize("caller", CALLERS)
async def test_every_operation_answers_the_caller_as_the_table_says(
    client: httpx.AsyncClient, runtime: Runtime, stranger: World, caller: str, app: FastAPI
) -> None:
    victim = await build_victim(runtime, stranger)
    openapi = app.openapi()
    token = victim.tokens.get(caller)  # the anonymous caller has none
    rows = load()
    graphql = {op for op in rows if op.startswith(("query ", "mutation "))}
    requests = {f"{method} {path}" for method, path in rest_calls(victim)}
    assert requests | graphql == rows.keys(), "every row needs a request in authorisation_cases"
    failures = []
    for operation in sorted(rows, key=_phase):
        expected = rows[operation][caller]
        outcome, response = await _answer(client, victim, operation, token)
        text = without_echo(response)
        if outcome != expected.removesuffix("-ref"):
            failures.append(f"{operation}: {outcome}, the table says {expected}: {text[:300]}")
        refused = caller in INTRUDERS or expected in REFUSALS
        if refused and (leaked := [m for m in victim.markers if m in text]):
            failures.append(f"{operation}: refused, yet carries school A's {leaked}")
        masked = caller == "trust_analyst"
        if masked and (shown := [m for m in victim.personal if m in text]):
            failures.append(f"{operation}: shows a pseudonymised caller {shown}")
        if (
            masked
            and outcome == "ok"
            and (fields := _sensitive_shown(openapi, operation, response))
        ):
            failures.append(f"{operation}: shows a pseudonymised caller {fields}")
    assert failures == [], "\n".join(failures)


def _sensitive_shown(
    openapi: dict[str, Any], operation: str, response: httpx.Response
) -> list[str]:
    """Fields tests/api/string_fields.py calls identifying or free text that are not blank in
    an answer, read along the answer's own schema (REST) or type (GraphQL)."""
    verb, name = operation.split(" ", 1)
    if not response.headers.get("content-type", "").startswith("application/json"):
        return []
    body = response.json()
    if verb in ("query", "mutation"):
        root = GRAPHQL.query_type if verb == "query" else GRAPHQL.mutation_type
        found = graphql_strings(GRAPHQL, body.get("data"), root)
    else:
        found = rest_strings(openapi, verb, name, response.status_code, body)
    shown = set()
    for field, value in found:
        kind = STRING_FIELDS.get(field)
        if kind in (IDENTIFYING, FREE_TEXT) and not blank(value):
            shown.add(field)
        if kind is NAME_OR_PSEUDONYM and not str(value).startswith(PSEUDONYM_PREFIX):
            shown.add(field)
    return sorted(shown)
