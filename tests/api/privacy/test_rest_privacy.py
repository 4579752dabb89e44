"""/pupils/{id}/subject-access and /pupils/{id}/erasure (UK GDPR art. 15 and 17), and what
trust analysts see of outcome targets' wording.

Completeness is checked against the database's own catalogue (tests/pupil_catalogue.py):
every table holding the pupil's rows must appear in the export with those rows, and hold
none of them after erasure."""

import asyncio
import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
from fastapi.encoders import jsonable_encoder
from sqlalchemy import text

from api.runtime import Runtime
from domain.kernel.access import Principal
from domain.privacy import privacy_service as privacy
from domain.privacy.retention import RetentionBasis
from tests.api.privacy_support import (
    EHC_PLAN,
    FORENAME,
    SURNAME,
    pupil_with_everything,
    quoted_in_an_import,
)
from tests.api.problems import assert_problem
from tests.api.seeding import PUPILS, enrol, if_match, judgement_body, new_school
from tests.factories import World
from tests.fakes import FixedClock
from tests.pupil_catalogue import pupil_tables, rows_held


def _access(pupil_id: str) -> str:
    return f"{PUPILS}/{pupil_id}/subject-access"


def _erasure(pupil_id: str) -> str:
    return f"{PUPILS}/{pupil_id}/erasure"


async def _held(runtime: Runtime, pupil_id: str) -> dict[str, list[dict[str, Any]]]:
    async with runtime.database.engine.connect() as connection:
        return await rows_held(connection, pupil_id)


async def _audit_text(runtime: Runtime, school_id: uuid.UUID) -> list[dict[str, Any]]:
    async with runtime.database.engine.connect() as connection:
        result = await connection.execute(
            text("SELECT * FROM audit_entries WHERE school_id = :s ORDER BY id"), {"s": school_id}
        )
        return [dict(r) for r in result.mappings()]


def _mentions(value: Any, *words: str) -> bool:
    dumped = json.dumps(jsonable_encoder(value)).lower()
    return any(w.lower() in dumped for w in words)


# --- subject access ---------------------------------------------------------------------------


async def test_the_export_holds_every_row_of_every_table_that_holds_the_pupil(
    client: httpx.AsyncClient, world: World
) -> None:
    pupil = await pupil_with_everything(client, world)
    await quoted_in_an_import(client, world, pupil, f"arbor-{uuid.uuid4()}")
    response = await client.get(_access(pupil["id"]), headers=world.headers("school_admin"))
    assert response.status_code == 200, response.text
    export = response.json()
    assert export["pupil_id"] == pupil["id"]
    assert export["school"] == {
        "id": str(world.school.id),
        "urn": world.school.urn,
        "name": world.school.name,
    }
    assert export["generated_at"]

    held = await _held(world.runtime, pupil["id"])
    # the fixture reaches every table the catalogue names: an empty one would prove nothing
    assert all(held.values()), {t for t, rows in held.items() if not rows}
    for table, rows in held.items():
        assert table in export["records"], f"{table} holds the pupil's rows but is not exported"
        exported = export["records"][table]
        for row in jsonable_encoder(rows):
            assert row in exported, f"{table}: {row} not in the export"
        assert len(exported) == len(rows), table
    # the values, not just the shape: the pupil as entered
    (stored,) = export["records"]["pupils"]
    assert (stored["forename"], stored["surname"], stored["upn"]) == (
        FORENAME,
        SURNAME,
        pupil["upn"],
    )
    assert stored["mis_id"] == pupil["mis_id"]
    assert stored["date_of_birth"] == pupil["date_of_birth"]
    # an import report kept for retries quotes the MIS id: it is held about the pupil too
    (report,) = export["records"]["idempotency_records"]
    assert pupil["mis_id"] in json.dumps(report["report"])


async def test_the_export_holds_the_audit_entries_about_the_pupil_and_is_itself_audited(
    client: httpx.AsyncClient, world: World
) -> None:
    pupil = await pupil_with_everything(client, world)
    export = (await client.get(_access(pupil["id"]), headers=world.headers("trust_admin"))).json()
    entries = export["records"]["audit_entries"]
    resources = {e["resource"] for e in entries}
    # a deleted judgement's entries too: they are found by the pupil_id they recorded
    assert {"pupils", "judgements", "targets", "outcome_evaluations"} <= resources
    assert any(e["action"] == "delete" and e["resource"] == "judgements" for e in entries)
    assert export["records"]["change_tombstones"], "the deleted judgement's tombstone"

    log = await client.get(
        "/api/v1/audit",
        params={"record_id": pupil["id"], "action": "subject_access"},
        headers=world.headers("school_admin"),
    )
    (noted,) = log.json()["items"]
    assert noted["actor"] == str(world.users["trust_admin"].id)
    assert noted["changes"]["records"]["pupils"] == 1
    assert not _mentions(noted["changes"], FORENAME, SURNAME, pupil["upn"])


async def test_an_archived_pupil_is_still_exported(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    archived = await client.delete(
        f"{PUPILS}/{pupil['id']}",
        headers={**shared_world.headers("school_admin"), "If-Match": '"1"'},
    )
    assert archived.status_code == 204, archived.text
    response = await client.get(_access(pupil["id"]), headers=shared_world.headers("school_admin"))
    assert response.status_code == 200, response.text
    assert response.json()["records"]["pupils"][0]["deleted_at"] is not None


async def test_only_admins_of_the_pupils_school_may_export_or_erase(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    body = {"reason": "asked by the parent"}
    for who in ("teacher", "trust_analyst", "integration"):
        headers = shared_world.headers(who)
        assert_problem(await client.get(_access(pupil["id"]), headers=headers), 403)
        assert_problem(await client.post(_erasure(pupil["id"]), json=body, headers=headers), 403)
    # another school's pupil, another trust's admin, a pupil that never was: not found
    other = shared_world.other_pupil.id
    admin = shared_world.headers("school_admin")
    assert_problem(await client.get(_access(str(other)), headers=admin), 404)
    assert_problem(await client.post(_erasure(str(other)), json=body, headers=admin), 404)
    stranger = shared_other_world.headers("trust_admin")
    assert_problem(await client.get(_access(pupil["id"]), headers=stranger), 404)
    assert_problem(await client.post(_erasure(pupil["id"]), json=body, headers=stranger), 404)
    assert_problem(await client.get(_access(str(uuid.uuid4())), headers=admin), 404)
    # none of that erased anything
    assert (await _held(shared_world.runtime, pupil["id"]))["pupils"]


# --- erasure ----------------------------------------------------------------------------------


async def test_erasure_of_an_sen_pupil_is_refused_until_dob_plus_31_years(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world, characteristics=[EHC_PLAN])
    response = await client.post(
        _erasure(pupil["id"]),
        json={"reason": "left the school"},
        headers=shared_world.headers("school_admin"),
    )
    body = assert_problem(response, 409, "school_decision", "retention")
    born = date.fromisoformat(pupil["date_of_birth"])
    assert body["erasable_on"] == born.replace(year=born.year + 31).isoformat()
    assert body["erasable_on"] in body["errors"][0]["reason"]
    # a decision needs its reason
    response = await client.post(
        _erasure(pupil["id"]),
        json={"reason": "left the school", "school_decision": True},
        headers=shared_world.headers("school_admin"),
    )
    assert_problem(response, 422, "school_decision_reason", "required")
    assert (await _held(shared_world.runtime, pupil["id"]))["pupils"]


async def test_erasure_removes_the_pupil_everywhere_and_logs_only_ids(
    client: httpx.AsyncClient, world: World
) -> None:
    pupil = await pupil_with_everything(client, world)
    pid, upn, mis_id = pupil["id"], pupil["upn"], pupil["mis_id"]
    key = f"sims-{uuid.uuid4()}"
    first = await quoted_in_an_import(client, world, pupil, key)
    before = await _held(world.runtime, pid)
    response = await client.post(
        _erasure(pid),
        json={
            "reason": f"{FORENAME} {SURNAME}'s parent asked (UPN {upn})",
            "school_decision": True,
            "school_decision_reason": "governors agreed at the June meeting",
        },
        headers=world.headers("school_admin"),
    )
    assert response.status_code == 200, response.text
    erasure = response.json()
    assert erasure["retention"]["basis"] == "school_decision"
    assert erasure["rows_erased"]["pupils"] == 1
    assert erasure["rows_scrubbed"]["audit_entries"] > 0
    assert erasure["rows_scrubbed"]["idempotency_records"] == 1

    after = await _held(world.runtime, pid)
    assert set(after) == set(before)
    assert not any(after.values()), {t: len(r) for t, r in after.items() if r}
    for table, rows in before.items():
        assert erasure["rows_erased"].get(table) == len(rows), table

    entries = await _audit_text(world.runtime, world.school.id)
    leaking = [e["id"] for e in entries if _mentions(e, FORENAME, SURNAME, upn, mis_id)]
    assert not leaking, "audit entries still hold the pupil's names or identifiers"
    (erased,) = [e for e in entries if e["action"] == "erasure"]
    assert (erased["record_id"], erased["resource"]) == (uuid.UUID(pid), "pupils")
    assert erased["actor"] == str(world.users["school_admin"].id)
    assert erased["changes"]["reason"] == "[erased] [erased]'s parent asked (UPN [erased])"
    assert erased["changes"]["retention"] == {
        "basis": "school_decision",
        "sen_retention_years": 31,
        "erasable_on": "2043-03-14",
        "school_decision_reason": "governors agreed at the June meeting",
    }
    # the audit log still says what happened to the pupil's rows, without values
    scrubbed = [e for e in entries if e["record_id"] == uuid.UUID(pid) and e["action"] == "insert"]
    assert scrubbed, "the pupil's insert entry is kept"
    assert set(scrubbed[0]["changes"].values()) == {"erased"}

    # the import report kept for retries no longer quotes the MIS id, and still replays
    retried = await client.post(
        "/api/v1/imports/pupils",
        params={"school_id": str(world.school.id), "atomic": "false"},
        content=f"UPN,MIS ID\n{world.pupil.upn},{mis_id}\n",
        headers={
            **world.headers("school_admin"),
            "Content-Type": "text/csv",
            "Idempotency-Key": key,
        },
    )
    assert retried.status_code == 200, retried.text
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.json()["rejected"] == first["rejected"] == 1
    assert mis_id not in retried.text
    assert "[erased]" in retried.text

    # the change feed tells integrators the pupil is gone, by id only
    async with world.runtime.database.engine.connect() as connection:
        tombstone = (
            (
                await connection.execute(
                    text("SELECT * FROM change_tombstones WHERE school_id = :s AND id = :p"),
                    {"s": world.school.id, "p": uuid.UUID(pid)},
                )
            )
            .mappings()
            .one()
        )
    assert tombstone["resource"] == "pupils"
    feed = await client.get("/api/v1/changes", headers=world.headers("school_admin"))
    assert feed.status_code == 200, feed.text
    assert not _mentions(feed.json(), FORENAME, SURNAME, upn)

    # gone: erasing again, exporting, reading are all not found
    admin = world.headers("school_admin")
    again = await client.post(_erasure(pid), json={"reason": "again"}, headers=admin)
    assert_problem(again, 404)
    assert_problem(await client.get(_access(pid), headers=admin), 404)
    assert_problem(await client.get(f"{PUPILS}/{pid}", headers=admin), 404)


async def test_a_pupil_without_an_sen_record_or_past_retention_is_erased_without_a_decision(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    admin = shared_world.headers("trust_admin")
    never_sen = await enrol(client, shared_world)
    response = await client.post(
        _erasure(never_sen["id"]), json={"reason": "enrolled in error"}, headers=admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["retention"] == {
        "basis": "not_held",
        "erasable_on": None,
        "school_decision_reason": None,
    }
    # on an EHC plan, born 2012-03-14: on 2043-03-14 retention has ended
    sen = await enrol(client, shared_world, characteristics=[EHC_PLAN])
    async with shared_world.runtime.system_uow() as uow:
        held = await uow.pupils.get(uuid.UUID(sen["id"]))
    assert held is not None
    erasure = await privacy.erase_pupil(
        shared_world.runtime.system_uow(),
        Principal.system(),
        privacy.ErasePupil(held.id, "retention ended"),
        FixedClock(datetime(2043, 3, 14, 9, tzinfo=UTC)),
    )
    assert erasure.decision.basis is RetentionBasis.RETENTION_ENDED
    assert erasure.decision.erasable_on == date(2043, 3, 14)
    assert not any((await _held(shared_world.runtime, sen["id"])).values())


async def test_a_judgement_recorded_during_an_erasure_waits_and_is_refused(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    """The erasure holds the pupil first: a row written meanwhile cannot slip in between
    its deletes (it would be left behind, or break the erasure's last delete)."""
    pupil = await enrol(client, shared_world)
    pupil_id = uuid.UUID(pupil["id"])
    async with shared_world.runtime.system_uow() as uow:
        await uow.pupil_records.hold(pupil_id)
        recording = asyncio.create_task(
            client.post(
                "/api/v1/judgements",
                json=judgement_body(shared_world, pupil["id"]),
                headers=shared_world.headers("teacher"),
            )
        )
        done, _ = await asyncio.wait({recording}, timeout=1)
        assert not done, "the judgement did not wait for the erasure"
        await uow.pupil_records.erase(shared_world.school.id, pupil_id)
        await uow.commit()
    assert_problem(await recording, 422, "pupil_id", "reference")
    assert not any((await _held(shared_world.runtime, pupil["id"])).values())


async def test_a_school_sets_its_own_retention_period(
    client: httpx.AsyncClient, world: World
) -> None:
    school = await new_school(world)
    admin = world.headers("trust_admin")
    path = f"/api/v1/schools/{school.id}"
    for years in (0, 121):
        refused = await client.patch(
            path, json={"sen_retention_years": years}, headers=if_match(world, "trust_admin", 1)
        )
        assert_problem(refused, 422, "sen_retention_years")
    read = await client.get(path, headers=admin)
    assert read.json()["sen_retention_years"] == 31
    changed = await client.patch(
        path, json={"sen_retention_years": 25}, headers=if_match(world, "trust_admin", 1)
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["sen_retention_years"] == 25
    pupil = await enrol(
        client, world, school_id=school.id, who="trust_admin", characteristics=[EHC_PLAN]
    )
    response = await client.post(_erasure(pupil["id"]), json={"reason": "moved"}, headers=admin)
    body = assert_problem(response, 409, "school_decision", "retention")
    assert body["erasable_on"] == "2037-03-14"
    assert "+ 25 years" in body["detail"]


async def test_another_schools_rows_are_untouched_by_an_erasure(
    client: httpx.AsyncClient, world: World
) -> None:
    school = await new_school(world)
    kept = await pupil_with_everything(client, world)
    erased = await enrol(client, world)
    response = await client.post(
        _erasure(erased["id"]), json={"reason": "duplicate"}, headers=world.headers("trust_admin")
    )
    assert response.status_code == 200, response.text
    assert all((await _held(world.runtime, kept["id"])).values())
    assert school.id != world.school.id


async def test_the_catalogue_query_finds_the_tables_known_to_hold_pupils(runtime: Runtime) -> None:
    """The catalogue query itself: the tables holding pupil data today are all found."""
    async with runtime.database.engine.connect() as connection:
        tables = set(await pupil_tables(connection))
    assert {
        "pupils",
        "pupil_characteristics",
        "enrolments",
        "judgements",
        "judgement_revisions",
        "targets",
        "target_revisions",
        "outcome_targets",
        "outcome_evaluations",
        "destinations",
        "attendance_marks",
        "qualification_entries",
    } <= tables


# --- outcome targets' wording -----------------------------------------------------------------


async def test_trust_analysts_get_no_outcome_wording_as_in_the_pupil_report(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await pupil_with_everything(client, shared_world)
    params = {"pupil_id": pupil["id"]}
    for who, blank in (("trust_analyst", True), ("teacher", False)):
        headers = shared_world.headers(who)
        listed = await client.get("/api/v1/outcome-targets", params=params, headers=headers)
        (outcome,) = listed.json()["items"]
        read = await client.get(f"/api/v1/outcome-targets/{outcome['id']}", headers=headers)
        for shown in (outcome, read.json()):
            assert (shown["text"] == "") is blank, who
            assert (shown["evaluations"][0]["note"] == "") is blank, who
            assert shown["area"] == "Communication and interaction"
            assert shown["evaluations"][0]["rating"] == "partly_met"
    graphql = await client.post(
        "/graphql",
        json={
            "query": "query($p: UUID) { outcomeTargets(pupilId: $p) "
            "{ nodes { text evaluations { nodes { note } } } } }",
            "variables": {"p": pupil["id"]},
        },
        headers=shared_world.headers("trust_analyst"),
    )
    assert graphql.status_code == 200, graphql.text
    assert "errors" not in graphql.json(), graphql.text
    (shown_outcome,) = graphql.json()["data"]["outcomeTargets"]["nodes"]
    assert shown_outcome["text"] == ""
    assert [e["note"] for e in shown_outcome["evaluations"]["nodes"]] == [""]
    assert not _mentions(graphql.json(), FORENAME), graphql.text
