"""/audit: every change to a school's pupil data is logged by the database, with who made it,
and school and trust admins read their own schools' log, newest first."""

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from domain.identity import identity_service as identity
from domain.kernel.access import Principal, Role
from tests.api.paging import list_all, walk_pages
from tests.api.problems import assert_problem
from tests.api.seeding import JUDGEMENTS, PUPILS, enrol, if_match, new_school, record
from tests.factories import PASSWORD, World

AUDIT = "/api/v1/audit"


async def _log(
    client: httpx.AsyncClient, world: World, who: str = "school_admin", **params: str
) -> list[dict[str, Any]]:
    return await list_all(client, AUDIT, world.headers(who), params)


async def _school_admin_of(world: World, school_id: uuid.UUID) -> dict[str, str]:
    """A school admin of just that school, and their headers."""
    user = await identity.create_user(
        world.runtime.system_uow(),
        Principal.system(),
        identity.CreateUser(
            email=f"admin.{secrets.token_hex(4)}@stepwise.test",
            name="Brook Admin",
            role=Role.SCHOOL_ADMIN,
            password=PASSWORD,
            school_ids=frozenset({school_id}),
        ),
        world.runtime.hasher,
    )
    token = world.runtime.tokens.issue(str(user.id), "user", Role.SCHOOL_ADMIN.value)
    return {"Authorization": f"Bearer {token}"}


# --- what is logged -------------------------------------------------------------------------


async def test_a_teachers_judgement_and_correction_are_logged_with_only_the_changed_fields(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"], step="S2", note="first")
    corrected = await client.patch(
        f"{JUDGEMENTS}/{judgement['id']}",
        json={"reason": "wrong step", "step_id": shared_world.step("S3")},
        headers=if_match(shared_world, "teacher", 1),
    )
    assert corrected.status_code == 200, corrected.text

    update, insert = await _log(client, shared_world, record_id=judgement["id"])

    teacher = shared_world.users["teacher"]
    for entry in (update, insert):
        assert entry["actor"] == str(teacher.id)
        assert entry["actor_name"] == teacher.name
        assert entry["actor_kind"] == "user"
        assert entry["resource"] == "judgements"
        assert entry["school_id"] == str(shared_world.school.id)
        assert entry["import_ref"] is None
    assert insert["action"] == "insert"
    assert insert["changes"]["step_id"] == shared_world.step("S2")
    assert insert["changes"]["pupil_id"] == pupil["id"]
    assert insert["changes"]["note"] == "first"
    assert update["action"] == "update"
    assert update["changes"]["step_id"] == {
        "old": shared_world.step("S2"),
        "new": shared_world.step("S3"),
    }
    assert update["changes"]["version"] == {"old": 1, "new": 2}
    assert not {"pupil_id", "strand_id", "module_id", "note", "kind"} & set(update["changes"])
    assert update["id"] > insert["id"]


async def test_a_pupil_update_by_a_school_admin_is_logged_as_that_admin(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world, forename="Dara")
    changed = await client.patch(
        f"{PUPILS}/{pupil['id']}",
        json={"forename": "Darragh"},
        headers=if_match(shared_world, "school_admin", pupil["version"]),
    )
    assert changed.status_code == 200, changed.text

    entries = await _log(client, shared_world, record_id=pupil["id"], action="update")

    [entry] = entries
    assert entry["resource"] == "pupils"
    assert entry["actor"] == str(shared_world.users["school_admin"].id)
    assert entry["changes"] == {
        "forename": {"old": "Dara", "new": "Darragh"},
        "version": {"old": pupil["version"], "new": pupil["version"] + 1},
    }


async def test_a_deleted_judgement_is_logged_with_its_old_values(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"], step="S4")
    deleted = await client.delete(
        f"{JUDGEMENTS}/{judgement['id']}",
        params={"reason": "wrong pupil"},
        headers=if_match(shared_world, "teacher", 1),
    )
    assert deleted.status_code == 204

    [entry] = await _log(client, shared_world, record_id=judgement["id"], action="delete")

    assert entry["changes"]["step_id"] == shared_world.step("S4")
    assert entry["changes"]["pupil_id"] == pupil["id"]
    assert entry["actor"] == str(shared_world.users["teacher"].id)


async def test_a_clients_write_is_logged_as_the_client(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"], who="integration")

    [entry] = await _log(client, shared_world, record_id=judgement["id"])

    assert (entry["actor"], entry["actor_name"], entry["actor_kind"]) == (
        shared_world.client_id,
        "MIS sync",
        "client",
    )


async def test_a_graphql_mutation_is_logged_as_its_caller(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.post(
        "/graphql",
        json={
            "query": "mutation($input: RecordJudgementInput!) { recordJudgement(input: $input)"
            " { __typename ... on Judgement { id } } }",
            "variables": {
                "input": {
                    "pupilId": pupil["id"],
                    "strandId": shared_world.reading,
                    "moduleId": str(shared_world.modules[1].id),
                    "stepId": shared_world.step("S5"),
                }
            },
        },
        headers=shared_world.headers("teacher"),
    )
    recorded = response.json()["data"]["recordJudgement"]
    assert recorded["__typename"] == "Judgement", response.text

    [entry] = await _log(client, shared_world, record_id=recorded["id"])

    assert entry["action"] == "insert"
    assert entry["actor"] == str(shared_world.users["teacher"].id)
    assert entry["changes"]["step_id"] == shared_world.step("S5")


# --- who may read it ------------------------------------------------------------------------


async def test_a_school_admin_of_another_school_sees_nothing_of_this_one(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    brook = await new_school(shared_world)
    neighbour = await _school_admin_of(shared_world, brook.id)

    mine = await list_all(client, AUDIT, neighbour, {})
    asked = await client.get(
        AUDIT, params={"school_id": str(shared_world.school.id)}, headers=neighbour
    )
    by_record = await list_all(client, AUDIT, neighbour, {"record_id": pupil["id"]})

    assert {e["school_id"] for e in mine} <= {str(brook.id)}
    assert_problem(asked, 403)
    assert by_record == []


@pytest.mark.parametrize("who", ["teacher", "trust_analyst", "integration"])
async def test_only_admins_read_the_audit_log(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    assert_problem(await client.get(AUDIT, headers=shared_world.headers(who)), 403)


async def test_a_trust_admin_reads_every_school_of_the_trust(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    here = await enrol(client, shared_world)
    there = await enrol(
        client, shared_world, school_id=shared_world.other_school.id, who="trust_admin"
    )

    seen = {
        e["record_id"]
        for e in await _log(client, shared_world, "trust_admin", resource="pupils", action="insert")
    }
    school_admin_sees = {
        e["record_id"] for e in await _log(client, shared_world, resource="pupils", action="insert")
    }

    assert {here["id"], there["id"]} <= seen
    assert here["id"] in school_admin_sees
    assert there["id"] not in school_admin_sees


# --- filters and pages ----------------------------------------------------------------------


async def test_filters_narrow_the_log_and_pages_run_newest_first(
    client: httpx.AsyncClient, world: World
) -> None:
    brook = await new_school(world)
    started = datetime.now(UTC) - timedelta(seconds=1)
    pupils = [await enrol(client, world, school_id=brook.id, who="trust_admin") for _ in range(3)]
    judgement = await record(client, world, str(world.pupil.id))
    admin = world.headers("trust_admin")
    brook_only = {"school_id": str(brook.id)}

    walk = await walk_pages(client, AUDIT, admin, {**brook_only, "limit": 2})
    just_pupils = await list_all(
        client, AUDIT, admin, {**brook_only, "resource": "pupils", "action": "insert"}
    )
    by_teacher = await list_all(client, AUDIT, admin, {"actor": str(world.users["teacher"].id)})
    since = await list_all(client, AUDIT, admin, {**brook_only, "since": started.isoformat()})
    until = await list_all(client, AUDIT, admin, {**brook_only, "until": started.isoformat()})

    ids = [e["id"] for e in walk.items]
    assert ids == sorted(ids, reverse=True)
    assert {e["resource"] for e in walk.items} == {"pupils", "enrolments"}
    assert len(ids) == 6  # each pupil and its enrolment
    assert walk.pages == 3
    assert [e["record_id"] for e in just_pupils] == [p["id"] for p in reversed(pupils)]
    assert [e["record_id"] for e in by_teacher] == [judgement["id"]]
    assert {e["id"] for e in since} == set(ids)
    assert until == []


async def test_bad_filters_are_refused_naming_the_field(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    headers = shared_world.headers("school_admin")
    now = datetime.now(UTC)

    resource = await client.get(AUDIT, params={"resource": "users"}, headers=headers)
    backwards = await client.get(
        AUDIT,
        params={"since": now.isoformat(), "until": (now - timedelta(days=1)).isoformat()},
        headers=headers,
    )
    action = await client.get(AUDIT, params={"action": "read"}, headers=headers)
    cursor = await client.get(AUDIT, params={"cursor": "not-ours"}, headers=headers)

    assert_problem(resource, 422, "resource")
    assert_problem(backwards, 422, "until")
    assert_problem(action, 422, "action")
    assert_problem(cursor, 400, "cursor")
