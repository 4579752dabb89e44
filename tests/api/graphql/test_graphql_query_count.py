"""A nested GraphQL query costs a fixed number of SQL statements, whatever the number of pupils.

Statements are counted with a `before_cursor_execute` listener on the engine, so everything the
request sends is seen: principal resolution (uncached in tests), each unit of work's
`set_config` scope statement, and every batch the data loaders run.
"""

from datetime import date

import httpx

from api.runtime import Runtime
from domain.kernel.access import Principal
from domain.pupils import pupil_service as pupils
from domain.pupils.pupil import Enrolment, Gender
from tests.api.graphql_support import counting_statements, data, judgement, target
from tests.factories import World, make_upn

NESTED = """
query ($id: UUID!) {
  school(id: $id) {
    pupils(first: 20) {
      nodes {
        judgements(first: 10) { nodes { step { code } strand { name } module { name } } }
        targets(first: 10) { nodes { step { code } } }
      }
    }
  }
}
"""

#: What one request for NESTED should cost, statement by statement.
EXPECTED = {
    # principal resolution, unrestricted (no set_config): the user, then their schools
    "principal": 2,
    # each unit of work below starts with one set_config statement
    "school": 1 + 1,
    "pupils of the school": 1 + 3,  # pupils, characteristics, enrolments
    "judgements of the pupils": 1 + 1,
    "targets of the pupils": 1 + 2,  # targets, their revisions
    "steps of judgements and targets": 1 + 1,
    "strands": 1 + 1,
    "modules": 1 + 1,
}


async def school_with(runtime: Runtime, pupil_count: int) -> World:
    """A fresh world whose `school` has `pupil_count` pupils, each judged twice with a target."""
    world = await World.build(runtime)
    for n in range(len(world.pupils), pupil_count):
        world.pupils.append(
            await pupils.enrol_pupil(
                runtime.system_uow(),
                Principal.system(),
                pupils.EnrolPupil(
                    school_id=world.school.id,
                    forename=f"Pupil{n}",
                    surname="Extra",
                    date_of_birth=date(2012, 1, 9),
                    gender=Gender.MALE,
                    year_group="8",
                    upn=make_upn(),
                    enrolments=[Enrolment(date(2022, 9, 1))],
                ),
            )
        )
    for index in range(pupil_count):
        await judgement(world, index, step="S2", module_index=0)
        await judgement(world, index, step="S3", module_index=1, strand_index=1)
        await target(world, index, step="S5")
    return world


async def statements_for_nested_query(client: httpx.AsyncClient, world: World) -> list[str]:
    with counting_statements(world.runtime) as statements:
        result = await data(client, world, "teacher", NESTED, {"id": str(world.school.id)})
    listed = result["school"]["pupils"]["nodes"]
    assert len(listed) == len(world.pupils)
    judged = [p["judgements"]["nodes"] for p in listed]
    targeted = [p["targets"]["nodes"] for p in listed]
    assert all(len(j) == 2 for j in judged)
    assert all(len(t) == 1 for t in targeted)
    assert {j["step"]["code"] for js in judged for j in js} == {"S2", "S3"}
    assert {t["step"]["code"] for ts in targeted for t in ts} == {"S5"}
    return statements


async def test_nested_school_query_costs_the_same_statements_for_3_and_12_pupils(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    small_school, large_school = await school_with(runtime, 3), await school_with(runtime, 12)

    small = await statements_for_nested_query(client, small_school)
    large = await statements_for_nested_query(client, large_school)

    assert len(small) == len(large), _listing(small, large)
    assert len(large) <= sum(EXPECTED.values()) == 19, _listing(small, large)


async def test_the_statement_count_does_not_depend_on_which_reply_arrives_first(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Judgements and targets load concurrently; their steps must still load in one batch."""
    world = await school_with(runtime, 12)

    counts = [len(await statements_for_nested_query(client, world)) for _ in range(10)]

    assert set(counts) == {sum(EXPECTED.values())}


async def test_asking_for_judgements_alone_does_not_read_targets(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await school_with(runtime, 3)
    query = (
        "query ($id: UUID!) { school(id: $id)"
        " { pupils { nodes { judgements { nodes { id } } } } } }"
    )

    with counting_statements(runtime) as statements:
        await data(client, world, "teacher", query, {"id": str(world.school.id)})

    assert [s for s in statements if "targets" in s] == []
    assert sum("FROM judgements" in s for s in statements) == 1


def _listing(small: list[str], large: list[str]) -> str:
    def lines(statements: list[str]) -> str:
        return "\n".join("  " + " ".join(s.split())[:120] for s in statements)

    return f"3 pupils, {len(small)}:\n{lines(small)}\n12 pupils, {len(large)}:\n{lines(large)}"


HISTORIES = """
query ($id: UUID!) {
  school(id: $id) {
    pupils(first: 20) {
      nodes {
        judgements(first: 5) { nodes { history(first: 5) { nodes { version } } } }
        targets(first: 5) { nodes { history(first: 5) { nodes { status } } } }
      }
    }
  }
}
"""


async def test_nested_histories_are_batched_not_read_per_judgement_or_target(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    counts = []
    for size in (3, 12):
        world = await school_with(runtime, size)
        with counting_statements(runtime) as statements:
            result = await data(client, world, "teacher", HISTORIES, {"id": str(world.school.id)})
        listed = result["school"]["pupils"]["nodes"]
        # the target was set
        assert all(len(p["targets"]["nodes"][0]["history"]["nodes"]) == 1 for p in listed)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
