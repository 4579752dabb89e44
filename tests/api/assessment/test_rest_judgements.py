"""/judgements: record, read, list, correct with history, moderate, delete with a reason."""

import uuid
from typing import Any

import httpx
import pytest

from tests.api.paging import list_all, walk_pages
from tests.api.problems import assert_problem
from tests.api.seeding import JUDGEMENTS, enrol, if_match, judgement_body, record
from tests.factories import World


async def _post(
    client: httpx.AsyncClient, world: World, pupil_id: str, who: str = "teacher", **changes: Any
) -> httpx.Response:
    return await client.post(
        JUDGEMENTS, json=judgement_body(world, pupil_id, **changes), headers=world.headers(who)
    )


async def _history(
    client: httpx.AsyncClient, world: World, judgement_id: str
) -> list[dict[str, Any]]:
    response = await client.get(
        f"{JUDGEMENTS}/{judgement_id}/history", headers=world.headers("teacher")
    )
    assert response.status_code == 200, response.text
    history: list[dict[str, Any]] = response.json()
    return history


async def _foreign_step(client: httpx.AsyncClient, world: World) -> str:
    """A step of another framework of the same school: real, but not on the strand's scale."""
    response = await client.post(
        "/api/v1/frameworks",
        json={
            "name": f"Engagement {uuid.uuid4().hex[:6]}",
            "school_id": str(world.school.id),
            "strands": [{"code": "EXP", "name": "Exploration"}],
            "steps": [{"code": "E1", "value": 1}, {"code": "E2", "value": 2}],
        },
        headers=world.headers("school_admin"),
    )
    assert response.status_code == 201, response.text
    step: str = response.json()["steps"][0]["id"]
    return step


# --- record ---------------------------------------------------------------------------------


async def test_a_teacher_records_a_judgement_with_location_etag_and_defaults(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await _post(client, shared_world, pupil["id"], step="S3")
    assert response.status_code == 201, response.text
    judgement = response.json()
    assert response.headers["location"] == f"{JUDGEMENTS}/{judgement['id']}"
    assert response.headers["etag"] == '"1"'
    assert judgement["school_id"] == str(shared_world.school.id)
    assert judgement["step_id"] == judgement["effective_step_id"] == shared_world.step("S3")
    assert judgement["kind"] == "checkpoint"
    assert judgement["assessed_on"] == "2023-12-20"  # the module's end, which is past
    assert judgement["assessor"] == "Teacher"
    assert judgement["recorded_by"] == str(shared_world.users["teacher"].id)
    assert judgement["moderation"] == {
        "state": "unmoderated",
        "step_id": None,
        "moderator": None,
        "moderated_on": None,
    }
    read = await client.get(response.headers["location"], headers=shared_world.headers("teacher"))
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json() == judgement


async def test_a_judgement_keeps_what_the_teacher_gave(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await _post(
        client,
        shared_world,
        pupil["id"],
        kind="baseline",
        assessed_on="2023-10-02",
        assessor="Ms Patel",
        note="Reads CVC words with support",
        evidence=["https://evidence.example/abc", "http://evidence.example/def?x=1"],
    )
    assert response.status_code == 201, response.text
    judgement = response.json()
    assert (judgement["kind"], judgement["assessed_on"], judgement["assessor"]) == (
        "baseline",
        "2023-10-02",
        "Ms Patel",
    )
    assert judgement["note"] == "Reads CVC words with support"
    assert judgement["evidence"] == [
        "https://evidence.example/abc",
        "http://evidence.example/def?x=1",
    ]


async def test_an_integration_client_records_a_judgement_under_its_name(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await _post(client, shared_world, pupil["id"], who="integration")
    assert response.status_code == 201, response.text
    assert response.json()["assessor"] == "MIS sync"
    assert response.json()["recorded_by"] == shared_world.client_id


async def test_an_analyst_cannot_record_a_judgement(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await _post(client, shared_world, pupil["id"], who="trust_analyst")
    body = assert_problem(response, 403)
    assert "write_assessment" in body["detail"]


async def test_a_judgement_for_a_module_of_another_school_is_refused_naming_module_id(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    """The trust admin sees both schools, so this is the rule, not invisibility."""
    pupil = await enrol(client, shared_world)
    response = await _post(
        client,
        shared_world,
        pupil["id"],
        who="trust_admin",
        module_id=str(shared_world.other_module.id),
    )
    body = assert_problem(response, 422, "module_id", "reference")
    assert "another school" in body["errors"][0]["reason"]


async def test_a_teacher_naming_another_schools_module_gets_the_same_field_named(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await _post(
        client, shared_world, pupil["id"], module_id=str(shared_world.other_module.id)
    )
    assert_problem(response, 422, "module_id", "reference")


async def test_a_step_not_on_the_frameworks_scale_is_refused_naming_step_id(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await _post(
        client, shared_world, pupil["id"], step_id=await _foreign_step(client, shared_world)
    )
    assert_problem(response, 422, "step_id", "step.scale")


@pytest.mark.parametrize(
    ("field", "code"),
    [("pupil_id", "reference"), ("strand_id", "reference"), ("module_id", "reference")],
)
async def test_a_reference_to_nothing_is_refused_naming_its_field(
    client: httpx.AsyncClient, shared_world: World, field: str, code: str
) -> None:
    pupil = await enrol(client, shared_world)
    body = {**judgement_body(shared_world, pupil["id"]), field: str(uuid.uuid4())}
    response = await client.post(JUDGEMENTS, json=body, headers=shared_world.headers("teacher"))
    assert_problem(response, 422, field, code)


async def test_a_strand_of_another_trusts_framework_is_refused_naming_strand_id(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await _post(
        client,
        shared_world,
        pupil["id"],
        strand_id=str(shared_other_world.framework.strands[0].id),
        step_id=shared_other_world.step("S1"),
    )
    assert_problem(response, 422, "strand_id", "reference")


async def test_a_teacher_cannot_judge_a_pupil_of_another_school(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(
        client,
        shared_world,
        str(shared_world.other_pupil.id),
        module_id=str(shared_world.other_module.id),
    )
    assert_problem(response, 422, "pupil_id", "reference")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"assessed_on": "2099-01-01"}, "assessed_on", "date.future"),
        ({"assessed_on": "2023-08-31"}, "assessed_on", "academic_year"),
        ({"assessed_on": "2024-09-01"}, "assessed_on", "academic_year"),
        ({"evidence": ["not a url"]}, "evidence[0]", "url"),
        ({"evidence": ["https://ok.example/a", "ftp://files.example/b"]}, "evidence[1]", "url"),
        ({"evidence": ["https://ok.example/a b"]}, "evidence[0]", "url"),
        ({"evidence": [f"https://ok.example/{n}" for n in range(51)]}, "evidence", "too_long"),
        ({"kind": "final"}, "kind", "enum"),
        ({"note": "x" * 4001}, "note", "string_too_long"),
        ({"step_id": None}, "step_id", "uuid_type"),
    ],
)
async def test_a_bad_judgement_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    pupil = await enrol(client, shared_world)
    response = await _post(client, shared_world, pupil["id"], **changes)
    assert_problem(response, 422, field, code)


async def test_a_second_judgement_for_the_same_pupil_strand_and_module_is_a_conflict(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    first = await record(client, shared_world, pupil["id"])
    response = await _post(client, shared_world, pupil["id"], step="S4")
    body = assert_problem(response, 409, "module_id", "conflict")
    assert first["id"] in body["detail"]


async def test_another_strand_or_module_for_the_same_pupil_is_not_a_conflict(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    made = [
        await record(client, shared_world, pupil["id"]),
        await record(client, shared_world, pupil["id"], strand=1),
        await record(client, shared_world, pupil["id"], module=1),
    ]
    listed = await list_all(
        client, JUDGEMENTS, shared_world.headers("teacher"), {"pupil_id": pupil["id"]}
    )
    assert [j["id"] for j in listed] == [j["id"] for j in made]


# --- read and list ------------------------------------------------------------------------


async def test_another_schools_teacher_cannot_read_a_judgement(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"])
    for path in (f"{JUDGEMENTS}/{judgement['id']}", f"{JUDGEMENTS}/{judgement['id']}/history"):
        assert_problem(await client.get(path, headers=shared_world.headers("other_teacher")), 404)


async def test_an_analyst_reads_judgements_but_cannot_change_them(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"])
    path = f"{JUDGEMENTS}/{judgement['id']}"
    read = await client.get(path, headers=shared_world.headers("trust_analyst"))
    assert read.status_code == 200, read.text
    analyst = if_match(shared_world, "trust_analyst", 1)
    assert_problem(await client.patch(path, json={"reason": "x"}, headers=analyst), 403)
    assert_problem(
        await client.post(f"{path}/moderation", json={"state": "agreed"}, headers=analyst), 403
    )
    assert_problem(await client.delete(path, params={"reason": "x"}, headers=analyst), 403)


async def test_each_list_filter_narrows_the_judgements(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    seven = await enrol(client, shared_world, year_group="7", pathway="pre-formal")
    nine = await enrol(client, shared_world, year_group="9", pathway="pre-formal")
    made = {
        "7-read-m0": await record(client, shared_world, seven["id"]),
        "7-math-m0": await record(client, shared_world, seven["id"], strand=1, kind="baseline"),
        "7-read-m1": await record(client, shared_world, seven["id"], module=1),
        "9-read-m0": await record(client, shared_world, nine["id"], kind="baseline"),
    }
    teacher = shared_world.headers("teacher")

    async def names(**params: str) -> set[str]:
        found = {j["id"] for j in await list_all(client, JUDGEMENTS, teacher, params)}
        return {name for name, j in made.items() if j["id"] in found}

    pupils = {"seven": seven["id"], "nine": nine["id"]}
    assert await names(pupil_id=pupils["seven"]) == {"7-read-m0", "7-math-m0", "7-read-m1"}
    assert await names(pupil_id=pupils["seven"], strand_id=shared_world.reading) == {
        "7-read-m0",
        "7-read-m1",
    }
    assert await names(module_id=str(shared_world.modules[1].id)) == {"7-read-m1"}
    assert await names(kind="baseline") == {"7-math-m0", "9-read-m0"}
    assert await names(pathway="pre-formal", year_group="9") == {"9-read-m0"}
    assert await names(pathway="pre-formal", kind="checkpoint") == {"7-read-m0", "7-read-m1"}
    assert await names(school_id=str(shared_world.school.id), pupil_id=pupils["nine"]) == {
        "9-read-m0"
    }


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"kind": "final"}, 422),
        ({"year_group": "123"}, 422),
        ({"pupil_id": str(uuid.uuid4())}, 404),
    ],
)
async def test_a_bad_judgement_filter_is_refused(
    client: httpx.AsyncClient, shared_world: World, params: dict[str, str], status: int
) -> None:
    response = await client.get(JUDGEMENTS, params=params, headers=shared_world.headers("teacher"))
    assert_problem(response, status, next(iter(params)) if status == 422 else None)


async def test_judgements_page_through_every_row_once(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    made = [
        (await record(client, shared_world, pupil["id"], module=module, strand=strand))["id"]
        for module in range(3)
        for strand in range(2)
    ]
    walk = await walk_pages(
        client, JUDGEMENTS, shared_world.headers("teacher"), {"pupil_id": pupil["id"], "limit": 4}
    )
    assert walk.ids == made
    assert walk.pages == 2


# --- correct --------------------------------------------------------------------------------


async def test_a_correction_keeps_the_previous_step_and_the_reason_in_the_history(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"], step="S2")
    response = await client.patch(
        f"{JUDGEMENTS}/{judgement['id']}",
        json={"reason": "entered against the wrong step", "step_id": shared_world.step("S3")},
        headers=if_match(shared_world, "teacher", 1),
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    corrected = response.json()
    assert corrected["step_id"] == corrected["effective_step_id"] == shared_world.step("S3")
    assert corrected["version"] == 2

    history = await _history(client, shared_world, judgement["id"])
    assert len(history) == 1
    (previous,) = history
    assert previous["version"] == 1
    assert previous["step_id"] == shared_world.step("S2")
    assert previous["reason"] == "entered against the wrong step"
    assert previous["changed_by"] == str(shared_world.users["teacher"].id)


async def test_a_correction_changes_only_what_it_names(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"], note="first note")
    response = await client.patch(
        f"{JUDGEMENTS}/{judgement['id']}",
        json={"reason": "typo", "note": "second note", "evidence": ["https://e.example/1"]},
        headers=if_match(shared_world, "teacher", 1),
    )
    assert response.status_code == 200, response.text
    corrected = response.json()
    assert (corrected["note"], corrected["evidence"]) == ("second note", ["https://e.example/1"])
    for name in ("step_id", "kind", "assessed_on", "assessor", "module_id", "strand_id"):
        assert corrected[name] == judgement[name]
    assert (await _history(client, shared_world, judgement["id"]))[0]["note"] == "first note"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({}, "reason", "missing"),
        ({"reason": "   "}, "reason", "string_too_short"),
        ({"reason": "x", "assessed_on": "2099-01-01"}, "assessed_on", "date.future"),
        ({"reason": "x", "evidence": ["nope"]}, "evidence[0]", "url"),
        ({"reason": "x", "pupil_id": str(uuid.uuid4())}, "pupil_id", "extra_forbidden"),
    ],
)
async def test_a_bad_correction_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"])
    response = await client.patch(
        f"{JUDGEMENTS}/{judgement['id']}",
        json=changes,
        headers=if_match(shared_world, "teacher", 1),
    )
    assert_problem(response, 422, field, code)
    assert await _history(client, shared_world, judgement["id"]) == []


async def test_a_correction_to_a_step_off_the_scale_is_refused_naming_step_id(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"])
    response = await client.patch(
        f"{JUDGEMENTS}/{judgement['id']}",
        json={"reason": "x", "step_id": await _foreign_step(client, shared_world)},
        headers=if_match(shared_world, "teacher", 1),
    )
    assert_problem(response, 422, "step_id", "step.scale")


async def test_a_correction_needs_the_current_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"])
    path = f"{JUDGEMENTS}/{judgement['id']}"
    body = {"reason": "x", "note": "n"}
    assert_problem(
        await client.patch(path, json=body, headers=shared_world.headers("teacher")), 428
    )
    assert_problem(
        await client.patch(path, json=body, headers=if_match(shared_world, "teacher", 2)), 412
    )
    assert await _history(client, shared_world, judgement["id"]) == []


# --- moderate -------------------------------------------------------------------------------


async def test_moderation_adjusted_makes_the_moderated_step_the_effective_one(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"], step="S4")
    response = await client.post(
        f"{JUDGEMENTS}/{judgement['id']}/moderation",
        json={"state": "adjusted", "step_id": shared_world.step("S3"), "moderator": "Trust lead"},
        headers=if_match(shared_world, "teacher", 1),
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    moderated = response.json()
    assert moderated["step_id"] == shared_world.step("S4")
    assert moderated["effective_step_id"] == shared_world.step("S3")
    assert moderated["moderation"]["state"] == "adjusted"
    assert moderated["moderation"]["step_id"] == shared_world.step("S3")
    assert moderated["moderation"]["moderator"] == "Trust lead"
    assert moderated["moderation"]["moderated_on"] is not None
    (previous,) = await _history(client, shared_world, judgement["id"])
    assert previous["reason"] == "moderation: adjusted"
    assert previous["moderation"]["state"] == "unmoderated"


async def test_moderation_agreed_keeps_the_teachers_step_and_names_the_caller(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"], step="S4")
    response = await client.post(
        f"{JUDGEMENTS}/{judgement['id']}/moderation",
        json={"state": "agreed", "moderated_on": "2024-01-15"},
        headers=shared_world.headers("school_admin"),
    )
    assert response.status_code == 200, response.text
    moderated = response.json()
    assert moderated["effective_step_id"] == shared_world.step("S4")
    assert moderated["moderation"] == {
        "state": "agreed",
        "step_id": None,
        "moderator": "School Admin",
        "moderated_on": "2024-01-15",
    }


async def test_a_corrected_step_undoes_earlier_moderation(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"], step="S4")
    path = f"{JUDGEMENTS}/{judgement['id']}"
    await client.post(
        f"{path}/moderation",
        json={"state": "adjusted", "step_id": shared_world.step("S3")},
        headers=shared_world.headers("teacher"),
    )
    response = await client.patch(
        path,
        json={"reason": "re-assessed", "step_id": shared_world.step("S5")},
        headers=if_match(shared_world, "teacher", 2),
    )
    assert response.status_code == 200, response.text
    corrected = response.json()
    assert corrected["moderation"]["state"] == "unmoderated"
    assert corrected["effective_step_id"] == shared_world.step("S5")
    history = await _history(client, shared_world, judgement["id"])
    assert [h["reason"] for h in history] == ["moderation: adjusted", "re-assessed"]
    assert [h["version"] for h in history] == [1, 2]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"state": "adjusted"}, "step_id", "required"),
        ({"state": "approved"}, "state", "enum"),
        ({"state": "agreed", "moderator": "x" * 201}, "moderator", "string_too_long"),
        ({"state": "agreed", "moderated_on": "2099-01-01"}, "moderated_on", "date.future"),
    ],
)
async def test_a_bad_moderation_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    body: dict[str, Any],
    field: str,
    code: str,
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"])
    response = await client.post(
        f"{JUDGEMENTS}/{judgement['id']}/moderation",
        json=body,
        headers=shared_world.headers("teacher"),
    )
    assert_problem(response, 422, field, code)


async def test_an_adjustment_to_a_step_off_the_scale_is_refused_naming_step_id(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"])
    response = await client.post(
        f"{JUDGEMENTS}/{judgement['id']}/moderation",
        json={"state": "adjusted", "step_id": await _foreign_step(client, shared_world)},
        headers=shared_world.headers("teacher"),
    )
    assert_problem(response, 422, "step_id", "step.scale")


async def test_moderation_with_a_stale_if_match_is_412(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"])
    response = await client.post(
        f"{JUDGEMENTS}/{judgement['id']}/moderation",
        json={"state": "agreed"},
        headers=if_match(shared_world, "teacher", 5),
    )
    assert_problem(response, 412)


# --- delete -------------------------------------------------------------------------------


async def test_a_deleted_judgement_is_gone_but_its_history_says_why(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"], step="S2")
    path = f"{JUDGEMENTS}/{judgement['id']}"
    response = await client.delete(
        path, params={"reason": "wrong pupil"}, headers=if_match(shared_world, "teacher", 1)
    )
    assert response.status_code == 204
    assert_problem(await client.get(path, headers=shared_world.headers("teacher")), 404)
    (last,) = await _history(client, shared_world, judgement["id"])
    assert (last["reason"], last["step_id"]) == ("deleted: wrong pupil", shared_world.step("S2"))
    listed = await list_all(
        client, JUDGEMENTS, shared_world.headers("teacher"), {"pupil_id": pupil["id"]}
    )
    assert listed == []
    again = await _post(client, shared_world, pupil["id"])
    assert again.status_code == 201, again.text


async def test_deleting_a_judgement_needs_a_reason_and_the_current_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    judgement = await record(client, shared_world, pupil["id"])
    path = f"{JUDGEMENTS}/{judgement['id']}"
    assert_problem(
        await client.delete(path, headers=if_match(shared_world, "teacher", 1)), 422, "reason"
    )
    assert_problem(
        await client.delete(
            path, params={"reason": ""}, headers=if_match(shared_world, "teacher", 1)
        ),
        422,
        "reason",
    )
    assert_problem(
        await client.delete(path, params={"reason": "x"}, headers=shared_world.headers("teacher")),
        428,
    )
    assert_problem(
        await client.delete(
            path, params={"reason": "x"}, headers=if_match(shared_world, "teacher", 3)
        ),
        412,
    )
    assert (await client.get(path, headers=shared_world.headers("teacher"))).status_code == 200


async def test_the_history_of_a_judgement_that_never_existed_is_404(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        f"{JUDGEMENTS}/{uuid.uuid4()}/history", headers=shared_world.headers("teacher")
    )
    assert_problem(response, 404)
