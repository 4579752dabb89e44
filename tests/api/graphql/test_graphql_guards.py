"""The /graphql endpoint's guards: limits checked before execution, tokens, transports, masking."""

from typing import Any

import httpx
import pytest
import strawberry

from api.graphql.errors import DomainErrorCodes
from api.graphql.schema import DEFAULT_MAX_DEPTH
from domain.kernel.errors import NotFound
from tests.api.graphql_support import counting_statements, data, post
from tests.factories import World

RECORD = """
  recordJudgement(input: {pupilId: "%(pupil)s", strandId: "%(strand)s",
                          moduleId: "%(module)s", stepId: "%(step)s"}) { __typename }
"""


def record_judgement(world: World, alias: str = "") -> str:
    """A recordJudgement selection for the world's first pupil, reading, term 1, step S2."""
    field = RECORD % {
        "pupil": world.pupil.id,
        "strand": world.reading,
        "module": world.modules[0].id,
        "step": world.step("S2"),
    }
    return f"{alias}: {field}" if alias else field


async def judgements_of_first_pupil(client: httpx.AsyncClient, world: World) -> list[Any]:
    result = await data(
        client,
        world,
        "teacher",
        "query ($p: UUID!) { judgements(pupilId: $p) { nodes { id } } }",
        {"p": str(world.pupil.id)},
    )
    nodes: list[Any] = result["judgements"]["nodes"]
    return nodes


def nested(levels: int) -> str:
    """pupil { school { pupils(first: 1) { nodes { school ... { id } } } } } with `levels`
    fields below pupil (a page of one pupil at each turn, so the cost stays small).

    The depth limiter counts the root field as depth 0, so the final `id` is at `levels + 1`.
    """
    cycle = ["school", "pupils(first: 1)", "nodes"]
    chain = [cycle[n % 3] for n in range(levels)]
    selection = "id"
    for field in reversed(chain):
        selection = f"{field} {{ {selection} }}"
    return "query ($id: UUID!) { pupil(id: $id) { " + selection + " } }"


# --- depth, aliases, tokens -----------------------------------------------------------


async def test_a_query_at_the_depth_limit_is_answered(
    client: httpx.AsyncClient, world: World
) -> None:
    query = nested(DEFAULT_MAX_DEPTH - 1)  # the final id at depth 10

    result = await data(client, world, "teacher", query, {"id": str(world.pupil.id)})

    assert result["pupil"]["school"]["pupils"]["nodes"]


async def test_a_query_deeper_than_the_limit_is_refused_before_execution(
    client: httpx.AsyncClient, world: World
) -> None:
    with counting_statements(world.runtime) as baseline:
        await data(client, world, "teacher", "{ me { subject } }")
    with counting_statements(world.runtime) as statements:
        body = await post(
            client, world, "teacher", nested(DEFAULT_MAX_DEPTH), {"id": str(world.pupil.id)}
        )

    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == [
        f"'anonymous' exceeds maximum operation depth of {DEFAULT_MAX_DEPTH}"
    ]
    assert len(statements) == len(baseline), "only the caller was resolved; no resolver ran"


async def test_thirty_aliases_are_answered(client: httpx.AsyncClient, world: World) -> None:
    query = "{ " + " ".join(f"a{i}: me {{ subject }}" for i in range(30)) + " }"

    result = await data(client, world, "teacher", query)

    assert len(result) == 30


async def test_more_than_thirty_aliases_are_refused_before_execution(
    client: httpx.AsyncClient, world: World
) -> None:
    mutation = "mutation { " + " ".join(record_judgement(world, f"m{i}") for i in range(31)) + " }"

    body = await post(client, world, "teacher", mutation)

    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == ["31 aliases found. Allowed: 30"]
    assert await judgements_of_first_pupil(client, world) == []


async def test_a_query_of_more_than_5000_tokens_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    query = "{ me { " + " ".join(["subject"] * 5000) + " } }"

    body = await post(client, world, "teacher", query)

    assert body["data"] is None
    assert "tokens" in body["errors"][0]["message"].lower()


# --- authentication -------------------------------------------------------------------


async def test_an_operation_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ me { subject } }"})

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "subject" not in response.text


async def test_an_operation_with_a_forged_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ me { subject } }"},
        headers={"Authorization": "Bearer not.a.token"},
    )

    assert response.status_code == 401


async def test_the_graphiql_page_loads_without_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


# --- transports -----------------------------------------------------------------------


async def test_a_query_in_the_url_is_refused(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        "/graphql", params={"query": "{me{subject}}"}, headers=world.headers("teacher")
    )

    assert response.status_code == 400
    assert str(world.users["teacher"].id) not in response.text


async def test_a_mutation_in_the_url_is_not_executed(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "mutation { " + record_judgement(world) + " }"},
        headers=world.headers("teacher"),
    )

    assert response.status_code in (400, 405)
    assert await judgements_of_first_pupil(client, world) == []


async def test_batched_operations_are_refused_and_not_executed(
    client: httpx.AsyncClient, world: World
) -> None:
    mutation = {"query": "mutation { " + record_judgement(world) + " }"}

    response = await client.post(
        "/graphql",
        json=[mutation, {"query": "{ me { subject } }"}],
        headers=world.headers("teacher"),
    )

    assert response.status_code == 400
    assert "batching" in response.text.lower()
    assert await judgements_of_first_pupil(client, world) == []


@pytest.mark.parametrize("body", ['"{ me { subject } }"', "42", "null"])
async def test_a_json_body_that_is_not_an_object_is_refused_as_bad_request(
    client: httpx.AsyncClient, world: World, body: str
) -> None:
    response = await client.post(
        "/graphql",
        content=body,
        headers={**world.headers("teacher"), "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert "json object" in response.text.lower()


# --- errors ---------------------------------------------------------------------------


async def test_a_nul_character_in_an_argument_is_bad_user_input_without_sql_details(
    client: httpx.AsyncClient, world: World
) -> None:
    """GraphQL's String accepts NUL but PostgreSQL's text cannot hold it: the caller is told
    the input is bad, and nothing of the SQL or the driver reaches them."""
    body = await post(
        client,
        world,
        "teacher",
        "query ($y: String) { pupils(yearGroup: $y) { nodes { id } } }",
        {"y": "7\u0000"},
    )

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    for clue in ("SELECT", "pupils.", "asyncpg", "0x00", "UTF8", "Traceback"):
        assert clue not in str(body)


@strawberry.type
class _Failing:
    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("connection string postgresql://secret@db")

    @strawberry.field
    def missing(self) -> str:
        raise NotFound("pupil")


async def test_an_unexpected_failure_is_masked_and_a_domain_error_keeps_its_code() -> None:
    """The production error extension on a schema whose resolvers fail on purpose."""
    schema = strawberry.Schema(query=_Failing, extensions=[DomainErrorCodes])

    broken = await schema.execute("{ broken }")
    missing = await schema.execute("{ missing }")

    assert broken.errors is not None
    assert [e.message for e in broken.errors] == ["Unexpected error."]
    assert "secret" not in str(broken.errors[0].formatted)
    assert missing.errors is not None
    assert missing.errors[0].extensions == {"code": "NOT_FOUND"}


async def test_a_cursor_this_api_did_not_issue_is_bad_user_input(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await post(client, world, "teacher", '{ pupils(after: "!!") { nodes { id } } }')

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert [e["field"] for e in error["extensions"]["errors"]] == ["after"]


async def test_a_domain_failure_in_a_query_carries_its_code_and_field_problems(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await post(
        client, world, "teacher", '{ modules(academicYear: "2023-2024") { nodes { id } } }'
    )

    (error,) = body["errors"]
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "errors": [
            {
                "field": "academic_year",
                "reason": "an academic year is written like 2023/24",
                "code": "academic_year",
            }
        ],
    }


async def test_a_malformed_uuid_variable_is_reported_not_masked(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await post(
        client, world, "teacher", "query ($id: UUID!) { pupil(id: $id) { id } }", {"id": "nope"}
    )

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["message"].startswith("Variable '$id' has invalid value")
    assert "UUID" in error["message"]


async def test_a_malformed_date_in_a_mutation_input_is_reported_and_nothing_is_written(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await post(
        client,
        world,
        "teacher",
        "mutation ($input: RecordJudgementInput!) "
        "{ recordJudgement(input: $input) { __typename } }",
        {
            "input": {
                "pupilId": str(world.pupil.id),
                "strandId": world.reading,
                "moduleId": str(world.modules[0].id),
                "stepId": world.step("S2"),
                "assessedOn": "2023-02-30",
            }
        },
    )

    assert body["data"] is None
    (error,) = body["errors"]
    assert "assessedOn" in error["message"]
    assert "Date" in error["message"]
    assert await judgements_of_first_pupil(client, world) == []
