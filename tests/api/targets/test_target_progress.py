"""Target progress over REST: each status at and just past its boundary, the one-judgement
fallback to the model's rate, pupils who joined mid-year, moderation, scope and validation.

The 2023/24 year of Tracker ends with module 6 on 2024-07-19. Most cases judge a baseline
at module 1 and a checkpoint at module 4 on 2024-03-01, leaving 140 days on roll: a
baseline on 2023-10-13 gives 140 days elapsed too, so the projection is current + gain.
"""

import random
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from api.runtime import Runtime
from domain.analytics.progress import AssessmentPoint
from domain.assessment.judgement import JudgementKind
from domain.kernel.access import Role
from domain.kernel.paging import PageRequest
from domain.pupils.pupil import Enrolment, Pupil
from domain.targets import target_service as targets
from domain.targets.target import TargetStatus
from domain.targets.target_progress import (
    TargetProgress,
    TargetProgressQuery,
    TrackingRules,
    TrackStatus,
    track_status,
)
from persistence.scope import Scope
from tests.api.progress_support import SYSTEM, Tracker
from tests.api.target_support import get_json, moderate, set_target

YEAR = "2023/24"
NOW = date(2024, 3, 1)  # module 4; 140 days before the year ends
EVEN = date(2023, 10, 13)  # 140 days before NOW: elapsed == remaining


@pytest.fixture(scope="module")
async def school(runtime: Runtime) -> Tracker:
    return await Tracker.build(runtime)


@pytest.fixture(scope="module")
async def admin(school: Tracker) -> dict[str, str]:
    return await school.headers(Role.SCHOOL_ADMIN)


async def tracked(
    school: Tracker,
    start: float,
    current: float,
    target: float,
    start_on: date = EVEN,
    current_on: date = NOW,
    module: int = 4,
) -> Pupil:
    """A pupil with a baseline at module 1, a checkpoint at `module` and a 2023/24 target."""
    pupil = await school.pupil()
    await school.judge(pupil, "ENG", YEAR, 1, start, start_on, JudgementKind.BASELINE)
    await school.judge(pupil, "ENG", YEAR, module, current, current_on)
    await set_target(school, pupil, "ENG", YEAR, target)
    return pupil


async def progress_of(
    client: httpx.AsyncClient,
    school: Tracker,
    headers: dict[str, str],
    pupil: Pupil,
    module: int = 4,
    **params: Any,
) -> dict[str, Any]:
    body = await get_json(
        client,
        "/api/v1/targets/progress",
        headers,
        academic_year=YEAR,
        module=module,
        school_id=str(school.school.id),
        pupil_id=str(pupil.id),
        **params,
    )
    [item] = body["items"]
    return dict(item)


@pytest.mark.parametrize(
    ("current", "status"),
    [(9, "on_track"), (10, "met"), (11, "met")],
)
async def test_a_target_is_met_exactly_at_its_value(
    client: httpx.AsyncClient,
    school: Tracker,
    admin: dict[str, str],
    current: float,
    status: str,
) -> None:
    pupil = await tracked(school, start=2, current=current, target=10)
    item = await progress_of(client, school, admin, pupil)
    assert item["status"] == status
    assert (item["target"]["value"], item["current"]["value"]) == (10.0, current)


@pytest.mark.parametrize(
    ("start_on", "status", "projected"),
    [
        (EVEN, "on_track", 10.0),  # 6 + 4 x 140 / 140 lands exactly on the target
        (EVEN - timedelta(days=1), "behind", 6 + 4 * 140 / 141),
    ],
)
async def test_on_track_starts_exactly_where_the_projection_reaches_the_target(
    client: httpx.AsyncClient,
    school: Tracker,
    admin: dict[str, str],
    start_on: date,
    status: str,
    projected: float,
) -> None:
    pupil = await tracked(school, start=2, current=6, target=10, start_on=start_on)
    item = await progress_of(client, school, admin, pupil)
    assert item["status"] == status
    assert item["projected_value"] == pytest.approx(projected, abs=1e-4)
    assert item["rate_source"] == "observed"
    assert item["days_remaining"] == 140
    assert item["rate_per_year"] == pytest.approx(4 * 365.25 / item["days_elapsed"], abs=1e-4)


@pytest.mark.parametrize(
    ("start_on", "params", "status"),
    [
        # start 2, now 4, target 10: the target needs 8, half of it is 4
        (EVEN, {}, "behind"),  # projected gain 2 + 2 x 140/140 = 4: exactly half, not less
        (EVEN - timedelta(days=1), {}, "too_challenging_suggested"),  # 2 + 2 x 140/141 < 4
        (EVEN + timedelta(days=1), {}, "behind"),  # 2 + 2 x 140/139 > 4
        (EVEN, {"far_behind_ratio": 0.51}, "too_challenging_suggested"),  # 4 < 0.51 x 8
        (EVEN - timedelta(days=1), {"far_behind_ratio": 0.25}, "behind"),  # 3.99 >= 2
    ],
)
async def test_too_challenging_is_suggested_only_below_the_far_behind_ratio(
    client: httpx.AsyncClient,
    school: Tracker,
    admin: dict[str, str],
    start_on: date,
    params: dict[str, Any],
    status: str,
) -> None:
    pupil = await tracked(school, start=2, current=4, target=10, start_on=start_on)
    item = await progress_of(client, school, admin, pupil, **params)
    assert item["status"] == status
    assert item["needed_gain"] == 8.0


# 2023-10-05 to 2024-07-19 is 288 days: a third of them have passed on 2024-01-09 (module 3)
THIRD_START, THIRD = date(2023, 10, 5), date(2024, 1, 9)


@pytest.mark.parametrize(
    ("current_on", "params", "status"),
    [
        (THIRD, {}, "too_challenging_suggested"),  # exactly a third has passed
        (THIRD - timedelta(days=1), {}, "behind"),  # a day short of a third
        (THIRD, {"min_elapsed_fraction": 0.5}, "behind"),
        (THIRD - timedelta(days=1), {"min_elapsed_fraction": 0.3}, "too_challenging_suggested"),
    ],
)
async def test_too_challenging_is_not_suggested_before_min_elapsed_fraction(
    client: httpx.AsyncClient,
    school: Tracker,
    admin: dict[str, str],
    current_on: date,
    params: dict[str, Any],
    status: str,
) -> None:
    """Start 2, now 3, target 10: projected gain about 3, well under half of 8."""
    pupil = await tracked(
        school, start=2, current=3, target=10, start_on=THIRD_START, current_on=current_on, module=3
    )
    item = await progress_of(client, school, admin, pupil, module=3, **params)
    assert item["status"] == status
    elapsed = (current_on - THIRD_START).days
    assert item["elapsed_fraction"] == pytest.approx(elapsed / 288, abs=1e-4)


async def test_with_one_judgement_the_projection_uses_the_models_rate_and_names_it(
    client: httpx.AsyncClient, school: Tracker, admin: dict[str, str]
) -> None:
    """Joined in January; judged once, at module 3: three steps a year for the 181 days left.
    Last year's judgement does not count as a start for this year."""
    pupil = await school.pupil()  # on roll since 2022, judged last summer
    await school.judge(pupil, "ENG", "2022/23", 6, 2, date(2023, 7, 10))
    mid_year = await school.pupil(joined_on=date(2024, 1, 8))
    for who in (pupil, mid_year):
        await school.judge(who, "ENG", YEAR, 3, 4, date(2024, 1, 20))
        await school.judge(who, "MAT", YEAR, 3, 4, date(2024, 1, 20))
        await set_target(school, who, "ENG", YEAR, 6)
        await set_target(school, who, "MAT", YEAR, 20)
    body = await get_json(
        client,
        "/api/v1/targets/progress",
        admin,
        academic_year=YEAR,
        module=3,
        pupil_id=str(mid_year.id),
    )
    by_strand = {item["strand_id"]: item for item in body["items"]}
    eng = by_strand[str(school.strand("ENG"))]
    assert eng["start"] == eng["current"]
    assert (eng["days_elapsed"], eng["days_remaining"], eng["elapsed_fraction"]) == (0, 181, 0.0)
    assert (eng["rate_source"], eng["rate_per_year"], eng["model"]) == (
        "model",
        3.0,
        "Three a year v1",
    )
    assert eng["model_rate_per_year"] == 3.0
    assert eng["projected_value"] == pytest.approx(4 + 3 * 181 / 365.25, abs=1e-4)
    assert eng["status"] == "behind"
    # far behind, but with no time elapsed there is no evidence to call it too challenging
    assert by_strand[str(school.strand("MAT"))]["status"] == "behind"
    last_year = await progress_of(
        client, school, admin, pupil, module=3, strand_id=eng["strand_id"]
    )
    assert (last_year["rate_source"], last_year["start"]["on"]) == ("model", "2024-01-20")


async def test_a_pupil_who_joined_mid_year_starts_from_their_first_judgement_of_the_year(
    client: httpx.AsyncClient, school: Tracker, admin: dict[str, str]
) -> None:
    pupil = await school.pupil(joined_on=date(2024, 1, 8))
    await school.judge(pupil, "ENG", YEAR, 3, 4, date(2024, 1, 20))
    await school.judge(pupil, "ENG", YEAR, 5, 6, date(2024, 5, 1))
    await set_target(school, pupil, "ENG", YEAR, 8)
    item = await progress_of(client, school, admin, pupil, module=5)
    assert item["start"]["on"] == "2024-01-20"
    assert (item["days_elapsed"], item["days_remaining"]) == (102, 79)
    assert item["projected_value"] == pytest.approx(6 + 2 * 79 / 102, abs=1e-4)
    assert item["status"] == "behind"


async def test_weeks_off_roll_are_not_counted_as_time_elapsed(
    client: httpx.AsyncClient, school: Tracker, admin: dict[str, str]
) -> None:
    pupil = await school.pupil(
        enrolments=[Enrolment(date(2023, 9, 4), date(2023, 11, 30)), Enrolment(date(2024, 2, 1))]
    )
    await school.judge(pupil, "ENG", YEAR, 1, 2, date(2023, 9, 15), JudgementKind.BASELINE)
    await school.judge(pupil, "ENG", YEAR, 4, 4, NOW)
    await set_target(school, pupil, "ENG", YEAR, 7)
    item = await progress_of(client, school, admin, pupil)
    assert (item["days_elapsed"], item["days_remaining"]) == (76 + 29, 140)
    assert item["projected_value"] == pytest.approx(4 + 2 * 140 / 105, abs=1e-4)


async def test_the_baseline_of_the_year_is_the_start_even_after_an_earlier_checkpoint(
    client: httpx.AsyncClient, school: Tracker, admin: dict[str, str]
) -> None:
    pupil = await school.pupil()
    await school.judge(pupil, "ENG", YEAR, 1, 1, date(2023, 9, 15))
    await school.judge(pupil, "ENG", YEAR, 2, 3, date(2023, 11, 1), JudgementKind.BASELINE)
    await school.judge(pupil, "ENG", YEAR, 4, 5, NOW)
    await set_target(school, pupil, "ENG", YEAR, 9)
    item = await progress_of(client, school, admin, pupil)
    assert (item["start"]["value"], item["start"]["on"]) == (3.0, "2023-11-01")


async def test_moderated_steps_count_for_the_start_and_the_current_value(
    client: httpx.AsyncClient, school: Tracker, admin: dict[str, str]
) -> None:
    pupil = await tracked(school, start=2, current=10, target=10)
    assert (await progress_of(client, school, admin, pupil))["status"] == "met"
    await moderate(school, pupil, "ENG", YEAR, 4, 6)
    await moderate(school, pupil, "ENG", YEAR, 1, 3)
    item = await progress_of(client, school, admin, pupil)
    assert (item["start"]["value"], item["current"]["value"]) == (3.0, 6.0)
    assert item["projected_value"] == pytest.approx(9.0)
    assert item["status"] == "behind"


async def test_counts_cover_every_current_target_and_pages_follow_the_cursor(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    school = await Tracker.build(runtime)
    admin = await school.headers(Role.SCHOOL_ADMIN)
    met = await tracked(school, start=2, current=10, target=10)
    await tracked(school, start=2, current=6, target=10)  # on track
    await tracked(school, start=2, current=4, target=10, start_on=EVEN - timedelta(days=1))
    unjudged = await school.pupil()
    await set_target(school, unjudged, "ENG", YEAR, 5)
    withdrawn = await set_target(school, await school.pupil(), "ENG", YEAR, 5)
    await targets.change_target_status(
        runtime.system_uow(),
        SYSTEM,
        targets.ChangeTargetStatus(withdrawn.id, None, TargetStatus.WITHDRAWN),
    )
    marked = await set_target(school, met, "MAT", YEAR, 5)
    await targets.change_target_status(
        runtime.system_uow(),
        SYSTEM,
        targets.ChangeTargetStatus(marked.id, None, TargetStatus.TOO_CHALLENGING),
    )
    query: dict[str, str | int] = {
        "academic_year": YEAR,
        "module": 4,
        "school_id": str(school.school.id),
        "limit": 2,
    }
    first = await client.get("/api/v1/targets/progress", params=query, headers=admin)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["counts"] == {
        "met": 1,
        "on_track": 1,
        "behind": 0,
        "too_challenging_suggested": 1,
        "not_judged": 2,
        "insufficient_data": 0,
        "total": 5,
    }
    assert body["rules"] == {"far_behind_ratio": 0.5, "min_elapsed_fraction": pytest.approx(1 / 3)}
    assert len(body["items"]) == 2
    assert 'rel="next"' in first.headers["Link"]
    rest = await get_json(
        client, "/api/v1/targets/progress", admin, **query, cursor=body["next_cursor"]
    )
    third = await get_json(
        client, "/api/v1/targets/progress", admin, **query, cursor=rest["next_cursor"]
    )
    assert third["next_cursor"] is None
    seen = [i["target_id"] for page in (body, rest, third) for i in page["items"]]
    assert len(seen) == len(set(seen)) == 5
    assert str(withdrawn.id) not in seen
    statuses = {i["target_id"]: i for page in (body, rest, third) for i in page["items"]}
    assert statuses[str(marked.id)]["target_status"] == "too_challenging"
    assert statuses[str(marked.id)]["status"] == "not_judged"
    only = await get_json(
        client, "/api/v1/targets/progress", admin, **query, status="too_challenging_suggested"
    )
    assert [i["status"] for i in only["items"]] == ["too_challenging_suggested"]
    assert only["counts"]["total"] == 5


async def test_a_pupils_targets_default_to_the_latest_module_that_has_ended(
    client: httpx.AsyncClient, school: Tracker
) -> None:
    pupil = await school.pupil()
    await school.progress(pupil, "ENG", YEAR, 3)  # 2 at module 1, 5 at module 6
    await set_target(school, pupil, "ENG", YEAR, 5)
    teacher = await school.headers(Role.TEACHER)
    body = await get_json(client, f"/api/v1/pupils/{pupil.id}/targets/progress", teacher)
    assert (body["academic_year"], body["module"]) == (YEAR, 6)
    assert [t["status"] for t in body["targets"]] == ["met"]
    assert body["counts"]["met"] == 1
    at_four = await get_json(
        client,
        f"/api/v1/pupils/{pupil.id}/targets/progress",
        teacher,
        academic_year=YEAR,
        module=4,
    )
    assert [t["status"] for t in at_four["targets"]] == ["not_judged"]


async def test_the_sql_agrees_with_the_domain_rule_for_varied_pupils(runtime: Runtime) -> None:
    school = await Tracker.build(runtime, rate=2.5)
    rng = random.Random(23)
    for _ in range(30):
        pupil = await school.pupil(joined_on=date(2023, 9, 1) + timedelta(days=rng.randint(0, 120)))
        start_on = max(date(2023, 9, 15), pupil.enrolments[0].joined_on)
        start = rng.randint(2, 12)
        await school.judge(pupil, "ENG", YEAR, 1, start, start_on, JudgementKind.BASELINE)
        if rng.random() < 0.8:
            await school.judge(pupil, "ENG", YEAR, 4, start + rng.randint(-1, 5), NOW)
        await set_target(school, pupil, "ENG", YEAR, start + rng.randint(0, 9))
    rules = TrackingRules(far_behind_ratio=0.6, min_elapsed_fraction=0.25)
    query = TargetProgressQuery(AssessmentPoint(YEAR, 4), (school.school.id,), 2026, rules=rules)
    async with runtime.database.unit_of_work(Scope.unrestricted()) as uow:
        found: list[TargetProgress] = (
            await uow.progress.target_progress(query, PageRequest(500))
        ).items
        counts = await uow.progress.target_progress_counts(query)
    assert len(found) == 30 == sum(counts.values())
    assert len({t.status for t in found}) >= 4, "the data should span several statuses"
    for t in found:
        expected = track_status(
            t.start.value if t.start else None,
            t.current.value if t.current else None,
            t.target_value,
            t.projected_value,
            t.elapsed_fraction,
            rules,
        )
        assert t.status is expected, t
    assert counts[TrackStatus.NOT_JUDGED] == sum(t.current is None for t in found)


async def test_intruders_are_refused_or_see_nothing_of_the_school(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    pupil = await tracked(school, start=2, current=6, target=10)
    stranger = await Tracker.build(runtime)
    neighbour = await Tracker.build(runtime, trust=school.trust)
    intruders = {
        "other trust": await stranger.headers(Role.TRUST_ADMIN),
        "other school": await neighbour.headers(Role.SCHOOL_ADMIN),
    }
    point: dict[str, str | int] = {"academic_year": YEAR, "module": 4}
    for who, headers in intruders.items():
        by_school = await client.get(
            "/api/v1/targets/progress",
            params={**point, "school_id": str(school.school.id)},
            headers=headers,
        )
        assert by_school.status_code == 403, who
        by_pupil = await client.get(
            "/api/v1/targets/progress",
            params={**point, "pupil_id": str(pupil.id)},
            headers=headers,
        )
        assert by_pupil.status_code == 404, who
        one = await client.get(f"/api/v1/pupils/{pupil.id}/targets/progress", headers=headers)
        assert one.status_code == 404, who
        everything = await client.get("/api/v1/targets/progress", params=point, headers=headers)
        assert everything.status_code == 200, who
        assert str(school.school.id) not in everything.text, who
        assert str(pupil.id) not in everything.text, who
    other_trust = await client.get(
        "/api/v1/targets/progress",
        params={**point, "trust_id": str(school.trust.id)},
        headers=intruders["other trust"],
    )
    assert other_trust.status_code == 403
    same_trust = await client.get(
        "/api/v1/targets/progress",
        params={**point, "trust_id": str(school.trust.id)},
        headers=intruders["other school"],
    )
    assert same_trust.status_code == 200
    assert same_trust.json()["school_ids"] == [str(neighbour.school.id)]
    assert str(pupil.id) not in same_trust.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"far_behind_ratio": 0}, "far_behind_ratio"),
        ({"far_behind_ratio": 1.5}, "far_behind_ratio"),
        ({"far_behind_ratio": "nan"}, "far_behind_ratio"),
        ({"min_elapsed_fraction": -0.1}, "min_elapsed_fraction"),
        ({"min_elapsed_fraction": 2}, "min_elapsed_fraction"),
        ({"status": "nearly"}, "status"),
        ({"academic_year": "2023/25"}, "academic_year"),
        ({"module": 0}, "module"),
        ({"pupil_id": "not-a-uuid"}, "pupil_id"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    school: Tracker,
    admin: dict[str, str],
    params: dict[str, Any],
    field: str,
) -> None:
    query = {"academic_year": YEAR, "module": 4, **params}
    response = await client.get("/api/v1/targets/progress", params=query, headers=admin)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_a_pupils_point_needs_both_year_and_module(
    client: httpx.AsyncClient, school: Tracker, admin: dict[str, str]
) -> None:
    pupil = await school.pupil()
    response = await client.get(
        f"/api/v1/pupils/{pupil.id}/targets/progress",
        params={"academic_year": YEAR},
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "module"
    ratio = await client.get(
        f"/api/v1/pupils/{pupil.id}/targets/progress",
        params={"far_behind_ratio": 0},
        headers=admin,
    )
    assert ratio.status_code == 422
    assert ratio.json()["errors"][0]["field"] == "far_behind_ratio"
