"""The audit trail at the database: row triggers log every write with the transaction's actor;
an import bracketed by begin_import / finish_import leaves one summary entry instead."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from domain.integration.audit import (
    Actor,
    ActorKind,
    AuditAction,
    AuditEntry,
    AuditFilter,
    AuditQuery,
)
from domain.kernel.ids import new_id
from persistence.database import Database
from persistence.scope import Scope
from tests.factories import World

PATEL = Actor("0192f0c4-0000-7000-8000-000000000001", "Ms Patel", ActorKind.USER)

_INSERT_JUDGEMENT = text(
    "INSERT INTO judgements (school_id, id, pupil_id, strand_id, module_id, step_id, kind,"
    " assessed_on, assessor, note, moderation_state, recorded_by, recorded_at, version)"
    " VALUES (:school_id, :id, :pupil_id, :strand_id, :module_id, :step_id, 'checkpoint',"
    " :assessed_on, 'Ms Patel', '', 'unmoderated', 'import', now(), 1)"
)


def _scope(world: World, actor: Actor = PATEL) -> Scope:
    return Scope(frozenset({world.school.id}), frozenset({world.trust.id}), actor)


def _judgement_row(world: World, pupil: int, strand: int) -> dict[str, object]:
    return {
        "school_id": world.school.id,
        "id": new_id(),
        "pupil_id": world.pupils[pupil].id,
        "strand_id": world.framework.strands[strand].id,
        "module_id": world.modules[0].id,
        "step_id": world.framework.steps[1].id,
        "assessed_on": date(2023, 10, 2),
    }


async def _entries(database: Database, world: World, **query: Any) -> list[AuditEntry]:
    async with database.unit_of_work(Scope.unrestricted()) as uow:
        audit_query = AuditQuery(school_id=world.school.id, limit=500, **query)
        page = await uow.audit.entries(AuditFilter(None, audit_query))
    return page.items


async def test_an_import_leaves_one_summary_entry_and_no_row_entries(
    database: Database, world: World
) -> None:
    rows = [_judgement_row(world, p, s) for p in (0, 1) for s in (0, 1)]
    async with database.unit_of_work(_scope(world)) as uow:
        ref = await uow.audit.begin_import(world.school.id, "judgements", "sims.csv", "key-1")
        for row in rows:
            await uow.session.execute(_INSERT_JUDGEMENT, row)
        counts = {"inserted": 4, "updated": 0, "unchanged": 0}
        await uow.audit.finish_import(
            world.school.id, ref, "judgements", counts, "sims.csv", "key-1"
        )
        await uow.commit()

    logged = await _entries(database, world, resource="judgements")

    [summary] = logged
    assert summary.action is AuditAction.IMPORT
    assert summary.import_ref == ref
    assert summary.record_id is None
    assert summary.changes == {
        "counts": counts,
        "source": "sims.csv",
        "idempotency_key": "key-1",
    }
    assert (summary.actor, summary.actor_name, summary.actor_kind) == (
        PATEL.subject,
        "Ms Patel",
        ActorKind.USER,
    )


async def test_row_logging_resumes_after_the_import_finishes(
    database: Database, world: World
) -> None:
    pupil = world.pupils[0]
    async with database.unit_of_work(_scope(world)) as uow:
        ref = await uow.audit.begin_import(world.school.id, "judgements", "a.csv", None)
        await uow.session.execute(_INSERT_JUDGEMENT, _judgement_row(world, 0, 0))
        await uow.audit.finish_import(world.school.id, ref, "judgements", {}, "a.csv", None)
        await uow.session.execute(
            text("UPDATE pupils SET pathway = 'formal' WHERE school_id = :s AND id = :p"),
            {"s": world.school.id, "p": pupil.id},
        )
        await uow.commit()

    [update] = await _entries(database, world, record_id=pupil.id, action=AuditAction.UPDATE)

    assert update.changes == {"pathway": {"old": "semi-formal", "new": "formal"}}
    assert update.actor == PATEL.subject


async def test_the_import_mark_ends_with_its_transaction(database: Database, world: World) -> None:
    async with database.unit_of_work(_scope(world)) as uow:
        await uow.audit.begin_import(world.school.id, "judgements", "a.csv", None)
        await uow.commit()
    row = _judgement_row(world, 1, 1)
    async with database.unit_of_work(_scope(world)) as uow:
        await uow.session.execute(_INSERT_JUDGEMENT, row)
        await uow.commit()

    [insert] = await _entries(database, world, record_id=row["id"])

    assert insert.action is AuditAction.INSERT


async def test_the_operators_writes_are_logged_as_system(database: Database, world: World) -> None:
    pupil = world.pupils[1]
    async with database.unit_of_work(Scope.unrestricted()) as uow:
        await uow.session.execute(
            text("UPDATE pupils SET surname = 'Okafor-Reid' WHERE school_id = :s AND id = :p"),
            {"s": world.school.id, "p": pupil.id},
        )
        await uow.commit()

    [update] = await _entries(database, world, record_id=pupil.id, action=AuditAction.UPDATE)

    assert (update.actor, update.actor_kind) == ("system", ActorKind.SYSTEM)


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_entries SET actor = 'someone else'", "DELETE FROM audit_entries"]
)
async def test_the_service_cannot_rewrite_or_remove_entries(
    database: Database, world: World, statement: str
) -> None:
    with pytest.raises(DBAPIError, match="permission denied"):
        async with database.unit_of_work(_scope(world)) as uow:
            await uow.session.execute(text(statement))


async def test_the_change_feeds_stamp_is_neither_logged_nor_a_change(
    database: Database, world: World
) -> None:
    """An update that only restamps change_xid logs nothing; one that changes more leaves
    change_xid out. (Rolled back: the column is the change feed's, added here if missing.)"""
    pupil = world.pupil
    where = {"s": world.school.id, "p": pupil.id}
    async with database.engine.connect() as connection:
        transaction = await connection.begin()
        await connection.execute(
            text("ALTER TABLE pupils ADD COLUMN IF NOT EXISTS change_xid bigint")
        )
        await connection.execute(
            text("UPDATE pupils SET change_xid = '41' WHERE school_id = :s AND id = :p"), where
        )
        await connection.execute(
            text(
                "UPDATE pupils SET change_xid = '42', pathway = 'pre-formal'"
                " WHERE school_id = :s AND id = :p"
            ),
            where,
        )
        logged = (
            (
                await connection.execute(
                    text(
                        "SELECT changes FROM audit_entries WHERE school_id = :s AND record_id = :p"
                        " AND action = 'update'"
                    ),
                    where,
                )
            )
            .scalars()
            .all()
        )
        await transaction.rollback()

    assert logged == [{"pathway": {"old": "semi-formal", "new": "pre-formal"}}]


async def test_entries_are_kept_per_school_under_row_level_security(
    database: Database, world: World
) -> None:
    async with database.unit_of_work(_scope(world)) as uow:
        await uow.session.execute(_INSERT_JUDGEMENT, _judgement_row(world, 0, 1))
        await uow.commit()
    other = Scope(frozenset({world.other_school.id}), frozenset({world.trust.id}), PATEL)

    async with database.unit_of_work(other) as uow:
        # no repository filter: the policy alone keeps school A's entries out
        seen = (
            await uow.session.execute(
                text("SELECT count(*) FROM audit_entries WHERE school_id = :s"),
                {"s": world.school.id},
            )
        ).scalar_one()

    assert seen == 0


async def test_the_service_may_scrub_entries_of_its_own_schools_only(
    database: Database, world: World, other_world: World
) -> None:
    """stepwise_scrub_audit runs as the owner (erasure must change entries the service may
    not), so it checks the caller's scope itself: another school's entries are refused."""
    row = _judgement_row(world, 0, 0)
    async with database.unit_of_work(Scope.unrestricted()) as uow:
        await uow.session.execute(_INSERT_JUDGEMENT, row)
        await uow.commit()
    scrub = text("SELECT stepwise_scrub_audit(:school, :ids)")
    intruder = Scope(frozenset({other_world.school.id}), frozenset({other_world.trust.id}), PATEL)
    with pytest.raises(DBAPIError, match="outside the caller's scope"):
        async with database.unit_of_work(intruder) as uow:
            await uow.session.execute(scrub, {"school": world.school.id, "ids": [row["id"]]})
    async with database.unit_of_work(_scope(world)) as uow:
        scrubbed = await uow.session.scalar(scrub, {"school": world.school.id, "ids": [row["id"]]})
        await uow.commit()
    assert scrubbed == 1
    async with database.unit_of_work(Scope.unrestricted()) as uow:
        changes = await uow.session.scalar(
            text("SELECT changes FROM audit_entries WHERE school_id = :s AND record_id = :r"),
            {"s": world.school.id, "r": row["id"]},
        )
    assert {"note", "pupil_id"} <= set(changes)  # which fields there were stays
    assert set(changes.values()) == {"erased"}
