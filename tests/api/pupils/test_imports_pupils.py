"""POST /imports/pupils: a roll export upserted by UPN or MIS id, with characteristics and
enrolments kept as dated history."""

import json
import uuid
from datetime import timedelta
from typing import Any

import httpx

from domain.kernel.clock import SYSTEM_CLOCK
from tests.api.import_support import csv_file, error_codes, listed, post_import
from tests.factories import World, make_upn

SIMS = (
    "UPN,Admission No,Legal Surname,Legal Forename,Date of Birth,Gender,NC Year,"
    "Date of Admission,Enrolment Status,Pupil Premium,FSM,EAL,Looked After,SEN Provision,"
    "Primary Need,Secondary Need"
)


def _new(upn: str, adno: str = "", surname: str = "Okoro", year: str = "8") -> str:
    return f"{upn},{adno},{surname},Tobi,14/03/2012,M,{year},01/09/2023,C,Y,N,Y,N,E,ASD,SLCN"


async def _pupils(client: httpx.AsyncClient, world: World) -> dict[str, dict[str, Any]]:
    return {p["upn"] or p["mis_id"]: p for p in await listed(client, world, "pupils")}


async def test_a_sims_roll_export_adds_pupils_and_sending_it_again_changes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    upns = [make_upn(), make_upn()]
    body = csv_file(SIMS, _new(upns[0], "A100"), _new(upns[1], "A101", "Adeyemi", "Year 9"))

    first = await post_import(client, world, "pupils", body)
    again = await post_import(client, world, "pupils", body)

    assert first.status_code == 200, first.text
    assert first.json()["counts"] == {"inserted": 2, "updated": 0, "unchanged": 0}
    assert again.json()["counts"] == {"inserted": 0, "updated": 0, "unchanged": 2}
    pupils = await _pupils(client, world)
    tobi = pupils[upns[0]]
    assert (tobi["surname"], tobi["year_group"], tobi["mis_id"]) == ("Okoro", "8", "A100")
    assert pupils[upns[1]]["year_group"] == "9"
    assert tobi["enrolments"] == [{"joined_on": "2023-09-01", "left_on": None, "registration": "C"}]
    kinds = {(c["kind"], c["value"], c["rank"], c["start_on"]) for c in tobi["characteristics"]}
    assert kinds == {
        ("pupil_premium", None, None, "2023-09-01"),
        ("eal", None, None, "2023-09-01"),
        ("sen_provision", "E", None, "2023-09-01"),
        ("sen_need", "ASD", 1, "2023-09-01"),
        ("sen_need", "SLCN", 2, "2023-09-01"),
    }
    assert tobi["version"] == 1


async def test_a_changed_flag_ends_the_old_period_and_starts_a_new_one_today(
    client: httpx.AsyncClient, world: World
) -> None:
    amira = world.pupils[0]
    header = "UPN,Pupil Premium,FSM,Primary Need"

    response = await post_import(client, world, "pupils", csv_file(header, f"{amira.upn},N,Y,"))

    assert response.status_code == 200, response.text
    assert response.json()["counts"] == {"inserted": 0, "updated": 1, "unchanged": 0}
    today = SYSTEM_CLOCK.today()
    stored = (await _pupils(client, world))[amira.upn or ""]
    by_kind = {c["kind"]: c for c in stored["characteristics"]}
    assert by_kind["pupil_premium"]["start_on"] == "2022-09-01"
    assert by_kind["pupil_premium"]["end_on"] == (today - timedelta(days=1)).isoformat()
    assert by_kind["fsm"] == {
        "kind": "fsm", "start_on": today.isoformat(), "end_on": None, "value": None, "rank": None
    }  # fmt: skip
    assert by_kind["sen_need"]["value"] == "ASD"  # a blank cell leaves it as it is
    assert stored["surname"] == amira.surname
    assert stored["version"] == 2


async def test_a_pupil_is_found_by_mis_id_and_given_the_upn_of_the_row(
    client: httpx.AsyncClient, world: World
) -> None:
    upn, new_upn = make_upn(), make_upn()
    await post_import(client, world, "pupils", csv_file(SIMS, _new(upn, "A200")))
    body = csv_file("Admission No,UPN,Date of Leaving", f"A200,{new_upn},20/12/2024")

    response = await post_import(client, world, "pupils", body)

    assert response.json()["counts"]["updated"] == 1, response.text
    stored = (await _pupils(client, world))[new_upn]
    assert stored["mis_id"] == "A200"
    assert stored["enrolments"][0]["left_on"] == "2024-12-20"


async def test_a_rejoining_pupil_gets_a_second_enrolment_and_the_first_is_closed(
    client: httpx.AsyncClient, world: World
) -> None:
    upn = make_upn()
    await post_import(client, world, "pupils", csv_file(SIMS, _new(upn)))
    body = csv_file("UPN,Admission Date,Registration", f"{upn},2024-04-15,Main - Dual Registration")

    response = await post_import(client, world, "pupils", body)

    assert response.status_code == 200, response.text
    assert (await _pupils(client, world))[upn]["enrolments"] == [
        {"joined_on": "2023-09-01", "left_on": "2024-04-14", "registration": "C"},
        {"joined_on": "2024-04-15", "left_on": None, "registration": "M"},
    ]


async def test_bad_rows_are_each_reported_and_nothing_is_written(
    client: httpx.AsyncClient, world: World
) -> None:
    good = make_upn()
    wrong_letter = ("B" if good[0] != "B" else "C") + good[1:]
    body = csv_file(
        SIMS,
        _new(good),
        _new(wrong_letter),
        _new(make_upn(), year="15"),
        f"{make_upn()},,Okoro,Tobi,14/03/2012,X,8,01/09/2023,Q,maybe,N,N,N,E,ASD,",
        f"{make_upn()},,Okoro,,,M,8,,C,Y,N,N,N,N,ASD,",
        _new(make_upn()).replace("E,ASD,SLCN", "K,ASD,ASD"),
    )

    response = await post_import(client, world, "pupils", body)

    assert response.status_code == 422
    assert error_codes(response) == [
        (3, "upn", "upn.check_letter"),
        (4, "year_group", "year_group"),
        (5, "gender", "one_of"),
        (5, "pupil_premium", "one_of"),
        (5, "registration", "one_of"),
        (6, "date_of_birth", "required"),
        (6, "forename", "required"),
        (6, "joined_on", "required"),
        (7, "secondary_need", "duplicate"),
    ]
    assert good not in await _pupils(client, world)


async def test_without_atomic_the_good_pupils_are_written_and_the_bad_listed(
    client: httpx.AsyncClient, world: World
) -> None:
    good = make_upn()
    body = csv_file(SIMS, _new(good), _new(make_upn(), year="15"))

    response = await post_import(client, world, "pupils", body, atomic="false")

    assert response.status_code == 200
    assert response.json()["counts"]["inserted"] == 1
    assert error_codes(response) == [(3, "year_group", "year_group")]
    assert good in await _pupils(client, world)


async def test_validate_counts_what_a_commit_would_do_and_writes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    amira, ben = world.pupils
    body = csv_file(
        "UPN,Surname,FSM", f"{amira.upn},{amira.surname},", f"{ben.upn},Okafor-Smith,",
        f"{make_upn()},New,Y",
    )  # fmt: skip

    response = await post_import(client, world, "pupils", body, mode="validate", atomic="false")

    assert response.status_code == 200, response.text
    assert response.json()["counts"] == {"inserted": 0, "updated": 1, "unchanged": 1}
    assert error_codes(response) == [
        (4, "date_of_birth", "required"), (4, "forename", "required"), (4, "gender", "required"),
        (4, "joined_on", "required"), (4, "year_group", "required"),
    ]  # fmt: skip
    assert response.json()["committed"] is False
    stored = await _pupils(client, world)
    assert stored[ben.upn or ""]["surname"] == "Okafor"
    assert len(stored) == 2


async def test_one_pupil_twice_in_a_file_is_refused_naming_the_first_line(
    client: httpx.AsyncClient, world: World
) -> None:
    upn = make_upn()
    body = csv_file(SIMS, _new(upn, "A300"), _new(make_upn(), "A301"), _new(upn, "A302"))

    response = await post_import(client, world, "pupils", body)

    assert error_codes(response) == [(4, "upn", "duplicate")]
    assert "line 2" in response.json()["errors"][0]["reason"]


async def test_a_mis_id_of_another_pupil_is_a_conflict(
    client: httpx.AsyncClient, world: World
) -> None:
    await post_import(client, world, "pupils", csv_file(SIMS, _new(make_upn(), "A400")))
    body = csv_file("UPN,Admission No", f"{world.pupils[0].upn},A400")

    response = await post_import(client, world, "pupils", body)

    assert error_codes(response) == [(2, "mis_id", "conflict")]


async def test_a_retry_with_the_same_idempotency_key_replays_the_first_answer(
    client: httpx.AsyncClient, world: World
) -> None:
    body = csv_file(SIMS, _new(make_upn()))
    key = {"Idempotency-Key": f"roll-{uuid.uuid4()}"}

    first = await post_import(client, world, "pupils", body, headers=key)
    retry = await post_import(client, world, "pupils", body, headers=key)
    reused = await post_import(
        client, world, "pupils", csv_file(SIMS, _new(make_upn())), headers=key
    )

    assert first.json()["counts"]["inserted"] == 1
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["counts"] == first.json()["counts"]
    assert reused.status_code == 409
    assert len(await _pupils(client, world)) == 3


async def test_ndjson_records_with_arbor_headings_are_imported(
    client: httpx.AsyncClient, world: World
) -> None:
    upn = make_upn()
    record = {"UPN": upn, "First Name": "Zara", "Last Name": "Ali", "Date of Birth": "2013-01-02",
              "Sex": "Female", "Year Group": "Y7", "Start Date": "2024-09-02", "EHCP": "Yes",
              "Primary SEN Type": "sld", "Pupil Premium": True}  # fmt: skip

    response = await post_import(
        client, world, "pupils", json.dumps(record) + "\n", content_type="application/x-ndjson"
    )

    assert response.status_code == 200, response.text
    stored = (await _pupils(client, world))[upn]
    assert (stored["forename"], stored["gender"], stored["year_group"]) == ("Zara", "F", "7")
    assert {(c["kind"], c["value"]) for c in stored["characteristics"]} == {
        ("sen_provision", "E"), ("sen_need", "SLD"), ("pupil_premium", None),
    }  # fmt: skip


async def test_damaged_files_are_reported_and_nothing_is_written(
    client: httpx.AsyncClient, world: World
) -> None:
    cases = {
        "columns": csv_file(SIMS, _new(make_upn()), f"{make_upn()},A1,Okoro"),
        "missing_column": csv_file("Surname,Forename", "Okoro,Tobi"),
        "empty": "",
    }
    for code, body in cases.items():
        response = await post_import(client, world, "pupils", body, atomic="false")

        assert response.status_code == 422, (code, response.text)
        assert response.json()["errors"][0]["code"] == code
    assert len(await _pupils(client, world)) == 2


async def test_other_schools_and_callers_without_roster_rights_are_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    other = world.other_pupil
    body = csv_file("UPN,Surname", f"{world.pupils[0].upn},Intruder")

    teacher = await post_import(client, world, "pupils", body, who="teacher")
    other_school = await post_import(client, world, "pupils", body, who="other_teacher")
    their_pupil = await post_import(
        client, world, "pupils", csv_file("UPN,Surname", f"{other.upn},X")
    )

    assert teacher.status_code == 403
    assert other_school.status_code in (403, 404)
    # another school's pupil is not found here: it would be a new pupil, which needs more
    assert {e["code"] for e in their_pupil.json()["errors"]} == {"required"}
    assert (await _pupils(client, world))[world.pupils[0].upn or ""]["surname"] == "Khan"


async def test_an_unknown_resource_is_not_found(client: httpx.AsyncClient, world: World) -> None:
    response = await post_import(client, world, "lunches", csv_file("UPN", "x"))

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
