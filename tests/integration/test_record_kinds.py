"""Every kind of record the features declare is wired up in the database: what the domain
says is audited has the audit trigger, and what the change feed follows has its stamps and
tombstones (migrations 0007 and 0008). A new kind declared without its migration fails here."""

from sqlalchemy import text

from domain.integration.audit import audited_resources
from domain.integration.records import exported, followed, record_kinds
from persistence.database import Database
from persistence.records import stored_kinds

_TRIGGERED = text(
    "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
    " WHERE t.tgname = :trigger AND NOT t.tgisinternal"
)


async def _tables_with(database: Database, trigger: str) -> set[str]:
    async with database.engine.connect() as connection:
        return set((await connection.execute(_TRIGGERED, {"trigger": trigger})).scalars())


async def test_the_audited_tables_are_the_ones_with_the_audit_trigger(database: Database) -> None:
    assert await _tables_with(database, "audit_row") == set(audited_resources())


async def test_every_followed_kind_is_stamped_for_the_change_feed(database: Database) -> None:
    stamped = await _tables_with(database, "change_commit")
    tables = {stored_kinds()[kind.name].table for kind in followed()}
    assert tables <= stamped


def test_each_kind_is_stored_exported_and_loaded_as_the_domain_says() -> None:
    stored = stored_kinds()
    assert {k.name for k in record_kinds()} == set(stored)
    assert all(stored[k.name].export is not None for k in exported())
    assert all(stored[k.name].load is not None for k in followed())
    assert next(k.name for k in followed()) == "pupils", "pupils first: a copy's foreign keys"
