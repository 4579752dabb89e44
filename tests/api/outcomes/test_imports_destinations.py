"""POST /imports/destinations: leavers' destinations upserted by pupil and leaving date."""

import uuid
from typing import Any

import httpx

from tests.api.import_support import csv_file, error_codes, listed, post_import
from tests.factories import World

HEADER = "UPN,Date of Leaving,Destination,Provider,Sustained"


def _row(world: World, pupil: int = 0, left: str = "2024-07-19", category: str = "FE College",
         provider: str = "Weald College", sustained: str = "") -> str:  # fmt: skip
    return f"{world.pupils[pupil].upn},{left},{category},{provider},{sustained}"


async def _destinations(client: httpx.AsyncClient, world: World) -> list[dict[str, Any]]:
    return await listed(client, world, "destinations")


async def test_leavers_are_imported_and_sending_the_file_again_changes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world), _row(world, 1, category="apprenticeship", provider=""))

    first = await post_import(client, world, "destinations", body)
    again = await post_import(client, world, "destinations", body)

    assert first.status_code == 200, first.text
    assert first.json()["counts"] == {"inserted": 2, "updated": 0, "unchanged": 0}
    assert again.json()["counts"] == {"inserted": 0, "updated": 0, "unchanged": 2}
    stored = {d["category"]: d for d in await _destinations(client, world)}
    assert stored["fe_college"]["provider"] == "Weald College"
    assert stored["fe_college"]["year_group_at_leaving"] == "7"  # the pupil's year group
    assert stored["apprenticeship"]["sustained"] is None


async def test_a_changed_row_updates_the_destination_and_validate_writes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    await post_import(client, world, "destinations", csv_file(HEADER, _row(world)))
    body = csv_file(HEADER, _row(world, sustained="Y"), _row(world, 1, category="NEET"))

    checked = await post_import(client, world, "destinations", body, mode="validate")
    stored_then = await _destinations(client, world)
    written = await post_import(client, world, "destinations", body)

    assert checked.json()["counts"] == {"inserted": 1, "updated": 1, "unchanged": 0}
    assert [d["sustained"] for d in stored_then] == [None]
    assert written.json()["counts"] == checked.json()["counts"]
    stored = {d["category"]: d for d in await _destinations(client, world)}
    assert (stored["fe_college"]["sustained"], stored["fe_college"]["version"]) == (True, 2)


async def test_bad_rows_are_listed_and_with_atomic_nothing_is_written(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(
        HEADER,
        _row(world),
        _row(world, 1, category="gap year"),
        _row(world, 1, left="2019-07-19"),
        _row(world, 1, left="19.07.2024"),
        _row(world, 1, left="2024-07-20", sustained="perhaps"),
        f"{world.other_pupil.upn},2024-07-19,FE College,,",
    )

    response = await post_import(client, world, "destinations", body)

    assert response.status_code == 422
    assert error_codes(response) == [
        (3, "category", "one_of"),
        (4, "left_on", "date.order"),
        (5, "left_on", "format"),
        (6, "sustained", "one_of"),
        (7, "upn", "unknown_pupil"),
    ]
    assert await _destinations(client, world) == []


async def test_without_atomic_the_good_rows_are_written_and_duplicates_name_the_first(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world), _row(world, 1, category="?"), _row(world, provider="X"))

    response = await post_import(client, world, "destinations", body, atomic="false")

    assert response.status_code == 200
    assert response.json()["counts"]["inserted"] == 1
    assert error_codes(response) == [(3, "category", "one_of"), (4, "left_on", "duplicate")]
    assert "line 2" in response.json()["errors"][1]["reason"]
    assert [d["provider"] for d in await _destinations(client, world)] == ["Weald College"]


async def test_a_retry_replays_and_other_schools_are_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world))
    key = {"Idempotency-Key": f"leavers-{uuid.uuid4()}"}

    first = await post_import(client, world, "destinations", body, headers=key)
    retry = await post_import(client, world, "destinations", body, headers=key)
    other = await post_import(client, world, "destinations", body, who="other_teacher")

    assert first.json()["counts"]["inserted"] == 1
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert other.status_code in (403, 404)
    assert len(await _destinations(client, world)) == 1
