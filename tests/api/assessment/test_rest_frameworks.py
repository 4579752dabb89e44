"""/frameworks: create (trust- or school-owned), read, list, extend, delete while unused."""

import uuid
from typing import Any

import httpx
import pytest

from tests.api.paging import list_all, walk_pages
from tests.api.problems import assert_problem, error_fields
from tests.api.seeding import enrol, if_match, new_school
from tests.factories import World

FRAMEWORKS = "/api/v1/frameworks"


def _body(owner: dict[str, str], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Brook PMLD pathway",
        "description": "Pre-formal learners",
        **owner,
        "strands": [
            {"code": "COM", "name": "Communication"},
            {"code": "COG", "name": "Cognition"},
        ],
        "steps": [
            {"code": "K1.2", "label": "Responds", "value": 2},
            {"code": "K1.1", "label": "Encounters", "value": 1},
            {"code": "K1.3", "label": "Anticipates", "value": 3},
        ],
    }
    return {**body, **changes}


def _trust(world: World) -> dict[str, str]:
    return {"trust_id": str(world.trust.id)}


def _school(world: World) -> dict[str, str]:
    return {"school_id": str(world.school.id)}


async def _create(
    client: httpx.AsyncClient, world: World, who: str, owner: dict[str, str], **changes: Any
) -> dict[str, Any]:
    response = await client.post(
        FRAMEWORKS, json=_body(owner, **changes), headers=world.headers(who)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# --- create ---------------------------------------------------------------------------------


async def test_a_trust_admin_creates_a_trust_framework_with_location_and_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(
        FRAMEWORKS, json=_body(_trust(shared_world)), headers=shared_world.headers("trust_admin")
    )
    assert response.status_code == 201, response.text
    framework = response.json()
    assert response.headers["location"] == f"{FRAMEWORKS}/{framework['id']}"
    assert response.headers["etag"] == '"1"'
    assert (framework["trust_id"], framework["school_id"]) == (str(shared_world.trust.id), None)
    assert framework["description"] == "Pre-formal learners"
    assert [(s["code"], s["position"]) for s in framework["strands"]] == [("COM", 1), ("COG", 2)]
    assert [s["code"] for s in framework["steps"]] == ["K1.1", "K1.2", "K1.3"]
    read = await client.get(response.headers["location"], headers=shared_world.headers("teacher"))
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json() == framework


async def test_a_school_admin_creates_a_framework_for_their_school(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    framework = await _create(client, shared_world, "school_admin", _school(shared_world))
    assert (framework["trust_id"], framework["school_id"]) == (None, str(shared_world.school.id))


async def test_a_step_label_defaults_to_its_code(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    framework = await _create(
        client,
        shared_world,
        "school_admin",
        _school(shared_world),
        steps=[{"code": "E1", "value": 1}, {"code": "E2", "value": 2}],
    )
    assert [s["label"] for s in framework["steps"]] == ["E1", "E2"]


@pytest.mark.parametrize(
    ("who", "owner"),
    [
        ("teacher", "school"),
        ("trust_analyst", "trust"),
        ("integration", "school"),
        ("school_admin", "trust"),
    ],
)
async def test_callers_who_do_not_manage_the_owner_cannot_create_a_framework(
    client: httpx.AsyncClient, shared_world: World, who: str, owner: str
) -> None:
    owned_by = _trust(shared_world) if owner == "trust" else _school(shared_world)
    response = await client.post(
        FRAMEWORKS, json=_body(owned_by), headers=shared_world.headers(who)
    )
    assert_problem(response, 403)


async def test_a_school_admin_cannot_create_a_framework_for_another_school(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(
        FRAMEWORKS,
        json=_body({"school_id": str(shared_world.other_school.id)}),
        headers=shared_world.headers("school_admin"),
    )
    assert_problem(response, 403)


@pytest.mark.parametrize("owners", ["both", "neither"])
async def test_a_framework_has_exactly_one_owner(
    client: httpx.AsyncClient, shared_world: World, owners: str
) -> None:
    owner = {**_trust(shared_world), **_school(shared_world)} if owners == "both" else {}
    response = await client.post(
        FRAMEWORKS, json=_body(owner), headers=shared_world.headers("trust_admin")
    )
    assert_problem(response, 422, "owner", "owner")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        (
            {"strands": [{"code": "A", "name": "Art"}, {"code": "A", "name": "Music"}]},
            "strands[1].code",
            "duplicate",
        ),
        (
            {"strands": [{"code": "A", "name": "Art"}, {"code": "B", "name": "Art"}]},
            "strands[1].name",
            "duplicate",
        ),
        (
            {
                "steps": [
                    {"code": "X", "value": 3},
                    {"code": "Y", "value": 1},
                    {"code": "X", "value": 2},
                ]
            },
            "steps[2].code",
            "duplicate",
        ),
        (
            {
                "steps": [
                    {"code": "A", "value": 1},
                    {"code": "B", "value": 5},
                    {"code": "C", "value": 1},
                ]
            },
            "steps[2].value",
            "scale.order",
        ),
        ({"steps": [{"code": "A", "value": 1}]}, "steps", "too_short"),
        ({"strands": []}, "strands", "too_short"),
        (
            {"steps": [{"code": "A", "value": 1}, {"code": "  ", "value": 2}]},
            "steps[1].code",
            "string_too_short",
        ),
        (
            {"steps": [{"code": "A", "value": 1}, {"code": "B", "value": 1e7}]},
            "steps[1].value",
            "less_than_equal",
        ),
        ({"name": "  "}, "name", "string_too_short"),
        ({"colour": "blue"}, "colour", "extra_forbidden"),
    ],
)
async def test_a_bad_framework_is_refused_naming_the_field_as_sent(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    response = await client.post(
        FRAMEWORKS,
        json=_body(_school(shared_world), **changes),
        headers=shared_world.headers("school_admin"),
    )
    assert_problem(response, 422, field, code)


async def test_every_repeat_in_a_framework_is_named_where_it_was_sent(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    steps = [
        {"code": "C", "value": 3},
        {"code": "A", "value": 1},
        {"code": "B", "value": 3},
        {"code": "A", "value": 2},
    ]
    response = await client.post(
        FRAMEWORKS,
        json=_body(_school(shared_world), steps=steps),
        headers=shared_world.headers("school_admin"),
    )
    assert_problem(response, 422)
    assert error_fields(response) == {"steps[2].value", "steps[3].code"}


# --- read and list ------------------------------------------------------------------------


async def test_a_teacher_reads_the_trusts_framework_with_its_scale_in_order(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        f"{FRAMEWORKS}/{shared_world.framework.id}", headers=shared_world.headers("teacher")
    )
    assert response.status_code == 200, response.text
    framework = response.json()
    assert framework["name"] == "Small steps"
    assert [s["code"] for s in framework["steps"]] == [f"S{i}" for i in range(1, 9)]
    assert [s["name"] for s in framework["strands"]] == ["Reading", "Maths"]


async def test_another_trusts_framework_is_404(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World
) -> None:
    response = await client.get(
        f"{FRAMEWORKS}/{shared_other_world.framework.id}",
        headers=shared_world.headers("trust_admin"),
    )
    assert_problem(response, 404)


async def test_a_school_framework_is_hidden_from_the_other_school_of_the_trust(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    framework = await _create(client, shared_world, "school_admin", _school(shared_world))
    response = await client.get(
        f"{FRAMEWORKS}/{framework['id']}", headers=shared_world.headers("other_teacher")
    )
    assert_problem(response, 404)


async def test_listing_by_school_gives_its_own_and_its_trusts_frameworks(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    first, second = await new_school(shared_world), await new_school(shared_world)
    own = await _create(client, shared_world, "trust_admin", {"school_id": str(first.id)})
    other = await _create(client, shared_world, "trust_admin", {"school_id": str(second.id)})
    trust_wide = await _create(client, shared_world, "trust_admin", _trust(shared_world))
    admin = shared_world.headers("trust_admin")

    async def ids(**params: str) -> set[str]:
        return {f["id"] for f in await list_all(client, FRAMEWORKS, admin, params)}

    of_trust = await ids(trust_id=str(shared_world.trust.id))
    assert {trust_wide["id"], str(shared_world.framework.id)} <= of_trust
    assert not {own["id"], other["id"]} & of_trust
    assert await ids(school_id=str(first.id)) == of_trust | {own["id"]}
    assert await ids(school_id=str(second.id)) == of_trust | {other["id"]}
    assert {own["id"], other["id"]} | of_trust <= await ids()
    teacher_sees = {
        f["id"] for f in await list_all(client, FRAMEWORKS, shared_world.headers("teacher"), {})
    }
    assert of_trust <= teacher_sees
    assert not {own["id"], other["id"]} & teacher_sees


async def test_listing_frameworks_by_a_school_out_of_scope_is_403(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        FRAMEWORKS,
        params={"school_id": str(shared_world.other_school.id)},
        headers=shared_world.headers("teacher"),
    )
    assert_problem(response, 403)


async def test_frameworks_page_through_every_row_once(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    owner = {"school_id": str(school.id)}
    made = [
        (await _create(client, shared_world, "trust_admin", owner, name=f"F{n}"))["id"]
        for n in range(3)
    ]
    admin = shared_world.headers("trust_admin")
    params = {"school_id": str(school.id)}
    everything = [f["id"] for f in await list_all(client, FRAMEWORKS, admin, params)]
    walk = await walk_pages(client, FRAMEWORKS, admin, {**params, "limit": 1})
    assert walk.ids == everything
    assert set(made) <= set(walk.ids)
    assert walk.pages == len(everything)


# --- update ---------------------------------------------------------------------------------


async def test_renaming_and_extending_a_framework_keeps_its_steps_and_moves_the_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    framework = await _create(client, shared_world, "school_admin", _school(shared_world))
    response = await client.patch(
        f"{FRAMEWORKS}/{framework['id']}",
        json={
            "name": "Brook pathway",
            "description": "",
            "add_strands": [{"code": "PHY", "name": "Physical"}],
            "add_steps": [{"code": "K1.1+", "label": "Encounters+", "value": 1.5}],
        },
        headers=if_match(shared_world, "school_admin", 1),
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    updated = response.json()
    assert (updated["name"], updated["description"], updated["version"]) == ("Brook pathway", "", 2)
    assert [(s["code"], s["position"]) for s in updated["strands"]] == [
        ("COM", 1),
        ("COG", 2),
        ("PHY", 3),
    ]
    assert [s["code"] for s in updated["steps"]] == ["K1.1", "K1.1+", "K1.2", "K1.3"]
    before = {s["code"]: s["id"] for s in framework["steps"]}
    assert {s["code"]: s["id"] for s in updated["steps"] if s["code"] in before} == before
    read = await client.get(
        f"{FRAMEWORKS}/{framework['id']}", headers=shared_world.headers("teacher")
    )
    assert read.json() == updated


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"add_steps": [{"code": "K1.2", "value": 9}]}, "add_steps[0].code", "duplicate"),
        ({"add_steps": [{"code": "K1.2", "value": 0.5}]}, "add_steps[0].code", "duplicate"),
        ({"add_steps": [{"code": "NEW", "value": 2}]}, "add_steps[0].value", "scale.order"),
        (
            {"add_steps": [{"code": "N1", "value": 7}, {"code": "N2", "value": 7}]},
            "add_steps[1].value",
            "scale.order",
        ),
        (
            {"add_strands": [{"code": "COG", "name": "Thinking"}]},
            "add_strands[0].code",
            "duplicate",
        ),
        ({"add_strands": [{"code": "T", "name": "Cognition"}]}, "add_strands[0].name", "duplicate"),
        ({"name": None}, "name", "value_error"),
        ({"steps": []}, "steps", "extra_forbidden"),
    ],
)
async def test_an_extension_that_breaks_the_scale_is_refused_naming_the_field_as_sent(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    framework = await _create(client, shared_world, "school_admin", _school(shared_world))
    response = await client.patch(
        f"{FRAMEWORKS}/{framework['id']}",
        json=changes,
        headers=if_match(shared_world, "school_admin", 1),
    )
    assert_problem(response, 422, field, code)
    read = await client.get(
        f"{FRAMEWORKS}/{framework['id']}", headers=shared_world.headers("teacher")
    )
    assert read.json() == framework


async def test_only_the_owners_admins_may_change_a_framework(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    trust_framework = f"{FRAMEWORKS}/{shared_world.framework.id}"
    for who in ("school_admin", "teacher", "trust_analyst"):
        response = await client.patch(
            trust_framework, json={"name": "Mine"}, headers=if_match(shared_world, who, 1)
        )
        assert_problem(response, 403)


async def test_changing_a_framework_needs_the_current_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    framework = await _create(client, shared_world, "school_admin", _school(shared_world))
    path = f"{FRAMEWORKS}/{framework['id']}"
    headers = shared_world.headers("school_admin")
    assert_problem(await client.patch(path, json={"name": "X"}, headers=headers), 428)
    stale = if_match(shared_world, "school_admin", 2)
    assert_problem(await client.patch(path, json={"name": "X"}, headers=stale), 412)


# --- delete ---------------------------------------------------------------------------------


async def test_an_unused_framework_can_be_deleted(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    framework = await _create(client, shared_world, "school_admin", _school(shared_world))
    path = f"{FRAMEWORKS}/{framework['id']}"
    response = await client.delete(path, headers=if_match(shared_world, "school_admin", 1))
    assert response.status_code == 204
    assert_problem(await client.get(path, headers=shared_world.headers("school_admin")), 404)


async def test_a_framework_with_judgements_cannot_be_deleted(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    framework = await _create(client, shared_world, "school_admin", _school(shared_world))
    pupil = await enrol(client, shared_world)
    judged = await client.post(
        "/api/v1/judgements",
        json={
            "pupil_id": pupil["id"],
            "strand_id": framework["strands"][0]["id"],
            "module_id": str(shared_world.modules[0].id),
            "step_id": framework["steps"][0]["id"],
        },
        headers=shared_world.headers("teacher"),
    )
    assert judged.status_code == 201, judged.text
    path = f"{FRAMEWORKS}/{framework['id']}"
    response = await client.delete(path, headers=if_match(shared_world, "school_admin", 1))
    assert_problem(response, 409)
    assert (await client.get(path, headers=shared_world.headers("teacher"))).status_code == 200


async def test_a_framework_with_only_targets_cannot_be_deleted(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    framework = await _create(client, shared_world, "school_admin", _school(shared_world))
    pupil = await enrol(client, shared_world)
    target = await client.post(
        "/api/v1/targets",
        json={
            "pupil_id": pupil["id"],
            "strand_id": framework["strands"][0]["id"],
            "academic_year": "2023/24",
            "step_id": framework["steps"][-1]["id"],
        },
        headers=shared_world.headers("teacher"),
    )
    assert target.status_code == 201, target.text
    response = await client.delete(
        f"{FRAMEWORKS}/{framework['id']}", headers=if_match(shared_world, "school_admin", 1)
    )
    assert_problem(response, 409)


async def test_deleting_a_framework_needs_its_owner_and_its_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    framework = await _create(client, shared_world, "school_admin", _school(shared_world))
    path = f"{FRAMEWORKS}/{framework['id']}"
    assert_problem(await client.delete(path, headers=if_match(shared_world, "teacher", 1)), 403)
    assert_problem(await client.delete(path, headers=shared_world.headers("school_admin")), 428)
    assert_problem(
        await client.delete(path, headers=if_match(shared_world, "school_admin", 9)), 412
    )
    assert_problem(
        await client.delete(
            f"{FRAMEWORKS}/{uuid.uuid4()}", headers=if_match(shared_world, "school_admin", 1)
        ),
        404,
    )
