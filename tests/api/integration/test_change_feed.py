"""GET /changes: inserts, updates and deletes in commit order, paged by an opaque cursor.

Each test starts from /changes/latest, taken after its world was built, and reads the feed
of the world's school, so it sees only what it did itself.
"""

import asyncio
import base64
import uuid
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from domain.identity import identity_service as identity
from domain.kernel.access import Permission, Principal
from persistence.urls import libpq_url
from tests.api.problems import assert_problem
from tests.api.seeding import enrol, if_match, record
from tests.factories import World

CHANGES = "/api/v1/changes"


async def _latest(client: httpx.AsyncClient, world: World, who: str = "teacher") -> str:
    response = await client.get(f"{CHANGES}/latest", headers=world.headers(who))
    assert response.status_code == 200, response.text
    cursor: str = response.json()["cursor"]
    return cursor


async def _follow(
    client: httpx.AsyncClient,
    since: str | None,
    headers: dict[str, str],
    **params: Any,
) -> tuple[list[dict[str, Any]], str]:
    """Every change after `since`, page by page, and the cursor to continue from."""
    changes: list[dict[str, Any]] = []
    cursor = since
    for _ in range(10_000):
        query = {**params, **({"since": cursor} if cursor is not None else {})}
        response = await client.get(CHANGES, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        changes += body["changes"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            assert cursor is not None
            return changes, cursor
    raise AssertionError("the feed never caught up")


async def _step(
    client: httpx.AsyncClient, world: World, since: str, who: str = "teacher"
) -> tuple[list[tuple[str, str, str]], list[dict[str, Any]], str]:
    changes, cursor = await _follow(client, since, world.headers(who))
    return [(c["resource"], c["action"], c["id"]) for c in changes], changes, cursor


async def _get(client: httpx.AsyncClient, world: World, path: str, who: str = "teacher") -> Any:
    response = await client.get(f"/api/v1/{path}", headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def _marks(pupil_id: str, days: int, code: str = "/") -> list[dict[str, Any]]:
    """AM and PM marks on `days` consecutive weekdays from 4 September 2023."""
    marks: list[dict[str, Any]] = []
    day = date(2023, 9, 4)
    while len(marks) < 2 * days:
        if day.weekday() < 5:
            marks += [
                {"pupil_id": pupil_id, "date": day.isoformat(), "session": s, "code": code}
                for s in ("AM", "PM")
            ]
        day += timedelta(days=1)
    return marks


async def _send_marks(client: httpx.AsyncClient, world: World, marks: list[dict[str, Any]]) -> None:
    response = await client.post(
        "/api/v1/attendance/sessions",
        json={"marks": marks},
        headers=world.headers("school_admin"),
    )
    assert response.status_code == 200, response.text


async def _mark_of(client: httpx.AsyncClient, world: World, pupil_id: str) -> dict[str, Any]:
    listed = await _get(client, world, f"attendance/sessions?pupil_id={pupil_id}")
    (mark,) = listed["items"]
    found: dict[str, Any] = mark
    return found


# --- what the feed carries ---------------------------------------------------------------------


async def test_pupils_come_as_upserts_with_their_get_and_archived_as_deletes(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    w = shared_world
    start = await _latest(client, w)
    pupil = await enrol(client, w)
    path = f"pupils/{pupil['id']}"

    seen, changes, cursor = await _step(client, w, start)
    assert seen == [("pupils", "upsert", pupil["id"])]
    assert changes[0]["school_id"] == str(w.school.id)
    assert changes[0]["data"] == await _get(client, w, path)

    patched = await client.patch(
        f"/api/v1/{path}", json={"year_group": "8"}, headers=if_match(w, "school_admin", 1)
    )
    assert patched.status_code == 200, patched.text
    seen, changes, cursor = await _step(client, w, cursor)
    assert seen == [("pupils", "upsert", pupil["id"])]
    assert changes[0]["data"] == await _get(client, w, path)
    assert (changes[0]["data"]["year_group"], changes[0]["data"]["version"]) == ("8", 2)

    archived = await client.delete(f"/api/v1/{path}", headers=if_match(w, "school_admin", 2))
    assert archived.status_code == 204
    seen, changes, cursor = await _step(client, w, cursor)
    assert seen == [("pupils", "delete", pupil["id"])]
    assert changes[0]["data"] is None

    restored = await client.post(f"/api/v1/{path}/restore", headers=w.headers("school_admin"))
    assert restored.status_code == 200, restored.text
    seen, changes, _ = await _step(client, w, cursor)
    assert seen == [("pupils", "upsert", pupil["id"])]
    assert changes[0]["data"] == await _get(client, w, path)


async def test_a_change_to_a_pupils_characteristics_is_an_upsert_of_the_pupil(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    w = shared_world
    pupil = await enrol(client, w)
    start = await _latest(client, w)
    patched = await client.patch(
        f"/api/v1/pupils/{pupil['id']}",
        json={"characteristics": [{"kind": "eal", "start_on": "2023-09-01"}]},
        headers=if_match(w, "school_admin", 1),
    )
    assert patched.status_code == 200, patched.text

    seen, changes, _ = await _step(client, w, start)

    assert seen == [("pupils", "upsert", pupil["id"])]
    assert [c["kind"] for c in changes[0]["data"]["characteristics"]] == ["eal"]


async def test_judgements_are_inserted_updated_and_deleted_with_a_tombstone(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    w = shared_world
    pupil = await enrol(client, w)
    start = await _latest(client, w)
    judgement = await record(client, w, pupil["id"], step="S2")
    path = f"judgements/{judgement['id']}"

    seen, changes, cursor = await _step(client, w, start)
    assert seen == [("judgements", "upsert", judgement["id"])]
    assert changes[0]["data"] == await _get(client, w, path)

    corrected = await client.patch(
        f"/api/v1/{path}",
        json={"reason": "typo", "step_id": w.step("S3")},
        headers=if_match(w, "teacher", 1),
    )
    assert corrected.status_code == 200, corrected.text
    seen, changes, cursor = await _step(client, w, cursor)
    assert seen == [("judgements", "upsert", judgement["id"])]
    assert changes[0]["data"] == await _get(client, w, path)
    assert changes[0]["data"]["step_id"] == w.step("S3")

    deleted = await client.delete(
        f"/api/v1/{path}", params={"reason": "wrong pupil"}, headers=if_match(w, "teacher", 2)
    )
    assert deleted.status_code == 204
    seen, changes, _ = await _step(client, w, cursor)
    assert seen == [("judgements", "delete", judgement["id"])]
    assert changes[0]["data"] is None
    assert changes[0]["school_id"] == str(w.school.id)


async def test_targets_set_changed_and_revised_come_in_commit_order(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    w = shared_world
    pupil = await enrol(client, w)
    start = await _latest(client, w)
    body = {
        "pupil_id": pupil["id"],
        "strand_id": w.reading,
        "academic_year": "2023/24",
        "step_id": w.step("S5"),
    }
    created = await client.post("/api/v1/targets", json=body, headers=w.headers("teacher"))
    assert created.status_code == 201, created.text
    target = created.json()
    path = f"targets/{target['id']}"

    seen, changes, cursor = await _step(client, w, start)
    assert seen == [("targets", "upsert", target["id"])]
    assert changes[0]["data"] == await _get(client, w, path)

    revised = await client.post(
        f"/api/v1/{path}/revision",
        json={"step_id": w.step("S6"), "reason": "too easy"},
        headers=w.headers("teacher"),
    )
    assert revised.status_code == 201, revised.text
    seen, changes, _ = await _step(client, w, cursor)
    # one commit: the old target (now revised) and its successor, in id order
    assert seen == sorted(
        [("targets", "upsert", target["id"]), ("targets", "upsert", revised.json()["id"])],
        key=lambda change: uuid.UUID(change[2]),
    )
    for change in changes:
        assert change["data"] == await _get(client, w, f"targets/{change['id']}")
    assert {c["data"]["status"] for c in changes} == {"revised", "active"}


async def test_attendance_marks_come_as_inserted_then_as_updated(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    w = shared_world
    pupil = await enrol(client, w)
    start = await _latest(client, w)
    await _send_marks(client, w, _marks(pupil["id"], 1)[:1])
    mark = await _mark_of(client, w, pupil["id"])

    seen, changes, cursor = await _step(client, w, start)
    assert seen == [("attendance", "upsert", mark["id"])]
    assert changes[0]["data"] == mark

    await _send_marks(client, w, _marks(pupil["id"], 1, code="N")[:1])
    seen, changes, _ = await _step(client, w, cursor)
    assert seen == [("attendance", "upsert", mark["id"])]
    assert changes[0]["data"] == await _mark_of(client, w, pupil["id"])
    assert changes[0]["data"]["code"] == "N"


@pytest.mark.parametrize(
    ("resource", "path", "who", "body", "patch"),
    [
        (
            "qualifications",
            "qualifications",
            "teacher",
            {"awarding_body": "Pearson", "title": "Functional Skills English",
             "level": "entry_3", "kind": "functional_skills"},
            {"status": "completed", "result": "Pass", "awarded_on": "2024-06-20"},
        ),
        (
            "destinations",
            "destinations",
            "school_admin",
            {"left_on": "2024-07-19", "category": "fe_college", "provider": "Derwen College"},
            {"category": "apprenticeship"},
        ),
    ],
)  # fmt: skip
async def test_qualifications_and_destinations_are_inserted_updated_and_deleted(
    client: httpx.AsyncClient,
    shared_world: World,
    resource: str,
    path: str,
    who: str,
    body: dict[str, Any],
    patch: dict[str, Any],
) -> None:
    w = shared_world
    pupil = await enrol(client, w)
    start = await _latest(client, w)
    created = await client.post(
        f"/api/v1/{path}", json={"pupil_id": pupil["id"], **body}, headers=w.headers(who)
    )
    assert created.status_code == 201, created.text
    item = f"{path}/{created.json()['id']}"

    seen, changes, cursor = await _step(client, w, start)
    assert seen == [(resource, "upsert", created.json()["id"])]
    assert changes[0]["data"] == await _get(client, w, item)

    patched = await client.patch(f"/api/v1/{item}", json=patch, headers=if_match(w, who, 1))
    assert patched.status_code == 200, patched.text
    seen, changes, cursor = await _step(client, w, cursor)
    assert seen == [(resource, "upsert", created.json()["id"])]
    assert changes[0]["data"] == await _get(client, w, item)
    assert changes[0]["data"]["version"] == 2

    deleted = await client.delete(f"/api/v1/{item}", headers=if_match(w, who, 2))
    assert deleted.status_code == 204, deleted.text
    seen, changes, _ = await _step(client, w, cursor)
    assert seen == [(resource, "delete", created.json()["id"])]
    assert changes[0]["data"] is None


async def test_a_row_changed_in_several_commits_comes_once_at_its_last_with_its_latest_state(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    w = shared_world
    start = await _latest(client, w)
    pupil = await enrol(client, w)
    for version, year in ((1, "8"), (2, "9")):
        response = await client.patch(
            f"/api/v1/pupils/{pupil['id']}",
            json={"year_group": year},
            headers=if_match(w, "school_admin", version),
        )
        assert response.status_code == 200, response.text
    judgement = await record(client, w, pupil["id"])
    gone = await client.delete(
        f"/api/v1/judgements/{judgement['id']}",
        params={"reason": "entered by mistake"},
        headers=if_match(w, "teacher", 1),
    )
    assert gone.status_code == 204

    seen, changes, _ = await _step(client, w, start)

    assert seen == [("pupils", "upsert", pupil["id"]), ("judgements", "delete", judgement["id"])]
    assert (changes[0]["data"]["year_group"], changes[0]["data"]["version"]) == ("9", 3)


async def test_a_resource_filter_leaves_the_others_out(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    w = shared_world
    start = await _latest(client, w)
    pupil = await enrol(client, w)
    judgement = await record(client, w, pupil["id"])

    only, _ = await _follow(client, start, w.headers("teacher"), resource="judgements")
    both, _ = await _follow(client, start, w.headers("teacher"), resource=["judgements", "pupils"])

    assert [(c["resource"], c["id"]) for c in only] == [("judgements", judgement["id"])]
    assert [(c["resource"], c["id"]) for c in both] == [
        ("pupils", pupil["id"]),
        ("judgements", judgement["id"]),
    ]


# --- cursors and pages -------------------------------------------------------------------------


async def test_pages_inside_one_big_transaction_continue_without_gaps_or_repeats(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    w = shared_world
    pupils = [await enrol(client, w) for _ in range(2)]
    start = await _latest(client, w)
    # one request, one transaction: 2 pupils x 150 days x AM/PM
    await _send_marks(client, w, [m for p in pupils for m in _marks(p["id"], 150)])

    whole, end = await _follow(client, start, w.headers("teacher"), limit=1000)
    paged, paged_end = await _follow(client, start, w.headers("teacher"), limit=7)

    ids = [c["id"] for c in whole]
    assert len(ids) == 600
    assert len(set(ids)) == 600
    assert ids == sorted(ids, key=uuid.UUID)  # one commit: in id order
    assert [c["id"] for c in paged] == ids
    assert paged_end == end
    assert {c["resource"] for c in whole} == {"attendance"}


async def test_a_page_reports_more_and_its_cursor_resumes_at_the_next_change(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    w = shared_world
    start = await _latest(client, w)
    made = [await enrol(client, w) for _ in range(3)]

    first = await client.get(
        CHANGES, params={"since": start, "limit": 2}, headers=w.headers("teacher")
    )
    body = first.json()
    rest = await client.get(
        CHANGES, params={"since": body["next_cursor"], "limit": 2}, headers=w.headers("teacher")
    )

    assert first.status_code == 200
    assert [c["id"] for c in body["changes"]] == [p["id"] for p in made[:2]]
    assert body["has_more"] is True
    assert [c["id"] for c in rest.json()["changes"]] == [made[2]["id"]]
    assert rest.json()["has_more"] is False


async def test_with_nothing_new_the_cursor_comes_back_unchanged(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    start = await _latest(client, shared_world)

    response = await client.get(
        CHANGES, params={"since": start}, headers=shared_world.headers("teacher")
    )

    assert response.json() == {"changes": [], "next_cursor": start, "has_more": False}


async def test_without_a_cursor_the_feed_starts_at_the_beginning(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    w = shared_world
    everything, _ = await _follow(client, None, w.headers("teacher"), school_id=str(w.school.id))
    seen = {(c["resource"], c["id"]) for c in everything}
    assert {("pupils", str(p.id)) for p in w.pupils} <= seen


def _token(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "since",
    [
        "not a cursor",
        _token("v2:5"),
        _token("v1:-3"),
        _token("v1:five"),
        _token("v1:5:lessons:" + str(uuid.uuid4())),
        _token("v1:5:pupils:not-a-uuid"),
        _token("v1:5:pupils"),
    ],
)
async def test_a_cursor_the_feed_did_not_issue_is_a_400_naming_since(
    client: httpx.AsyncClient, shared_world: World, since: str
) -> None:
    response = await client.get(
        CHANGES, params={"since": since}, headers=shared_world.headers("teacher")
    )
    assert_problem(response, 400, "since")


@pytest.mark.parametrize("limit", [0, 1001])
async def test_a_limit_outside_1_to_1000_is_refused(
    client: httpx.AsyncClient, shared_world: World, limit: int
) -> None:
    response = await client.get(
        CHANGES, params={"limit": limit}, headers=shared_world.headers("teacher")
    )
    assert_problem(response, 422, "limit")


# --- commit order under concurrency --------------------------------------------------------


async def test_transactions_come_in_commit_order_and_a_late_commit_is_not_skipped(
    client: httpx.AsyncClient, shared_world: World, database_url: str
) -> None:
    """The earlier transaction (smaller id) commits last: a reader that already passed the
    later one still gets it, after it."""
    w = shared_world
    pupil = await enrol(client, w)
    first_mark, second_mark = _marks(pupil["id"], 1)
    await _send_marks(client, w, [first_mark, second_mark])
    listed = await _get(client, w, f"attendance/sessions?pupil_id={pupil['id']}")
    early_id, late_id = (m["id"] for m in listed["items"])
    start = await _latest(client, w)

    early = await asyncpg.connect(libpq_url(database_url))
    late = await asyncpg.connect(libpq_url(database_url))
    try:
        early_tx, late_tx = early.transaction(), late.transaction()
        await early_tx.start()
        await late_tx.start()
        update = "UPDATE attendance_marks SET code = $2 WHERE id = $1"
        await early.execute(update, uuid.UUID(early_id), "L")
        await late.execute(update, uuid.UUID(late_id), "L")
        early_xid = await early.fetchval("SELECT pg_current_xact_id()")
        late_xid = await late.fetchval("SELECT pg_current_xact_id()")
        await late_tx.commit()

        seen_first, _, cursor = await _step(client, w, start)
        await early_tx.commit()
        seen_then, _, _ = await _step(client, w, cursor)
        seen_all, _, _ = await _step(client, w, start)
    finally:
        await asyncio.gather(early.close(), late.close())

    assert early_xid < late_xid
    assert seen_first == [("attendance", "upsert", late_id)]
    assert seen_then == [("attendance", "upsert", early_id)]
    assert seen_all == [("attendance", "upsert", late_id), ("attendance", "upsert", early_id)]


# --- who sees what -------------------------------------------------------------------------------


async def test_another_school_or_trust_sees_nothing_of_this_schools_changes(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World
) -> None:
    w = shared_world
    start = await _latest(client, w)
    pupil = await enrol(client, w)
    judgement = await record(client, w, pupil["id"])
    ours = {pupil["id"], judgement["id"]}

    neighbour, _ = await _follow(client, start, w.headers("other_teacher"))
    stranger, _ = await _follow(client, start, shared_other_world.headers("trust_admin"))
    teacher, _ = await _follow(client, start, w.headers("teacher"))
    trust, _ = await _follow(client, start, w.headers("trust_admin"))
    integration, _ = await _follow(client, start, w.headers("integration"))

    assert ours.isdisjoint(c["id"] for c in neighbour)
    assert ours.isdisjoint(c["id"] for c in stranger)
    assert all(c["school_id"] == str(w.other_school.id) for c in neighbour)
    assert {c["id"] for c in teacher} == ours
    assert {c["id"] for c in trust} >= ours
    assert {c["id"] for c in integration} == ours
    assert_problem(
        await client.get(
            CHANGES, params={"school_id": str(w.school.id)}, headers=w.headers("other_teacher")
        ),
        403,
    )


async def test_trust_analysts_get_pupils_pseudonymised_as_the_rest_api_shows_them(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    w = shared_world
    start = await _latest(client, w)
    pupil = await enrol(client, w)

    seen, changes, _ = await _step(client, w, start, who="trust_analyst")

    assert seen == [("pupils", "upsert", pupil["id"])]
    data = changes[0]["data"]
    assert data == await _get(client, w, f"pupils/{pupil['id']}", who="trust_analyst")
    assert (data["forename"], data["surname"], data["upn"], data["date_of_birth"]) == (None,) * 4
    assert data["pseudonym"].startswith("P-")


async def test_following_the_feed_needs_read_roster(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    issued = await identity.create_client(
        shared_world.runtime.system_uow(),
        Principal.system(),
        identity.CreateClient(
            "Analytics only",
            frozenset({Permission.READ_ANALYTICS}),
            school_ids=frozenset({shared_world.school.id}),
        ),
        shared_world.runtime.hasher,
    )
    token = shared_world.runtime.tokens.issue(issued.client.client_id, "client", "integration")
    headers = {"Authorization": f"Bearer {token}"}

    assert_problem(await client.get(CHANGES, headers=headers), 403)
    assert_problem(await client.get(f"{CHANGES}/latest", headers=headers), 403)
    assert_problem(await client.get(CHANGES), 401)
