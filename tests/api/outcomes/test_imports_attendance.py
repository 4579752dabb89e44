"""POST /imports/attendance: register marks upserted by pupil, date and session, in bulk."""

import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from domain.kernel.clock import SYSTEM_CLOCK
from tests.api.import_support import csv_file, error_codes, post_import
from tests.factories import World

HEADER = "UPN,Date,Session,Mark"


def _row(world: World, pupil: int = 0, day: str = "2024-10-07", session: str = "AM",
         code: str = "/") -> str:  # fmt: skip
    return f"{world.pupils[pupil].upn},{day},{session},{code}"


def _week(world: World, pupils: int = 2, code: str = "/") -> list[str]:
    """Mon-Fri, AM and PM, for the first `pupils` pupils: 20 marks for two."""
    monday = date(2024, 10, 7)
    return [
        _row(world, p, (monday + timedelta(days=d)).isoformat(), s, code)
        for p in range(pupils)
        for d in range(5)
        for s in ("AM", "PM")
    ]


async def _marks(client: httpx.AsyncClient, world: World) -> list[dict[str, Any]]:
    response = await client.get(
        "/api/v1/attendance/sessions",
        params={"school_id": str(world.school.id), "limit": 200},
        headers=world.headers("school_admin"),
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_week_of_registers_is_imported_and_sending_it_again_changes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, *_week(world))

    first = await post_import(client, world, "attendance", body)
    again = await post_import(client, world, "attendance", body)

    assert first.status_code == 200, first.text
    assert first.json()["counts"] == {"inserted": 20, "updated": 0, "unchanged": 0}
    assert again.json()["counts"] == {"inserted": 0, "updated": 0, "unchanged": 20}
    assert len(await _marks(client, world)) == 20


async def test_a_changed_code_updates_the_mark_and_validate_counts_it_without_writing(
    client: httpx.AsyncClient, world: World
) -> None:
    await post_import(client, world, "attendance", csv_file(HEADER, *_week(world)))
    body = csv_file(HEADER, _row(world, code="I"), _row(world, day="2024-10-14"), *_week(world)[1:])

    checked = await post_import(client, world, "attendance", body, mode="validate")
    written = await post_import(client, world, "attendance", body)

    assert checked.json()["counts"] == {"inserted": 1, "updated": 1, "unchanged": 19}
    assert checked.json()["committed"] is False
    assert written.json()["counts"] == checked.json()["counts"]
    marks = await _marks(client, world)
    assert len(marks) == 21
    assert sorted(m["code"] for m in marks).count("I") == 1


async def test_bad_marks_are_listed_and_with_atomic_nothing_is_written(
    client: httpx.AsyncClient, world: World
) -> None:
    future = (SYSTEM_CLOCK.today() + timedelta(days=7)).isoformat()
    body = csv_file(
        HEADER,
        _row(world),
        _row(world, code="ZZ"),
        _row(world, day="2024-10-08", code="H"),
        _row(world, session="Evening"),
        _row(world, day=future),
        _row(world, day="32/10/2024"),
        f"{world.other_pupil.upn},2024-10-07,AM,/",
    )

    response = await post_import(client, world, "attendance", body)

    assert response.status_code == 422
    assert error_codes(response) == [
        (3, "code", "attendance.code"),
        (4, "code", "attendance.code_date"),
        (5, "session", "one_of"),
        (6, "date", "date.future"),
        (7, "date", "format"),
        (8, "upn", "unknown_pupil"),
    ]
    assert await _marks(client, world) == []


async def test_without_atomic_the_good_marks_are_written(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world), _row(world, code="ZZ"), _row(world, session="pm"))

    response = await post_import(client, world, "attendance", body, atomic="false")

    assert response.status_code == 200
    assert response.json()["counts"]["inserted"] == 2
    assert error_codes(response) == [(3, "code", "attendance.code")]
    assert {m["session"] for m in await _marks(client, world)} == {"AM", "PM"}


async def test_one_session_twice_in_a_file_names_the_first_line(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, _row(world), _row(world, 1), _row(world, code="L"))

    response = await post_import(client, world, "attendance", body)

    assert error_codes(response) == [(4, "session", "duplicate")]
    assert "line 2" in response.json()["errors"][0]["reason"]


async def test_a_retry_replays_and_callers_without_roster_rights_are_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(HEADER, *_week(world, pupils=1))
    key = {"Idempotency-Key": f"registers-{uuid.uuid4()}"}

    first = await post_import(client, world, "attendance", body, headers=key)
    retry = await post_import(client, world, "attendance", body, headers=key)
    teacher = await post_import(client, world, "attendance", body, who="teacher")
    other = await post_import(client, world, "attendance", body, who="other_teacher")

    assert first.json()["counts"]["inserted"] == 10
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["counts"] == first.json()["counts"]
    assert teacher.status_code == 403
    assert other.status_code in (403, 404)
    assert len(await _marks(client, world)) == 10
