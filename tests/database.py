"""The test database: DATABASE_URL's server if set, else an embedded server for this run.

Each test session gets a fresh, migrated database (dropped afterwards), so runs
never see each other's rows. Tests isolate themselves further by creating their
own trust and schools (tenancy means they cannot see each other's data anyway).
"""

import asyncio
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg

from persistence.embedded import start_embedded
from persistence.migrate import upgrade
from persistence.urls import libpq_url, with_database


def server_url() -> str:
    """The server to test against: DATABASE_URL, or a throwaway embedded one."""
    if url := os.environ.get("DATABASE_URL"):
        return url
    data_dir = Path(tempfile.mkdtemp(prefix="stepwise-test-pg-")) / "pgdata"
    return start_embedded(data_dir, temporary=True)


async def _admin(url: str, sql: str) -> None:
    connection = await asyncpg.connect(libpq_url(url))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """Create, migrate, yield (as an async URL) and finally drop a new database."""
    name = f"stepwise_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    url = with_database(server, name)
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(server, name)


def drop_database(server: str, name: str) -> None:
    """Drop `name` on `server`, whoever is still connected to it."""
    asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
