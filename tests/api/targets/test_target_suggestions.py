"""Suggested targets for 2024/25 from a percentile model's reference cells, over REST.

The reference: ten pupils gained 0, 1, 1, 2, 2, 2, 3, 3, 4, 6 steps in English over the 298
days from 2022-09-15 to 2023-07-10 (three of them 1 step in maths). So the English cell
(start band 0 at width 5, age band 0 at 30 years) has a median of 2 x 365.25 / 298 = 2.45
steps a year and a 75th percentile of 3 x 365.25 / 298 = 3.68; the maths cell has only 3
learners, under the model's min_peers of 5.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.runtime import Runtime
from domain.analytics import progress_model_service as progress_models
from domain.analytics.progress import ModelKind
from domain.assessment.judgement import JudgementKind
from domain.kernel.access import Role
from domain.pupils.pupil import Enrolment, Pupil
from tests.api.progress_support import SYSTEM, Tracker
from tests.api.target_support import get_json, moderate, set_target

REFERENCE_GAINS = [0, 1, 1, 2, 2, 2, 3, 3, 4, 6]
MEDIAN = 2 * 365.25 / 298
UPPER_QUARTILE = 3 * 365.25 / 298
NEXT_YEAR = "2024/25"


@dataclass
class Similar:
    tracker: Tracker
    model_label: str
    reader: dict[str, str]


@pytest.fixture(scope="module")
async def similar(runtime: Runtime) -> Similar:
    tracker = await Tracker.build(runtime)
    [model] = await progress_models.list_models(runtime.system_uow(), SYSTEM, tracker.framework.id)
    revised = await progress_models.revise_model(
        runtime.system_uow(),
        SYSTEM,
        model.id,
        progress_models.ModelSpec(
            "Similar learners",
            kind=ModelKind.PERCENTILE,
            start_band_width=5,
            age_band_years=30,
            min_peers=5,
        ),
    )
    for n, gain in enumerate(REFERENCE_GAINS):
        pupil = await tracker.pupil()
        await tracker.progress(pupil, "ENG", "2022/23", gain)
        if n < 3:
            await tracker.progress(pupil, "MAT", "2022/23", 1)
    rebuilt, _ = await progress_models.rebuild_reference(
        runtime.system_uow(),
        SYSTEM,
        progress_models.RebuildReference(revised.id, academic_years=("2022/23",)),
    )
    reader = await tracker.headers(Role.TEACHER)
    return Similar(tracker, rebuilt.label, reader)


async def judged_last_summer(
    tracker: Tracker, eng: float | None, mat: float | None = None
) -> Pupil:
    """A pupil judged at module 1 and module 6 of 2023/24 (the latter is their start)."""
    pupil = await tracker.pupil()
    for strand, value in (("ENG", eng), ("MAT", mat)):
        if value is not None:
            await tracker.judge(pupil, strand, "2023/24", 1, 1, date(2023, 9, 15))
            await tracker.judge(pupil, strand, "2023/24", 6, value, date(2024, 7, 10))
    return pupil


async def suggestions_for(
    client: httpx.AsyncClient, similar: Similar, pupil: Pupil, **params: Any
) -> dict[str, dict[str, Any]]:
    """The pupil's rows by strand code."""
    body = await get_json(
        client,
        "/api/v1/targets/suggestions",
        similar.reader,
        academic_year=NEXT_YEAR,
        pupil_id=str(pupil.id),
        **params,
    )
    [item] = body["items"]
    codes = {str(similar.tracker.strand(c)): c for c in ("ENG", "MAT")}
    return {codes[row["strand_id"]]: row for row in item["strands"]}


@pytest.mark.parametrize(
    ("percentile", "gain", "step"),
    [(50, MEDIAN, 6), (75, UPPER_QUARTILE, 7)],  # 4 + 2.45 -> F6, 4 + 3.68 -> F7 (not F8)
)
async def test_the_suggestion_rounds_start_plus_the_percentile_gain_down_to_a_step(
    client: httpx.AsyncClient, similar: Similar, percentile: int, gain: float, step: int
) -> None:
    pupil = await judged_last_summer(similar.tracker, eng=4)
    eng = (await suggestions_for(client, similar, pupil, percentile=percentile))["ENG"]
    assert eng["start"] == {
        "step_id": str(similar.tracker.step(4)),
        "value": 4.0,
        "on": "2024-07-10",
    }
    assert eng["suggested"] == {"step_id": str(similar.tracker.step(step)), "value": step}
    assert (eng["model"], eng["percentile"], eng["no_suggestion"], eng["reason"]) == (
        similar.model_label,
        percentile,
        None,
        "",
    )
    reference = eng["reference"]
    assert (reference["learners"], reference["min_peers"]) == (10, 5)
    assert (reference["start_band"], reference["age_band"], reference["primary_need"]) == (0, 0, "")
    assert reference["gain_per_year"] == pytest.approx(gain, abs=1e-4)


async def test_too_few_peers_no_cell_and_no_start_each_say_why(
    client: httpx.AsyncClient, similar: Similar
) -> None:
    few = await suggestions_for(client, similar, await judged_last_summer(similar.tracker, 4, 4))
    mat = few["MAT"]
    assert (mat["no_suggestion"], mat["suggested"], mat["reference"]["learners"]) == (
        "too_few_peers",
        None,
        3,
    )
    assert mat["reason"] == f"too few similar learners: 3, where {similar.model_label} needs 5"
    far = await suggestions_for(client, similar, await judged_last_summer(similar.tracker, 12))
    assert far["ENG"]["no_suggestion"] == "no_reference_cell"  # start band 2: nobody like them
    assert far["ENG"]["reference"]["learners"] == 0
    assert far["MAT"]["no_suggestion"] == "no_start"
    assert (far["MAT"]["start"], far["MAT"]["reference"]) == (None, None)


async def test_the_start_is_the_latest_judgement_before_the_year_at_its_moderated_step(
    client: httpx.AsyncClient, similar: Similar
) -> None:
    pupil = await judged_last_summer(similar.tracker, eng=9)
    await moderate(similar.tracker, pupil, "ENG", "2023/24", 6, 3)
    eng = (await suggestions_for(client, similar, pupil))["ENG"]
    assert eng["start"]["value"] == 3.0
    assert eng["suggested"]["value"] == 5.0  # 3 + 2.45


async def test_only_pupils_on_roll_when_the_year_starts_get_suggestions(
    client: httpx.AsyncClient, similar: Similar
) -> None:
    tracker = similar.tracker
    left = await tracker.pupil(enrolments=[Enrolment(date(2022, 9, 1), date(2024, 7, 19))])
    await tracker.judge(left, "ENG", "2023/24", 6, 4, date(2024, 7, 10))
    body = await get_json(
        client,
        "/api/v1/targets/suggestions",
        similar.reader,
        academic_year=NEXT_YEAR,
        pupil_id=str(left.id),
    )
    assert body["items"] == []


async def test_suggestions_are_paged_by_pupil(client: httpx.AsyncClient, similar: Similar) -> None:
    query = {"academic_year": NEXT_YEAR, "school_id": str(similar.tracker.school.id)}
    whole = await get_json(
        client, "/api/v1/targets/suggestions", similar.reader, **query, limit=500
    )
    seen: list[str] = []
    cursor = None
    while True:
        params = {**query, "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = await get_json(client, "/api/v1/targets/suggestions", similar.reader, **params)
        seen += [item["pupil_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [item["pupil_id"] for item in whole["items"]]
    assert len(seen) >= 10
    assert all(len(item["strands"]) == 2 for item in whole["items"])


async def test_applying_sets_suggested_targets_and_skips_the_rest_saying_why(
    client: httpx.AsyncClient, similar: Similar
) -> None:
    tracker = similar.tracker
    ready = await judged_last_summer(tracker, eng=4, mat=4)
    far = await judged_last_summer(tracker, eng=12)
    has_one = await judged_last_summer(tracker, eng=4)
    existing = await set_target(tracker, has_one, "ENG", NEXT_YEAR, 9)
    left = await tracker.pupil(enrolments=[Enrolment(date(2022, 9, 1), date(2024, 7, 19))])
    nobody = uuid.uuid4()
    teacher = await tracker.headers(Role.TEACHER)
    body = {
        "academic_year": NEXT_YEAR,
        "school_id": str(tracker.school.id),
        "percentile": 75,
        "pupil_ids": [str(p) for p in (ready.id, far.id, has_one.id, left.id, nobody)],
    }
    response = await client.post("/api/v1/targets/suggestions/apply", json=body, headers=teacher)
    assert response.status_code == 200, response.text
    applied = response.json()
    results = {
        (r["pupil_id"], r["strand_id"] and tracker_code(tracker, r["strand_id"])): r
        for r in applied["results"]
    }
    assert (applied["set"], applied["skipped"]) == (1, 7)
    made = results[(str(ready.id), "ENG")]
    assert (made["outcome"], made["step_id"], made["model"]) == (
        "set",
        str(tracker.step(7)),
        similar.model_label,
    )
    expected_skips = {
        (str(ready.id), "MAT"): "too_few_peers",
        (str(far.id), "ENG"): "no_reference_cell",
        (str(far.id), "MAT"): "no_start",
        (str(has_one.id), "ENG"): "has_current_target",
        (str(has_one.id), "MAT"): "no_start",
        (str(left.id), None): "not_on_roll",
        (str(nobody), None): "not_on_roll",
    }
    assert {key: results[key]["code"] for key in expected_skips} == expected_skips
    assert all(results[key]["outcome"] == "skipped" for key in expected_skips)
    assert results[(str(has_one.id), "ENG")]["target_id"] == str(existing.id)
    assert results[(str(has_one.id), "ENG")]["reason"] == (
        "the pupil already has a current (active) target for this strand and year; revise it"
    )

    [target] = (
        await get_json(
            client, "/api/v1/targets", teacher, pupil_id=str(ready.id), academic_year=NEXT_YEAR
        )
    )["items"]
    assert target["id"] == made["target_id"]
    assert (target["step_id"], target["status"]) == (str(tracker.step(7)), "active")
    assert target["rationale"].startswith(
        f"suggested by {similar.model_label}: the 75th percentile of 10 similar learners"
    )
    again = await client.post("/api/v1/targets/suggestions/apply", json=body, headers=teacher)
    assert again.json()["set"] == 0
    shown = (await suggestions_for(client, similar, ready))["ENG"]
    assert (shown["current_target_id"], shown["current_target_status"]) == (target["id"], "active")


def tracker_code(tracker: Tracker, strand_id: str) -> str:
    return next(s.code for s in tracker.framework.strands if str(s.id) == strand_id)


async def test_applying_needs_write_assessment_in_the_school(
    client: httpx.AsyncClient, runtime: Runtime, similar: Similar
) -> None:
    tracker = similar.tracker
    neighbour = await Tracker.build(runtime, trust=tracker.trust)
    stranger = await Tracker.build(runtime)
    body = {"academic_year": NEXT_YEAR, "school_id": str(tracker.school.id)}
    for headers in (
        await tracker.headers(Role.TRUST_ANALYST),  # reads, never writes
        await neighbour.headers(Role.SCHOOL_ADMIN),
        await stranger.headers(Role.TRUST_ADMIN),
    ):
        response = await client.post(
            "/api/v1/targets/suggestions/apply", json=body, headers=headers
        )
        assert response.status_code == 403, response.text


async def test_intruders_are_refused_or_see_no_suggestion_for_the_school(
    client: httpx.AsyncClient, runtime: Runtime, similar: Similar
) -> None:
    tracker = similar.tracker
    pupil = await judged_last_summer(tracker, eng=4)
    neighbour = await Tracker.build(runtime, trust=tracker.trust)
    stranger = await Tracker.build(runtime)
    for headers in (
        await neighbour.headers(Role.SCHOOL_ADMIN),
        await stranger.headers(Role.TRUST_ADMIN),
    ):
        year = {"academic_year": NEXT_YEAR}
        by_school = await client.get(
            "/api/v1/targets/suggestions",
            params={**year, "school_id": str(tracker.school.id)},
            headers=headers,
        )
        assert by_school.status_code == 403
        by_pupil = await client.get(
            "/api/v1/targets/suggestions",
            params={**year, "pupil_id": str(pupil.id)},
            headers=headers,
        )
        assert by_pupil.status_code == 404
        everything = await client.get("/api/v1/targets/suggestions", params=year, headers=headers)
        assert everything.status_code == 200
        assert str(pupil.id) not in everything.text
        assert str(tracker.school.id) not in everything.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"percentile": 60}, "percentile"),
        ({"percentile": "high"}, "percentile"),
        ({"academic_year": "2024/26"}, "academic_year"),
        ({"school_id": "nope"}, "school_id"),
    ],
)
async def test_bad_queries_are_refused_naming_the_field(
    client: httpx.AsyncClient, similar: Similar, params: dict[str, Any], field: str
) -> None:
    response = await client.get(
        "/api/v1/targets/suggestions",
        params={"academic_year": NEXT_YEAR, **params},
        headers=similar.reader,
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"percentile": 90}, "percentile"),
        ({"academic_year": "2024-25"}, "academic_year"),
        ({"school_id": None}, "school_id"),
        ({"set_on": str(datetime.now(UTC).date() + timedelta(days=2))}, "set_on"),
        ({"pupil_ids": ["x"]}, "pupil_ids[0]"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_bad_applications_are_refused_naming_the_field(
    client: httpx.AsyncClient, similar: Similar, change: dict[str, Any], field: str
) -> None:
    body = {"academic_year": NEXT_YEAR, "school_id": str(similar.tracker.school.id), **change}
    response = await client.post(
        "/api/v1/targets/suggestions/apply",
        json={k: v for k, v in body.items() if v is not None},
        headers=await similar.tracker.headers(Role.SCHOOL_ADMIN),
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_judgements_from_the_first_of_september_are_not_a_start_for_that_year(
    client: httpx.AsyncClient, similar: Similar
) -> None:
    tracker = similar.tracker
    pupil = await tracker.pupil()
    await tracker.judge(pupil, "ENG", "2022/23", 6, 4, date(2023, 7, 10))
    await tracker.judge(pupil, "ENG", "2023/24", 1, 8, date(2023, 9, 1), JudgementKind.BASELINE)
    body = await get_json(
        client,
        "/api/v1/targets/suggestions",
        similar.reader,
        academic_year="2023/24",
        pupil_id=str(pupil.id),
        strand_id=str(tracker.strand("ENG")),
    )
    [row] = body["items"][0]["strands"]
    assert (row["start"]["on"], row["start"]["value"], row["suggested"]["value"]) == (
        "2023-07-10",
        4.0,
        6.0,
    )
