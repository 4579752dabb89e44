"""POST /imports/judgements: CSV and NDJSON upserts, checked row by row, all or nothing."""

import json
import uuid
from typing import Any

import httpx

from tests.factories import World

URL = "/api/v1/imports/judgements"


def _csv(
    world: World, *rows: str, header: str = "UPN,Strand,Academic Year,Module,Step,Date"
) -> str:
    return "\n".join([header, *rows]) + "\n"


def _row(world: World, pupil: int = 0, strand: str = "READ", module: int = 1, step: str = "S2",
         on: str = "2023-10-02") -> str:  # fmt: skip
    return f"{world.pupils[pupil].upn},{strand},2023/24,{module},{step},{on}"


async def _post(
    client: httpx.AsyncClient,
    world: World,
    body: str | bytes,
    who: str = "teacher",
    content_type: str = "text/csv",
    headers: dict[str, str] | None = None,
    **params: Any,
) -> httpx.Response:
    return await client.post(
        URL,
        params={"school_id": str(world.school.id), **params},
        content=body,
        headers={**world.headers(who), "Content-Type": content_type, **(headers or {})},
    )


async def _judgements(client: httpx.AsyncClient, world: World) -> list[dict[str, Any]]:
    response = await client.get(
        "/api/v1/judgements",
        params={"school_id": str(world.school.id), "limit": 200},
        headers=world.headers("teacher"),
    )
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_csv_export_is_imported_and_sending_it_again_changes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    body = _csv(world, _row(world), _row(world, strand="MATH"), _row(world, pupil=1, module=2))

    first = await _post(client, world, body)
    again = await _post(client, world, body)

    assert first.status_code == 200, first.text
    assert first.json()["counts"] == {"inserted": 3, "updated": 0, "unchanged": 0}
    assert first.json()["committed"] is True
    assert again.json()["counts"] == {"inserted": 0, "updated": 0, "unchanged": 3}
    stored = await _judgements(client, world)
    assert len(stored) == 3
    assert {j["step_id"] for j in stored} == {world.step("S2")}
    assert all(j["version"] == 1 for j in stored)


async def test_a_changed_step_updates_the_judgement_and_keeps_its_history(
    client: httpx.AsyncClient, world: World
) -> None:
    await _post(client, world, _csv(world, _row(world, step="S2")))

    response = await _post(client, world, _csv(world, _row(world, step="S4")), source="sims.csv")

    assert response.json()["counts"] == {"inserted": 0, "updated": 1, "unchanged": 0}
    [judgement] = await _judgements(client, world)
    assert judgement["step_id"] == world.step("S4")
    assert judgement["version"] == 2
    history = await client.get(
        f"/api/v1/judgements/{judgement['id']}/history", headers=world.headers("teacher")
    )
    assert [(h["step_id"], h["reason"]) for h in history.json()] == [
        (world.step("S2"), "import sims.csv")
    ]


async def test_one_bad_row_means_nothing_is_written_and_every_rejection_is_listed(
    client: httpx.AsyncClient, world: World
) -> None:
    body = _csv(
        world,
        _row(world),
        _row(world, step="S99"),
        "Z000000000000,READ,2023/24,1,S2,2023-10-02",
        _row(world, strand="SING"),
        _row(world, module=7),
        _row(world, on="31/02/2024"),
    )

    response = await _post(client, world, body)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    report = response.json()
    assert report["committed"] is False
    assert report["rows"] == 6
    assert report["rejected"] == 5
    assert [(e["line"], e["field"], e["code"]) for e in report["errors"]] == [
        (3, "step", "not_on_scale"),
        (4, "upn", "unknown_pupil"),
        (5, "strand", "unknown_strand"),
        (6, "module", "unknown_module"),
        (7, "assessed_on", "format"),
    ]
    assert await _judgements(client, world) == []


async def test_without_atomic_the_good_rows_are_written_and_the_bad_ones_reported(
    client: httpx.AsyncClient, world: World
) -> None:
    body = _csv(world, _row(world), _row(world, step="S99"), _row(world, strand="MATH"))

    response = await _post(client, world, body, atomic="false")

    assert response.status_code == 200
    assert response.json()["counts"]["inserted"] == 2
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [(3, "step")]
    assert len(await _judgements(client, world)) == 2


async def test_validate_reports_what_a_commit_would_do_and_writes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    await _post(client, world, _csv(world, _row(world)))
    body = _csv(world, _row(world, step="S3"), _row(world, strand="MATH"), _row(world, pupil=1))

    response = await _post(client, world, body, mode="validate")

    assert response.status_code == 200
    assert response.json()["counts"] == {"inserted": 2, "updated": 1, "unchanged": 0}
    assert response.json()["committed"] is False
    assert [j["step_id"] for j in await _judgements(client, world)] == [world.step("S2")]


async def test_the_same_pupil_strand_and_module_twice_in_one_file_is_rejected(
    client: httpx.AsyncClient, world: World
) -> None:
    body = _csv(world, _row(world), _row(world, strand="MATH"), _row(world, step="S3"))

    response = await _post(client, world, body)

    assert response.status_code == 422
    assert [(e["line"], e["code"]) for e in response.json()["errors"]] == [(4, "duplicate")]
    assert "line 2" in response.json()["errors"][0]["reason"]


async def test_a_retry_with_the_same_idempotency_key_replays_the_first_answer(
    client: httpx.AsyncClient, world: World
) -> None:
    body = _csv(world, _row(world), _row(world, strand="MATH"))
    key = {"Idempotency-Key": f"sync-{uuid.uuid4()}"}

    first = await _post(client, world, body, headers=key)
    retry = await _post(client, world, body, headers=key)
    reused = await _post(client, world, _csv(world, _row(world, pupil=1)), headers=key)

    assert first.json()["counts"]["inserted"] == 2
    assert retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["counts"] == first.json()["counts"]
    assert retry.json()["replayed"] is True
    assert reused.status_code == 409
    assert len(await _judgements(client, world)) == 2


async def test_ndjson_records_are_imported_with_numbers_and_mis_headings(
    client: httpx.AsyncClient, world: World
) -> None:
    records = [
        {"upn": world.pupils[0].upn, "strand": "READ", "academic_year": "2023/24", "module": 2,
         "step": "s5", "kind": "checkpoint", "assessor": "Mr Pullen", "note": None},
        {"UPN": world.pupils[1].upn, "Aspect": "MATH", "Academic Year": "2023/24", "Term": 3,
         "Result": "S6", "Assessment Date": "2024-05-01"},
    ]  # fmt: skip
    body = "\n".join(json.dumps(r) for r in records) + "\n"

    response = await _post(client, world, body, content_type="application/x-ndjson")

    assert response.status_code == 200, response.text
    assert response.json()["counts"]["inserted"] == 2
    stored = {j["step_id"]: j for j in await _judgements(client, world)}
    assert stored[world.step("S5")]["assessor"] == "Mr Pullen"
    assert stored[world.step("S6")]["assessed_on"] == "2024-05-01"


async def test_damaged_files_are_reported_by_line_and_nothing_is_written(
    client: httpx.AsyncClient, world: World
) -> None:
    good = _row(world)
    cases: dict[str, str | bytes] = {
        "encoding": _csv(world, good).encode() + "Zoë,Ü".encode("latin-1"),
        "columns": _csv(world, good, f"{world.pupils[1].upn},READ,2023/"),
        "truncated": _csv(world, good) + f'{world.pupils[1].upn},READ,2023/24,1,S2,"2023-',
        "missing_column": "UPN,Strand,Module,Step\n" + good,
        "empty": "",
    }
    for code, body in cases.items():
        response = await _post(client, world, body, atomic="false")

        assert response.status_code == 422, (code, response.text)
        assert response.json()["errors"][0]["code"] == code
        assert response.json()["errors"][0]["field"] == "file"
    assert await _judgements(client, world) == []


async def test_pupils_and_schools_outside_the_callers_scope_are_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    other_pupil = f"{world.other_pupil.upn},READ,2023/24,1,S2,2023-10-02"

    other_school_row = await _post(client, world, _csv(world, other_pupil))
    other_school = await _post(client, world, _csv(world, _row(world)), who="other_teacher")
    analyst = await _post(client, world, _csv(world, _row(world)), who="trust_analyst")

    assert other_school_row.json()["errors"][0]["code"] == "unknown_pupil"
    assert other_school.status_code in (403, 404)
    assert analyst.status_code == 403
    assert await _judgements(client, world) == []


async def test_a_body_that_is_not_csv_or_ndjson_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await _post(client, world, b"\x89PNG", content_type="image/png")

    assert response.status_code == 415


async def test_a_committed_import_is_one_audit_entry_with_its_counts_not_one_per_row(
    client: httpx.AsyncClient, world: World
) -> None:
    body = _csv(world, _row(world), _row(world, strand="MATH"), _row(world, pupil=1))
    committed = await _post(client, world, body, source="arbor.csv")
    await _post(client, world, _csv(world, _row(world, step="nonsense")))  # refused
    await _post(client, world, body, mode="validate")  # rolled back

    response = await client.get(
        "/api/v1/audit",
        params={"school_id": str(world.school.id), "resource": "judgements"},
        headers=world.headers("school_admin"),
    )

    assert committed.status_code == 200, committed.text
    assert response.status_code == 200, response.text
    [entry] = response.json()["items"]
    assert entry["action"] == "import"
    assert entry["actor_kind"] == "user"
    assert entry["changes"]["source"] == "arbor.csv"
    assert entry["changes"]["counts"] == {
        "rows": 3, "rejected": 0, "inserted": 3, "updated": 0, "unchanged": 0
    }  # fmt: skip
