"""/trusts and /schools: the tenancy tree, read by everyone in it, managed by its admins."""

import uuid
from typing import Any

import httpx
import pytest

from tests.api.paging import list_all, walk_pages
from tests.api.problems import assert_problem
from tests.api.seeding import if_match, new_school
from tests.factories import World, make_urn

TRUSTS = "/api/v1/trusts"
SCHOOLS = "/api/v1/schools"


def _school_body(world: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "trust_id": str(world.trust.id),
        "urn": make_urn(),
        "name": "Oakfield Academy",
        "type": "special",
    }
    return {**body, **changes}


# --- trusts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["trust_admin", "trust_analyst", "teacher", "integration"])
async def test_everyone_in_a_trust_reads_it_and_lists_only_it(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World, who: str
) -> None:
    headers = shared_world.headers(who)
    listed = await list_all(client, TRUSTS, headers, {})
    assert [t["id"] for t in listed] == [str(shared_world.trust.id)]
    response = await client.get(f"{TRUSTS}/{shared_world.trust.id}", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == listed[0]
    assert response.headers["etag"] == f'"{listed[0]["version"]}"'
    assert response.json()["kind"] == "multi_academy_trust"
    assert_problem(
        await client.get(f"{TRUSTS}/{shared_other_world.trust.id}", headers=headers), 404
    )


async def test_the_trust_list_is_one_page_of_one_trust(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    walk = await walk_pages(client, TRUSTS, shared_world.headers("teacher"), {"limit": 1})
    assert (walk.ids, walk.pages) == ([str(shared_world.trust.id)], 1)


async def test_a_trust_admin_renames_their_trust_and_the_etag_moves(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.patch(
        f"{TRUSTS}/{world.trust.id}",
        json={"name": "  Brook Learning Trust ", "kind": "federation"},
        headers=if_match(world, "trust_admin", 1),
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    assert (response.json()["name"], response.json()["kind"]) == (
        "Brook Learning Trust",
        "federation",
    )
    read = await client.get(f"{TRUSTS}/{world.trust.id}", headers=world.headers("teacher"))
    assert read.json() == response.json()


@pytest.mark.parametrize("who", ["school_admin", "teacher", "trust_analyst", "integration"])
async def test_only_a_trust_admin_may_change_the_trust(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    response = await client.patch(
        f"{TRUSTS}/{shared_world.trust.id}",
        json={"name": "Mine"},
        headers=if_match(shared_world, who, 1),
    )
    assert_problem(response, 403)


async def test_a_trust_admin_cannot_change_another_trust(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World
) -> None:
    response = await client.patch(
        f"{TRUSTS}/{shared_other_world.trust.id}",
        json={"name": "Mine"},
        headers=if_match(shared_world, "trust_admin", 1),
    )
    assert_problem(response, 404)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"name": "   "}, "name", "string_too_short"),
        ({"name": None}, "name", "value_error"),
        ({"kind": "club"}, "kind", "enum"),
        ({"id": str(uuid.uuid4())}, "id", "extra_forbidden"),
    ],
)
async def test_a_bad_trust_update_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    response = await client.patch(
        f"{TRUSTS}/{shared_world.trust.id}",
        json=changes,
        headers=if_match(shared_world, "trust_admin", 1),
    )
    assert_problem(response, 422, field, code)


async def test_changing_the_trust_needs_the_current_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    path = f"{TRUSTS}/{shared_world.trust.id}"
    body = {"name": "Renamed"}
    assert_problem(
        await client.patch(path, json=body, headers=shared_world.headers("trust_admin")), 428
    )
    assert_problem(
        await client.patch(path, json=body, headers=if_match(shared_world, "trust_admin", 99)), 412
    )


async def test_trusts_create_no_tenants_over_the_api(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(
        TRUSTS, json={"name": "New"}, headers=shared_world.headers("trust_admin")
    )
    assert_problem(response, 405)


# --- schools: create --------------------------------------------------------------------------


async def test_a_trust_admin_creates_a_school_in_their_trust(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    body = _school_body(shared_world, type="ap")
    response = await client.post(SCHOOLS, json=body, headers=shared_world.headers("trust_admin"))
    assert response.status_code == 201, response.text
    school = response.json()
    assert response.headers["location"] == f"{SCHOOLS}/{school['id']}"
    assert response.headers["etag"] == '"1"'
    assert {k: school[k] for k in body} == body
    read = await client.get(
        response.headers["location"], headers=shared_world.headers("trust_admin")
    )
    assert read.status_code == 200, read.text
    assert read.json() == school
    listed = await list_all(
        client,
        SCHOOLS,
        shared_world.headers("trust_admin"),
        {"trust_id": str(shared_world.trust.id)},
    )
    assert school["id"] in {s["id"] for s in listed}


async def test_a_new_school_is_hidden_from_staff_of_the_other_schools(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(
        SCHOOLS, json=_school_body(shared_world), headers=shared_world.headers("trust_admin")
    )
    assert response.status_code == 201, response.text
    read = await client.get(response.headers["location"], headers=shared_world.headers("teacher"))
    assert_problem(read, 404)


@pytest.mark.parametrize("who", ["school_admin", "teacher", "trust_analyst", "integration"])
async def test_only_a_trust_admin_may_create_a_school(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    response = await client.post(
        SCHOOLS, json=_school_body(shared_world), headers=shared_world.headers(who)
    )
    assert_problem(response, 403)


async def test_a_trust_admin_cannot_create_a_school_in_another_trust(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World
) -> None:
    response = await client.post(
        SCHOOLS,
        json=_school_body(shared_world, trust_id=str(shared_other_world.trust.id)),
        headers=shared_world.headers("trust_admin"),
    )
    assert_problem(response, 403)
    schools = await list_all(client, SCHOOLS, shared_other_world.headers("trust_admin"), {})
    assert len(schools) == 2


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"urn": "012345"}, "urn", "urn.format"),
        ({"urn": "12a456"}, "urn", "urn.format"),
        ({"urn": "12345"}, "urn", "string_too_short"),
        ({"urn": "1234567"}, "urn", "string_too_long"),
        ({"name": ""}, "name", "string_too_short"),
        ({"type": "grammar"}, "type", "enum"),
        ({"trust_id": "trust"}, "trust_id", "uuid_parsing"),
        ({"version": 3}, "version", "extra_forbidden"),
    ],
)
async def test_a_bad_school_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    response = await client.post(
        SCHOOLS,
        json=_school_body(shared_world, **changes),
        headers=shared_world.headers("trust_admin"),
    )
    assert_problem(response, 422, field, code)


async def test_a_second_school_with_the_same_urn_is_a_conflict_naming_urn(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(
        SCHOOLS,
        json=_school_body(shared_world, urn=shared_world.school.urn),
        headers=shared_world.headers("trust_admin"),
    )
    assert_problem(response, 409, "urn", "conflict")


# --- schools: read and list --------------------------------------------------------------------


async def test_school_staff_read_their_school_but_not_the_other(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    teacher = shared_world.headers("teacher")
    own = await client.get(f"{SCHOOLS}/{shared_world.school.id}", headers=teacher)
    assert own.status_code == 200, own.text
    assert own.headers["etag"] == f'"{own.json()["version"]}"'
    assert (own.json()["name"], own.json()["type"]) == ("Milestone Special", "special")
    assert_problem(
        await client.get(f"{SCHOOLS}/{shared_world.other_school.id}", headers=teacher), 404
    )


async def test_the_school_list_is_the_callers_scope(
    client: httpx.AsyncClient, world: World
) -> None:
    both = {str(world.school.id), str(world.other_school.id)}
    for who, expected in [
        ("trust_admin", both),
        ("trust_analyst", both),
        ("school_admin", {str(world.school.id)}),
        ("teacher", {str(world.school.id)}),
        ("other_teacher", {str(world.other_school.id)}),
        ("integration", {str(world.school.id)}),
    ]:
        listed = await list_all(client, SCHOOLS, world.headers(who), {})
        assert {s["id"] for s in listed} == expected, who
    filtered = await list_all(
        client, SCHOOLS, world.headers("teacher"), {"trust_id": str(world.trust.id)}
    )
    assert {s["id"] for s in filtered} == {str(world.school.id)}


async def test_listing_schools_of_another_trust_is_403(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World
) -> None:
    response = await client.get(
        SCHOOLS,
        params={"trust_id": str(shared_other_world.trust.id)},
        headers=shared_world.headers("trust_admin"),
    )
    assert_problem(response, 403)


async def test_schools_page_through_every_row_once(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    made = [str((await new_school(shared_world, f"School {n}")).id) for n in range(3)]
    admin = shared_world.headers("trust_admin")
    params = {"trust_id": str(shared_world.trust.id)}
    everything = [s["id"] for s in await list_all(client, SCHOOLS, admin, params)]
    walk = await walk_pages(client, SCHOOLS, admin, {**params, "limit": 2})
    assert walk.ids == everything
    assert walk.ids[:2] == [str(shared_world.school.id), str(shared_world.other_school.id)]
    assert walk.ids[-3:] == made
    assert walk.pages == -(-len(everything) // 2)


# --- schools: update ----------------------------------------------------------------------------


async def test_a_school_admin_renames_their_school_and_the_etag_moves(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    path = f"{SCHOOLS}/{school.id}"
    response = await client.patch(
        path,
        json={"name": "Brook Special School", "type": "ap"},
        headers=if_match(shared_world, "trust_admin", 1),
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    assert (response.json()["name"], response.json()["type"], response.json()["urn"]) == (
        "Brook Special School",
        "ap",
        school.urn,
    )


async def test_a_school_admin_changes_their_own_school_only(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    own = f"{SCHOOLS}/{shared_world.school.id}"
    current = (await client.get(own, headers=shared_world.headers("school_admin"))).headers["etag"]
    response = await client.patch(
        own,
        json={"name": "Milestone Special"},
        headers=if_match(shared_world, "school_admin", current),
    )
    assert response.status_code == 200, response.text
    other = await client.patch(
        f"{SCHOOLS}/{shared_world.other_school.id}",
        json={"name": "Taken over"},
        headers=if_match(shared_world, "school_admin", 1),
    )
    assert_problem(other, 404)


@pytest.mark.parametrize("who", ["teacher", "trust_analyst", "integration"])
async def test_staff_without_manage_school_cannot_change_a_school(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    response = await client.patch(
        f"{SCHOOLS}/{shared_world.school.id}",
        json={"name": "X"},
        headers=if_match(shared_world, who, 1),
    )
    assert_problem(response, 403)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"name": None}, "name", "value_error"),
        ({"type": "grammar"}, "type", "enum"),
        ({"urn": "123456"}, "urn", "extra_forbidden"),
        ({"trust_id": str(uuid.uuid4())}, "trust_id", "extra_forbidden"),
    ],
)
async def test_a_bad_school_update_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    response = await client.patch(
        f"{SCHOOLS}/{shared_world.school.id}",
        json=changes,
        headers=if_match(shared_world, "trust_admin", 1),
    )
    assert_problem(response, 422, field, code)


async def test_changing_a_school_needs_the_current_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    path = f"{SCHOOLS}/{school.id}"
    body = {"name": "X"}
    assert_problem(
        await client.patch(path, json=body, headers=shared_world.headers("trust_admin")), 428
    )
    assert_problem(
        await client.patch(path, json=body, headers=if_match(shared_world, "trust_admin", 2)), 412
    )
