"""Migrations: each revision goes up, down and up again; the models match the migrated schema."""

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from persistence.migrate import alembic_config, downgrade, upgrade
from persistence.tables import metadata
from persistence.urls import async_url
from tests.database import fresh_database


def _revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_every_revision_upgrades_downgrades_and_upgrades_again(server: str) -> None:
    with fresh_database(server) as url:
        downgrade(url, "base")
        previous = "base"
        for revision in _revisions(url):
            upgrade(url, revision)
            downgrade(url, previous)
            upgrade(url, revision)
            previous = revision


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def test_models_match_the_migrated_schema(database_url: str) -> None:
    async def compare() -> list[object]:
        engine = create_async_engine(async_url(database_url), poolclass=NullPool)
        async with engine.connect() as connection:
            found = await connection.run_sync(_differences)
        await engine.dispose()
        return found

    assert asyncio.run(compare()) == [], "run autogenerate: the tables and migrations disagree"
