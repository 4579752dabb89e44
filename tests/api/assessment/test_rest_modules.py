"""/modules: a school's assessment windows, managed by its admins, read by its staff."""

import uuid
from typing import Any

import httpx
import pytest

from domain.organisation.organisation import School
from tests.api.paging import list_all, walk_pages
from tests.api.problems import assert_problem
from tests.api.seeding import enrol, if_match, new_school, record
from tests.factories import World

MODULES = "/api/v1/modules"


def _body(school_id: uuid.UUID, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "school_id": str(school_id),
        "academic_year": "2024/25",
        "sequence": 1,
        "name": "Module 1",
        "starts_on": "2024-09-02",
        "ends_on": "2024-10-18",
    }
    return {**body, **changes}


async def _create(
    client: httpx.AsyncClient, world: World, school: School, **changes: Any
) -> dict[str, Any]:
    response = await client.post(
        MODULES, json=_body(school.id, **changes), headers=world.headers("trust_admin")
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# --- create ---------------------------------------------------------------------------------


async def test_a_school_admin_creates_a_module_with_location_and_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    body = _body(
        shared_world.school.id,
        academic_year="2022/23",
        starts_on="2022-09-05",
        ends_on="2022-10-21",
    )
    response = await client.post(MODULES, json=body, headers=shared_world.headers("school_admin"))
    assert response.status_code == 201, response.text
    module = response.json()
    assert response.headers["location"] == f"{MODULES}/{module['id']}"
    assert response.headers["etag"] == '"1"'
    assert {k: module[k] for k in body} == body
    assert module["version"] == 1
    read = await client.get(response.headers["location"], headers=shared_world.headers("teacher"))
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json() == module


@pytest.mark.parametrize("who", ["teacher", "trust_analyst", "integration"])
async def test_callers_without_manage_school_cannot_create_a_module(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    response = await client.post(
        MODULES, json=_body(shared_world.school.id), headers=shared_world.headers(who)
    )
    body = assert_problem(response, 403)
    assert "manage_school" in body["detail"]


async def test_a_school_admin_cannot_create_a_module_for_another_school(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(
        MODULES,
        json=_body(shared_world.other_school.id),
        headers=shared_world.headers("school_admin"),
    )
    assert_problem(response, 403)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"ends_on": "2024-09-01"}, "ends_on", "date.order"),
        ({"starts_on": "2024-08-30"}, "starts_on", "academic_year"),
        ({"ends_on": "2025-09-01"}, "ends_on", "academic_year"),
        ({"academic_year": "2024/26"}, "academic_year", "academic_year"),
        ({"academic_year": "2024-25"}, "academic_year", "string_pattern_mismatch"),
        ({"sequence": 0}, "sequence", "greater_than_equal"),
        ({"sequence": 21}, "sequence", "less_than_equal"),
        ({"name": "   "}, "name", "string_too_short"),
        ({"starts_on": "2024-02-30"}, "starts_on", "date_from_datetime_parsing"),
    ],
)
async def test_a_bad_module_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    school = await new_school(shared_world)
    response = await client.post(
        MODULES, json=_body(school.id, **changes), headers=shared_world.headers("trust_admin")
    )
    assert_problem(response, 422, field, code)


async def test_a_module_overlapping_another_of_the_year_is_refused_naming_starts_on(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    await _create(client, shared_world, school)
    response = await client.post(
        MODULES,
        json=_body(school.id, sequence=2, starts_on="2024-10-18", ends_on="2024-12-20"),
        headers=shared_world.headers("trust_admin"),
    )
    assert_problem(response, 422, "starts_on", "module.overlap")


async def test_a_second_module_with_the_same_number_in_a_year_is_a_conflict_naming_sequence(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    await _create(client, shared_world, school)
    response = await client.post(
        MODULES,
        json=_body(school.id, starts_on="2024-11-04", ends_on="2024-12-20"),
        headers=shared_world.headers("trust_admin"),
    )
    assert_problem(response, 409, "sequence", "conflict")


async def test_the_same_number_and_dates_in_another_school_or_year_are_allowed(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    first, second = await new_school(shared_world), await new_school(shared_world)
    await _create(client, shared_world, first)
    await _create(client, shared_world, second)
    later = await _create(
        client,
        shared_world,
        first,
        academic_year="2025/26",
        starts_on="2025-09-01",
        ends_on="2025-10-17",
    )
    assert (later["sequence"], later["academic_year"]) == (1, "2025/26")


# --- read and list ------------------------------------------------------------------------


async def test_a_teacher_cannot_read_another_schools_module(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        f"{MODULES}/{shared_world.other_module.id}", headers=shared_world.headers("teacher")
    )
    assert_problem(response, 404)


async def test_modules_are_listed_by_school_and_academic_year(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    this_year = await _create(client, shared_world, school)
    next_year = await _create(
        client,
        shared_world,
        school,
        academic_year="2025/26",
        starts_on="2025-09-01",
        ends_on="2025-10-17",
    )
    admin = shared_world.headers("trust_admin")

    async def ids(**params: str) -> list[str]:
        return [m["id"] for m in await list_all(client, MODULES, admin, params)]

    assert await ids(school_id=str(school.id)) == [this_year["id"], next_year["id"]]
    assert await ids(school_id=str(school.id), academic_year="2025/26") == [next_year["id"]]
    assert await ids(school_id=str(school.id), academic_year="2023/24") == []
    world_modules = await ids(school_id=str(shared_world.school.id), academic_year="2023/24")
    assert world_modules == [str(m.id) for m in shared_world.modules]


async def test_a_teacher_lists_only_their_schools_modules(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    modules = await list_all(client, MODULES, shared_world.headers("teacher"), {})
    assert {m["school_id"] for m in modules} == {str(shared_world.school.id)}


@pytest.mark.parametrize("year", ["2023/25", "23/24", "2023"])
async def test_a_bad_academic_year_filter_is_422_naming_it(
    client: httpx.AsyncClient, shared_world: World, year: str
) -> None:
    response = await client.get(
        MODULES, params={"academic_year": year}, headers=shared_world.headers("teacher")
    )
    assert_problem(response, 422, "academic_year")


async def test_listing_modules_of_a_school_out_of_scope_is_403(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        MODULES,
        params={"school_id": str(shared_world.other_school.id)},
        headers=shared_world.headers("teacher"),
    )
    assert_problem(response, 403)


async def test_modules_page_through_every_row_once(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    windows = [
        ("2024-09-02", "2024-10-18"),
        ("2024-11-04", "2024-12-20"),
        ("2025-01-06", "2025-02-14"),
        ("2025-02-24", "2025-04-04"),
    ]
    made = [
        (await _create(client, shared_world, school, sequence=n, starts_on=start, ends_on=end))[
            "id"
        ]
        for n, (start, end) in enumerate(windows, start=1)
    ]
    walk = await walk_pages(
        client,
        MODULES,
        shared_world.headers("trust_admin"),
        {"school_id": str(school.id), "limit": 1},
    )
    assert walk.ids == made
    assert walk.pages == 4


# --- update ---------------------------------------------------------------------------------


async def test_renaming_and_redating_a_module_moves_the_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    module = await _create(client, shared_world, school)
    response = await client.patch(
        f"{MODULES}/{module['id']}",
        json={"name": "Autumn 1", "ends_on": "2024-10-25"},
        headers=if_match(shared_world, "trust_admin", 1),
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    updated = response.json()
    assert (updated["name"], updated["starts_on"], updated["ends_on"]) == (
        "Autumn 1",
        "2024-09-02",
        "2024-10-25",
    )


async def test_a_school_admin_updates_their_schools_module_but_a_teacher_cannot(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    module = (
        await client.post(
            MODULES,
            json=_body(
                shared_world.school.id,
                academic_year="2021/22",
                starts_on="2021-09-06",
                ends_on="2021-10-22",
            ),
            headers=shared_world.headers("school_admin"),
        )
    ).json()
    path = f"{MODULES}/{module['id']}"
    assert_problem(
        await client.patch(path, json={"name": "T"}, headers=if_match(shared_world, "teacher", 1)),
        403,
    )
    response = await client.patch(
        path, json={"name": "Renamed"}, headers=if_match(shared_world, "school_admin", 1)
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"ends_on": "2024-09-01"}, "ends_on", "date.order"),
        ({"starts_on": "2024-10-01", "ends_on": "2024-11-30"}, "starts_on", "module.overlap"),
        ({"starts_on": "2025-09-01"}, "starts_on", "academic_year"),
        ({"name": None}, "name", "value_error"),
        ({"sequence": 3}, "sequence", "extra_forbidden"),
    ],
)
async def test_an_update_that_breaks_a_module_rule_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    school = await new_school(shared_world)
    module = await _create(client, shared_world, school)
    await _create(
        client, shared_world, school, sequence=2, starts_on="2024-11-04", ends_on="2024-12-20"
    )
    response = await client.patch(
        f"{MODULES}/{module['id']}", json=changes, headers=if_match(shared_world, "trust_admin", 1)
    )
    assert_problem(response, 422, field, code)


async def test_updating_a_module_needs_the_current_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    module = await _create(client, shared_world, school)
    path = f"{MODULES}/{module['id']}"
    admin = shared_world.headers("trust_admin")
    assert_problem(await client.patch(path, json={"name": "X"}, headers=admin), 428)
    assert_problem(
        await client.patch(
            path, json={"name": "X"}, headers=if_match(shared_world, "trust_admin", 2)
        ),
        412,
    )


# --- delete ---------------------------------------------------------------------------------


async def test_an_unused_module_can_be_deleted(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    module = await _create(client, shared_world, school)
    path = f"{MODULES}/{module['id']}"
    assert_problem(await client.delete(path, headers=shared_world.headers("trust_admin")), 428)
    response = await client.delete(path, headers=if_match(shared_world, "trust_admin", 1))
    assert response.status_code == 204
    assert_problem(await client.get(path, headers=shared_world.headers("trust_admin")), 404)


async def test_a_module_with_judgements_cannot_be_deleted(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    module = (
        await client.post(
            MODULES,
            json=_body(
                shared_world.school.id,
                academic_year="2020/21",
                starts_on="2020-09-07",
                ends_on="2020-10-23",
            ),
            headers=shared_world.headers("school_admin"),
        )
    ).json()
    pupil = await enrol(client, shared_world)
    judged = await client.post(
        "/api/v1/judgements",
        json={
            "pupil_id": pupil["id"],
            "strand_id": shared_world.reading,
            "module_id": module["id"],
            "step_id": shared_world.step("S1"),
        },
        headers=shared_world.headers("teacher"),
    )
    assert judged.status_code == 201, judged.text
    response = await client.delete(
        f"{MODULES}/{module['id']}", headers=if_match(shared_world, "school_admin", 1)
    )
    assert_problem(response, 409)


async def test_a_teacher_cannot_delete_a_module(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    await record(client, shared_world, pupil["id"], module=2)
    response = await client.delete(
        f"{MODULES}/{shared_world.modules[2].id}", headers=if_match(shared_world, "teacher", 1)
    )
    assert_problem(response, 403)
