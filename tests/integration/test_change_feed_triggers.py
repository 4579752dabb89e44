"""The change feed's triggers (migration 0007), seen from SQL: stamps, commit positions,
tombstones, and what the app role may not do to them."""

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from persistence.database import Database
from persistence.scope import Scope
from tests.factories import World

_XID = text("SELECT pg_current_xact_id()")
_STAMP = text("SELECT change_xid FROM pupils WHERE id = :id")
_POSITION = text("SELECT position FROM change_commits WHERE xid = :xid")


async def _position_of(connection: AsyncConnection, xid: int) -> int | None:
    position: int | None = (await connection.execute(_POSITION, {"xid": xid})).scalar_one_or_none()
    return position


async def test_changing_only_an_enrolment_stamps_its_pupil_with_that_transaction(
    database: Database, world: World
) -> None:
    async with database.engine.connect() as connection:
        async with connection.begin():
            await connection.execute(
                text("UPDATE enrolments SET left_on = '2024-07-19' WHERE pupil_id = :id"),
                {"id": world.pupil.id},
            )
            xid = (await connection.execute(_XID)).scalar_one()
        stamp = (await connection.execute(_STAMP, {"id": world.pupil.id})).scalar_one()
        other = (await connection.execute(_STAMP, {"id": world.pupils[1].id})).scalar_one()
        position = await _position_of(connection, xid)
    assert stamp == xid
    assert other != xid
    assert position is not None


async def test_each_writing_transaction_gets_one_position_in_the_order_they_commit(
    database: Database, world: World
) -> None:
    touch = text("UPDATE pupils SET pathway = :pathway WHERE id = :id")
    async with database.engine.connect() as first, database.engine.connect() as second:
        first_tx, second_tx = await first.begin(), await second.begin()
        await first.execute(touch, {"id": world.pupils[0].id, "pathway": "formal"})
        await first.execute(touch, {"id": world.pupils[0].id, "pathway": "semi-formal"})
        await second.execute(touch, {"id": world.pupils[1].id, "pathway": "formal"})
        first_xid = (await first.execute(_XID)).scalar_one()
        second_xid = (await second.execute(_XID)).scalar_one()
        await second_tx.commit()
        await first_tx.commit()
        noted = (
            await first.execute(
                text("SELECT count(*) FROM change_commits WHERE xid IN (:a, :b)"),
                {"a": first_xid, "b": second_xid},
            )
        ).scalar_one()
        first_position = await _position_of(first, first_xid)
        second_position = await _position_of(first, second_xid)
    assert noted == 2
    assert first_xid < second_xid
    assert first_position is not None
    assert second_position is not None
    assert second_position < first_position


async def test_a_rolled_back_transaction_leaves_no_commit_behind(
    database: Database, world: World
) -> None:
    async with database.engine.connect() as connection:
        transaction = await connection.begin()
        await connection.execute(
            text("UPDATE pupils SET pathway = 'formal' WHERE id = :id"), {"id": world.pupil.id}
        )
        xid = (await connection.execute(_XID)).scalar_one()
        await transaction.rollback()
        noted = (
            await connection.execute(
                text("SELECT count(*) FROM change_commits WHERE xid = :xid"), {"xid": xid}
            )
        ).scalar_one()
    assert noted == 0


async def test_deleting_a_pupil_cascades_to_its_parts_and_leaves_a_tombstone(
    database: Database, world: World
) -> None:
    pupil = world.pupils[1]
    async with database.engine.connect() as connection:
        async with connection.begin():
            await connection.execute(text("DELETE FROM pupils WHERE id = :id"), {"id": pupil.id})
            xid = (await connection.execute(_XID)).scalar_one()
        tombstone = (
            await connection.execute(
                text(
                    "SELECT school_id, resource, change_xid FROM change_tombstones WHERE id = :id"
                ),
                {"id": pupil.id},
            )
        ).one()
        parts = (
            await connection.execute(
                text("SELECT count(*) FROM enrolments WHERE pupil_id = :id"), {"id": pupil.id}
            )
        ).scalar_one()
    assert tuple(tombstone) == (pupil.school_id, "pupils", xid)
    assert parts == 0


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO change_commits (xid, position) VALUES ('1', -1)",
        "UPDATE change_commits SET position = position + 1000000",
        "DELETE FROM change_commits",
        "INSERT INTO change_tombstones (school_id, resource, id) VALUES (:school, 'pupils', :id)",
        "DELETE FROM change_tombstones",
    ],
)
async def test_the_app_role_can_read_the_feeds_tables_but_not_write_them(
    database: Database, world: World, statement: str
) -> None:
    scope = Scope(frozenset({world.school.id}), frozenset({world.trust.id}))
    async with database.unit_of_work(scope) as uow:
        readable = await uow.session.execute(text("SELECT count(*) FROM change_commits"))
        assert readable.scalar_one() > 0
    with pytest.raises(DBAPIError, match="permission denied"):
        async with database.unit_of_work(scope) as uow:
            await uow.session.execute(
                text(statement), {"school": world.school.id, "id": uuid.uuid4()}
            )
