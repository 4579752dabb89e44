"""Every GraphQL request is bounded: no list without a bound, a price worked out before any
resolver runs and refused over the caller's budget, and a time limit per operation.

The attack these close (issue 13): as a teacher of a 55-pupil school,
`school { pupils { school { pupils { school { pupils { ... } } } } } }` grew the server to
6.8 GB and stopped `/health` answering for minutes.
"""

import asyncio
import time
from typing import Any

import httpx
import pytest
import strawberry
from graphql import (
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    get_named_type,
    is_list_type,
    parse,
)

from api.graphql.cost import TOO_COSTLY, Bound, is_connection, list_bounds, operation_cost
from api.graphql.errors import TIMED_OUT
from api.graphql.paging import MAX_FIRST
from api.graphql.schema import _Schema, build_schema
from tests.api.graphql_support import counting_statements, data, post
from tests.factories import World

SCHEMA = build_schema()._schema

#: the issue's query with today's connections (each `pupils` now pages its `nodes`): depth 9,
#: inside the depth limit (10), the alias limit and the token limit
CYCLE = """
query ($id: UUID!) {
  school(id: $id) { pupils(first: 100) { nodes { school { pupils(first: 100) { nodes {
    school { pupils(first: 100) { nodes { id } } } } } } } } }
}
"""


def _list_fields() -> list[tuple[GraphQLObjectType, str]]:
    found = []
    for type_ in SCHEMA.type_map.values():
        if type_.name.startswith("__") or not isinstance(type_, GraphQLObjectType):
            continue
        for name, field in type_.fields.items():
            inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if is_list_type(inner):
                found.append((type_, name))
    return found


def _fields_returning(target: GraphQLNamedType) -> list[tuple[GraphQLObjectType, str, bool]]:
    """(type, field name, is a list) of every field whose type is `target`."""
    found = []
    for type_ in SCHEMA.type_map.values():
        if type_.name.startswith("__") or not isinstance(type_, GraphQLObjectType):
            continue
        for name, field in type_.fields.items():
            if get_named_type(field.type) is target:
                inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
                found.append((type_, name, is_list_type(inner)))
    return found


def _only_under_root(type_: GraphQLNamedType, seen: frozenset[str] = frozenset()) -> bool:
    """True if every way to `type_` starts at a root field and passes through no list but the
    root answer's own (ROOT-bounded) lists."""
    if type_.name in ("Query", "Mutation"):
        return True
    if type_.name in seen:
        return False
    parents = _fields_returning(type_)
    return bool(parents) and all(
        _root_list_or_single(parent.name, name, is_list)
        and _only_under_root(parent, seen | {type_.name})
        for parent, name, is_list in parents
    )


def _root_list_or_single(parent: str, name: str, is_list: bool) -> bool:
    bound = list_bounds().get((parent, name))
    return not is_list or (bound is not None and bound.kind is Bound.ROOT)


def test_every_list_field_is_a_connection_or_has_a_stated_bound() -> None:
    unbounded = []
    for type_, name in _list_fields():
        if is_connection(type_) and name == "nodes":
            continue
        if (type_.name, name) not in list_bounds():
            unbounded.append(f"{type_.name}.{name}")
    assert unbounded == [], "page these lists or bound them (api.graphql.cost)"
    stated = {(t.name, n) for t, n in _list_fields()}
    assert sorted(set(list_bounds()) - stated) == [], "bounds for lists the schema lost"


def test_every_connection_field_takes_first_and_after() -> None:
    for type_ in SCHEMA.type_map.values():
        if not (isinstance(type_, GraphQLObjectType) and is_connection(type_)):
            continue
        for parent, name, is_list in _fields_returning(type_):
            args = parent.fields[name].args
            assert not is_list, f"{parent.name}.{name} is a list of connections"
            assert {"first", "after"} <= args.keys(), f"{parent.name}.{name}"


def test_lists_bounded_by_their_root_field_are_never_inside_another_list() -> None:
    """A ROOT list is priced through its root field; that holds only if nothing multiplies it."""
    for (owner, name), bound in list_bounds().items():
        if bound.kind is Bound.ROOT:
            owner_type = SCHEMA.get_type(owner)
            assert owner_type is not None
            assert _only_under_root(owner_type), f"{owner}.{name} can be reached inside a list"


# --- pricing --------------------------------------------------------------------------


def cost(query: str, variables: dict[str, Any] | None = None) -> int:
    return operation_cost(SCHEMA, parse(query), None, variables)


def test_a_connection_multiplies_what_is_under_its_nodes_by_first() -> None:
    one = cost("{ pupils(first: 1) { nodes { id forename } } }")
    hundred = cost("{ pupils(first: 100) { nodes { id forename } } }")

    # pupils, nodes, then each node's two fields
    assert (one, hundred) == (1 + 1 + 2, 1 + 1 + 200)


def test_first_is_read_from_variables_and_defaults_to_fifty() -> None:
    query = "query ($n: Int!) { pupils(first: $n) { nodes { id } } }"

    assert cost(query, {"n": 7}) == 2 + 7
    assert cost("{ pupils { nodes { id } } }") == 2 + 50


def test_a_first_over_the_maximum_is_priced_at_the_maximum() -> None:
    assert cost("{ pupils(first: 100000) { nodes { id } } }") == 2 + MAX_FIRST


def test_nested_connections_multiply() -> None:
    query = "{ pupils(first: 10) { nodes { judgements(first: 20) { nodes { id } } } } }"

    assert cost(query) == 2 + 10 * (2 + 20)


def test_a_small_list_is_multiplied_by_its_stated_bound() -> None:
    steps = list_bounds()[("Framework", "steps")].most

    assert cost("{ frameworks(first: 1) { nodes { steps { code } } } }") == 2 + (1 + steps)


def test_fragments_are_priced_where_they_are_spread() -> None:
    inline = cost("{ pupils(first: 3) { nodes { id forename } } }")
    spread = cost("{ pupils(first: 3) { nodes { ...who } } } fragment who on Pupil { id forename }")

    assert spread == inline


def test_a_fragment_spread_many_times_in_many_fragments_is_priced_quickly() -> None:
    """Ten fragments each spreading the next ten times: 10^10 fields if expanded."""
    levels = 10
    fragments = [
        f"fragment f{n} on Pupil {{ " + " ".join([f"...f{n + 1}"] * 10) + " }"
        for n in range(levels)
    ]
    fragments.append(f"fragment f{levels} on Pupil {{ id }}")
    query = "{ pupils(first: 1) { nodes { ...f0 } } }\n" + "\n".join(fragments)

    started = time.perf_counter()
    priced = cost(query)

    assert time.perf_counter() - started < 1
    assert priced == 2 + 10**levels


def test_introspection_costs_nothing() -> None:
    query = "{ __schema { types { name fields { name type { name ofType { name } } } } } }"

    assert cost(query) == 0


# --- over HTTP ------------------------------------------------------------------------


async def test_the_cyclic_query_of_the_report_is_refused_before_any_resolver_runs(
    client: httpx.AsyncClient, world: World
) -> None:
    with counting_statements(world.runtime) as baseline:
        await data(client, world, "teacher", "{ me { subject } }")
    started = time.perf_counter()
    with counting_statements(world.runtime) as statements:
        body = await post(client, world, "teacher", CYCLE, {"id": str(world.school.id)})
    took = time.perf_counter() - started

    assert took < 1
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == TOO_COSTLY
    assert error["extensions"]["budget"] == 25_000
    assert error["extensions"]["cost"] > 100**3
    assert f"{error['extensions']['cost']:,}" in error["message"]
    assert "25,000" in error["message"]
    assert len(statements) == len(baseline), "only the caller was resolved; no resolver ran"


async def test_the_budget_is_the_callers_role(client: httpx.AsyncClient, world: World) -> None:
    """A query between the teacher's budget (25,000) and the trust admin's (100,000)."""
    query = """
    query ($id: UUID!) {
      school(id: $id) { pupils(first: 100) { nodes { judgements(first: 100) { nodes {
        id version kind
      } } } } }
    }
    """
    variables = {"id": str(world.school.id)}
    assert 25_000 < cost(query, variables) < 100_000

    as_teacher = await post(client, world, "school_admin", query, variables)
    as_trust_admin = await data(client, world, "trust_admin", query, variables)

    assert as_teacher["errors"][0]["extensions"]["code"] == TOO_COSTLY
    assert len(as_trust_admin["school"]["pupils"]["nodes"]) == len(
        [p for p in world.pupils if p.school_id == world.school.id]
    )


async def test_a_page_larger_than_the_maximum_is_bad_input_naming_first(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await post(
        client,
        world,
        "teacher",
        "query ($id: UUID!) { school(id: $id) { pupils(first: 101) { nodes { id } } } }",
        {"id": str(world.school.id)},
    )

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert [e["field"] for e in error["extensions"]["errors"]] == ["first"]


async def test_pages_of_a_nested_connection_follow_on_from_its_end_cursor(
    client: httpx.AsyncClient, world: World
) -> None:
    query = """
    query ($id: UUID!, $after: String) {
      school(id: $id) { pupils(first: 1, after: $after) {
        nodes { id } pageInfo { hasNextPage endCursor }
      } }
    }
    """
    seen: list[str] = []
    after = None
    while True:
        result = await data(
            client, world, "teacher", query, {"id": str(world.school.id), "after": after}
        )
        page = result["school"]["pupils"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert sorted(seen) == sorted(str(p.id) for p in world.pupils if p.school_id == world.school.id)


# --- the time limit -------------------------------------------------------------------


@strawberry.type
class _Slow:
    @strawberry.field
    async def slow(self) -> str:
        await asyncio.sleep(30)
        return "too late"


async def test_an_operation_over_the_time_limit_is_stopped_and_answered_with_an_error() -> None:
    schema = _Schema(query=_Slow, timeout_seconds=0.2)

    started = time.perf_counter()
    result = await schema.execute("{ slow }")

    assert time.perf_counter() - started < 2
    assert result.data is None
    assert result.errors is not None
    (error,) = result.errors
    assert error.extensions == {"code": TIMED_OUT}
    assert "0.2 s" in error.message


@pytest.mark.parametrize("seconds", [0.0, -1.0, 301.0])
def test_the_time_limit_setting_is_checked(seconds: float) -> None:
    from pydantic import ValidationError

    from api.settings import ApiSettings

    with pytest.raises(ValidationError):
        ApiSettings(graphql_timeout_seconds=seconds)
