"""/measures: KS4 measures as data, and scenario S2 (Leicester Partnership, 2023/24).

"7 out of 10 Yr 11 leavers gained 5 or more level 1 qualifications (70%); 3 Yr 11 leavers
were Pupil Premium students and they all gained 5 or more level 1 qualifications (100%);
1 Yr 11 leaver had an EHCP and gained 5 or more level 1 qualifications (100%)" (Attainment 5
Premier: on the KS4 programme 3+ terms). "3 Yr 11 leavers (30%) gained 3 or more level 1
qualifications and they all gained qualifications in maths and English at their working at
levels" (Preliminary: 1+ term) - counted exclusive of Premier, since read inclusively it
would be 10 of 10. "9 out of 10 Yr 11 (90%) students achieved a positive EET destination".
"""

import uuid
from datetime import date
from typing import Any

import httpx
import pytest

from api.runtime import Runtime
from domain.kernel.access import Principal
from domain.outcomes import measure_service as service
from domain.outcomes.destination import DestinationCategory
from domain.outcomes.measure import Subgroup
from domain.outcomes.qualification import QualificationLevel
from domain.pupils.pupil import Enrolment
from tests.api.leaver_support import (
    FIVE_LEVEL_1,
    L1,
    THREE_LEVEL_1_WITH_ENGLISH_AND_MATHS,
    LeaverSchool,
)
from tests.api.problems import assert_problem
from tests.factories import World

MEASURES = "/api/v1/measures"
SYSTEM = Principal.system()

PREMIER = {
    "name": "Attainment 5 - Premier",
    "year_group_at_leaving": "11",
    "min_terms_on_programme": 3,
    "min_qualifications": 5,
    "min_level": "level_1",
    "subgroups": ["pupil_premium", "ehcp"],
}
PRELIMINARY = {
    "name": "Attainment 5 - Preliminary",
    "year_group_at_leaving": "11",
    "min_terms_on_programme": 1,
    "min_qualifications": 3,
    "min_level": "level_1",
    "require_english_and_maths": True,
}


async def _create(
    client: httpx.AsyncClient, school: LeaverSchool, body: dict[str, Any], who: str = "school_admin"
) -> dict[str, Any]:
    response = await client.post(MEASURES, json=body, headers=school.headers(who))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def _results(
    client: httpx.AsyncClient,
    school: LeaverSchool,
    measure_id: str,
    who: str = "school_admin",
    **params: Any,
) -> dict[str, Any]:
    response = await client.get(
        f"{MEASURES}/{measure_id}/results",
        params={"academic_year": "2023/24", **params},
        headers=school.headers(who),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
async def leicester(runtime: Runtime) -> LeaverSchool:
    school = await LeaverSchool.build(runtime, roles=("school_admin", "teacher", "trust_admin"))
    # Premier: on roll since Year 10 (six terms), five Level 1 passes; 3 PP, 1 EHCP
    for n in range(7):
        await school.leaver(pupil_premium=n < 3, ehcp=n == 3, passes=FIVE_LEVEL_1)
    # Preliminary: joined in January of Year 11 (two terms), three Level 1 passes plus
    # English and maths at Entry level; one of them with no known destination
    for n in range(3):
        await school.leaver(
            joined_on=date(2024, 1, 8),
            passes=THREE_LEVEL_1_WITH_ENGLISH_AND_MATHS,
            category=DestinationCategory.UNKNOWN if n == 0 else DestinationCategory.EMPLOYMENT,
        )
    # not in the cohort: a Year 11 leaver of another year, and a Year 10 leaver this year
    await school.leaver(left_on=date(2023, 7, 21), passes=FIVE_LEVEL_1)
    await school.leaver(year_group="10", passes=FIVE_LEVEL_1)
    return school


def _command(body: dict[str, Any], **owner: Any) -> service.CreateMeasure:
    fields = {k: v for k, v in body.items() if k != "subgroups"}
    fields["min_level"] = QualificationLevel(fields["min_level"])
    subgroups = tuple(Subgroup(s) for s in body.get("subgroups", ("pupil_premium", "ehcp")))
    return service.CreateMeasure(**fields, subgroups=subgroups, **owner)


@pytest.fixture(scope="module")
async def measures(runtime: Runtime, leicester: LeaverSchool) -> dict[str, str]:
    """Premier; Preliminary excluding it; and Preliminary's rule read inclusively."""
    uow, school_id = runtime.system_uow, leicester.school.id
    premier = await service.create_measure(uow(), SYSTEM, _command(PREMIER, school_id=school_id))
    preliminary = await service.create_measure(
        uow(), SYSTEM, _command(PRELIMINARY, school_id=school_id, excluding_id=premier.id)
    )
    inclusive = await service.create_measure(
        uow(), SYSTEM, _command({**PRELIMINARY, "name": "Inclusive"}, school_id=school_id)
    )
    return {
        "premier": str(premier.id),
        "preliminary": str(preliminary.id),
        "inclusive": str(inclusive.id),
    }


# --- scenario S2 -------------------------------------------------------------------------


async def test_premier_is_7_of_10_with_pupil_premium_3_of_3_and_ehcp_1_of_1(
    client: httpx.AsyncClient, leicester: LeaverSchool, measures: dict[str, str]
) -> None:
    body = await _results(client, leicester, measures["premier"])
    assert (body["n"], body["numerator"], body["percentage"]) == (10, 7, 70.0)
    assert body["excluding"] is None
    assert (body["qualifying"], body["excluded"]) == (7, 0)
    groups = {(g["dimension"], g["value"]): g for g in body["subgroups"]}
    pp, ehcp = groups[("pupil_premium", "yes")], groups[("ehcp", "yes")]
    assert (pp["n"], pp["numerator"], pp["percentage"]) == (3, 3, 100.0)
    assert (ehcp["n"], ehcp["numerator"], ehcp["percentage"]) == (1, 1, 100.0)
    not_pp = groups[("pupil_premium", "no")]
    assert (not_pp["n"], not_pp["numerator"], not_pp["percentage"]) == (7, 4, 57.0)
    assert [g["dimension"] for g in body["subgroups"]][:2] == ["pupil_premium", "pupil_premium"]
    assert body["school_ids"] == [str(leicester.school.id)]


async def test_preliminary_counts_3_of_10_exclusive_of_premier(
    client: httpx.AsyncClient, leicester: LeaverSchool, measures: dict[str, str]
) -> None:
    body = await _results(client, leicester, measures["preliminary"])
    assert (body["n"], body["numerator"], body["percentage"]) == (10, 3, 30.0)
    assert (body["qualifying"], body["excluded"]) == (10, 7)
    assert body["excluding"] == {"id": measures["premier"], "name": "Attainment 5 - Premier"}
    inclusive = await _results(client, leicester, measures["inclusive"])
    assert (inclusive["n"], inclusive["numerator"], inclusive["percentage"]) == (10, 10, 100.0)


async def test_the_eet_offer_rate_is_9_of_10(
    client: httpx.AsyncClient, leicester: LeaverSchool
) -> None:
    response = await client.get(
        "/api/v1/destinations/summary",
        params={
            "school_id": str(leicester.school.id),
            "year_group_at_leaving": "11",
            "left_from": "2023-09-01",
            "left_to": "2024-08-31",
        },
        headers=leicester.headers("teacher"),
    )
    assert response.status_code == 200, response.text
    eet = response.json()["eet"]
    assert eet == {"count": 9, "rate": 90.0, "denominator": 10, "not_eet": 0, "unknown": 1}


async def test_a_public_profile_withholds_groups_under_five_and_their_complements(
    client: httpx.AsyncClient, leicester: LeaverSchool, measures: dict[str, str]
) -> None:
    body = await _results(client, leicester, measures["premier"], min_group_size=5)
    assert (body["n"], body["numerator"], body["percentage"], body["suppressed"]) == (
        10,
        7,
        70.0,
        False,
    )
    for group in body["subgroups"]:
        # PP (3) and EHCP (1) are too small; "not PP" (7) and "no EHCP" (9) would give them away
        assert group["suppressed"] is True, group
        assert (group["n"], group["numerator"], group["percentage"]) == (None, None, None)
    whole = await _results(client, leicester, measures["premier"], min_group_size=11)
    assert whole["suppressed"] is True
    assert (whole["n"], whole["numerator"], whole["qualifying"]) == (None, None, None)


async def test_percentages_round_half_up_with_the_decimals_asked_for(
    client: httpx.AsyncClient, leicester: LeaverSchool, measures: dict[str, str]
) -> None:
    body = await _results(client, leicester, measures["premier"], decimals=1)
    groups = {(g["dimension"], g["value"]): g["percentage"] for g in body["subgroups"]}
    assert groups[("pupil_premium", "no")] == 57.1  # 4 / 7
    assert groups[("ehcp", "no")] == 66.7  # 6 / 9


# --- terms on programme and what counts as a pass ------------------------------------------


async def test_terms_on_programme_count_terms_an_enrolment_overlaps_before_leaving(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    school = await LeaverSchool.build(runtime)
    # autumn 2023 by its last day, spring and summer: three terms
    await school.leaver(joined_on=date(2023, 12, 31), passes=FIVE_LEVEL_1)
    # from 1 January: two terms
    await school.leaver(joined_on=date(2024, 1, 1), passes=FIVE_LEVEL_1)
    # Year 10 autumn only, then back for Year 11 summer: two terms
    await school.leaver(
        enrolments=[
            Enrolment(date(2022, 9, 5), date(2022, 12, 16)),
            Enrolment(date(2024, 4, 15), date(2024, 7, 19)),
        ],
        passes=FIVE_LEVEL_1,
    )
    # a term of Year 9 is before the programme: two terms
    await school.leaver(
        enrolments=[
            Enrolment(date(2022, 1, 4), date(2022, 3, 31)),
            Enrolment(date(2024, 1, 8), date(2024, 7, 19)),
        ],
        passes=FIVE_LEVEL_1,
    )
    premier = await _create(client, school, {**PREMIER, "school_id": str(school.school.id)})
    body = await _results(client, school, premier["id"])
    assert (body["n"], body["numerator"]) == (4, 1)


async def test_only_completed_passes_at_the_level_count(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    school = await LeaverSchool.build(runtime)
    four_and_a_fail = FIVE_LEVEL_1[:4]
    await school.leaver(passes=four_and_a_fail, fails=[(L1, "Art")])
    await school.leaver(passes=[*four_and_a_fail, (QualificationLevel.ENTRY_3, "Art")])
    await school.leaver(passes=[*four_and_a_fail, (QualificationLevel.LEVEL_2, "Art")])
    premier = await _create(client, school, {**PREMIER, "school_id": str(school.school.id)})
    body = await _results(client, school, premier["id"])
    assert (body["n"], body["numerator"]) == (3, 1)


async def test_english_and_maths_are_needed_when_the_measure_says_so(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    school = await LeaverSchool.build(runtime)
    await school.leaver(passes=[(L1, "Science"), (L1, "ICT"), (L1, "Art"), (L1, "English")])
    await school.leaver(passes=THREE_LEVEL_1_WITH_ENGLISH_AND_MATHS)
    measure = await _create(client, school, {**PRELIMINARY, "school_id": str(school.school.id)})
    body = await _results(client, school, measure["id"])
    assert (body["n"], body["numerator"]) == (2, 1)


async def test_a_year_with_no_leavers_has_no_percentage(
    client: httpx.AsyncClient, leicester: LeaverSchool, measures: dict[str, str]
) -> None:
    body = await _results(client, leicester, measures["premier"], academic_year="2019/20")
    assert (body["n"], body["numerator"], body["percentage"]) == (0, 0, None)
    assert body["subgroups"] == []


# --- definitions -----------------------------------------------------------------------------


async def test_a_measure_reads_back_as_it_was_defined(
    client: httpx.AsyncClient, leicester: LeaverSchool, measures: dict[str, str]
) -> None:
    path = f"{MEASURES}/{measures['preliminary']}"
    response = await client.get(path, headers=leicester.headers("teacher"))
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"1"'
    assert response.json() == {
        "id": measures["preliminary"],
        "name": "Attainment 5 - Preliminary",
        "description": "",
        "trust_id": None,
        "school_id": str(leicester.school.id),
        "year_group_at_leaving": "11",
        "min_terms_on_programme": 1,
        "programme_years": 2,
        "min_qualifications": 3,
        "min_level": "level_1",
        "require_english_and_maths": True,
        "excluding_id": measures["premier"],
        "subgroups": ["pupil_premium", "ehcp"],
        "version": 1,
    }
    listed = await client.get(
        MEASURES,
        params={"school_id": str(leicester.school.id)},
        headers=leicester.headers("teacher"),
    )
    assert {m["id"] for m in listed.json()["items"]} >= set(measures.values())


async def test_a_trust_measure_applies_to_each_school_of_the_trust(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    first = await LeaverSchool.build(runtime, roles=("trust_admin", "trust_analyst"))
    second = await LeaverSchool.build(runtime, roles=("school_admin",), trust=first.trust)
    for school, premier_leavers in ((first, 2), (second, 1)):
        for n in range(3):
            await school.leaver(passes=FIVE_LEVEL_1 if n < premier_leavers else ())
    measure = await _create(
        client, first, {**PREMIER, "trust_id": str(first.trust.id)}, who="trust_admin"
    )
    pooled = await _results(client, first, measure["id"], who="trust_analyst")
    assert (pooled["n"], pooled["numerator"], pooled["percentage"]) == (6, 3, 50.0)
    assert set(pooled["school_ids"]) == {str(first.school.id), str(second.school.id)}
    one = await _results(
        client, first, measure["id"], who="trust_analyst", school_id=str(second.school.id)
    )
    assert (one["n"], one["numerator"], one["school_ids"]) == (3, 1, [str(second.school.id)])
    # the other school's admin sees the trust's measure, over their own school only
    own = await _results(client, second, measure["id"])
    assert (own["n"], own["numerator"], own["school_ids"]) == (3, 1, [str(second.school.id)])
    refused = await client.get(
        f"{MEASURES}/{measure['id']}/results",
        params={"academic_year": "2023/24", "school_id": str(first.school.id)},
        headers=second.headers("school_admin"),
    )
    assert_problem(refused, 403)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"year_group_at_leaving": "15"}, "year_group_at_leaving", "year_group"),
        ({"min_terms_on_programme": 7}, "min_terms_on_programme", "range"),
        ({"min_terms_on_programme": 13}, "min_terms_on_programme", "less_than_equal"),
        ({"programme_years": 0}, "programme_years", "greater_than_equal"),
        ({"min_qualifications": -1}, "min_qualifications", "greater_than_equal"),
        ({"min_level": "level_9"}, "min_level", "enum"),
        ({"subgroups": ["strand"]}, "subgroups[0]", "enum"),
        ({"subgroups": ["ehcp", "ehcp"]}, "subgroups", "duplicate"),
        ({"name": " "}, "name", "string_too_short"),
        ({"excluding_id": str(uuid.uuid4())}, "excluding_id", "reference"),
        ({"school_id": None}, "owner", "owner"),
        ({"colour": "red"}, "colour", "extra_forbidden"),
    ],
)
async def test_a_bad_measure_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    leicester: LeaverSchool,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    body = {**PREMIER, "school_id": str(leicester.school.id), **changes}
    response = await client.post(MEASURES, json=body, headers=leicester.headers("school_admin"))
    assert_problem(response, 422, field, code)


async def test_a_measure_may_only_exclude_one_about_the_same_leavers(
    client: httpx.AsyncClient, leicester: LeaverSchool, measures: dict[str, str]
) -> None:
    body = {
        **PRELIMINARY,
        "school_id": str(leicester.school.id),
        "excluding_id": measures["premier"],
        "year_group_at_leaving": "14",
    }
    response = await client.post(MEASURES, json=body, headers=leicester.headers("school_admin"))
    assert_problem(response, 422, "excluding_id", "measure.cohort")


async def test_another_trusts_measure_cannot_be_excluded_and_looks_missing(
    client: httpx.AsyncClient, leicester: LeaverSchool, shared_world: World
) -> None:
    other = await client.post(
        MEASURES,
        json={**PREMIER, "school_id": str(shared_world.school.id)},
        headers=shared_world.headers("school_admin"),
    )
    assert other.status_code == 201, other.text
    body = {**PRELIMINARY, "school_id": str(leicester.school.id)}
    real = await client.post(
        MEASURES,
        json={**body, "excluding_id": other.json()["id"]},
        headers=leicester.headers("school_admin"),
    )
    fake = await client.post(
        MEASURES,
        json={**body, "excluding_id": str(uuid.uuid4())},
        headers=leicester.headers("school_admin"),
    )
    assert_problem(real, 422, "excluding_id", "reference")
    assert real.json()["errors"] == fake.json()["errors"]
    hidden = await client.get(
        f"{MEASURES}/{other.json()['id']}/results",
        params={"academic_year": "2023/24"},
        headers=leicester.headers("school_admin"),
    )
    assert_problem(hidden, 404)


@pytest.mark.parametrize(
    ("who", "owner"),
    [
        ("teacher", "school"),
        ("trust_analyst", "trust"),
        ("school_admin", "trust"),
        ("school_admin", "other_school"),
        ("trust_admin", "unknown_school"),
    ],
)
async def test_only_the_owner_s_admin_may_define_a_measure(
    client: httpx.AsyncClient, shared_world: World, who: str, owner: str
) -> None:
    owners = {
        "school": {"school_id": str(shared_world.school.id)},
        "trust": {"trust_id": str(shared_world.trust.id)},
        "other_school": {"school_id": str(shared_world.other_school.id)},
        "unknown_school": {"school_id": str(uuid.uuid4())},
    }
    body = {**PREMIER, **owners[owner]}
    response = await client.post(MEASURES, json=body, headers=shared_world.headers(who))
    assert_problem(response, 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"academic_year": "2023/25"}, "academic_year"),
        ({"academic_year": "23/24"}, "academic_year"),
        ({"academic_year": "0000/01"}, "academic_year"),
        ({"academic_year": "9999/00"}, "academic_year"),
        ({"decimals": 3}, "decimals"),
        ({"min_group_size": -1}, "min_group_size"),
    ],
)
async def test_bad_result_parameters_are_refused_naming_them(
    client: httpx.AsyncClient,
    leicester: LeaverSchool,
    measures: dict[str, str],
    params: dict[str, Any],
    field: str,
) -> None:
    response = await client.get(
        f"{MEASURES}/{measures['premier']}/results",
        params={"academic_year": "2023/24", **params},
        headers=leicester.headers("teacher"),
    )
    assert_problem(response, 422, field)


async def test_measures_of_a_school_you_cannot_see_are_not_found(
    client: httpx.AsyncClient,
    leicester: LeaverSchool,
    measures: dict[str, str],
    shared_world: World,
) -> None:
    headers = shared_world.headers("trust_admin")
    assert_problem(await client.get(f"{MEASURES}/{measures['premier']}", headers=headers), 404)
    listed = await client.get(
        MEASURES, params={"school_id": str(leicester.school.id)}, headers=headers
    )
    assert_problem(listed, 403)
