"""Tenancy guarantees beyond the authorisation matrix's cells (authorisation_matrix.md).

The matrix calls every operation as every caller, intruders from another school of the trust
and from another trust among them. Two things it cannot see from one answer: that a refused
reference (`422-ref`) is indistinguishable from an id that never existed, so a 422 is no
oracle for what another school holds; and that a list left unfiltered carries only the
caller's own schools.
"""

import uuid

import httpx
import pytest

from api.runtime import Runtime
from tests.api.authorisation_calls import call_graphql, call_rest, without_echo
from tests.api.authorisation_cases import graphql_variables, rest_calls
from tests.api.authorisation_table import load
from tests.api.authorisation_victim import Victim, build_victim
from tests.factories import World


@pytest.fixture(scope="module")
async def victim(runtime: Runtime) -> Victim:
    return await build_victim(runtime, await World.build(runtime))


async def _answer(
    client: httpx.AsyncClient, victim: Victim, operation: str, ids: dict[str, str], token: str
) -> tuple[int, str]:
    verb, name = operation.split(" ", 1)
    if verb == "mutation":
        response = await call_graphql(client, name, graphql_variables(name, victim, ids), token)
    else:
        call = rest_calls(victim)[(verb, name)]
        response = await call_rest(client, verb, name, call, ids, token)
    return response.status_code, without_echo(response)


async def test_refused_references_look_exactly_like_missing_ones(
    client: httpx.AsyncClient, victim: Victim
) -> None:
    """Every `422-ref` cell: the answer for A's record is the answer for an invented id."""
    invented = {key: str(uuid.uuid4()) for key in victim.ids}
    references = [
        (operation, caller)
        for operation, cells in load().items()
        for caller, cell in cells.items()
        if cell == "422-ref"
    ]
    assert references, "the table names no refused references"
    for operation, caller in references:
        token = victim.tokens[caller]
        real = await _answer(client, victim, operation, victim.ids, token)
        fake = await _answer(client, victim, operation, invented, token)
        assert real == fake, (operation, caller)


async def test_the_same_trusts_school_admin_sees_only_their_own_school_in_lists(
    client: httpx.AsyncClient, victim: Victim
) -> None:
    headers = {"Authorization": f"Bearer {victim.tokens['other_school']}"}
    schools = await client.get("/api/v1/schools", headers=headers)
    pupils = await client.get("/api/v1/pupils", headers=headers)
    assert [s["id"] for s in schools.json()["items"]] == [str(victim.world.other_school.id)]
    assert {p["school_id"] for p in pupils.json()["items"]} == {str(victim.world.other_school.id)}
