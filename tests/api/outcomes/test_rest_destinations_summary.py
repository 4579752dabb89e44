"""/destinations/summary: where a year's leavers went, and the EET rate.

Seed 000 (Leigh Academy Milestone, Year 14 destinations): "independent specialist college
10 (66.7%), local further education provider 3 (20%), social care provision 2 (13.3%)".
Seed 002 (Leicester Partnership): "9 out of 10 Yr 11 (90%) students achieved a positive EET
destination offer" - with the tenth leaver's destination unknown, the rate stays 9 / 10:
unknown destinations remain in the denominator.
"""

from datetime import date
from functools import partial
from typing import Any

import httpx
import pytest

from api.runtime import Runtime
from domain.outcomes.destination import DestinationCategory
from tests.api.leaver_support import LeaverSchool
from tests.api.problems import assert_problem
from tests.factories import World

SUMMARY = "/api/v1/destinations/summary"
ISC = DestinationCategory.INDEPENDENT_SPECIALIST_COLLEGE
FE = DestinationCategory.FE_COLLEGE
SOCIAL_CARE = DestinationCategory.SOCIAL_CARE_PROVISION


@pytest.fixture(scope="module")
async def milestone(runtime: Runtime) -> LeaverSchool:
    school = await LeaverSchool.build(
        runtime, roles=("school_admin", "teacher", "trust_analyst"), name="Milestone Academy"
    )
    year_14 = partial(
        school.leaver, year_group="14", joined_on=date(2019, 9, 2), left_on=date(2023, 7, 21)
    )
    for n in range(10):
        await year_14(category=ISC, sustained=n < 8)
    for n in range(3):
        await year_14(category=FE, sustained=False if n == 0 else None)
    for _ in range(2):
        await year_14(category=SOCIAL_CARE)
    # not Year 14 leavers of 2022/23: a Year 11 leaver, and a Year 14 leaver a year later
    await school.leaver(year_group="11", left_on=date(2023, 7, 21))
    await school.leaver(year_group="14", joined_on=date(2019, 9, 2), left_on=date(2024, 7, 19))
    return school


async def _summary(
    client: httpx.AsyncClient, school: LeaverSchool, who: str = "teacher", **params: Any
) -> dict[str, Any]:
    response = await client.get(
        SUMMARY,
        params={"school_id": str(school.school.id), **params},
        headers=school.headers(who),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


YEAR_14_2023 = {"year_group_at_leaving": "14", "left_from": "2022-09-01", "left_to": "2023-08-31"}


async def test_milestone_year_14_destinations_are_66_7_20_and_13_3_percent(
    client: httpx.AsyncClient, milestone: LeaverSchool
) -> None:
    body = await _summary(client, milestone, **YEAR_14_2023)
    assert body["leavers"] == 15
    shares = [(c["category"], c["count"], c["percentage"]) for c in body["categories"]]
    assert shares == [
        ("independent_specialist_college", 10, 66.7),
        ("fe_college", 3, 20.0),
        ("social_care_provision", 2, 13.3),
    ]
    assert body["eet"] == {"count": 13, "rate": 86.7, "denominator": 15, "not_eet": 2, "unknown": 0}
    assert body["sustained"] == {"sustained": 8, "not_sustained": 3, "not_checked": 4}
    college = body["categories"][0]
    assert (college["eet"], college["sustained"], college["not_sustained"]) == (True, 8, 2)
    assert body["categories"][2]["eet"] is False


async def test_percentages_take_the_decimals_asked_for(
    client: httpx.AsyncClient, milestone: LeaverSchool
) -> None:
    body = await _summary(client, milestone, decimals=0, **YEAR_14_2023)
    assert [c["percentage"] for c in body["categories"]] == [67.0, 20.0, 13.0]
    assert body["eet"]["rate"] == 87.0


async def test_filters_choose_the_leavers(
    client: httpx.AsyncClient, milestone: LeaverSchool
) -> None:
    everyone = await _summary(client, milestone)
    assert everyone["leavers"] == 17
    year_14 = await _summary(client, milestone, year_group_at_leaving="14")
    assert year_14["leavers"] == 16
    since = await _summary(client, milestone, left_from="2023-07-22")
    assert since["leavers"] == 1
    nobody = await _summary(client, milestone, left_to="2020-01-01")
    assert (nobody["leavers"], nobody["categories"], nobody["eet"]["rate"]) == (0, [], None)


async def test_an_unknown_destination_stays_in_the_eet_denominator(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    school = await LeaverSchool.build(runtime, roles=("teacher",))
    for n in range(10):
        category = DestinationCategory.UNKNOWN if n == 9 else FE
        await school.leaver(category=category)
    body = await _summary(client, school, year_group_at_leaving="11")
    assert body["eet"] == {"count": 9, "rate": 90.0, "denominator": 10, "not_eet": 0, "unknown": 1}
    unknown = body["categories"][-1]
    assert (unknown["category"], unknown["eet"], unknown["percentage"]) == ("unknown", None, 10.0)


async def test_a_leaver_who_left_twice_counts_once_at_their_latest_destination(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    school = await LeaverSchool.build(runtime, roles=("school_admin",))
    pupil = await school.leaver(left_on=date(2024, 2, 9), category=DestinationCategory.NEET)
    response = await client.post(
        "/api/v1/destinations",
        json={"pupil_id": str(pupil.id), "left_on": "2024-07-19", "category": "apprenticeship"},
        headers=school.headers("school_admin"),
    )
    assert response.status_code == 201, response.text
    body = await _summary(client, school, who="school_admin")
    assert [(c["category"], c["count"]) for c in body["categories"]] == [("apprenticeship", 1)]
    earlier = await _summary(client, school, who="school_admin", left_to="2024-03-01")
    assert [(c["category"], c["count"]) for c in earlier["categories"]] == [("neet", 1)]


async def test_a_trust_summary_pools_its_schools(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    first = await LeaverSchool.build(runtime, roles=("trust_analyst",))
    second = await LeaverSchool.build(runtime, roles=(), trust=first.trust)
    await first.leaver(category=FE)
    await second.leaver(category=DestinationCategory.NEET)
    response = await client.get(
        SUMMARY, params={"trust_id": str(first.trust.id)}, headers=first.headers("trust_analyst")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body["school_ids"]) == {str(first.school.id), str(second.school.id)}
    assert (body["leavers"], body["eet"]["count"], body["eet"]["rate"]) == (2, 1, 50.0)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year_group_at_leaving": "15"}, "year_group_at_leaving"),
        ({"year_group_at_leaving": "100"}, "year_group_at_leaving"),
        ({"left_from": "2024-02-30"}, "left_from"),
        ({"left_from": "2024-03-01", "left_to": "2024-02-01"}, "left_to"),
        ({"decimals": 3}, "decimals"),
        ({"school_id": "not-a-uuid"}, "school_id"),
    ],
)
async def test_bad_summary_parameters_are_refused_naming_them(
    client: httpx.AsyncClient, shared_world: World, params: dict[str, str], field: str
) -> None:
    response = await client.get(SUMMARY, params=params, headers=shared_world.headers("teacher"))
    assert_problem(response, 422, field)


async def test_another_school_or_trust_cannot_be_summarised(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World
) -> None:
    teacher = shared_world.headers("teacher")
    for params in (
        {"school_id": str(shared_world.other_school.id)},
        {"trust_id": str(shared_other_world.trust.id)},
    ):
        assert_problem(await client.get(SUMMARY, params=params, headers=teacher), 403)
    integration = await client.get(
        SUMMARY,
        params={"school_id": str(shared_world.school.id)},
        headers=shared_world.headers("integration"),
    )
    assert_problem(integration, 403)
