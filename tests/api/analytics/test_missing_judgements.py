"""Data quality: who on roll still lacks a judgement at a module, and on which strand."""

import uuid
from datetime import date

import httpx
import pytest

from api.runtime import Runtime
from domain.pupils.pupil import Enrolment
from tests.api.progress_support import Tracker


@pytest.fixture
async def gaps(runtime: Runtime) -> tuple[Tracker, dict[str, uuid.UUID]]:
    tracker = await Tracker.build(runtime)
    complete = await tracker.pupil()
    half = await tracker.pupil()
    never = await tracker.pupil(joined_on=date(2024, 6, 1))
    gone = await tracker.pupil(enrolments=[Enrolment(date(2023, 9, 1), date(2024, 3, 1))])
    for strand in ("ENG", "MAT"):
        await tracker.progress(complete, strand, "2023/24", 2)
    await tracker.progress(half, "ENG", "2023/24", 2)
    await tracker.judge(half, "MAT", "2023/24", 1, 3, date(2023, 9, 20))  # MAT at module 1 only
    await tracker.judge(gone, "ENG", "2023/24", 1, 3, date(2023, 9, 20))
    ids = {"complete": complete.id, "half": half.id, "never": never.id, "gone": gone.id}
    return tracker, ids


async def test_each_pupil_on_roll_is_listed_for_each_strand_they_lack_and_leavers_are_not(
    client: httpx.AsyncClient, runtime: Runtime, gaps: tuple[Tracker, dict[str, uuid.UUID]]
) -> None:
    tracker, ids = gaps
    response = await client.get(
        "/api/v1/analytics/missing-judgements",
        params={"academic_year": "2023/24", "module": 6, "school_id": str(tracker.school.id)},
        headers=await tracker.headers(),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    missing = {(m["pupil_id"], m["strand_id"]) for m in body["items"]}
    assert missing == {(str(ids["half"]), str(tracker.strand("MAT"))), (str(ids["never"]), None)}
    assert (body["total"], body["truncated"]) == (2, False)
    assert {s["strand_id"]: s["missing"] for s in body["by_strand"]} == {
        str(tracker.strand("MAT")): 1,
        None: 1,
    }


async def test_the_list_stops_at_the_limit_but_the_counts_cover_everyone(
    client: httpx.AsyncClient, runtime: Runtime, gaps: tuple[Tracker, dict[str, uuid.UUID]]
) -> None:
    tracker, _ = gaps
    response = await client.get(
        "/api/v1/analytics/missing-judgements",
        params={
            "academic_year": "2023/24",
            "module": 6,
            "school_id": str(tracker.school.id),
            "limit": 1,
        },
        headers=await tracker.headers(),
    )
    body = response.json()
    assert (len(body["items"]), body["total"], body["truncated"]) == (1, 2, True)


async def test_a_strand_filter_narrows_the_gaps_to_that_strand(
    client: httpx.AsyncClient, runtime: Runtime, gaps: tuple[Tracker, dict[str, uuid.UUID]]
) -> None:
    tracker, ids = gaps
    response = await client.get(
        "/api/v1/analytics/missing-judgements",
        params={
            "academic_year": "2023/24",
            "module": 6,
            "school_id": str(tracker.school.id),
            "strand_id": str(tracker.strand("ENG")),
        },
        headers=await tracker.headers(),
    )
    body = response.json()
    assert [(m["pupil_id"], m["strand_id"]) for m in body["items"]] == [(str(ids["never"]), None)]
