"""/qualifications: entries and results, and pass rates.

Seed 000 (Milestone, 2022/23): "For pupils who completed English and Math Entry Level 1-3
exams, the average pass rate was 74%, with Reading doing exceptionally well with 82%."
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from domain.kernel.access import Principal
from domain.outcomes import qualification_service as qualifications
from domain.outcomes.qualification import EntryStatus, QualificationKind, QualificationLevel
from domain.pupils import pupil_service as pupils
from domain.pupils.pupil import Enrolment, Gender
from tests.api.paging import list_all
from tests.api.problems import assert_problem
from tests.api.seeding import enrol, if_match, new_school
from tests.factories import World, make_upn

QUALIFICATIONS = "/api/v1/qualifications"
SUMMARY = "/api/v1/qualifications/summary"


def _body(pupil_id: str, /, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "pupil_id": pupil_id,
        "awarding_body": " Pearson ",
        "title": "Functional Skills English",
        "subject": "English",
        "level": "entry_3",
        "kind": "functional_skills",
    }
    return {**body, **changes}


async def _record(
    client: httpx.AsyncClient, world: World, pupil_id: str, who: str = "teacher", **changes: Any
) -> dict[str, Any]:
    response = await client.post(
        QUALIFICATIONS, json=_body(pupil_id, **changes), headers=world.headers(who)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# --- entries ---------------------------------------------------------------------------------


async def test_a_teacher_enters_a_pupil_and_records_the_result(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.post(
        QUALIFICATIONS, json=_body(pupil["id"]), headers=shared_world.headers("teacher")
    )
    assert response.status_code == 201, response.text
    entry = response.json()
    assert response.headers["location"] == f"{QUALIFICATIONS}/{entry['id']}"
    assert response.headers["etag"] == '"1"'
    assert entry == {
        "id": entry["id"],
        "school_id": str(shared_world.school.id),
        "pupil_id": pupil["id"],
        "awarding_body": "Pearson",
        "title": "Functional Skills English",
        "subject": "English",
        "level": "entry_3",
        "kind": "functional_skills",
        "status": "entered",
        "result": None,
        "awarded_on": None,
        "passed": False,
        "version": 1,
    }
    path = response.headers["location"]
    done = await client.patch(
        path,
        json={"status": "completed", "result": "Pass", "awarded_on": "2024-08-22"},
        headers=if_match(shared_world, "teacher", 1),
    )
    assert done.status_code == 200, done.text
    assert done.headers["etag"] == '"2"'
    assert (done.json()["passed"], done.json()["result"]) == (True, "Pass")
    read = await client.get(path, headers=shared_world.headers("trust_analyst"))
    assert read.json() == done.json()


@pytest.mark.parametrize(
    ("result", "passed"),
    [
        ("pass", True),
        ("Merit", True),
        ("distinction", True),
        ("4", True),
        ("C", True),
        ("fail", False),
        ("FAIL", False),
        ("U", False),
        ("ungraded", False),
    ],
)
async def test_a_completed_entry_passes_unless_its_result_is_a_fail(
    client: httpx.AsyncClient, shared_world: World, result: str, passed: bool
) -> None:
    pupil = await enrol(client, shared_world)
    entry = await _record(
        client,
        shared_world,
        pupil["id"],
        status="completed",
        result=result,
        awarded_on="2024-08-22",
    )
    assert entry["passed"] is passed


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"result": "pass"}, "result", "qualification.result"),
        ({"awarded_on": "2024-08-22"}, "awarded_on", "qualification.result"),
        ({"status": "completed", "result": " "}, "result", "blank"),
        (
            {
                "status": "completed",
                "awarded_on": (datetime.now(UTC).date() + timedelta(days=2)).isoformat(),
            },
            "awarded_on",
            "date.future",
        ),
        ({"title": ""}, "title", "string_too_short"),
        ({"awarding_body": "x" * 201}, "awarding_body", "string_too_long"),
        ({"subject": "x" * 101}, "subject", "string_too_long"),
        ({"result": "x" * 51}, "result", "string_too_long"),
        ({"level": "level_4"}, "level", "enum"),
        ({"kind": "btec"}, "kind", "enum"),
        ({"status": "passed"}, "status", "enum"),
        ({"pupil_id": str(uuid.uuid4())}, "pupil_id", "reference"),
        ({"grade": "A"}, "grade", "extra_forbidden"),
    ],
)
async def test_a_bad_entry_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    response = await client.post(
        QUALIFICATIONS,
        json=_body(str(shared_world.pupil.id), **changes),
        headers=shared_world.headers("teacher"),
    )
    assert_problem(response, 422, field, code)


async def test_another_schools_pupil_looks_like_a_pupil_that_does_not_exist(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    real = await client.post(
        QUALIFICATIONS,
        json=_body(str(shared_world.other_pupil.id)),
        headers=shared_world.headers("teacher"),
    )
    fake = await client.post(
        QUALIFICATIONS, json=_body(str(uuid.uuid4())), headers=shared_world.headers("teacher")
    )
    assert_problem(real, 422, "pupil_id", "reference")
    assert real.json()["errors"] == fake.json()["errors"]


@pytest.mark.parametrize("who", ["trust_analyst"])
async def test_recording_results_needs_write_assessment(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    response = await client.post(
        QUALIFICATIONS, json=_body(str(shared_world.pupil.id)), headers=shared_world.headers(who)
    )
    assert_problem(response, 403)


async def test_results_may_be_recorded_for_an_archived_leaver(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world, year_group="11")
    archived = await client.delete(
        f"/api/v1/pupils/{pupil['id']}", headers=if_match(shared_world, "school_admin", 1)
    )
    assert archived.status_code == 204
    await _record(client, shared_world, pupil["id"], who="integration")


async def test_updates_need_the_current_etag_and_keep_the_rules(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    entry = await _record(client, shared_world, pupil["id"])
    path = f"{QUALIFICATIONS}/{entry['id']}"
    body = {"result": "pass"}
    assert_problem(
        await client.patch(path, json=body, headers=shared_world.headers("teacher")), 428
    )
    assert_problem(
        await client.patch(path, json=body, headers=if_match(shared_world, "teacher", 3)), 412
    )
    assert_problem(
        await client.patch(path, json=body, headers=if_match(shared_world, "teacher", 1)),
        422,
        "result",
        "qualification.result",
    )
    assert_problem(
        await client.patch(
            path, json={"title": None}, headers=if_match(shared_world, "teacher", 1)
        ),
        422,
        "title",
        "value_error",
    )
    assert_problem(
        await client.patch(path, json=body, headers=if_match(shared_world, "trust_analyst", 1)),
        403,
    )
    withdrawn = await client.patch(
        path, json={"status": "withdrawn"}, headers=if_match(shared_world, "teacher", 1)
    )
    assert withdrawn.json()["status"] == "withdrawn"


async def test_an_entry_can_be_deleted(client: httpx.AsyncClient, shared_world: World) -> None:
    pupil = await enrol(client, shared_world)
    entry = await _record(client, shared_world, pupil["id"])
    path = f"{QUALIFICATIONS}/{entry['id']}"
    assert_problem(await client.delete(path, headers=shared_world.headers("teacher")), 428)
    assert_problem(
        await client.delete(path, headers=if_match(shared_world, "other_teacher", 1)), 404
    )
    deleted = await client.delete(path, headers=if_match(shared_world, "teacher", 1))
    assert deleted.status_code == 204
    assert_problem(await client.get(path, headers=shared_world.headers("teacher")), 404)


async def test_each_list_filter_narrows_the_entries(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    made = {
        "english": await _record(client, shared_world, pupil["id"]),
        "maths": await _record(
            client,
            shared_world,
            pupil["id"],
            subject="Maths",
            level="level_1",
            status="completed",
            result="pass",
        ),
        "arts": await _record(
            client, shared_world, pupil["id"], kind="arts_award", level="pre_entry"
        ),
    }
    teacher = shared_world.headers("teacher")

    async def names(**params: str) -> set[str]:
        params = {"pupil_id": pupil["id"], **params}
        found = {q["id"] for q in await list_all(client, QUALIFICATIONS, teacher, params)}
        return {name for name, q in made.items() if q["id"] in found}

    assert await names() == {"english", "maths", "arts"}
    assert await names(status="completed") == {"maths"}
    assert await names(level="entry_3") == {"english"}
    assert await names(kind="arts_award") == {"arts"}
    other = shared_world.headers("other_teacher")
    assert_problem(
        await client.get(QUALIFICATIONS, params={"pupil_id": pupil["id"]}, headers=other), 404
    )
    assert_problem(
        await client.get(
            QUALIFICATIONS, params={"school_id": str(shared_world.school.id)}, headers=other
        ),
        403,
    )


# --- pass rates ----------------------------------------------------------------------------

#: subject -> (passed, failed) at each of Entry 1, 2 and 3: Reading 9 / 11 (82%), writing
#: 14 / 20 (70%), maths 14 / 19 (74%); altogether 37 / 50 = 74%
MILESTONE = {
    "English reading": [(3, 1), (3, 0), (3, 1)],
    "English writing": [(4, 2), (5, 2), (5, 2)],
    "Maths": [(4, 2), (5, 1), (5, 2)],
}
LEVELS = ("entry_1", "entry_2", "entry_3")


@pytest.fixture(scope="module")
async def milestone(shared_world: World) -> str:
    """A school of its own, with 2022/23's Entry Level results and some that do not count."""
    school = await new_school(shared_world, "Milestone Academy")
    runtime = shared_world.runtime
    made = []
    for n in range(12):
        made.append(
            await pupils.enrol_pupil(
                runtime.system_uow(),
                Principal.system(),
                pupils.EnrolPupil(
                    school_id=school.id,
                    forename=f"Pupil{n}",
                    surname="Milestone",
                    date_of_birth=date(2008, 1, 1),
                    gender=Gender.FEMALE,
                    year_group="11",
                    upn=make_upn(),
                    enrolments=[Enrolment(date(2020, 9, 1))],
                ),
            )
        )

    async def entry(n: int, subject: str, level: str, **changes: Any) -> None:
        fields: dict[str, Any] = {
            "status": EntryStatus.COMPLETED,
            "result": "pass",
            "awarded_on": date(2023, 8, 24),
            **changes,
        }
        await qualifications.record_entry(
            runtime.system_uow(),
            Principal.system(),
            qualifications.RecordEntry(
                pupil_id=made[n % len(made)].id,
                awarding_body="AQA" if subject == "Maths" else "Pearson",
                title=f"Entry Level Certificate {subject}",
                subject=subject,
                level=QualificationLevel(level),
                kind=QualificationKind.FUNCTIONAL_SKILLS,
                **fields,
            ),
        )

    n = 0
    for subject, by_level in MILESTONE.items():
        for level, (passed, failed) in zip(LEVELS, by_level, strict=True):
            for result in ["pass"] * passed + ["fail"] * failed:
                await entry(n, subject, level, result=result)
                n += 1
    # not counted: a Level 1 pass (filtered by level), entries still out or withdrawn, and a
    # result of another year
    await entry(0, "Maths", "level_1")
    await entry(1, "Maths", "entry_3", status=EntryStatus.ENTERED, result=None, awarded_on=None)
    await entry(2, "Maths", "entry_3", status=EntryStatus.WITHDRAWN, result=None, awarded_on=None)
    await entry(3, "Maths", "entry_3", result="fail", awarded_on=date(2022, 8, 25))
    return str(school.id)


async def _rates(
    client: httpx.AsyncClient, world: World, school_id: str, **params: Any
) -> dict[str, Any]:
    base = {
        "school_id": school_id,
        "academic_year": "2022/23",
        "min_level": "entry_1",
        "max_level": "entry_3",
    }
    asked = {k: v for k, v in {**base, **params}.items() if v is not None}
    response = await client.get(SUMMARY, params=asked, headers=world.headers("trust_analyst"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_milestone_entry_level_pass_rate_is_74_with_reading_82(
    client: httpx.AsyncClient, shared_world: World, milestone: str
) -> None:
    body = await _rates(client, shared_world, milestone, group_by="subject")
    overall = body["overall"]
    assert (overall["completed"], overall["passed"], overall["pass_rate"]) == (50, 37, 74.0)
    assert overall["pupils"] == 12
    subjects = {g["value"]: (g["completed"], g["passed"], g["pass_rate"]) for g in body["groups"]}
    assert subjects == {
        "English reading": (11, 9, 82.0),
        "English writing": (20, 14, 70.0),
        "Maths": (19, 14, 74.0),
    }
    assert (body["academic_year"], body["group_by"], body["school_ids"]) == (
        "2022/23",
        "subject",
        [milestone],
    )


async def test_pass_rates_by_level_come_in_level_order(
    client: httpx.AsyncClient, shared_world: World, milestone: str
) -> None:
    body = await _rates(client, shared_world, milestone, group_by="level", decimals=1)
    levels = [(g["value"], g["completed"], g["passed"], g["pass_rate"]) for g in body["groups"]]
    assert levels == [
        ("entry_1", 16, 11, 68.8),
        ("entry_2", 16, 13, 81.3),
        ("entry_3", 18, 13, 72.2),
    ]


async def test_filters_choose_the_entries_that_count(
    client: httpx.AsyncClient, shared_world: World, milestone: str
) -> None:
    every_level = await _rates(client, shared_world, milestone, min_level=None, max_level=None)
    assert (every_level["overall"]["completed"], every_level["overall"]["passed"]) == (51, 38)
    every_year = await _rates(client, shared_world, milestone, academic_year=None)
    assert (every_year["overall"]["completed"], every_year["overall"]["passed"]) == (51, 37)
    bodies = await _rates(client, shared_world, milestone, group_by="awarding_body")
    assert {g["value"]: g["passed"] for g in bodies["groups"]} == {"AQA": 14, "Pearson": 23}
    nothing = await _rates(client, shared_world, milestone, academic_year="2019/20")
    assert (nothing["overall"]["completed"], nothing["overall"]["pass_rate"]) == (0, None)


async def test_small_groups_are_withheld_from_pass_rates(
    client: httpx.AsyncClient, shared_world: World, milestone: str
) -> None:
    body = await _rates(client, shared_world, milestone, group_by="subject", min_group_size=13)
    assert body["overall"]["suppressed"] is True
    assert all(g["suppressed"] and g["pass_rate"] is None for g in body["groups"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "teacher"}, "group_by"),
        ({"academic_year": "2023-24"}, "academic_year"),
        ({"academic_year": "2023/25"}, "academic_year"),
        ({"academic_year": "0000/01"}, "academic_year"),
        ({"min_level": "level_2", "max_level": "entry_1"}, "max_level"),
        ({"min_level": "gcse"}, "min_level"),
        ({"decimals": -1}, "decimals"),
    ],
)
async def test_bad_pass_rate_parameters_are_refused_naming_them(
    client: httpx.AsyncClient, shared_world: World, params: dict[str, str], field: str
) -> None:
    response = await client.get(SUMMARY, params=params, headers=shared_world.headers("teacher"))
    assert_problem(response, 422, field)


async def test_another_schools_pass_rates_are_refused(
    client: httpx.AsyncClient, shared_world: World, milestone: str
) -> None:
    response = await client.get(
        SUMMARY, params={"school_id": milestone}, headers=shared_world.headers("teacher")
    )
    assert_problem(response, 403)
