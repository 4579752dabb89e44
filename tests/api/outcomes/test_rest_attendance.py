"""/attendance: register marks imported in batches, and attendance summaries.

Seed 000 reports attendance "(90%) ... above the national average of 87% for SEN Schools":
the summary compares each group with a comparator given by the caller.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.paging import list_all
from tests.api.problems import assert_problem, error_fields
from tests.api.seeding import enrol, new_school
from tests.factories import World

SESSIONS = "/api/v1/attendance/sessions"
SUMMARY = "/api/v1/attendance/summary"


def register(
    pupil_id: str, codes: list[str], start: date = date(2023, 9, 4)
) -> list[dict[str, Any]]:
    """One mark per code, on consecutive weekday sessions (AM then PM) from `start`."""
    marks = []
    day = start
    for i, code in enumerate(codes):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        marks.append(
            {
                "pupil_id": pupil_id,
                "date": day.isoformat(),
                "session": "AM" if i % 2 == 0 else "PM",
                "code": code,
            }
        )
        if i % 2 == 1:
            day += timedelta(days=1)
    return marks


async def _send(
    client: httpx.AsyncClient, world: World, marks: list[dict[str, Any]], who: str = "school_admin"
) -> httpx.Response:
    return await client.post(SESSIONS, json={"marks": marks}, headers=world.headers(who))


async def _sent(
    client: httpx.AsyncClient, world: World, marks: list[dict[str, Any]], who: str = "school_admin"
) -> dict[str, Any]:
    response = await _send(client, world, marks, who)
    assert response.status_code == 200, response.text
    written: dict[str, Any] = response.json()
    return written


async def _marks_of(client: httpx.AsyncClient, world: World, pupil_id: str) -> list[dict[str, Any]]:
    return await list_all(client, SESSIONS, world.headers("teacher"), {"pupil_id": pupil_id})


# --- batches ---------------------------------------------------------------------------------


async def test_a_batch_is_stored_and_sending_it_again_changes_nothing(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    marks = register(pupil["id"], ["/", "\\", "L", "N", "I", "/"])
    assert await _sent(client, shared_world, marks) == {
        "received": 6,
        "created": 6,
        "updated": 0,
        "unchanged": 0,
    }
    stored = await _marks_of(client, shared_world, pupil["id"])
    assert [(m["date"], m["session"], m["code"]) for m in stored] == [
        (m["date"], m["session"], m["code"]) for m in marks
    ]
    assert {m["school_id"] for m in stored} == {str(shared_world.school.id)}
    assert [m["category"] for m in stored] == [
        "present",
        "present",
        "present",
        "unauthorised_absence",
        "authorised_absence",
        "present",
    ]
    again = await _sent(client, shared_world, marks)
    assert again == {"received": 6, "created": 0, "updated": 0, "unchanged": 6}
    assert await _marks_of(client, shared_world, pupil["id"]) == stored


async def test_a_changed_code_replaces_the_mark_for_that_session(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    marks = register(pupil["id"], ["N", "N", "/"])
    await _sent(client, shared_world, marks)
    before = await _marks_of(client, shared_world, pupil["id"])
    marks[0]["code"] = "m"  # the reason came in: a medical appointment (codes are upper-cased)
    assert await _sent(
        client, shared_world, [*marks, *register(pupil["id"], ["/"], date(2023, 9, 11))]
    ) == {
        "received": 4,
        "created": 1,
        "updated": 1,
        "unchanged": 2,
    }
    after = await _marks_of(client, shared_world, pupil["id"])
    assert after[0] == {**before[0], "code": "M", "category": "authorised_absence"}
    assert after[1:3] == before[1:3]


async def test_one_bad_row_refuses_the_whole_batch_naming_every_bad_row(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    marks = register(pupil["id"], ["/", "?", "\\", "/", "K", "/"])
    marks[3]["pupil_id"] = str(shared_world.other_pupil.id)  # another school's pupil
    marks[5]["date"] = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
    response = await _send(client, shared_world, marks)
    body = assert_problem(response, 422)
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("marks[1].code", "attendance.code"),
        ("marks[3].pupil_id", "reference"),
        ("marks[4].code", "attendance.code_date"),  # K is used from 19 August 2024
        ("marks[5].date", "date.future"),
    ]
    assert await _marks_of(client, shared_world, pupil["id"]) == []


async def test_another_schools_pupil_in_a_batch_looks_like_a_pupil_that_does_not_exist(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    real = [*register(pupil["id"], ["/"]), *register(str(shared_world.other_pupil.id), ["/"])]
    fake = [*register(pupil["id"], ["/"]), *register(str(uuid.uuid4()), ["/"])]
    refused = await _send(client, shared_world, real)
    missing = await _send(client, shared_world, fake)
    assert_problem(refused, 422, "marks[1].pupil_id", "reference")
    assert refused.json()["errors"] == missing.json()["errors"]
    assert await _marks_of(client, shared_world, pupil["id"]) == []
    other = await list_all(
        client,
        SESSIONS,
        shared_world.headers("other_teacher"),
        {"pupil_id": str(shared_world.other_pupil.id)},
    )
    assert other == []


async def test_a_pupil_date_and_session_may_appear_once_in_a_batch(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    marks = register(pupil["id"], ["/", "\\"])
    response = await _send(client, shared_world, [*marks, {**marks[0], "code": "N"}])
    assert_problem(response, 422, "marks[2]", "duplicate")


async def test_codes_are_checked_against_the_dates_they_are_valid_on(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    before = register(pupil["id"], ["H", "J", "Y"], date(2024, 7, 8))
    after = register(pupil["id"], ["K", "C1", "C2", "J1", "Q", "Y7"], date(2024, 9, 2))
    assert (await _sent(client, shared_world, [*before, *after]))["created"] == 9
    refused = await _send(client, shared_world, register(pupil["id"], ["H"], date(2024, 9, 9)))
    assert_problem(refused, 422, "marks[0].code", "attendance.code_date")
    ahead = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    planned = [{"pupil_id": pupil["id"], "date": ahead, "session": "AM", "code": "#"}]
    assert (await _sent(client, shared_world, planned))["created"] == 1


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"session": "EVE"}, "marks[0].session", "enum"),
        ({"date": "2024-02-30"}, "marks[0].date", None),
        ({"code": ""}, "marks[0].code", "string_too_short"),
        ({"code": "ABC"}, "marks[0].code", "string_too_long"),
        ({"code": None}, "marks[0].code", "string_type"),
        ({"pupil_id": "nobody"}, "marks[0].pupil_id", "uuid_parsing"),
        ({"teacher": "Ms Patel"}, "marks[0].teacher", "extra_forbidden"),
    ],
)
async def test_a_malformed_row_is_refused_naming_its_index_and_field(
    client: httpx.AsyncClient,
    shared_world: World,
    change: dict[str, Any],
    field: str,
    code: str | None,
) -> None:
    mark = {**register(str(shared_world.pupil.id), ["/"])[0], **change}
    assert_problem(await _send(client, shared_world, [mark]), 422, field, code)


@pytest.mark.parametrize(("size", "code"), [(0, "too_short"), (5001, "too_long")])
async def test_a_batch_holds_1_to_5000_marks(
    client: httpx.AsyncClient, shared_world: World, size: int, code: str
) -> None:
    marks = register(str(shared_world.pupil.id), ["/"] * size, date(2010, 9, 6))
    assert_problem(await _send(client, shared_world, marks), 422, "marks", code)
    assert_problem(
        await client.post(SESSIONS, json=[], headers=shared_world.headers("school_admin")),
        422,
        "body",
    )


@pytest.mark.parametrize("who", ["teacher", "trust_analyst", "integration"])
async def test_importing_registers_needs_write_roster(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    marks = register(str(shared_world.pupil.id), ["/"])
    assert_problem(await _send(client, shared_world, marks, who), 403)


async def test_a_full_batch_of_5000_marks_is_written_in_one_go(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    pupils = [await enrol(client, shared_world, school.id, who="trust_admin") for _ in range(10)]
    marks = [m for p in pupils for m in register(p["id"], ["/", "\\"] * 250, date(2021, 9, 6))]
    assert len(marks) == 5000
    written = await _sent(client, shared_world, marks, who="trust_admin")
    assert (written["created"], written["unchanged"]) == (5000, 0)
    again = await _sent(client, shared_world, marks, who="trust_admin")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5000)


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"from": "2024-13-01"}, 422, "from"),
        ({"from": "2024-03-01", "to": "2024-02-01"}, 422, "to"),
        ({"pupil_id": str(uuid.uuid4())}, 404, None),
    ],
)
async def test_a_bad_marks_filter_is_refused(
    client: httpx.AsyncClient,
    shared_world: World,
    params: dict[str, str],
    status: int,
    field: str | None,
) -> None:
    response = await client.get(SESSIONS, params=params, headers=shared_world.headers("teacher"))
    assert_problem(response, status, field)


async def test_marks_of_another_school_are_refused_as_a_filter(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    params = {"school_id": str(shared_world.other_school.id)}
    response = await client.get(SESSIONS, params=params, headers=shared_world.headers("teacher"))
    assert_problem(response, 403)


# --- summary -----------------------------------------------------------------------------------

PERIOD = {"from": "2021-09-01", "to": "2024-08-31"}


async def _school_with(
    client: httpx.AsyncClient, world: World, registers: list[tuple[dict[str, Any], list[str]]]
) -> tuple[str, list[str]]:
    """A new school of the world's trust with a pupil per register; (school id, pupil ids)."""
    school = await new_school(world)
    ids = []
    marks = []
    for changes, codes in registers:
        pupil = await enrol(client, world, school.id, who="trust_admin", **changes)
        ids.append(pupil["id"])
        marks += register(pupil["id"], codes, date(2021, 9, 6))
    for start in range(0, len(marks), 5000):
        await _sent(client, world, marks[start : start + 5000], who="trust_admin")
    return str(school.id), ids


async def _summary(
    client: httpx.AsyncClient, world: World, who: str = "trust_admin", **params: Any
) -> dict[str, Any]:
    response = await client.get(SUMMARY, params={**PERIOD, **params}, headers=world.headers(who))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_each_code_counts_in_its_statistical_category(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    codes = ["/", "\\", "L", "V", "P", "W", "B", "C", "M", "I", "G", "N", "O", "U"]
    codes += ["D", "X", "#", "Z", "Y", "Y"]
    school_id, (pupil,) = await _school_with(client, shared_world, [({}, codes)])
    body = await _summary(client, shared_world, school_id=school_id, group_by=["school"])
    row = body["pupils"][0]
    assert row == {
        "pupil_id": pupil,
        "school_id": school_id,
        "possible": 14,
        "present": 3,
        "approved_educational_activity": 4,
        "authorised": 3,
        "unauthorised": 4,
        "not_counted": 6,
        "attendance": 50.0,
        "absence": 50.0,
        "persistent_absence": True,
        "severe_absence": True,
    }


async def test_persistent_absence_starts_at_exactly_ten_percent_and_severe_at_fifty(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    ten_percent = ["/"] * 90 + ["N"] * 10
    just_under = ["/"] * 901 + ["I"] * 99  # 9.9%
    half = ["/"] * 10 + ["G"] * 10
    just_under_half = ["/"] * 11 + ["G"] * 10  # 47.6%
    no_details: dict[str, Any] = {}
    registers = [
        (no_details, ten_percent),
        (no_details, just_under),
        (no_details, half),
        (no_details, just_under_half),
    ]
    school_id, pupils = await _school_with(client, shared_world, registers)
    body = await _summary(client, shared_world, school_id=school_id, group_by=["school"])
    rows = {r["pupil_id"]: r for r in body["pupils"]}
    found = [
        (rows[p]["absence"], rows[p]["persistent_absence"], rows[p]["severe_absence"])
        for p in pupils
    ]
    assert found == [
        (10.0, True, False),
        (9.9, False, False),
        (50.0, True, True),
        (47.6, True, False),
    ]
    cohort = body["cohort"]
    assert (cohort["pupils"], cohort["persistent_absence"], cohort["severe_absence"]) == (4, 3, 1)
    assert (cohort["persistent_absence_rate"], cohort["severe_absence_rate"]) == (75.0, 25.0)
    assert cohort["possible"] == 100 + 1000 + 20 + 21
    assert cohort["attendance"] == round(100 * (90 + 901 + 10 + 11) / 1141, 1)


async def test_groups_are_compared_with_the_comparator(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pp = [{"start_on": "2020-09-01", "kind": "pupil_premium"}]
    registers: list[tuple[dict[str, Any], list[str]]] = [
        ({"characteristics": pp, "gender": "F"}, ["/"] * 9 + ["N"]),  # 90%
        ({"characteristics": pp, "gender": "M"}, ["/"] * 8 + ["N"] * 2),  # 80%
        ({"gender": "M"}, ["/"] * 10),  # 100%
    ]
    school_id, _ = await _school_with(client, shared_world, registers)
    body = await _summary(client, shared_world, school_id=school_id, comparator=87, decimals=1)
    assert body["comparator"] == 87.0
    assert (body["from"], body["to"]) == (PERIOD["from"], PERIOD["to"])
    assert (body["cohort"]["attendance"], body["cohort"]["difference"]) == (90.0, 3.0)
    groups = {(g["dimension"], g["value"]): g for g in body["groups"]}
    assert (
        groups[("pupil_premium", "yes")]["attendance"],
        groups[("pupil_premium", "yes")]["difference"],
    ) == (85.0, -2.0)
    assert groups[("pupil_premium", "no")]["attendance"] == 100.0
    assert groups[("gender", "M")]["pupils"] == 2
    assert groups[("school", school_id)]["pupils"] == 3
    assert {d for d, _ in groups} == {
        "pupil_premium",
        "fsm",
        "eal",
        "looked_after",
        "sen_provision",
        "primary_need",
        "gender",
        "year_group",
        "pathway",
        "school",
    }
    twice = await _summary(client, shared_world, school_id=school_id, group_by=["gender"] * 2)
    assert [g["value"] for g in twice["groups"]] == ["F", "M"]
    without = await _summary(
        client, shared_world, school_id=school_id, group_by=["gender"], pupils=False
    )
    assert without["pupils"] is None
    assert {g["dimension"] for g in without["groups"]} == {"gender"}
    assert without["cohort"]["difference"] is None


async def test_small_groups_are_withheld(client: httpx.AsyncClient, shared_world: World) -> None:
    pp = [{"start_on": "2020-09-01", "kind": "pupil_premium"}]
    registers = [({"characteristics": pp}, ["/"] * 4)] + [({}, ["/", "N"])] * 5
    school_id, _ = await _school_with(client, shared_world, registers)
    body = await _summary(
        client, shared_world, school_id=school_id, group_by=["pupil_premium"], min_group_size=2
    )
    assert body["cohort"]["suppressed"] is False
    assert body["cohort"]["pupils"] == 6
    groups = {g["value"]: g for g in body["groups"]}
    # one PP pupil is withheld, and so is everyone else, who would give them away
    assert groups["yes"]["suppressed"]
    assert groups["no"]["suppressed"]
    assert (groups["yes"]["pupils"], groups["yes"]["attendance"], groups["no"]["attendance"]) == (
        None,
        None,
        None,
    )


async def test_a_trust_analyst_sees_pupils_by_id_only(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    registers = [({"forename": "Zebedee", "surname": "Quartermaine"}, ["/", "N"])]
    _, (pupil,) = await _school_with(client, shared_world, registers)
    response = await client.get(
        SUMMARY,
        params={**PERIOD, "trust_id": str(shared_world.trust.id)},
        headers=shared_world.headers("trust_analyst"),
    )
    assert response.status_code == 200, response.text
    assert "Zebedee" not in response.text
    assert "Quartermaine" not in response.text
    rows = [r for r in response.json()["pupils"] if r["pupil_id"] == pupil]
    assert set(rows[0]) == {
        "pupil_id",
        "school_id",
        "possible",
        "present",
        "approved_educational_activity",
        "authorised",
        "unauthorised",
        "not_counted",
        "attendance",
        "absence",
        "persistent_absence",
        "severe_absence",
    }


async def test_the_period_defaults_to_this_academic_year(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        SUMMARY,
        params={"school_id": str(shared_world.school.id)},
        headers=shared_world.headers("teacher"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    today = datetime.now(UTC).date()
    assert body["to"] == today.isoformat()
    start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    assert body["from"] == start.isoformat()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "strand"}, "group_by"),
        ({"from": "2024-03-01", "to": "2024-02-01"}, "to"),
        ({"from": "2024-02-31"}, "from"),
        ({"from": "2010-01-01", "to": "2024-01-01"}, "from"),
        ({"comparator": 150}, "comparator"),
        ({"comparator": "nan"}, "comparator"),
        ({"decimals": 3}, "decimals"),
        ({"min_group_size": -1}, "min_group_size"),
        ({"school_id": "x"}, "school_id"),
    ],
)
async def test_bad_summary_parameters_are_refused_naming_them(
    client: httpx.AsyncClient, shared_world: World, params: dict[str, Any], field: str
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
    assert error_fields(await client.get(SUMMARY, params={"group_by": "x"}, headers=teacher)) == {
        "group_by"
    }
