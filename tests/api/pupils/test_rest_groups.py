"""/groups and /group-memberships: classes, teaching and intervention groups, their staff and
pupils' dated memberships; their import, export, change feed, audit and GraphQL."""

import uuid
from typing import Any

import httpx

from tests.api.graphql_support import data
from tests.api.import_support import csv_file, post_import
from tests.api.problems import assert_problem
from tests.api.seeding import if_match
from tests.factories import World

GROUPS = "/api/v1/groups"
MEMBERSHIPS = "/api/v1/group-memberships"


async def _group(
    client: httpx.AsyncClient, world: World, who: str = "school_admin", **changes: Any
) -> dict[str, Any]:
    body = {
        "school_id": str(world.school.id),
        "name": f"Oak {uuid.uuid4().hex[:6]}",
        "kind": "class",
        "academic_year": "2023/24",
        "staff_ids": [str(world.users["teacher"].id)],
        **changes,
    }
    response = await client.post(GROUPS, json=body, headers=world.headers(who))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def _member(
    client: httpx.AsyncClient, world: World, group: dict[str, Any], pupil: int = 0, **dates: str
) -> httpx.Response:
    body = {
        "group_id": group["id"],
        "pupil_id": str(world.pupils[pupil].id),
        "starts_on": "2023-09-04",
        **dates,
    }
    return await client.post(MEMBERSHIPS, json=body, headers=world.headers("school_admin"))


async def test_a_school_admin_makes_a_class_with_its_teacher_and_reads_it_back(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        GROUPS,
        json={
            "school_id": str(world.school.id),
            "name": "  Oak ",
            "kind": "class",
            "academic_year": "2023/24",
            "staff_ids": [str(world.users["teacher"].id)],
        },
        headers=world.headers("school_admin"),
    )
    assert response.status_code == 201, response.text
    group = response.json()
    assert response.headers["location"] == f"{GROUPS}/{group['id']}"
    assert response.headers["etag"] == '"1"'
    assert group == {
        "id": group["id"],
        "school_id": str(world.school.id),
        "name": "Oak",
        "kind": "class",
        "academic_year": "2023/24",
        "staff_ids": [str(world.users["teacher"].id)],
        "version": 1,
    }
    read = await client.get(response.headers["location"], headers=world.headers("teacher"))
    assert read.json() == group
    mine = await client.get(
        GROUPS,
        params={"staff_id": str(world.users["teacher"].id)},
        headers=world.headers("teacher"),
    )
    assert [g["id"] for g in mine.json()["items"]] == [group["id"]]


async def test_a_name_is_used_once_a_school_and_year_and_staff_must_work_there(
    client: httpx.AsyncClient, world: World
) -> None:
    group = await _group(client, world)
    again = await client.post(
        GROUPS,
        json={"school_id": str(world.school.id), "name": group["name"], "academic_year": "2023/24"},
        headers=world.headers("school_admin"),
    )
    assert_problem(again, 409)
    elsewhere = await client.post(
        GROUPS,
        json={
            "school_id": str(world.school.id),
            "name": "Ash",
            "academic_year": "2023/24",
            "staff_ids": [str(world.users["other_teacher"].id)],
        },
        headers=world.headers("school_admin"),
    )
    assert_problem(elsewhere, 422, "staff_ids")
    bad_year = await client.post(
        GROUPS,
        json={"school_id": str(world.school.id), "name": "Elm", "academic_year": "2023/25"},
        headers=world.headers("school_admin"),
    )
    assert_problem(bad_year, 422, "academic_year")


async def test_a_teacher_reads_groups_but_only_roster_writers_change_them(
    client: httpx.AsyncClient, world: World
) -> None:
    refused = await client.post(
        GROUPS,
        json={"school_id": str(world.school.id), "name": "Yew", "academic_year": "2023/24"},
        headers=world.headers("teacher"),
    )
    assert_problem(refused, 403)
    group = await _group(client, world)
    changed = await client.patch(
        f"{GROUPS}/{group['id']}",
        json={"kind": "teaching", "staff_ids": []},
        headers=if_match(world, "school_admin", 1),
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["kind"], changed.json()["staff_ids"]) == ("teaching", [])
    stale = await client.patch(
        f"{GROUPS}/{group['id']}", json={"name": "x"}, headers=if_match(world, "school_admin", 1)
    )
    assert_problem(stale, 412)


async def test_memberships_are_dated_and_a_pupil_is_in_a_group_once_on_any_day(
    client: httpx.AsyncClient, world: World
) -> None:
    group = await _group(client, world)
    first = await _member(client, world, group, ends_on="2023-12-20")
    assert first.status_code == 201, first.text
    overlapping = await _member(client, world, group, starts_on="2023-12-01")
    assert_problem(overlapping, 409)
    back = await _member(client, world, group, starts_on="2024-01-08")
    assert back.status_code == 201, back.text
    outside = await _member(client, world, group, pupil=1, starts_on="2024-09-02")
    assert_problem(outside, 422, "starts_on")
    on_day = await client.get(
        MEMBERSHIPS,
        params={"group_id": group["id"], "on": "2023-11-01"},
        headers=world.headers("teacher"),
    )
    assert [m["id"] for m in on_day.json()["items"]] == [first.json()["id"]]
    pupils_groups = await client.get(
        GROUPS,
        params={"pupil_id": str(world.pupil.id), "on": "2024-02-01"},
        headers=world.headers("teacher"),
    )
    assert [g["id"] for g in pupils_groups.json()["items"]] == [group["id"]]


async def test_leaving_a_group_is_an_end_date_and_a_group_with_history_is_not_deleted(
    client: httpx.AsyncClient, world: World
) -> None:
    group = await _group(client, world)
    joined = (await _member(client, world, group)).json()
    ended = await client.patch(
        f"{MEMBERSHIPS}/{joined['id']}",
        json={"ends_on": "2024-03-28"},
        headers=if_match(world, "school_admin", 1),
    )
    assert ended.status_code == 200, ended.text
    assert (ended.json()["ends_on"], ended.json()["version"]) == ("2024-03-28", 2)
    before_start = await client.patch(
        f"{MEMBERSHIPS}/{joined['id']}",
        json={"ends_on": "2023-09-01"},
        headers=if_match(world, "school_admin", 2),
    )
    assert_problem(before_start, 422, "ends_on")
    kept = await client.delete(
        f"{GROUPS}/{group['id']}", headers=if_match(world, "school_admin", 1)
    )
    assert_problem(kept, 409)
    removed = await client.delete(
        f"{MEMBERSHIPS}/{joined['id']}", headers=if_match(world, "school_admin", 2)
    )
    assert removed.status_code == 204
    deleted = await client.delete(
        f"{GROUPS}/{group['id']}", headers=if_match(world, "school_admin", 1)
    )
    assert deleted.status_code == 204
    gone = await client.get(f"{GROUPS}/{group['id']}", headers=world.headers("school_admin"))
    assert_problem(gone, 404)


async def test_a_class_list_import_makes_groups_and_memberships_and_is_idempotent(
    client: httpx.AsyncClient, world: World
) -> None:
    header = "UPN,Class,Academic Year,Start Date"
    amira, ben = world.pupils
    rows = [f"{p.upn},Willow,2023/24,2023-09-04" for p in (amira, ben)]
    body = csv_file(header, *rows, f"{ben.upn},Rowan,2023/24,")
    first = await post_import(client, world, "group_memberships", body)
    assert first.status_code == 200, first.text
    assert first.json()["counts"] == {"inserted": 3, "updated": 0, "unchanged": 0}
    again = await post_import(client, world, "group_memberships", body)
    assert again.json()["counts"] == {"inserted": 0, "updated": 0, "unchanged": 3}
    groups = await client.get(
        GROUPS, params={"school_id": str(world.school.id)}, headers=world.headers("teacher")
    )
    by_name = {g["name"]: g for g in groups.json()["items"]}
    assert {"Willow", "Rowan"} <= by_name.keys()
    rowan = await client.get(
        MEMBERSHIPS, params={"group_id": by_name["Rowan"]["id"]}, headers=world.headers("teacher")
    )
    assert [m["starts_on"] for m in rowan.json()["items"]] == ["2023-09-01"]  # the year's first
    moved = csv_file(header, f"{amira.upn},Willow,2023/24,2023-10-02")
    update = await post_import(client, world, "group_memberships", moved)
    assert update.json()["counts"] == {"inserted": 0, "updated": 1, "unchanged": 0}
    unknown = await post_import(
        client, world, "group_memberships", csv_file(header, "A999999999999,Willow,2023/24,")
    )
    assert unknown.status_code == 422
    assert [e["code"] for e in unknown.json()["errors"]] == ["unknown_pupil"]


async def test_a_new_group_is_made_with_its_first_accepted_row_only(
    client: httpx.AsyncClient, world: World
) -> None:
    amira, ben = world.pupils
    header = "UPN,Class,Academic Year,Start Date"
    body = csv_file(
        header,
        f"{amira.upn},Cedar,2023/24,2024-09-02",  # after the year: refused
        f"{ben.upn},Cedar,2023/24,2023-09-04",
        f"{amira.upn},Larch,2023/24,2024-09-02",  # the only row naming Larch: refused
    )
    response = await post_import(client, world, "group_memberships", body, atomic="false")
    assert response.status_code == 200, response.text
    assert response.json()["counts"] == {"inserted": 1, "updated": 0, "unchanged": 0}
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [
        (2, "starts_on"),
        (4, "starts_on"),
    ]
    groups = await client.get(
        GROUPS, params={"school_id": str(world.school.id)}, headers=world.headers("teacher")
    )
    names = {g["name"] for g in groups.json()["items"]}
    assert "Cedar" in names
    assert "Larch" not in names


async def test_groups_and_memberships_are_exported_followed_and_audited(
    client: httpx.AsyncClient, world: World
) -> None:
    latest = await client.get("/api/v1/changes/latest", headers=world.headers("school_admin"))
    since = latest.json()["cursor"]
    group = await _group(client, world, name="Birch")
    membership = (await _member(client, world, group)).json()

    exported = await client.get(
        "/api/v1/exports/group_memberships",
        params={"school_id": str(world.school.id)},
        headers=world.headers("teacher"),
    )
    assert exported.status_code == 200, exported.text
    lines = exported.text.strip().splitlines()
    assert lines[0] == (
        "upn,mis_id,group,kind,academic_year,starts_on,ends_on,membership_id,group_id,"
        "stepwise_pupil_id,school_id"
    )
    assert any(membership["id"] in line and "Birch" in line for line in lines[1:])
    groups_csv = await client.get(
        "/api/v1/exports/groups",
        params={"school_id": str(world.school.id)},
        headers=world.headers("teacher"),
    )
    assert any(group["id"] in line for line in groups_csv.text.splitlines())

    feed = await client.get(
        "/api/v1/changes", params={"since": since}, headers=world.headers("school_admin")
    )
    changes = [(c["resource"], c["id"]) for c in feed.json()["changes"]]
    assert changes == [("groups", group["id"]), ("group_memberships", membership["id"])]
    assert feed.json()["changes"][1]["data"] == membership

    audit = await client.get(
        "/api/v1/audit",
        params={"school_id": str(world.school.id), "resource": "group_memberships"},
        headers=world.headers("school_admin"),
    )
    assert audit.status_code == 200, audit.text
    assert [(e["action"], e["record_id"]) for e in audit.json()["items"]] == [
        ("insert", membership["id"])
    ]


async def test_graphql_reads_a_schools_groups_and_a_groups_pupils(
    client: httpx.AsyncClient, world: World
) -> None:
    group = await _group(client, world, name="Hazel")
    membership = (await _member(client, world, group)).json()
    answer = await data(
        client,
        world,
        "teacher",
        "query($s: UUID, $g: UUID) { groups(schoolId: $s) { nodes { id name kind staffIds } }"
        " groupMemberships(groupId: $g) { nodes { id pupilId startsOn } } }",
        {"s": str(world.school.id), "g": group["id"]},
    )
    assert {
        "id": group["id"],
        "name": "Hazel",
        "kind": "CLASS",
        "staffIds": group["staff_ids"],
    } in (answer["groups"]["nodes"])
    assert answer["groupMemberships"]["nodes"] == [
        {"id": membership["id"], "pupilId": membership["pupil_id"], "startsOn": "2023-09-04"}
    ]
