"""POST /imports/qualifications: entries upserted by pupil, awarding body, title and level."""

import uuid
from typing import Any

import httpx

from tests.api.import_support import csv_file, error_codes, listed, post_import
from tests.factories import World

HEADER = "UPN,Exam Board,Qualification Title,Subject,Level,Result,Date Awarded"


def _row(world: World, pupil: int = 0, title: str = "Functional Skills English",
         level: str = "Entry 3", result: str = "", on: str = "") -> str:  # fmt: skip
    return f"{world.pupils[pupil].upn},Pearson,{title},English,{level},{result},{on}"


async def _entries(client: httpx.AsyncClient, world: World) -> list[dict[str, Any]]:
    return await listed(client, world, "qualifications")


async def test_entries_are_imported_and_sending_the_file_again_changes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world), _row(world, 1, title="GCSE English", level="L1"))

    first = await post_import(client, world, "qualifications", body, who="teacher")
    again = await post_import(client, world, "qualifications", body, who="teacher")

    assert first.status_code == 200, first.text
    assert first.json()["counts"] == {"inserted": 2, "updated": 0, "unchanged": 0}
    assert again.json()["counts"] == {"inserted": 0, "updated": 0, "unchanged": 2}
    stored = {e["title"]: e for e in await _entries(client, world)}
    assert stored["Functional Skills English"]["kind"] == "functional_skills"
    assert (stored["GCSE English"]["kind"], stored["GCSE English"]["level"]) == ("gcse", "level_1")
    assert {e["status"] for e in stored.values()} == {"entered"}


async def test_a_result_completes_the_entry_and_validate_counts_it_without_writing(
    client: httpx.AsyncClient, world: World
) -> None:
    await post_import(client, world, "qualifications", csv_file(HEADER, _row(world)))
    body = csv_file(HEADER, _row(world, result="Pass", on="2024-08-22"), _row(world, 1))

    checked = await post_import(client, world, "qualifications", body, mode="validate")
    unchanged = await _entries(client, world)
    written = await post_import(client, world, "qualifications", body)

    assert checked.json()["counts"] == {"inserted": 1, "updated": 1, "unchanged": 0}
    assert [e["status"] for e in unchanged] == ["entered"]
    assert written.json()["counts"] == checked.json()["counts"]
    passed = [e for e in await _entries(client, world) if e["pupil_id"] == str(world.pupil.id)]
    assert [(e["status"], e["result"], e["version"]) for e in passed] == [("completed", "Pass", 2)]


async def test_bad_rows_are_listed_and_with_atomic_nothing_is_written(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(
        "UPN,Exam Board,Qualification Title,Level,Status,Result,Date Awarded",
        f"{world.pupil.upn},Pearson,ELC Maths,Entry 2,,,",
        f"{world.pupil.upn},Pearson,ELC Maths,Entry 9,,,",
        f"{world.pupil.upn},Pearson,ELC Science,Entry 2,entered,Pass,",
        f"{world.pupil.upn},,ELC Art,Entry 2,,,",
        f"{world.pupil.upn},Pearson,ELC Music,Entry 2,finished,,",
        f"{world.other_pupil.upn},Pearson,ELC Maths,Entry 2,,,",
    )

    response = await post_import(client, world, "qualifications", body)

    assert response.status_code == 422
    assert error_codes(response) == [
        (3, "level", "one_of"),
        (4, "result", "qualification.result"),
        (5, "awarding_body", "blank"),
        (6, "status", "one_of"),
        (7, "upn", "unknown_pupil"),
    ]
    assert await _entries(client, world) == []


async def test_without_atomic_good_rows_are_written_and_duplicates_name_the_first(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world), _row(world, level="E9"), _row(world, result="Pass"))

    response = await post_import(client, world, "qualifications", body, atomic="false")

    assert response.status_code == 200
    assert response.json()["counts"]["inserted"] == 1
    assert error_codes(response) == [(3, "level", "one_of"), (4, "title", "duplicate")]
    assert len(await _entries(client, world)) == 1


async def test_a_retry_replays_and_other_schools_are_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world))
    key = {"Idempotency-Key": f"results-{uuid.uuid4()}"}

    first = await post_import(client, world, "qualifications", body, headers=key)
    retry = await post_import(client, world, "qualifications", body, headers=key)
    other = await post_import(client, world, "qualifications", body, who="other_teacher")

    assert first.json()["counts"]["inserted"] == 1
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert other.status_code in (403, 404)
    assert len(await _entries(client, world)) == 1
