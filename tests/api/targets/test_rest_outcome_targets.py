"""/outcome-targets: EHCP and IEP SMART targets, updated, and evaluated once per term."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.paging import list_all, walk_pages
from tests.api.problems import assert_problem
from tests.api.seeding import enrol, if_match
from tests.factories import World

OUTCOMES = "/api/v1/outcome-targets"


def _body(pupil_id: str, /, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "pupil_id": pupil_id,
        "source": "ehcp",
        "area": "Communication and interaction",
        "text": "Uses a symbol to request a drink at snack time",
        "set_on": "2023-09-11",
        "due_on": "2024-07-19",
    }
    return {**body, **changes}


async def _set(
    client: httpx.AsyncClient, world: World, pupil_id: str, who: str = "teacher", **changes: Any
) -> dict[str, Any]:
    response = await client.post(
        OUTCOMES, json=_body(pupil_id, **changes), headers=world.headers(who)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _utc_days_around_now() -> set[str]:
    """Today in UTC, as the service counts days (either side of midnight during the test)."""
    now = datetime.now(UTC)
    return {(now + timedelta(minutes=m)).date().isoformat() for m in (-1, 0, 1)}


def _evaluation(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "academic_year": "2023/24",
        "term": "autumn",
        "rating": "partly_met",
        "note": "with a visual prompt",
        "evaluated_on": "2023-12-08",
    }
    return {**body, **changes}


async def _evaluate(
    client: httpx.AsyncClient, world: World, outcome_id: str, who: str = "teacher", **changes: Any
) -> httpx.Response:
    return await client.post(
        f"{OUTCOMES}/{outcome_id}/evaluations",
        json=_evaluation(**changes),
        headers=world.headers(who),
    )


# --- set --------------------------------------------------------------------------------------


async def test_a_teacher_sets_an_outcome_target_with_location_and_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    body = _body(pupil["id"])
    response = await client.post(OUTCOMES, json=body, headers=shared_world.headers("teacher"))
    assert response.status_code == 201, response.text
    outcome = response.json()
    assert response.headers["location"] == f"{OUTCOMES}/{outcome['id']}"
    assert response.headers["etag"] == '"1"'
    assert {k: outcome[k] for k in body} == body
    assert (outcome["status"], outcome["evaluations"], outcome["version"]) == ("active", [], 1)
    assert outcome["school_id"] == str(shared_world.school.id)
    read = await client.get(response.headers["location"], headers=shared_world.headers("teacher"))
    assert read.headers["etag"] == '"1"'
    assert read.json() == outcome


async def test_an_outcome_target_defaults_to_an_ehcp_outcome_set_today(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.post(
        OUTCOMES,
        json={"pupil_id": pupil["id"], "area": "Independence", "text": "Puts on own coat"},
        headers=shared_world.headers("teacher"),
    )
    assert response.status_code == 201, response.text
    outcome = response.json()
    assert (outcome["source"], outcome["due_on"]) == ("ehcp", None)
    assert outcome["set_on"] in _utc_days_around_now()


async def test_an_integration_client_may_set_outcome_targets_but_an_analyst_may_not(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    outcome = await _set(client, shared_world, pupil["id"], who="integration", source="iep")
    assert outcome["source"] == "iep"
    response = await client.post(
        OUTCOMES, json=_body(pupil["id"]), headers=shared_world.headers("trust_analyst")
    )
    assert_problem(response, 403)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"due_on": "2023-09-10"}, "due_on", "date.order"),
        ({"set_on": "2099-01-01", "due_on": None}, "set_on", "date.future"),
        ({"text": "   "}, "text", "string_too_short"),
        ({"area": ""}, "area", "string_too_short"),
        ({"text": "x" * 4001}, "text", "string_too_long"),
        ({"source": "wish_list"}, "source", "enum"),
        ({"pupil_id": str(uuid.uuid4())}, "pupil_id", "reference"),
        ({"status": "achieved"}, "status", "extra_forbidden"),
    ],
)
async def test_a_bad_outcome_target_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.post(
        OUTCOMES, json=_body(pupil["id"], **changes), headers=shared_world.headers("teacher")
    )
    assert_problem(response, 422, field, code)


async def test_a_teacher_cannot_set_an_outcome_for_a_pupil_of_another_school(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(
        OUTCOMES,
        json=_body(str(shared_world.other_pupil.id)),
        headers=shared_world.headers("teacher"),
    )
    assert_problem(response, 422, "pupil_id", "reference")


# --- read and list ------------------------------------------------------------------------


async def test_another_schools_teacher_cannot_read_an_outcome_target(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    outcome = await _set(client, shared_world, pupil["id"])
    path = f"{OUTCOMES}/{outcome['id']}"
    assert_problem(await client.get(path, headers=shared_world.headers("other_teacher")), 404)
    analyst = await client.get(path, headers=shared_world.headers("trust_analyst"))
    assert analyst.status_code == 200


async def test_each_list_filter_narrows_the_outcome_targets(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil, other = await enrol(client, shared_world), await enrol(client, shared_world)
    active = await _set(client, shared_world, pupil["id"])
    achieved = await _set(client, shared_world, pupil["id"], area="Independence")
    other_one = await _set(client, shared_world, other["id"])
    await client.patch(
        f"{OUTCOMES}/{achieved['id']}",
        json={"status": "achieved"},
        headers=if_match(shared_world, "teacher", 1),
    )
    teacher = shared_world.headers("teacher")

    async def ids(**params: str) -> set[str]:
        return {o["id"] for o in await list_all(client, OUTCOMES, teacher, params)}

    assert await ids(pupil_id=pupil["id"]) == {active["id"], achieved["id"]}
    assert await ids(pupil_id=pupil["id"], status="achieved") == {achieved["id"]}
    assert await ids(pupil_id=pupil["id"], status="ceased") == set()
    assert other_one["id"] in await ids(school_id=str(shared_world.school.id), status="active")
    assert await ids(pupil_id=other["id"]) == {other_one["id"]}


@pytest.mark.parametrize(
    ("params", "status"),
    [({"status": "done"}, 422), ({"pupil_id": str(uuid.uuid4())}, 404)],
)
async def test_a_bad_outcome_filter_is_refused(
    client: httpx.AsyncClient, shared_world: World, params: dict[str, str], status: int
) -> None:
    response = await client.get(OUTCOMES, params=params, headers=shared_world.headers("teacher"))
    assert_problem(response, status)


async def test_outcome_targets_page_through_every_row_once(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    made = [
        (await _set(client, shared_world, pupil["id"], area=f"Area {n}"))["id"] for n in range(5)
    ]
    walk = await walk_pages(
        client, OUTCOMES, shared_world.headers("teacher"), {"pupil_id": pupil["id"], "limit": 2}
    )
    assert walk.ids == made
    assert walk.pages == 3


# --- update ---------------------------------------------------------------------------------


async def test_updating_an_outcome_target_changes_what_is_sent_and_moves_the_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    outcome = await _set(client, shared_world, pupil["id"])
    response = await client.patch(
        f"{OUTCOMES}/{outcome['id']}",
        json={
            "text": "Requests a drink with a symbol, unprompted",
            "due_on": None,
            "status": "ceased",
        },
        headers=if_match(shared_world, "teacher", 1),
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    updated = response.json()
    assert (updated["text"], updated["due_on"], updated["status"]) == (
        "Requests a drink with a symbol, unprompted",
        None,
        "ceased",
    )
    assert (updated["area"], updated["set_on"]) == (outcome["area"], outcome["set_on"])


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"due_on": "2023-01-01"}, "due_on", "date.order"),
        ({"status": None}, "status", "value_error"),
        ({"text": None}, "text", "value_error"),
        ({"status": "met"}, "status", "enum"),
        ({"set_on": "2023-01-01"}, "set_on", "extra_forbidden"),
    ],
)
async def test_a_bad_outcome_update_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    pupil = await enrol(client, shared_world)
    outcome = await _set(client, shared_world, pupil["id"])
    response = await client.patch(
        f"{OUTCOMES}/{outcome['id']}", json=changes, headers=if_match(shared_world, "teacher", 1)
    )
    assert_problem(response, 422, field, code)


async def test_updating_an_outcome_target_needs_write_access_and_the_current_etag(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    outcome = await _set(client, shared_world, pupil["id"])
    path = f"{OUTCOMES}/{outcome['id']}"
    body = {"area": "Social"}
    assert_problem(
        await client.patch(path, json=body, headers=shared_world.headers("teacher")), 428
    )
    assert_problem(
        await client.patch(path, json=body, headers=if_match(shared_world, "teacher", 2)), 412
    )
    assert_problem(
        await client.patch(path, json=body, headers=if_match(shared_world, "trust_analyst", 1)), 403
    )
    assert_problem(
        await client.patch(path, json=body, headers=if_match(shared_world, "other_teacher", 1)), 404
    )


# --- termly evaluations -----------------------------------------------------------------------


async def test_an_evaluation_is_added_to_the_outcome_target(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    outcome = await _set(client, shared_world, pupil["id"])
    response = await _evaluate(client, shared_world, outcome["id"])
    assert response.status_code == 201, response.text
    assert response.headers["etag"] == '"2"'
    evaluated = response.json()
    assert evaluated["version"] == 2
    (evaluation,) = evaluated["evaluations"]
    assert {k: evaluation[k] for k in _evaluation()} == _evaluation()
    assert evaluation["evaluated_by"] == "Teacher"
    read = await client.get(f"{OUTCOMES}/{outcome['id']}", headers=shared_world.headers("teacher"))
    assert read.json() == evaluated


async def test_an_outcome_is_evaluated_once_per_term(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    outcome = await _set(client, shared_world, pupil["id"])
    assert (await _evaluate(client, shared_world, outcome["id"])).status_code == 201
    second = await _evaluate(client, shared_world, outcome["id"], rating="met")
    assert_problem(second, 409, "term", "conflict")
    read = await client.get(f"{OUTCOMES}/{outcome['id']}", headers=shared_world.headers("teacher"))
    assert [e["rating"] for e in read.json()["evaluations"]] == ["partly_met"]


async def test_each_term_of_each_year_gets_its_own_evaluation(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    outcome = await _set(client, shared_world, pupil["id"], due_on=None)
    terms = [
        ("2023/24", "autumn", "2023-12-08", "not_met"),
        ("2023/24", "spring", "2024-03-22", "partly_met"),
        ("2023/24", "summer", "2024-07-12", "met"),
        ("2024/25", "autumn", "2024-12-06", "exceeded"),
    ]
    for year, term, on, rating in terms:
        response = await _evaluate(
            client,
            shared_world,
            outcome["id"],
            academic_year=year,
            term=term,
            evaluated_on=on,
            rating=rating,
        )
        assert response.status_code == 201, response.text
    evaluations = response.json()["evaluations"]
    assert [(e["academic_year"], e["term"], e["rating"]) for e in evaluations] == [
        (year, term, rating) for year, term, _, rating in terms
    ]
    assert response.json()["version"] == 5


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"evaluated_on": "2023-09-01"}, "evaluated_on", "date.order"),
        ({"evaluated_on": "2099-01-01"}, "evaluated_on", "date.future"),
        ({"academic_year": "2023/25"}, "academic_year", "academic_year"),
        ({"term": "winter"}, "term", "enum"),
        ({"rating": "good"}, "rating", "enum"),
        ({"note": "x" * 4001}, "note", "string_too_long"),
    ],
)
async def test_a_bad_evaluation_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    pupil = await enrol(client, shared_world)
    outcome = await _set(client, shared_world, pupil["id"])
    response = await _evaluate(client, shared_world, outcome["id"], **changes)
    assert_problem(response, 422, field, code)


async def test_only_staff_of_the_school_with_write_access_may_evaluate(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    outcome = await _set(client, shared_world, pupil["id"])
    assert_problem(await _evaluate(client, shared_world, outcome["id"], who="trust_analyst"), 403)
    assert_problem(await _evaluate(client, shared_world, outcome["id"], who="other_teacher"), 404)
    assert_problem(await _evaluate(client, shared_world, str(uuid.uuid4())), 404)
