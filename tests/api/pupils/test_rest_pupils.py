"""/pupils: enrol, read, list with filters and pages, update, archive and restore, and who may."""

import uuid
from typing import Any

import httpx
import pytest

from tests.api.paging import list_all, walk_pages
from tests.api.problems import assert_problem, error_fields
from tests.api.seeding import PUPILS, enrol, if_match, new_school, pupil_body
from tests.factories import World, make_upn

EHC_PLAN = {"kind": "sen_provision", "start_on": "2020-09-01", "value": "E"}
SEN_SUPPORT = {"kind": "sen_provision", "start_on": "2020-09-01", "value": "K"}


def _need(code: str, rank: int, start_on: str = "2020-09-01") -> dict[str, Any]:
    return {"kind": "sen_need", "start_on": start_on, "value": code, "rank": rank}


async def _post(
    client: httpx.AsyncClient, world: World, who: str, **changes: Any
) -> httpx.Response:
    return await client.post(
        PUPILS, json=pupil_body(world.school.id, **changes), headers=world.headers(who)
    )


def _wrong_check_letter(upn: str) -> str:
    return ("B" if upn[0] == "A" else "A") + upn[1:]


# --- enrol ----------------------------------------------------------------------------------


async def test_enrolling_a_pupil_answers_201_with_location_etag_and_the_pupil(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    body = pupil_body(
        shared_world.school.id,
        characteristics=[EHC_PLAN, _need("SLD", 1), _need("SLCN", 2)],
        enrolments=[{"joined_on": "2022-09-01", "registration": "M"}],
        mis_id="MIS-77",
    )
    response = await client.post(PUPILS, json=body, headers=shared_world.headers("school_admin"))
    assert response.status_code == 201, response.text
    pupil = response.json()
    assert response.headers["location"] == f"/api/v1/pupils/{pupil['id']}"
    assert response.headers["etag"] == '"1"'
    assert pupil["version"] == 1
    assert pupil["deleted_at"] is None
    assert pupil["pseudonym"] is None
    for name in ("school_id", "forename", "surname", "date_of_birth", "upn", "mis_id", "pathway"):
        assert pupil[name] == body[name]
    assert pupil["enrolments"] == [
        {"joined_on": "2022-09-01", "left_on": None, "registration": "M"}
    ]
    assert {(c["value"], c["rank"]) for c in pupil["characteristics"]} == {
        ("E", None),
        ("SLD", 1),
        ("SLCN", 2),
    }
    read = await client.get(response.headers["location"], headers=shared_world.headers("teacher"))
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json() == pupil


async def test_enrolling_normalises_the_upn_year_group_and_need_codes(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    upn = make_upn()
    response = await _post(
        client,
        shared_world,
        "school_admin",
        upn=f" {upn[:4].lower()} {upn[4:]} ",
        year_group="r",
        forename="  Ola  ",
        characteristics=[SEN_SUPPORT, _need("asd", 1)],
    )
    assert response.status_code == 201, response.text
    pupil = response.json()
    assert (pupil["upn"], pupil["year_group"], pupil["forename"]) == (upn, "R", "Ola")
    assert {c["value"] for c in pupil["characteristics"]} == {"K", "ASD"}


async def test_a_temporary_upn_is_accepted(client: httpx.AsyncClient, shared_world: World) -> None:
    upn = make_upn(temporary=True)
    response = await _post(client, shared_world, "school_admin", upn=upn)
    assert response.status_code == 201, response.text
    assert response.json()["upn"] == upn
    assert upn[-1].isalpha()


async def test_a_pupil_with_only_an_mis_id_is_accepted(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(client, shared_world, "school_admin", upn=None, mis_id="ARBOR-1")
    assert response.status_code == 201, response.text
    assert (response.json()["upn"], response.json()["mis_id"]) == (None, "ARBOR-1")


async def test_a_upn_with_the_wrong_check_letter_is_refused_naming_upn(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(
        client, shared_world, "school_admin", upn=_wrong_check_letter(make_upn())
    )
    assert_problem(response, 422, "upn", "upn.check_letter")


@pytest.mark.parametrize(
    "upn", ["A12345678901", "A1234567890123", "1234567890123", "A12345678901O"]
)
async def test_a_upn_of_the_wrong_shape_is_refused_naming_upn(
    client: httpx.AsyncClient, shared_world: World, upn: str
) -> None:
    response = await _post(client, shared_world, "school_admin", upn=upn)
    assert_problem(response, 422, "upn", "upn.format")


async def test_a_pupil_without_upn_or_mis_id_is_refused_naming_upn(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(client, shared_world, "school_admin", upn=None, mis_id=None)
    assert_problem(response, 422, "upn", "required")


async def test_a_duplicate_upn_in_one_school_is_a_conflict_naming_upn(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    first = await enrol(client, shared_world)
    response = await _post(client, shared_world, "school_admin", upn=first["upn"])
    assert_problem(response, 409, "upn", "conflict")


async def test_the_same_upn_in_another_school_is_allowed(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    first = await enrol(client, shared_world)
    response = await client.post(
        PUPILS,
        json=pupil_body(shared_world.other_school.id, upn=first["upn"]),
        headers=shared_world.headers("trust_admin"),
    )
    assert response.status_code == 201, response.text
    assert response.json()["upn"] == first["upn"]


async def test_a_duplicate_mis_id_in_one_school_is_a_conflict_naming_mis_id(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    await enrol(client, shared_world, mis_id="SIMS-9001")
    response = await _post(client, shared_world, "school_admin", mis_id="SIMS-9001")
    assert_problem(response, 409, "mis_id", "conflict")


async def test_left_on_before_joined_on_is_refused_naming_that_enrolment(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(
        client,
        shared_world,
        "school_admin",
        enrolments=[{"joined_on": "2022-09-01", "left_on": "2022-08-31"}],
    )
    assert_problem(response, 422, "enrolments[0].left_on", "date.order")


async def test_overlapping_enrolments_are_refused_naming_the_later_one(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(
        client,
        shared_world,
        "school_admin",
        enrolments=[
            {"joined_on": "2021-09-01", "left_on": "2022-07-20"},
            {"joined_on": "2022-07-01"},
        ],
    )
    assert_problem(response, 422, "enrolments[1]", "enrolment.overlap")


async def test_successive_enrolments_are_accepted_and_kept_in_the_order_given(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(
        client,
        shared_world,
        "school_admin",
        enrolments=[
            {"joined_on": "2023-01-09"},
            {"joined_on": "2021-09-01", "left_on": "2022-07-20"},
        ],
    )
    assert response.status_code == 201, response.text
    assert [e["joined_on"] for e in response.json()["enrolments"]] == ["2023-01-09", "2021-09-01"]
    read = await client.get(
        response.headers["location"], headers=shared_world.headers("school_admin")
    )
    assert read.json()["enrolments"] == response.json()["enrolments"]


async def test_a_pupil_without_enrolments_is_refused_naming_enrolments(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(client, shared_world, "school_admin", enrolments=[])
    assert_problem(response, 422, "enrolments")


async def test_an_nsa_need_with_an_ehc_plan_is_refused(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(
        client, shared_world, "school_admin", characteristics=[EHC_PLAN, _need("NSA", 1)]
    )
    assert_problem(response, 422, "characteristics[1].value", "sen.nsa")


async def test_an_nsa_need_with_sen_support_is_accepted(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(
        client, shared_world, "school_admin", characteristics=[SEN_SUPPORT, _need("NSA", 1)]
    )
    assert response.status_code == 201, response.text


async def test_a_need_while_the_pupil_has_no_sen_is_refused_naming_the_need(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    no_sen = {"kind": "sen_provision", "start_on": "2020-09-01", "value": "N"}
    response = await _post(
        client, shared_world, "school_admin", characteristics=[no_sen, _need("MLD", 1)]
    )
    assert_problem(response, 422, "characteristics[1]", "sen.need_without_provision")


async def test_two_needs_with_the_same_rank_are_refused_naming_the_second(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(
        client,
        shared_world,
        "school_admin",
        characteristics=[EHC_PLAN, _need("ASD", 1), _need("SLCN", 1)],
    )
    assert_problem(response, 422, "characteristics[2]", "sen.rank")


async def test_two_needs_with_the_same_rank_in_separate_periods_are_accepted(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    first = {**_need("MLD", 1, "2019-09-01"), "end_on": "2020-08-31"}
    response = await _post(
        client,
        shared_world,
        "school_admin",
        characteristics=[EHC_PLAN, first, _need("ASD", 1, "2020-09-01")],
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("characteristic", "field", "code"),
    [
        (_need("XYZ", 1), "characteristics[0].value", "sen.need"),
        (
            {"kind": "sen_need", "start_on": "2020-09-01", "value": "ASD"},
            "characteristics[0].rank",
            "sen.rank",
        ),
        (
            {"kind": "sen_provision", "start_on": "2020-09-01", "value": "Q"},
            "characteristics[0].value",
            "sen",
        ),
        (
            {"kind": "fsm", "start_on": "2020-09-01", "value": "Y"},
            "characteristics[0].value",
            "invalid",
        ),
        (
            {"kind": "eal", "start_on": "2020-09-01", "end_on": "2020-01-01"},
            "characteristics[0].end_on",
            "date.order",
        ),
        ({"kind": "wealth", "start_on": "2020-09-01"}, "characteristics[0].kind", "enum"),
        ({**_need("ASD", 1), "rank": 0}, "characteristics[0].rank", "greater_than_equal"),
    ],
)
async def test_a_bad_characteristic_is_refused_naming_its_field(
    client: httpx.AsyncClient,
    shared_world: World,
    characteristic: dict[str, Any],
    field: str,
    code: str,
) -> None:
    response = await _post(client, shared_world, "school_admin", characteristics=[characteristic])
    assert_problem(response, 422, field, code)


async def test_overlapping_periods_of_one_flag_are_refused(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(
        client,
        shared_world,
        "school_admin",
        characteristics=[
            {"kind": "fsm", "start_on": "2020-09-01"},
            {"kind": "fsm", "start_on": "2021-09-01"},
        ],
    )
    assert_problem(response, 422, "characteristics[1]", "period.overlap")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"date_of_birth": "2099-01-01"}, "date_of_birth", "date.future"),
        ({"date_of_birth": "1970-01-01"}, "date_of_birth", "date.too_old"),
        ({"date_of_birth": "2012-02-30"}, "date_of_birth", "date_from_datetime_parsing"),
        ({"year_group": "15"}, "year_group", "year_group"),
        ({"year_group": "123"}, "year_group", "string_too_long"),
        ({"forename": "   "}, "forename", "blank"),
        ({"surname": "Quinn\u0007"}, "surname", "control_chars"),
        ({"forename": "x" * 101}, "forename", "string_too_long"),
        ({"gender": "X"}, "gender", "enum"),
        ({"school_id": "not-a-school"}, "school_id", "uuid_parsing"),
    ],
)
async def test_a_bad_pupil_field_is_refused_naming_it(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    response = await _post(client, shared_world, "school_admin", **changes)
    assert_problem(response, 422, field, code)


async def test_every_broken_rule_is_named_in_one_response(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _post(
        client,
        shared_world,
        "school_admin",
        upn=_wrong_check_letter(make_upn()),
        year_group="15",
        enrolments=[{"joined_on": "2022-09-01", "left_on": "2022-01-01"}],
    )
    assert_problem(response, 422)
    assert error_fields(response) == {"upn", "year_group", "enrolments[0].left_on"}


# --- who may enrol ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["teacher", "trust_analyst", "integration"])
async def test_callers_without_write_roster_cannot_enrol(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    response = await _post(client, shared_world, who)
    body = assert_problem(response, 403)
    assert "write_roster" in body["detail"]


async def test_a_school_admin_cannot_enrol_into_another_school(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(
        PUPILS,
        json=pupil_body(shared_world.other_school.id),
        headers=shared_world.headers("school_admin"),
    )
    assert_problem(response, 403)


async def test_a_trust_admin_can_enrol_into_any_school_of_the_trust(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world, shared_world.other_school.id, who="trust_admin")
    assert pupil["school_id"] == str(shared_world.other_school.id)


async def test_enrolling_into_a_school_that_does_not_exist_is_refused(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(
        PUPILS, json=pupil_body(uuid.uuid4()), headers=shared_world.headers("trust_admin")
    )
    assert_problem(response, 403)


# --- read ---------------------------------------------------------------------------------


async def test_a_teacher_reads_a_pupil_of_their_school_with_its_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        f"{PUPILS}/{shared_world.pupil.id}", headers=shared_world.headers("teacher")
    )
    assert response.status_code == 200, response.text
    pupil = response.json()
    assert response.headers["etag"] == f'"{pupil["version"]}"'
    assert (pupil["forename"], pupil["surname"]) == ("Amira", "Khan")


async def test_a_teacher_of_another_school_gets_404_for_the_pupil(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        f"{PUPILS}/{shared_world.pupil.id}", headers=shared_world.headers("other_teacher")
    )
    assert_problem(response, 404)


async def test_an_unknown_pupil_is_404(client: httpx.AsyncClient, shared_world: World) -> None:
    response = await client.get(f"{PUPILS}/{uuid.uuid4()}", headers=shared_world.headers("teacher"))
    assert_problem(response, 404)


# --- list ---------------------------------------------------------------------------------


async def test_each_list_filter_narrows_the_pupils(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    admin = shared_world.headers("trust_admin")

    async def add(**changes: Any) -> str:
        pupil = await enrol(client, shared_world, school.id, who="trust_admin", **changes)
        return str(pupil["id"])

    year7 = await add(year_group="7", pathway="formal", mis_id="M-1")
    year9 = await add(year_group="9", pathway="semi-formal")
    left = await add(
        year_group="9",
        pathway="formal",
        enrolments=[{"joined_on": "2021-09-01", "left_on": "2022-12-16"}],
    )
    joined_late = await add(year_group="R", enrolments=[{"joined_on": "2023-04-17"}])
    upn = (await client.get(f"{PUPILS}/{year9}", headers=admin)).json()["upn"]

    async def ids(**params: str) -> set[str]:
        found = await list_all(client, PUPILS, admin, {"school_id": str(school.id), **params})
        return {p["id"] for p in found}

    assert await ids() == {year7, year9, left, joined_late}
    assert await ids(year_group="9") == {year9, left}
    assert await ids(year_group="R") == {joined_late}
    assert await ids(pathway="formal") == {year7, left}
    assert await ids(on_roll_on="2023-01-10") == {year7, year9}
    assert await ids(on_roll_on="2022-12-16") == {year7, year9, left}
    assert await ids(on_roll_on="2023-04-17") == {year7, year9, joined_late}
    assert await ids(upn=upn) == {year9}
    assert await ids(upn=upn.lower()) == {year9}
    assert await ids(mis_id="M-1") == {year7}
    assert await ids(mis_id="M-2") == set()
    assert await ids(year_group="9", pathway="formal", on_roll_on="2022-10-01") == {left}


async def test_without_a_school_filter_a_teacher_lists_only_their_schools_pupils(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupils = await list_all(client, PUPILS, shared_world.headers("teacher"), {})
    assert {p["school_id"] for p in pupils} == {str(shared_world.school.id)}
    assert {str(p.id) for p in shared_world.pupils} <= {p["id"] for p in pupils}


async def test_filtering_by_a_school_outside_the_callers_scope_is_403(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        PUPILS,
        params={"school_id": str(shared_world.other_school.id)},
        headers=shared_world.headers("teacher"),
    )
    assert_problem(response, 403)


@pytest.mark.parametrize("limit", [1, 2])
async def test_pupils_page_through_every_row_once(
    client: httpx.AsyncClient, shared_world: World, limit: int
) -> None:
    school = await new_school(shared_world)
    made = [
        (await enrol(client, shared_world, school.id, who="trust_admin"))["id"] for _ in range(5)
    ]
    walk = await walk_pages(
        client,
        PUPILS,
        shared_world.headers("trust_admin"),
        {"school_id": str(school.id), "limit": limit},
    )
    assert walk.ids == made  # creation order, since ids are time-ordered
    assert walk.pages == -(-5 // limit)


# --- update -------------------------------------------------------------------------------


async def test_updating_a_pupil_changes_only_the_fields_sent_and_moves_the_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world, mis_id="M-UPD")
    response = await client.patch(
        f"{PUPILS}/{pupil['id']}",
        json={"surname": "Quinn-Hart", "year_group": "n1", "pathway": None},
        headers=if_match(shared_world, "school_admin", 1),
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    updated = response.json()
    assert (updated["surname"], updated["year_group"], updated["pathway"]) == (
        "Quinn-Hart",
        "N1",
        None,
    )
    for name in ("forename", "date_of_birth", "upn", "mis_id", "enrolments", "characteristics"):
        assert updated[name] == pupil[name]
    read = await client.get(f"{PUPILS}/{pupil['id']}", headers=shared_world.headers("teacher"))
    assert read.headers["etag"] == '"2"'
    assert read.json() == updated


async def test_sending_enrolments_or_characteristics_replaces_the_whole_set(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world, characteristics=[EHC_PLAN, _need("PMLD", 1)])
    enrolments = [
        {"joined_on": "2022-09-01", "left_on": "2023-02-10", "registration": "C"},
        {"joined_on": "2023-04-17", "left_on": None, "registration": "S"},
    ]
    response = await client.patch(
        f"{PUPILS}/{pupil['id']}",
        json={
            "enrolments": enrolments,
            "characteristics": [{"kind": "eal", "start_on": "2022-09-01"}],
        },
        headers=if_match(shared_world, "school_admin", 1),
    )
    assert response.status_code == 200, response.text
    assert response.json()["enrolments"] == enrolments
    assert [c["kind"] for c in response.json()["characteristics"]] == ["eal"]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"forename": None}, "forename", "value_error"),
        ({"enrolments": None}, "enrolments", "value_error"),
        ({"enrolments": []}, "enrolments", "required"),
        ({"upn": None}, "upn", "required"),
        ({"upn": "A00000000000I"}, "upn", "upn.format"),
        ({"characteristics": [EHC_PLAN, _need("NSA", 1)]}, "characteristics[1].value", "sen.nsa"),
        (
            {"enrolments": [{"joined_on": "2023-09-01", "left_on": "2023-01-01"}]},
            "enrolments[0].left_on",
            "date.order",
        ),
    ],
)
async def test_an_update_that_breaks_a_rule_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.patch(
        f"{PUPILS}/{pupil['id']}", json=changes, headers=if_match(shared_world, "school_admin", 1)
    )
    assert_problem(response, 422, field, code)
    read = await client.get(f"{PUPILS}/{pupil['id']}", headers=shared_world.headers("teacher"))
    assert read.headers["etag"] == '"1"'


async def test_clearing_the_upn_of_a_pupil_with_an_mis_id_is_allowed(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world, mis_id="M-CLR")
    response = await client.patch(
        f"{PUPILS}/{pupil['id']}",
        json={"upn": None},
        headers=if_match(shared_world, "school_admin", 1),
    )
    assert response.status_code == 200, response.text
    assert response.json()["upn"] is None


async def test_updating_to_another_pupils_upn_is_a_conflict_naming_upn(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    first, second = await enrol(client, shared_world), await enrol(client, shared_world)
    response = await client.patch(
        f"{PUPILS}/{second['id']}",
        json={"upn": first["upn"]},
        headers=if_match(shared_world, "school_admin", 1),
    )
    assert_problem(response, 409, "upn", "conflict")


@pytest.mark.parametrize("who", ["teacher", "trust_analyst", "integration"])
async def test_callers_without_write_roster_cannot_update_a_pupil(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.patch(
        f"{PUPILS}/{pupil['id']}", json={"forename": "No"}, headers=if_match(shared_world, who, 1)
    )
    assert_problem(response, 403)


# --- archive (soft delete) and restore -------------------------------------------------------


async def test_an_archived_pupil_leaves_lists_and_reads_unless_asked_for(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    school = await new_school(shared_world)
    admin = shared_world.headers("trust_admin")
    kept = await enrol(client, shared_world, school.id, who="trust_admin")
    archived = await enrol(client, shared_world, school.id, who="trust_admin")
    path = f"{PUPILS}/{archived['id']}"

    deleted = await client.delete(path, headers=if_match(shared_world, "trust_admin", 1))
    assert deleted.status_code == 204
    assert deleted.content == b""

    assert_problem(await client.get(path, headers=admin), 404)
    listed = await list_all(client, PUPILS, admin, {"school_id": str(school.id)})
    assert [p["id"] for p in listed] == [kept["id"]]

    read = await client.get(path, params={"include_archived": "true"}, headers=admin)
    assert read.status_code == 200, read.text
    assert read.json()["deleted_at"] is not None
    assert read.headers["etag"] == '"2"'
    with_archived = await list_all(
        client, PUPILS, admin, {"school_id": str(school.id), "include_archived": "true"}
    )
    assert {p["id"] for p in with_archived} == {kept["id"], archived["id"]}


async def test_restoring_an_archived_pupil_brings_it_back(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    path = f"{PUPILS}/{pupil['id']}"
    await client.delete(path, headers=if_match(shared_world, "school_admin", 1))

    restored = await client.post(f"{path}/restore", headers=shared_world.headers("school_admin"))
    assert restored.status_code == 200, restored.text
    assert restored.json()["deleted_at"] is None
    assert restored.headers["etag"] == '"3"'
    read = await client.get(path, headers=shared_world.headers("teacher"))
    assert read.status_code == 200
    listed = await list_all(
        client, PUPILS, shared_world.headers("teacher"), {"school_id": str(shared_world.school.id)}
    )
    assert pupil["id"] in {p["id"] for p in listed}


async def test_restoring_a_pupil_that_is_not_archived_changes_nothing(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.post(
        f"{PUPILS}/{pupil['id']}/restore", headers=shared_world.headers("school_admin")
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"1"'


async def test_archiving_an_archived_pupil_is_404(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    path = f"{PUPILS}/{pupil['id']}"
    await client.delete(path, headers=if_match(shared_world, "school_admin", 1))
    assert_problem(
        await client.delete(path, headers=if_match(shared_world, "school_admin", 2)), 404
    )
    assert_problem(
        await client.patch(
            path, json={"forename": "X"}, headers=if_match(shared_world, "school_admin", 2)
        ),
        404,
    )


async def test_an_archived_pupils_upn_may_be_reused_and_then_blocks_its_restore(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    archived = await enrol(client, shared_world)
    path = f"{PUPILS}/{archived['id']}"
    await client.delete(path, headers=if_match(shared_world, "school_admin", 1))
    await enrol(client, shared_world, upn=archived["upn"])

    response = await client.post(f"{path}/restore", headers=shared_world.headers("school_admin"))
    assert_problem(response, 409, "upn", "conflict")


@pytest.mark.parametrize("who", ["teacher", "trust_analyst"])
async def test_callers_without_write_roster_cannot_archive_or_restore(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    pupil = await enrol(client, shared_world)
    path = f"{PUPILS}/{pupil['id']}"
    assert_problem(await client.delete(path, headers=if_match(shared_world, who, 1)), 403)
    await client.delete(path, headers=if_match(shared_world, "school_admin", 1))
    assert_problem(await client.post(f"{path}/restore", headers=shared_world.headers(who)), 403)


# --- what analysts and integrations see and do ---------------------------------------------------

IDENTIFYING = ("forename", "surname", "date_of_birth", "upn", "mis_id")


async def test_analysts_see_pupils_pseudonymised_with_a_stable_pseudonym(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    analyst = shared_world.headers("trust_analyst")
    pupil = await enrol(client, shared_world, mis_id="M-ANA")
    path = f"{PUPILS}/{pupil['id']}"

    first, second = await client.get(path, headers=analyst), await client.get(path, headers=analyst)
    assert first.status_code == 200, first.text
    seen = first.json()
    assert all(seen[name] is None for name in IDENTIFYING), seen
    assert seen["pseudonym"].startswith("P-")
    assert second.json()["pseudonym"] == seen["pseudonym"]
    assert (seen["year_group"], seen["pathway"], seen["gender"]) == ("7", "semi-formal", "M")

    listed = await list_all(client, PUPILS, analyst, {"school_id": str(shared_world.school.id)})
    by_id = {p["id"]: p for p in listed}
    assert by_id[pupil["id"]]["pseudonym"] == seen["pseudonym"]
    assert all(p[name] is None for p in listed for name in IDENTIFYING)
    assert len({p["pseudonym"] for p in listed}) == len(listed)


@pytest.mark.parametrize("identifier", ["upn", "mis_id"])
async def test_analysts_cannot_look_a_pseudonym_up_by_upn_or_mis_id(
    client: httpx.AsyncClient, shared_world: World, identifier: str
) -> None:
    """Otherwise "which pseudonym has UPN X?" would undo the pseudonymisation."""
    pupil = await enrol(client, shared_world, mis_id=f"M-{uuid.uuid4().hex[:8]}")
    response = await client.get(
        PUPILS,
        params={identifier: pupil[identifier]},
        headers=shared_world.headers("trust_analyst"),
    )
    assert_problem(response, 403)
    staff = await list_all(
        client, PUPILS, shared_world.headers("trust_admin"), {identifier: pupil[identifier]}
    )
    assert [p["id"] for p in staff] == [pupil["id"]]


async def test_staff_see_identities_and_no_pseudonym(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    listed = await list_all(client, PUPILS, shared_world.headers("trust_admin"), {})
    assert listed
    assert all(p["pseudonym"] is None and p["forename"] for p in listed)


async def test_analysts_see_pupils_across_the_trust(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    listed = await list_all(client, PUPILS, shared_world.headers("trust_analyst"), {})
    assert {str(shared_world.school.id), str(shared_world.other_school.id)} <= {
        p["school_id"] for p in listed
    }


async def test_an_integration_client_reads_the_roster_of_its_school(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    listed = await list_all(client, PUPILS, shared_world.headers("integration"), {})
    assert {p["school_id"] for p in listed} == {str(shared_world.school.id)}
    assert all(p["forename"] for p in listed)
