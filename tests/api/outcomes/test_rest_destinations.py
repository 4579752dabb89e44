"""/destinations: where leavers went, with EET derived from the category."""

import uuid
from typing import Any

import httpx
import pytest

from tests.api.paging import list_all, walk_pages
from tests.api.problems import assert_problem
from tests.api.seeding import enrol, if_match
from tests.factories import World

DESTINATIONS = "/api/v1/destinations"


def _body(pupil_id: str, /, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "pupil_id": pupil_id,
        "left_on": "2024-07-19",
        "category": "independent_specialist_college",
        "provider": "  Derwen College ",
        "sustained": True,
    }
    return {**body, **changes}


async def _record(
    client: httpx.AsyncClient, world: World, pupil_id: str, **changes: Any
) -> dict[str, Any]:
    response = await client.post(
        DESTINATIONS, json=_body(pupil_id, **changes), headers=world.headers("school_admin")
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# --- record -----------------------------------------------------------------------------------


async def test_a_school_admin_records_a_destination_with_location_and_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world, year_group="14")
    response = await client.post(
        DESTINATIONS, json=_body(pupil["id"]), headers=shared_world.headers("school_admin")
    )
    assert response.status_code == 201, response.text
    destination = response.json()
    assert response.headers["location"] == f"{DESTINATIONS}/{destination['id']}"
    assert response.headers["etag"] == '"1"'
    assert destination == {
        "id": destination["id"],
        "school_id": str(shared_world.school.id),
        "pupil_id": pupil["id"],
        "left_on": "2024-07-19",
        "year_group_at_leaving": "14",
        "category": "independent_specialist_college",
        "provider": "Derwen College",
        "sustained": True,
        "eet": True,
        "version": 1,
    }
    read = await client.get(response.headers["location"], headers=shared_world.headers("teacher"))
    assert read.headers["etag"] == '"1"'
    assert read.json() == destination


@pytest.mark.parametrize(
    ("category", "eet"),
    [
        ("independent_specialist_college", True),
        ("sixth_form", True),
        ("fe_college", True),
        ("apprenticeship", True),
        ("employment", True),
        ("training", True),
        ("supported_internship", True),
        ("social_care_provision", False),
        ("neet", False),
        ("unknown", None),
    ],
)
async def test_eet_is_derived_from_the_category(
    client: httpx.AsyncClient, shared_world: World, category: str, eet: bool | None
) -> None:
    pupil = await enrol(client, shared_world)
    destination = await _record(client, shared_world, pupil["id"], category=category)
    assert destination["eet"] is eet


async def test_the_year_group_at_leaving_may_be_given(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world, year_group="11")
    destination = await _record(client, shared_world, pupil["id"], year_group_at_leaving="12")
    assert destination["year_group_at_leaving"] == "12"


async def test_a_destination_may_be_recorded_for_an_archived_leaver(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world, year_group="14")
    archived = await client.delete(
        f"/api/v1/pupils/{pupil['id']}", headers=if_match(shared_world, "school_admin", 1)
    )
    assert archived.status_code == 204
    destination = await _record(client, shared_world, pupil["id"])
    assert (destination["pupil_id"], destination["year_group_at_leaving"]) == (pupil["id"], "14")
    listed = await list_all(
        client, DESTINATIONS, shared_world.headers("teacher"), {"pupil_id": pupil["id"]}
    )
    assert [d["id"] for d in listed] == [destination["id"]]


@pytest.mark.parametrize("who", ["teacher", "trust_analyst", "integration"])
async def test_callers_without_write_roster_cannot_record_a_destination(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.post(
        DESTINATIONS, json=_body(pupil["id"]), headers=shared_world.headers(who)
    )
    assert_problem(response, 403)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"left_on": "2022-08-31"}, "left_on", "date.order"),
        ({"year_group_at_leaving": "15"}, "year_group_at_leaving", "year_group"),
        ({"year_group_at_leaving": "100"}, "year_group_at_leaving", "string_too_long"),
        ({"category": "gap_year"}, "category", "enum"),
        ({"provider": "x" * 201}, "provider", "string_too_long"),
        ({"pupil_id": str(uuid.uuid4())}, "pupil_id", "reference"),
        ({"eet": False}, "eet", "extra_forbidden"),
    ],
)
async def test_a_bad_destination_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.post(
        DESTINATIONS,
        json=_body(pupil["id"], **changes),
        headers=shared_world.headers("school_admin"),
    )
    assert_problem(response, 422, field, code)


async def test_a_second_destination_for_the_same_leaving_date_is_a_conflict_naming_left_on(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    await _record(client, shared_world, pupil["id"])
    response = await client.post(
        DESTINATIONS,
        json=_body(pupil["id"], category="employment"),
        headers=shared_world.headers("school_admin"),
    )
    assert_problem(response, 409, "left_on", "conflict")
    await _record(client, shared_world, pupil["id"], left_on="2025-07-18")


async def test_a_school_admin_cannot_record_for_a_pupil_of_another_school(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(
        DESTINATIONS,
        json=_body(str(shared_world.other_pupil.id)),
        headers=shared_world.headers("school_admin"),
    )
    assert_problem(response, 422, "pupil_id", "reference")


# --- read and list ------------------------------------------------------------------------


async def test_another_schools_teacher_cannot_read_a_destination(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    destination = await _record(client, shared_world, pupil["id"])
    path = f"{DESTINATIONS}/{destination['id']}"
    assert_problem(await client.get(path, headers=shared_world.headers("other_teacher")), 404)
    assert (
        await client.get(path, headers=shared_world.headers("trust_analyst"))
    ).status_code == 200


async def test_each_list_filter_narrows_the_destinations(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    eleven = await enrol(client, shared_world, year_group="11")
    fourteen = await enrol(client, shared_world, year_group="14")
    made = {
        "college-23": await _record(client, shared_world, eleven["id"], left_on="2023-07-21"),
        "neet-24": await _record(
            client, shared_world, eleven["id"], left_on="2024-02-09", category="neet"
        ),
        "job-24": await _record(
            client, shared_world, fourteen["id"], left_on="2024-07-19", category="employment"
        ),
    }
    teacher = shared_world.headers("teacher")
    mine = {"school_id": str(shared_world.school.id)}

    async def names(**params: str) -> set[str]:
        found = {d["id"] for d in await list_all(client, DESTINATIONS, teacher, params)}
        return {name for name, d in made.items() if d["id"] in found}

    assert await names(pupil_id=eleven["id"]) == {"college-23", "neet-24"}
    assert await names(**mine, category="neet") == {"neet-24"}
    assert await names(pupil_id=eleven["id"], left_from="2024-01-01") == {"neet-24"}
    assert await names(pupil_id=eleven["id"], left_to="2024-02-09") == {"college-23", "neet-24"}
    assert await names(pupil_id=eleven["id"], left_to="2024-02-08") == {"college-23"}
    assert await names(**mine, left_from="2024-02-09", left_to="2024-07-19") == {
        "neet-24",
        "job-24",
    }
    assert await names(**mine, year_group_at_leaving="14") == {"job-24"}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"category": "gap_year"}, 422),
        ({"left_from": "2024-13-01"}, 422),
        ({"pupil_id": str(uuid.uuid4())}, 404),
    ],
)
async def test_a_bad_destination_filter_is_refused(
    client: httpx.AsyncClient, shared_world: World, params: dict[str, str], status: int
) -> None:
    response = await client.get(
        DESTINATIONS, params=params, headers=shared_world.headers("teacher")
    )
    assert_problem(response, status, next(iter(params)) if status == 422 else None)


async def test_destinations_page_through_every_row_once(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    made = [
        (await _record(client, shared_world, pupil["id"], left_on=f"2023-0{month}-01"))["id"]
        for month in range(1, 6)
    ]
    walk = await walk_pages(
        client,
        DESTINATIONS,
        shared_world.headers("teacher"),
        {"pupil_id": pupil["id"], "limit": 1},
    )
    assert walk.ids == made
    assert walk.pages == 5


# --- update and delete -----------------------------------------------------------------------


async def test_changing_the_category_changes_eet_and_moves_the_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    destination = await _record(client, shared_world, pupil["id"])
    path = f"{DESTINATIONS}/{destination['id']}"
    response = await client.patch(
        path,
        json={"category": "social_care_provision", "sustained": None, "provider": "Oak House"},
        headers=if_match(shared_world, "school_admin", 1),
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    updated = response.json()
    assert (updated["category"], updated["eet"], updated["sustained"], updated["provider"]) == (
        "social_care_provision",
        False,
        None,
        "Oak House",
    )
    response = await client.patch(
        path, json={"category": "unknown"}, headers=if_match(shared_world, "school_admin", 2)
    )
    assert response.json()["eet"] is None


@pytest.mark.parametrize(
    ("changes", "status", "field", "code"),
    [
        ({"left_on": "2020-01-01"}, 422, "left_on", "date.order"),
        ({"left_on": None}, 422, "left_on", "value_error"),
        ({"year_group_at_leaving": "0"}, 422, "year_group_at_leaving", "year_group"),
        ({"left_on": "2025-07-18"}, 409, "left_on", "conflict"),
    ],
)
async def test_a_bad_destination_update_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    status: int,
    field: str,
    code: str,
) -> None:
    pupil = await enrol(client, shared_world)
    destination = await _record(client, shared_world, pupil["id"])
    await _record(client, shared_world, pupil["id"], left_on="2025-07-18")
    response = await client.patch(
        f"{DESTINATIONS}/{destination['id']}",
        json=changes,
        headers=if_match(shared_world, "school_admin", 1),
    )
    assert_problem(response, status, field, code)


async def test_updating_a_destination_needs_write_roster_and_the_current_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    destination = await _record(client, shared_world, pupil["id"])
    path = f"{DESTINATIONS}/{destination['id']}"
    body = {"provider": "X"}
    assert_problem(
        await client.patch(path, json=body, headers=if_match(shared_world, "teacher", 1)), 403
    )
    assert_problem(
        await client.patch(path, json=body, headers=shared_world.headers("school_admin")), 428
    )
    assert_problem(
        await client.patch(path, json=body, headers=if_match(shared_world, "school_admin", 4)), 412
    )


async def test_a_destination_can_be_deleted(client: httpx.AsyncClient, shared_world: World) -> None:
    pupil = await enrol(client, shared_world)
    destination = await _record(client, shared_world, pupil["id"])
    path = f"{DESTINATIONS}/{destination['id']}"
    assert_problem(await client.delete(path, headers=if_match(shared_world, "teacher", 1)), 403)
    assert_problem(await client.delete(path, headers=shared_world.headers("school_admin")), 428)
    assert_problem(
        await client.delete(path, headers=if_match(shared_world, "school_admin", 2)), 412
    )
    response = await client.delete(path, headers=if_match(shared_world, "school_admin", 1))
    assert response.status_code == 204
    assert_problem(await client.get(path, headers=shared_world.headers("school_admin")), 404)
    listed = await list_all(
        client, DESTINATIONS, shared_world.headers("teacher"), {"pupil_id": pupil["id"]}
    )
    assert listed == []
