"""GraphQL reads stay inside the caller's scope, and analysts see pupils only pseudonymised.

Something outside the scope is answered as if it did not exist: null data and a NOT_FOUND
error, with none of the other school's data anywhere in the response body.
"""

from typing import Any

import httpx

from domain.pupils.pupil import Pupil
from tests.api.graphql_support import data, judgement, post, target
from tests.factories import World

PUPIL = """
query ($id: UUID!) {
  pupil(id: $id) {
    id forename surname upn dateOfBirth misId pseudonym schoolId
    school { name }
    judgements { nodes { step { code } } }
    targets { nodes { step { code } } }
  }
}
"""


def traces_of(pupil: Pupil) -> list[str]:
    """Strings that would betray the pupil (or their school) if they appeared in a response."""
    found = [str(pupil.id), str(pupil.school_id), pupil.forename, pupil.surname]
    if pupil.upn:
        found.append(pupil.upn)
    return found


def assert_not_found_and_nothing_leaked(
    response: httpx.Response, body: dict[str, Any], secrets: list[str], path: list[str]
) -> None:
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["path"] == path
    leaked = [s for s in secrets if s in response.text]
    assert leaked == []


async def raw(
    client: httpx.AsyncClient, world: World, who: str, query: str, variables: dict[str, str]
) -> tuple[httpx.Response, dict[str, Any]]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=world.headers(who)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return response, body


async def test_pupil_of_another_school_is_not_found_for_a_school_scoped_teacher(
    client: httpx.AsyncClient, world: World
) -> None:
    response, body = await raw(client, world, "teacher", PUPIL, {"id": str(world.other_pupil.id)})

    assert_not_found_and_nothing_leaked(
        response,
        body,
        [*traces_of(world.other_pupil), world.other_school.name],
        ["pupil"],
    )


async def test_pupil_of_another_trust_is_not_found_even_for_a_trust_admin(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    await judgement(other_world)
    response, body = await raw(
        client, world, "trust_admin", PUPIL, {"id": str(other_world.pupil.id)}
    )

    assert_not_found_and_nothing_leaked(
        response,
        body,
        [*traces_of(other_world.pupil), other_world.trust.name, str(other_world.trust.id)],
        ["pupil"],
    )


async def test_an_integration_client_cannot_read_a_pupil_of_a_school_it_was_not_granted(
    client: httpx.AsyncClient, world: World
) -> None:
    response, body = await raw(
        client, world, "integration", PUPIL, {"id": str(world.other_pupil.id)}
    )

    assert_not_found_and_nothing_leaked(response, body, traces_of(world.other_pupil), ["pupil"])


async def test_school_trust_judgement_and_target_out_of_scope_are_not_found(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    judged = await judgement(other_world)
    targeted = await target(other_world)
    cases = [
        ("school", "query ($id: UUID!) { school(id: $id) { name } }", other_world.school.id),
        ("trust", "query ($id: UUID!) { trust(id: $id) { name } }", other_world.trust.id),
        ("judgement", "query ($id: UUID!) { judgement(id: $id) { note } }", judged.id),
        ("target", "query ($id: UUID!) { target(id: $id) { rationale } }", targeted.id),
        ("module", "query ($id: UUID!) { module(id: $id) { name } }", other_world.modules[0].id),
        (
            "framework",
            "query ($id: UUID!) { framework(id: $id) { name } }",
            other_world.framework.id,
        ),
    ]
    secrets = [
        *traces_of(other_world.pupil),
        other_world.trust.name,
        other_world.school.urn,
        "Term 1",
        "Small steps",
        "next small step",
    ]

    for field, query, key in cases:
        response, body = await raw(client, world, "trust_admin", query, {"id": str(key)})
        assert_not_found_and_nothing_leaked(response, body, secrets, [field])


async def test_school_of_the_same_trust_is_not_found_for_a_teacher_of_another_school(
    client: httpx.AsyncClient, world: World
) -> None:
    response, body = await raw(
        client,
        world,
        "other_teacher",
        "query ($id: UUID!) { school(id: $id) { name pupils { nodes { forename } } } }",
        {"id": str(world.school.id)},
    )

    assert_not_found_and_nothing_leaked(
        response, body, [world.school.name, *traces_of(world.pupil)], ["school"]
    )


async def test_judgements_of_another_school_are_not_found_for_a_teacher(
    client: httpx.AsyncClient, world: World
) -> None:
    judged = await judgement(world)
    response, body = await raw(
        client,
        world,
        "other_teacher",
        "query ($id: UUID!) { judgement(id: $id) { pupilId note } }",
        {"id": str(judged.id)},
    )

    assert_not_found_and_nothing_leaked(response, body, traces_of(world.pupil), ["judgement"])


async def test_lists_hold_only_the_callers_schools(client: httpx.AsyncClient, world: World) -> None:
    await judgement(world, pupil_index=0)
    await target(world, pupil_index=0)
    query = """
    {
      schools { nodes { id } }
      pupils { nodes { id } }
      judgements { nodes { pupilId } }
      targets { nodes { pupilId } }
      modules { nodes { schoolId } }
      trusts(first: 5) { nodes { schools(first: 5) { nodes { id pupils { nodes { id } } } } } }
    }
    """

    response = await client.post(
        "/graphql", json={"query": query}, headers=world.headers("other_teacher")
    )
    result = response.json()["data"]

    other = str(world.other_school.id)
    assert result["schools"]["nodes"] == [{"id": other}]
    assert result["pupils"]["nodes"] == [{"id": str(world.other_pupil.id)}]
    assert result["judgements"]["nodes"] == []
    assert result["targets"]["nodes"] == []
    assert {m["schoolId"] for m in result["modules"]["nodes"]} == {other}
    assert result["trusts"]["nodes"] == [
        {
            "schools": {
                "nodes": [{"id": other, "pupils": {"nodes": [{"id": str(world.other_pupil.id)}]}}]
            }
        }
    ]
    leaked = [s for p in world.pupils for s in traces_of(p) if s in response.text]
    assert leaked == []


async def test_pupils_filtered_by_another_school_are_forbidden(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await post(
        client,
        world,
        "teacher",
        "query ($school: UUID!) { pupils(schoolId: $school) { nodes { id } } }",
        {"school": str(world.other_school.id)},
    )

    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


async def test_analysts_see_pupils_pseudonymised_wherever_pupils_appear(
    client: httpx.AsyncClient, world: World
) -> None:
    await judgement(world)
    identity = "id forename surname upn dateOfBirth misId pseudonym yearGroup"
    query = f"""
    query ($pupil: UUID!, $school: UUID!) {{
      pupil(id: $pupil) {{ {identity} judgements {{ nodes {{ step {{ code }} }} }} }}
      school(id: $school) {{ pupils {{ nodes {{ {identity} }} }} }}
      pupils(schoolId: $school) {{ nodes {{ {identity} }} }}
      trust: trusts(first: 2) {{ nodes {{ schools(first: 5) {{ nodes {{
        pupils(first: 10) {{ nodes {{ {identity} }} }}
      }} }} }} }}
    }}
    """

    response = await client.post(
        "/graphql",
        json={
            "query": query,
            "variables": {"pupil": str(world.pupil.id), "school": str(world.school.id)},
        },
        headers=world.headers("trust_analyst"),
    )
    result = response.json()["data"]

    seen = (
        [result["pupil"]]
        + result["school"]["pupils"]["nodes"]
        + result["pupils"]["nodes"]
        + [
            p
            for t in result["trust"]["nodes"]
            for s in t["schools"]["nodes"]
            for p in s["pupils"]["nodes"]
        ]
    )
    assert len(seen) == 1 + 2 + 2 + 3
    for pupil in seen:
        assert (pupil["forename"], pupil["surname"], pupil["upn"]) == (None, None, None)
        assert (pupil["dateOfBirth"], pupil["misId"]) == (None, None)
        assert pupil["pseudonym"].startswith("P-")
    pseudonyms = {p["id"]: p["pseudonym"] for p in seen}
    assert len(set(pseudonyms.values())) == len(pseudonyms) == 3, "stable and distinct per pupil"
    assert result["pupil"]["judgements"]["nodes"] == [{"step": {"code": "S2"}}]
    names = [s for p in [*world.pupils, world.other_pupil] for s in traces_of(p)[2:]]
    assert [s for s in names if s in response.text] == []


async def test_staff_see_names_and_no_pseudonym(client: httpx.AsyncClient, world: World) -> None:
    result = await data(client, world, "school_admin", PUPIL, {"id": str(world.pupil.id)})

    pupil = result["pupil"]
    assert (pupil["forename"], pupil["surname"], pupil["upn"]) == (
        "Amira",
        "Khan",
        world.pupil.upn,
    )
    assert pupil["dateOfBirth"] == "2011-05-17"
    assert pupil["pseudonym"] is None
