"""/targets: a pupil's target step on a strand for a year; statuses, revision and history."""

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.api.paging import list_all, walk_pages
from tests.api.problems import assert_problem
from tests.api.seeding import enrol, if_match
from tests.factories import World

TARGETS = "/api/v1/targets"


def _body(world: World, pupil_id: str, /, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "pupil_id": pupil_id,
        "strand_id": world.reading,
        "academic_year": "2023/24",
        "step_id": world.step("S5"),
        "rationale": "two steps above baseline",
    }
    return {**body, **changes}


async def _set(
    client: httpx.AsyncClient, world: World, pupil_id: str, who: str = "teacher", **changes: Any
) -> dict[str, Any]:
    response = await client.post(
        TARGETS, json=_body(world, pupil_id, **changes), headers=world.headers(who)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def _status(
    client: httpx.AsyncClient, world: World, target_id: str, status: str, **headers: str
) -> httpx.Response:
    return await client.post(
        f"{TARGETS}/{target_id}/status",
        json={"status": status, "reason": f"now {status}"},
        headers={**world.headers("teacher"), **headers},
    )


async def _revise(
    client: httpx.AsyncClient, world: World, target_id: str, step: str, reason: str = "too easy"
) -> httpx.Response:
    return await client.post(
        f"{TARGETS}/{target_id}/revision",
        json={"step_id": world.step(step), "reason": reason},
        headers=world.headers("teacher"),
    )


async def _get(client: httpx.AsyncClient, world: World, target_id: str) -> dict[str, Any]:
    response = await client.get(f"{TARGETS}/{target_id}", headers=world.headers("teacher"))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


# --- set --------------------------------------------------------------------------------------


async def test_a_teacher_sets_a_target_with_location_and_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.post(
        TARGETS,
        json=_body(shared_world, pupil["id"], set_on="2023-09-15"),
        headers=shared_world.headers("teacher"),
    )
    assert response.status_code == 201, response.text
    target = response.json()
    assert response.headers["location"] == f"{TARGETS}/{target['id']}"
    assert response.headers["etag"] == '"1"'
    assert target["status"] == "active"
    assert target["supersedes_id"] is None
    assert target["set_on"] == "2023-09-15"
    assert target["set_by"] == str(shared_world.users["teacher"].id)
    assert (target["academic_year"], target["step_id"], target["rationale"]) == (
        "2023/24",
        shared_world.step("S5"),
        "two steps above baseline",
    )
    read = await client.get(response.headers["location"], headers=shared_world.headers("teacher"))
    assert read.headers["etag"] == '"1"'
    assert read.json() == target


async def test_an_integration_client_may_set_targets_but_an_analyst_may_not(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    await _set(client, shared_world, pupil["id"], who="integration")
    response = await client.post(
        TARGETS,
        json=_body(shared_world, pupil["id"], strand_id=str(shared_world.framework.strands[1].id)),
        headers=shared_world.headers("trust_analyst"),
    )
    assert_problem(response, 403)


async def test_a_second_current_target_for_the_strand_and_year_is_a_conflict(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    first = await _set(client, shared_world, pupil["id"])
    response = await client.post(
        TARGETS,
        json=_body(shared_world, pupil["id"], step_id=shared_world.step("S6")),
        headers=shared_world.headers("teacher"),
    )
    body = assert_problem(response, 409, "strand_id", "conflict")
    assert first["id"] in body["detail"]


async def test_another_strand_or_year_is_not_a_conflict(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    made = [
        await _set(client, shared_world, pupil["id"]),
        await _set(
            client, shared_world, pupil["id"], strand_id=str(shared_world.framework.strands[1].id)
        ),
        await _set(client, shared_world, pupil["id"], academic_year="2024/25"),
    ]
    assert {t["status"] for t in made} == {"active"}
    assert len({t["id"] for t in made}) == 3


async def test_a_new_target_may_be_set_once_the_old_one_is_withdrawn(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    first = await _set(client, shared_world, pupil["id"])
    assert (await _status(client, shared_world, first["id"], "withdrawn")).status_code == 200
    second = await _set(client, shared_world, pupil["id"], step_id=shared_world.step("S4"))
    assert (second["status"], second["supersedes_id"]) == ("active", None)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"academic_year": "2023/25"}, "academic_year", "academic_year"),
        ({"academic_year": "2023-24"}, "academic_year", "string_pattern_mismatch"),
        ({"pupil_id": str(uuid.uuid4())}, "pupil_id", "reference"),
        ({"strand_id": str(uuid.uuid4())}, "strand_id", "reference"),
        ({"step_id": str(uuid.uuid4())}, "step_id", "step.scale"),
        ({"rationale": "x" * 4001}, "rationale", "string_too_long"),
        ({"status": "met"}, "status", "extra_forbidden"),
    ],
)
async def test_a_bad_target_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.post(
        TARGETS,
        json=_body(shared_world, pupil["id"], **changes),
        headers=shared_world.headers("teacher"),
    )
    assert_problem(response, 422, field, code)


# --- read and list ------------------------------------------------------------------------


async def test_another_schools_teacher_cannot_read_a_target(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    target = await _set(client, shared_world, pupil["id"])
    for path in (f"{TARGETS}/{target['id']}", f"{TARGETS}/{target['id']}/history"):
        assert_problem(await client.get(path, headers=shared_world.headers("other_teacher")), 404)
    assert_problem(
        await client.get(f"{TARGETS}/{uuid.uuid4()}", headers=shared_world.headers("teacher")), 404
    )


async def test_each_list_filter_narrows_the_targets(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil, other = await enrol(client, shared_world), await enrol(client, shared_world)
    maths = str(shared_world.framework.strands[1].id)
    made = {
        "read-23": await _set(client, shared_world, pupil["id"]),
        "math-23": await _set(client, shared_world, pupil["id"], strand_id=maths),
        "read-24": await _set(client, shared_world, pupil["id"], academic_year="2024/25"),
        "other-read-23": await _set(client, shared_world, other["id"]),
    }
    await _status(client, shared_world, made["math-23"]["id"], "met")
    teacher = shared_world.headers("teacher")

    async def names(**params: str) -> set[str]:
        found = {t["id"] for t in await list_all(client, TARGETS, teacher, params)}
        return {name for name, t in made.items() if t["id"] in found}

    assert await names(pupil_id=pupil["id"]) == {"read-23", "math-23", "read-24"}
    assert await names(pupil_id=pupil["id"], strand_id=shared_world.reading) == {
        "read-23",
        "read-24",
    }
    assert await names(pupil_id=pupil["id"], academic_year="2024/25") == {"read-24"}
    assert await names(pupil_id=pupil["id"], status="met") == {"math-23"}
    assert await names(pupil_id=pupil["id"], status="active") == {"read-23", "read-24"}
    assert await names(school_id=str(shared_world.school.id), pupil_id=other["id"]) == {
        "other-read-23"
    }


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"status": "done"}, 422, "status"),
        ({"academic_year": "2023/25"}, 422, "academic_year"),
        ({"pupil_id": "01a209e6-0000-7000-8000-000000000000"}, 404, None),
    ],
)
async def test_a_bad_target_filter_is_refused(
    client: httpx.AsyncClient,
    shared_world: World,
    params: dict[str, str],
    status: int,
    field: str | None,
) -> None:
    response = await client.get(TARGETS, params=params, headers=shared_world.headers("teacher"))
    assert_problem(response, status, field)


async def test_targets_page_through_every_row_once(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    made = [
        (
            await _set(
                client,
                shared_world,
                pupil["id"],
                academic_year=f"{year}/{(year + 1) % 100:02d}",
                strand_id=strand,
            )
        )["id"]
        for year in (2022, 2023, 2024)
        for strand in (shared_world.reading, str(shared_world.framework.strands[1].id))
    ]
    walk = await walk_pages(
        client, TARGETS, shared_world.headers("teacher"), {"pupil_id": pupil["id"], "limit": 2}
    )
    assert walk.ids == made
    assert walk.pages == 3


# --- status changes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], "met"),
        ([], "too_challenging"),
        ([], "withdrawn"),
        (["too_challenging"], "active"),
        (["too_challenging"], "withdrawn"),
        (["met"], "active"),
        (["withdrawn"], "active"),
    ],
)
async def test_an_allowed_status_change_is_made_and_recorded(
    client: httpx.AsyncClient, shared_world: World, path: list[str], to: str
) -> None:
    pupil = await enrol(client, shared_world)
    target = await _set(client, shared_world, pupil["id"])
    for status in path:
        assert (await _status(client, shared_world, target["id"], status)).status_code == 200
    response = await _status(client, shared_world, target["id"], to)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == to
    assert response.headers["etag"] == f'"{len(path) + 2}"'
    history = await client.get(
        f"{TARGETS}/{target['id']}/history", headers=shared_world.headers("teacher")
    )
    assert [(h["status"], h["reason"]) for h in history.json()][-1] == (to, f"now {to}")


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], "active"),
        ([], "revised"),
        (["met"], "met"),
        (["met"], "withdrawn"),
        (["met"], "too_challenging"),
        (["too_challenging"], "met"),
        (["withdrawn"], "met"),
        (["withdrawn"], "too_challenging"),
    ],
)
async def test_a_refused_status_change_is_a_conflict_naming_status(
    client: httpx.AsyncClient, shared_world: World, path: list[str], to: str
) -> None:
    pupil = await enrol(client, shared_world)
    target = await _set(client, shared_world, pupil["id"])
    for status in path:
        assert (await _status(client, shared_world, target["id"], status)).status_code == 200
    response = await _status(client, shared_world, target["id"], to)
    assert_problem(response, 409, "status", "conflict")
    assert (await _get(client, shared_world, target["id"]))["version"] == len(path) + 1


async def test_a_revised_target_cannot_change_status(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    target = await _set(client, shared_world, pupil["id"])
    assert (await _revise(client, shared_world, target["id"], "S6")).status_code == 201
    for to in ("withdrawn", "active", "met"):
        assert_problem(await _status(client, shared_world, target["id"], to), 409, "status")


async def test_reactivating_a_target_while_another_is_current_is_a_conflict(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    old = await _set(client, shared_world, pupil["id"])
    await _status(client, shared_world, old["id"], "withdrawn")
    new = await _set(client, shared_world, pupil["id"], step_id=shared_world.step("S4"))
    response = await _status(client, shared_world, old["id"], "active")
    body = assert_problem(response, 409, "status", "conflict")
    assert new["id"] in body["detail"]


async def test_a_status_change_with_a_stale_if_match_is_412(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    target = await _set(client, shared_world, pupil["id"])
    stale = await _status(client, shared_world, target["id"], "met", **{"If-Match": '"7"'})
    assert_problem(stale, 412)
    current = await _status(client, shared_world, target["id"], "met", **{"If-Match": '"1"'})
    assert current.status_code == 200, current.text


@pytest.mark.parametrize(
    ("body", "field"),
    [({"status": "finished"}, "status"), ({"status": "met", "reason": "x" * 501}, "reason")],
)
async def test_a_bad_status_change_is_refused_naming_the_field(
    client: httpx.AsyncClient, shared_world: World, body: dict[str, Any], field: str
) -> None:
    pupil = await enrol(client, shared_world)
    target = await _set(client, shared_world, pupil["id"])
    response = await client.post(
        f"{TARGETS}/{target['id']}/status", json=body, headers=shared_world.headers("teacher")
    )
    assert_problem(response, 422, field)


async def test_an_analyst_cannot_change_a_targets_status(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    target = await _set(client, shared_world, pupil["id"])
    response = await client.post(
        f"{TARGETS}/{target['id']}/status",
        json={"status": "met"},
        headers=shared_world.headers("trust_analyst"),
    )
    assert_problem(response, 403)


# --- revision and history -------------------------------------------------------------------


async def test_a_revision_supersedes_the_target_with_a_new_active_one(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    old = await _set(client, shared_world, pupil["id"])
    response = await _revise(client, shared_world, old["id"], "S7", "too easy after module 2")
    assert response.status_code == 201, response.text
    new = response.json()
    assert response.headers["location"] == f"{TARGETS}/{new['id']}"
    assert response.headers["etag"] == '"1"'
    assert new["id"] != old["id"]
    assert (new["status"], new["supersedes_id"], new["step_id"]) == (
        "active",
        old["id"],
        shared_world.step("S7"),
    )
    assert new["rationale"] == "too easy after module 2"
    assert (new["pupil_id"], new["strand_id"], new["academic_year"]) == (
        old["pupil_id"],
        old["strand_id"],
        old["academic_year"],
    )
    superseded = await _get(client, shared_world, old["id"])
    assert (superseded["status"], superseded["version"]) == ("revised", 2)
    assert superseded["step_id"] == shared_world.step("S5")
    revised = await list_all(
        client,
        TARGETS,
        shared_world.headers("teacher"),
        {"pupil_id": pupil["id"], "status": "revised"},
    )
    assert [t["id"] for t in revised] == [old["id"]]


async def test_the_history_shows_the_whole_chain_from_either_end(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    first = await _set(client, shared_world, pupil["id"])
    second = (await _revise(client, shared_world, first["id"], "S6", "too easy")).json()
    third = (await _revise(client, shared_world, second["id"], "S4", "too hard")).json()
    await _status(client, shared_world, third["id"], "met")

    expected = [
        (first["id"], "active", "S5", "set"),
        (first["id"], "revised", "S5", "too easy"),
        (second["id"], "active", "S6", "too easy"),
        (second["id"], "revised", "S6", "too hard"),
        (third["id"], "active", "S4", "too hard"),
        (third["id"], "met", "S4", "now met"),
    ]
    codes = {shared_world.step(f"S{n}"): f"S{n}" for n in range(1, 9)}
    for target in (first, second, third):
        response = await client.get(
            f"{TARGETS}/{target['id']}/history", headers=shared_world.headers("teacher")
        )
        assert response.status_code == 200, response.text
        chain = [
            (h["target_id"], h["status"], codes[h["step_id"]], h["reason"]) for h in response.json()
        ]
        assert chain == expected
        assert all(
            h["changed_by"] == str(shared_world.users["teacher"].id) for h in response.json()
        )


async def test_a_met_target_may_be_revised(client: httpx.AsyncClient, shared_world: World) -> None:
    pupil = await enrol(client, shared_world)
    target = await _set(client, shared_world, pupil["id"])
    await _status(client, shared_world, target["id"], "met")
    response = await _revise(client, shared_world, target["id"], "S8", "met early: stretch")
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("status", ["revised", "withdrawn"])
async def test_a_revised_or_withdrawn_target_cannot_be_revised(
    client: httpx.AsyncClient, shared_world: World, status: str
) -> None:
    pupil = await enrol(client, shared_world)
    target = await _set(client, shared_world, pupil["id"])
    if status == "revised":
        assert (await _revise(client, shared_world, target["id"], "S6")).status_code == 201
    else:
        assert (await _status(client, shared_world, target["id"], status)).status_code == 200
    response = await _revise(client, shared_world, target["id"], "S7")
    assert_problem(response, 409, "status", "conflict")


BAD_REVISIONS: dict[str, tuple[Callable[[World], dict[str, Any]], str, str]] = {
    "no-step": (lambda w: {"reason": "x"}, "step_id", "missing"),
    "a-step-code-not-an-id": (
        lambda w: {"step_id": "S6", "reason": "x"},
        "step_id",
        "uuid_parsing",
    ),
    "a-null-step": (lambda w: {"step_id": None, "reason": "x"}, "step_id", "uuid_type"),
    "a-blank-reason": (
        lambda w: {"step_id": w.step("S6"), "reason": "   "},
        "reason",
        "string_too_short",
    ),
    "no-reason": (lambda w: {"step_id": w.step("S6")}, "reason", "missing"),
    "a-step-off-the-scale": (
        lambda w: {"step_id": str(uuid.uuid4()), "reason": "x"},
        "step_id",
        "step.scale",
    ),
}


@pytest.mark.parametrize(
    ("body", "field", "code"), BAD_REVISIONS.values(), ids=BAD_REVISIONS.keys()
)
async def test_a_bad_revision_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    body: Callable[[World], dict[str, Any]],
    field: str,
    code: str,
) -> None:
    pupil = await enrol(client, shared_world)
    target = await _set(client, shared_world, pupil["id"])
    response = await client.post(
        f"{TARGETS}/{target['id']}/revision",
        json=body(shared_world),
        headers=shared_world.headers("teacher"),
    )
    assert_problem(response, 422, field, code)
    assert (await _get(client, shared_world, target["id"]))["status"] == "active"


async def test_a_revision_with_a_stale_if_match_is_412(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    target = await _set(client, shared_world, pupil["id"])
    response = await client.post(
        f"{TARGETS}/{target['id']}/revision",
        json={"step_id": shared_world.step("S6"), "reason": "x"},
        headers=if_match(shared_world, "teacher", 2),
    )
    assert_problem(response, 412)
