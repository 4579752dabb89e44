"""POST /imports/targets: targets upserted by pupil, strand and year; a new step revises."""

import uuid
from typing import Any

import httpx

from tests.api.import_support import csv_file, error_codes, listed, post_import
from tests.factories import World

HEADER = "UPN,Strand,Academic Year,Target Step,Status"


def _row(world: World, pupil: int = 0, strand: str = "READ", step: str = "S4",
         status: str = "", year: str = "2024/25") -> str:  # fmt: skip
    return f"{world.pupils[pupil].upn},{strand},{year},{step},{status}"


async def _targets(client: httpx.AsyncClient, world: World) -> list[dict[str, Any]]:
    return await listed(client, world, "targets")


async def test_targets_are_set_and_sending_the_file_again_changes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world), _row(world, strand="MATH"), _row(world, pupil=1))

    first = await post_import(client, world, "targets", body, who="teacher")
    again = await post_import(client, world, "targets", body, who="teacher")

    assert first.status_code == 200, first.text
    assert first.json()["counts"] == {"inserted": 3, "updated": 0, "unchanged": 0}
    assert again.json()["counts"] == {"inserted": 0, "updated": 0, "unchanged": 3}
    stored = await _targets(client, world)
    assert len(stored) == 3
    assert {(t["step_id"], t["status"]) for t in stored} == {(world.step("S4"), "active")}


async def test_a_new_step_revises_the_target_and_keeps_the_chain(
    client: httpx.AsyncClient, world: World
) -> None:
    await post_import(client, world, "targets", csv_file(HEADER, _row(world)))

    response = await post_import(
        client, world, "targets", csv_file(HEADER, _row(world, step="S6")), source="arbor.csv"
    )

    assert response.json()["counts"] == {"inserted": 0, "updated": 1, "unchanged": 0}
    stored = {t["status"]: t for t in await _targets(client, world)}
    assert stored["revised"]["step_id"] == world.step("S4")
    assert stored["active"]["step_id"] == world.step("S6")
    assert stored["active"]["supersedes_id"] == stored["revised"]["id"]
    history = await client.get(
        f"/api/v1/targets/{stored['active']['id']}/history", headers=world.headers("teacher")
    )
    assert [(h["status"], h["reason"]) for h in history.json()] == [
        ("active", "set"), ("revised", "import arbor.csv"), ("active", "import arbor.csv")
    ]  # fmt: skip


async def test_a_status_moves_by_the_domains_transitions(
    client: httpx.AsyncClient, world: World
) -> None:
    await post_import(client, world, "targets", csv_file(HEADER, _row(world), _row(world, 1)))
    body = csv_file(HEADER, _row(world, status="Met"), _row(world, 1, status="withdrawn"))

    moved = await post_import(client, world, "targets", body)
    refused = await post_import(
        client, world, "targets", csv_file(HEADER, _row(world, status="too challenging"))
    )

    assert moved.json()["counts"] == {"inserted": 0, "updated": 2, "unchanged": 0}
    assert refused.status_code == 422
    assert error_codes(refused) == [(2, "status", "status.transition")]
    assert sorted(t["status"] for t in await _targets(client, world)) == ["met", "withdrawn"]


async def test_bad_rows_are_listed_and_with_atomic_nothing_is_written(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(
        HEADER,
        _row(world),
        _row(world, step="S99"),
        _row(world, strand="SING"),
        _row(world, year="2024-25"),
        _row(world, status="revised"),
        "Z000000000000,READ,2024/25,S2,",
        f"{world.other_pupil.upn},READ,2024/25,S2,",
    )

    response = await post_import(client, world, "targets", body)

    assert response.status_code == 422
    assert error_codes(response) == [
        (3, "step", "not_on_scale"),
        (4, "strand", "unknown_strand"),
        (5, "academic_year", "format"),
        (6, "status", "one_of"),
        (7, "upn", "unknown_pupil"),
        (8, "upn", "unknown_pupil"),
    ]
    assert await _targets(client, world) == []


async def test_without_atomic_the_good_rows_are_written(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world), _row(world, step="S99"), _row(world, strand="MATH"))

    response = await post_import(client, world, "targets", body, atomic="false")

    assert response.status_code == 200
    assert response.json()["counts"]["inserted"] == 2
    assert error_codes(response) == [(3, "step", "not_on_scale")]
    assert len(await _targets(client, world)) == 2


async def test_validate_counts_exactly_and_writes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    await post_import(client, world, "targets", csv_file(HEADER, _row(world), _row(world, 1)))
    body = csv_file(HEADER, _row(world, step="S5"), _row(world, 1), _row(world, strand="MATH"))

    response = await post_import(client, world, "targets", body, mode="validate")

    assert response.json()["counts"] == {"inserted": 1, "updated": 1, "unchanged": 1}
    assert response.json()["committed"] is False
    assert len(await _targets(client, world)) == 2


async def test_one_target_twice_in_a_file_names_the_first_line(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world), _row(world, 1), _row(world, step="S5"))

    response = await post_import(client, world, "targets", body)

    assert error_codes(response) == [(4, "strand", "duplicate")]
    assert "line 2" in response.json()["errors"][0]["reason"]


async def test_a_retry_with_the_same_key_replays_and_another_school_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world))
    key = {"Idempotency-Key": f"targets-{uuid.uuid4()}"}

    first = await post_import(client, world, "targets", body, headers=key)
    retry = await post_import(client, world, "targets", body, headers=key)
    other = await post_import(client, world, "targets", body, who="other_teacher")
    analyst = await post_import(client, world, "targets", body, who="trust_analyst")

    assert retry.json() == {**first.json(), "replayed": True}
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert other.status_code in (403, 404)
    assert analyst.status_code == 403
    assert len(await _targets(client, world)) == 1
