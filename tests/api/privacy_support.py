"""A pupil with a row in every table that holds pupil data, made through the API: for the
subject access, erasure and log tests. Names and UPN are distinctive, to search for."""

import json
from typing import Any

import httpx

from tests.api.seeding import JUDGEMENTS, PUPILS, enrol, if_match, record
from tests.factories import World

EHC_PLAN = {"kind": "sen_provision", "start_on": "2020-09-01", "value": "E"}
NEED = {"kind": "sen_need", "start_on": "2020-09-01", "value": "SLD", "rank": 1}
FORENAME = "Zephyrine"
SURNAME = "Quillfeather"


async def _ok(response: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def pupil_with_everything(
    client: httpx.AsyncClient, world: World, **changes: Any
) -> dict[str, Any]:
    """An SEN pupil (EHC plan since 2020) with characteristics, two enrolments, a corrected
    judgement, a deleted judgement, a revised target, an evaluated outcome target, a
    destination, attendance marks, a qualification entry and a class membership; the pupil as
    created."""
    fields: dict[str, Any] = {
        "forename": FORENAME,
        "surname": SURNAME,
        "mis_id": f"ADNO-{world.school.urn}-77",
        "characteristics": [EHC_PLAN, NEED],
        "enrolments": [
            {"joined_on": "2021-09-01", "left_on": "2022-07-20"},
            {"joined_on": "2022-09-01", "registration": "M"},
        ],
    }
    pupil = await enrol(client, world, **(fields | changes))
    pid = pupil["id"]
    teacher, admin = world.headers("teacher"), world.headers("school_admin")

    judgement = await record(client, world, pid, step="S2", note=f"{FORENAME} read aloud")
    await _ok(
        await client.patch(
            f"{JUDGEMENTS}/{judgement['id']}",
            json={"reason": "wrong step", "step_id": world.step("S3")},
            headers=if_match(world, "teacher", 1),
        ),
        200,
    )
    dropped = await record(client, world, pid, module=1, step="S1", note="entered twice")
    await _ok(
        await client.patch(
            f"{JUDGEMENTS}/{dropped['id']}",
            json={"reason": "typo", "step_id": world.step("S2")},
            headers=if_match(world, "teacher", 1),
        ),
        200,
    )
    deleted = await client.delete(
        f"{JUDGEMENTS}/{dropped['id']}",
        params={"reason": "duplicate"},
        headers=if_match(world, "teacher", 2),
    )
    assert deleted.status_code == 204, deleted.text

    target = await _ok(
        await client.post(
            "/api/v1/targets",
            json={
                "pupil_id": pid,
                "strand_id": world.reading,
                "academic_year": "2023/24",
                "step_id": world.step("S5"),
                "rationale": f"{FORENAME} is ready for more",
            },
            headers=teacher,
        )
    )
    await _ok(
        await client.post(
            f"/api/v1/targets/{target['id']}/revision",
            json={"step_id": world.step("S6"), "reason": "too easy"},
            headers=teacher,
        )
    )
    outcome = await _ok(
        await client.post(
            "/api/v1/outcome-targets",
            json={
                "pupil_id": pid,
                "source": "ehcp",
                "area": "Communication and interaction",
                "text": f"{FORENAME} uses a symbol to request a drink",
                "set_on": "2023-09-11",
            },
            headers=teacher,
        )
    )
    await _ok(
        await client.post(
            f"/api/v1/outcome-targets/{outcome['id']}/evaluations",
            json={
                "academic_year": "2023/24",
                "term": "autumn",
                "rating": "partly_met",
                "note": f"{FORENAME} needed a prompt",
                "evaluated_on": "2023-12-08",
            },
            headers=teacher,
        )
    )
    await _ok(
        await client.post(
            "/api/v1/destinations",
            json={
                "pupil_id": pid,
                "left_on": "2024-07-19",
                "category": "independent_specialist_college",
                "provider": "Derwen College",
                "sustained": True,
            },
            headers=admin,
        )
    )
    marks = [
        {"pupil_id": pid, "date": "2023-09-04", "session": "AM", "code": "/"},
        {"pupil_id": pid, "date": "2023-09-04", "session": "PM", "code": "I"},
    ]
    await _ok(
        await client.post("/api/v1/attendance/sessions", json={"marks": marks}, headers=admin),
        200,
    )
    await _ok(
        await client.post(
            "/api/v1/qualifications",
            json={
                "pupil_id": pid,
                "awarding_body": "Pearson",
                "title": "Functional Skills English",
                "subject": "English",
                "level": "entry_3",
                "kind": "functional_skills",
            },
            headers=teacher,
        )
    )
    group = await _ok(
        await client.post(
            "/api/v1/groups",
            json={
                "school_id": str(world.school.id),
                "name": f"Oak {pid[-6:]}",
                "academic_year": "2023/24",
            },
            headers=admin,
        )
    )
    await _ok(
        await client.post(
            "/api/v1/group-memberships",
            json={"group_id": group["id"], "pupil_id": pid, "starts_on": "2023-09-04"},
            headers=admin,
        )
    )
    updated = await client.patch(
        f"{PUPILS}/{pid}", json={"pathway": "formal"}, headers=if_match(world, "school_admin", 1)
    )
    return await _ok(updated, 200)


async def quoted_in_an_import(
    client: httpx.AsyncClient, world: World, pupil: dict[str, Any], key: str
) -> dict[str, Any]:
    """An import, kept under Idempotency-Key `key`, whose refused row quotes the pupil's MIS
    id (the world's first pupil's UPN with it is a conflict); the import's report."""
    assert world.pupil.upn is not None
    response = await client.post(
        "/api/v1/imports/pupils",
        params={"school_id": str(world.school.id), "atomic": "false"},
        content=f"UPN,MIS ID\n{world.pupil.upn},{pupil['mis_id']}\n",
        headers={
            **world.headers("school_admin"),
            "Content-Type": "text/csv",
            "Idempotency-Key": key,
        },
    )
    report = await _ok(response, 200)
    assert pupil["mis_id"] in json.dumps(report), report
    return report
