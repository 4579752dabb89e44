"""Progress over REST: a pupil's strands, cohorts by group, year on year, trusts, and models."""

from typing import Any

import httpx
import pytest

from api.runtime import Runtime
from domain.kernel.access import Role
from tests.api.progress_support import Tracker


async def get(client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
async def school(runtime: Runtime) -> Tracker:
    """Ten pupils judged in 2022/23 and 2023/24; Pupil Premium pupils progress less this year."""
    tracker = await Tracker.build(runtime)
    for n in range(10):
        pupil = await tracker.pupil(pupil_premium=n < 4, eal=n == 9)
        await tracker.progress(pupil, "ENG", "2022/23", 3)  # expected, every one, last year
        await tracker.progress(pupil, "ENG", "2023/24", 1 if n < 4 else 4)  # PP below, others above
    return tracker


async def test_a_pupils_progress_names_baseline_latest_time_and_the_model(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    headers = await school.headers(Role.TEACHER)
    pupils = await get(client, "/api/v1/pupils", headers, school_id=str(school.school.id), limit=1)
    pupil_id = pupils["items"][0]["id"]
    body = await get(
        client, f"/api/v1/pupils/{pupil_id}/progress", headers, academic_year="2023/24", module=6
    )
    [strand] = body["strands"]
    assert (body["academic_year"], body["module"]) == ("2023/24", 6)
    assert strand["baseline"] == {"step_id": str(school.step(2)), "value": 2.0, "on": "2023-09-15"}
    assert strand["latest"]["on"] == "2024-07-10"
    assert (strand["gain"], strand["days_on_roll"]) == (1.0, 299)
    assert strand["expected_gain"] == pytest.approx(3 * 299 / 365.25, abs=0.001)
    assert (strand["band"], strand["model"]) == ("below_expected", "Three a year v1")


async def test_without_a_module_a_pupils_progress_is_as_at_the_latest_module_that_has_ended(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    headers = await school.headers(Role.TEACHER)
    pupils = await get(client, "/api/v1/pupils", headers, school_id=str(school.school.id), limit=1)
    body = await get(client, f"/api/v1/pupils/{pupils['items'][0]['id']}/progress", headers)
    assert (body["academic_year"], body["module"]) == ("2023/24", 6)


async def test_groups_are_compared_with_the_cohort_and_with_the_same_module_last_year(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    headers = await school.headers(Role.SCHOOL_ADMIN)
    body = await get(
        client,
        "/api/v1/analytics/cohort",
        headers,
        academic_year="2023/24",
        module=6,
        school_id=str(school.school.id),
        group_by=["pupil_premium", "eal"],
    )
    this_year = body["this_year"]
    assert this_year["cohort"]["percent"] == {
        "expected_or_better": 60,
        "above_or_better": 60,
        "accelerated": 0,
    }
    groups = {(g["dimension"], g["value"]): g for g in this_year["groups"]}
    pp = groups[("pupil_premium", "yes")]
    assert (pp["measured"], pp["expected_or_better"], pp["percent"]["expected_or_better"]) == (
        4,
        0,
        0,
    )
    assert pp["gap_to_cohort"]["expected_or_better"] == -60
    assert groups[("pupil_premium", "no")]["gap_to_cohort"]["expected_or_better"] == 40
    assert groups[("eal", "yes")]["measured"] == 1
    last_year = body["last_year"]
    assert (last_year["academic_year"], last_year["module"]) == ("2022/23", 6)
    assert last_year["cohort"]["percent"]["expected_or_better"] == 100
    assert body["change"] == {"expected_or_better": -40, "above_or_better": 60, "accelerated": 0}


async def test_small_groups_can_be_withheld_for_public_reports(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    headers = await school.headers(Role.SCHOOL_ADMIN)
    body = await get(
        client,
        "/api/v1/analytics/cohort",
        headers,
        academic_year="2023/24",
        module=6,
        school_id=str(school.school.id),
        group_by=["eal"],
        min_group_size=5,
        compare_last_year=False,
    )
    groups = {g["value"]: g for g in body["this_year"]["groups"]}
    assert groups["yes"]["suppressed"] is True
    assert (groups["yes"]["measured"], groups["yes"]["percent"]) == (0, None)
    assert groups["no"]["suppressed"] is False
    assert body["last_year"] is None


async def test_a_trust_pools_pupils_of_schools_on_different_frameworks_by_band(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    first = await Tracker.build(runtime)
    second = await Tracker.build(runtime, trust=first.trust, strands=("COM",))
    for _ in range(3):
        await first.progress(await first.pupil(), "ENG", "2023/24", 3)  # expected
    await second.progress(await second.pupil(), "COM", "2023/24", 1)  # below
    headers = await first.headers(Role.TRUST_ANALYST)
    body = await get(
        client,
        "/api/v1/analytics/cohort",
        headers,
        academic_year="2023/24",
        module=6,
        trust_id=str(first.trust.id),
        group_by=["school"],
        compare_last_year=False,
    )
    assert sorted(body["school_ids"]) == sorted([str(first.school.id), str(second.school.id)])
    cohort = body["this_year"]["cohort"]
    assert (
        cohort["measured"],
        cohort["expected_or_better"],
        cohort["percent"]["expected_or_better"],
    ) == (4, 3, 75)
    by_school = {
        g["value"]: g["percent"]["expected_or_better"] for g in body["this_year"]["groups"]
    }
    assert by_school == {str(first.school.id): 100, str(second.school.id): 0}


async def test_unknown_groups_and_bad_years_are_refused_naming_the_field(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    headers = await school.headers(Role.SCHOOL_ADMIN)
    response = await client.get(
        "/api/v1/analytics/cohort",
        params={"academic_year": "2023/24", "module": 6, "group_by": ["shoe_size"]},
        headers=headers,
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["group_by"]
    wrong_year = await client.get(
        "/api/v1/analytics/cohort",
        params={"academic_year": "2023/25", "module": 6},
        headers=headers,
    )
    assert wrong_year.status_code == 422
    assert wrong_year.json()["errors"][0]["field"] == "academic_year"


async def test_revising_a_model_keeps_the_old_version_and_new_bands_name_the_new_one(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    tracker = await Tracker.build(runtime)
    pupil = await tracker.pupil()
    await tracker.progress(pupil, "ENG", "2023/24", 3)
    admin = await tracker.headers(Role.SCHOOL_ADMIN)
    [model] = await get(
        client, "/api/v1/progress-models", admin, framework_id=str(tracker.framework.id)
    )
    revised = await client.post(
        f"/api/v1/progress-models/{model['id']}/revision",
        json={
            "name": "Three a year",
            "rules": [{"start_min": 0, "start_max": 100, "rate_per_year": 6}],
        },
        headers=admin,
    )
    assert revised.status_code == 201, revised.text
    assert (revised.json()["version"], revised.json()["label"]) == (2, "Three a year v2")
    versions = await get(
        client, "/api/v1/progress-models", admin, framework_id=str(tracker.framework.id)
    )
    assert [(m["version"], m["active"]) for m in versions] == [(1, False), (2, True)]
    progress = await get(
        client, f"/api/v1/pupils/{pupil.id}/progress", admin, academic_year="2023/24", module=6
    )
    assert (progress["strands"][0]["model"], progress["strands"][0]["band"]) == (
        "Three a year v2",
        "below_expected",
    )
    again = await client.post(
        "/api/v1/progress-models",
        json={
            "framework_id": str(tracker.framework.id),
            "name": "Second",
            "rules": [{"start_min": 0, "start_max": 9, "rate_per_year": 1}],
        },
        headers=admin,
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "pathway"


async def test_overlapping_rate_rules_are_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    tracker = await Tracker.build(runtime)
    admin = await tracker.headers(Role.SCHOOL_ADMIN)
    response = await client.post(
        "/api/v1/progress-models",
        json={
            "framework_id": str(tracker.framework.id),
            "pathway": "formal",
            "name": "Overlapping",
            "rules": [
                {"start_min": 0, "start_max": 10, "rate_per_year": 2},
                {"start_min": 5, "start_max": 20, "rate_per_year": 3},
            ],
        },
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "rules[1]",
        "reason": "overlaps rules[0] for the same key stage",
        "code": "rules.overlap",
    }


async def test_teachers_read_progress_but_cannot_change_models(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    teacher = await school.headers(Role.TEACHER)
    [model] = await get(
        client, "/api/v1/progress-models", teacher, framework_id=str(school.framework.id)
    )
    response = await client.post(
        f"/api/v1/progress-models/{model['id']}/revision",
        json={"name": "Mine", "rules": [{"start_min": 0, "start_max": 100, "rate_per_year": 1}]},
        headers=teacher,
    )
    assert response.status_code == 403


async def test_a_module_in_a_year_with_no_judgements_gives_an_empty_cohort_not_an_error(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    headers = await school.headers(Role.SCHOOL_ADMIN)
    body = await get(
        client,
        "/api/v1/analytics/cohort",
        headers,
        academic_year="2030/31",
        module=1,
        school_id=str(school.school.id),
    )
    assert body["this_year"]["cohort"]["measured"] == 0
    assert body["this_year"]["cohort"]["percent"] is None
    assert body["this_year"]["groups"] == []
