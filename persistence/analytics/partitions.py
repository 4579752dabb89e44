"""Trust-wide counts split by school over concurrent connections, all on one snapshot.

A cohort's counts are sums over pupil-strands and every pupil belongs to one school, so
a trust's counts are the sums of the counts of disjoint sets of its schools (as Citus
would add up tenant shards). PostgreSQL runs a statement on one core; splitting the
schools over N connections lets one trust-wide analysis use N cores (bench/README.md
has the figures).

Every part reads the snapshot the unit of work exports (pg_export_snapshot, imported with
SET TRANSACTION SNAPSHOT, as pg_dump --jobs does), so the parts add up to one consistent
state, and each part runs under the unit of work's row-level security scope.

An analysis holds its unit of work's connection while it waits for its parts' connections
from the same pool; if many analyses did that at once they could hold every connection and
wait for each other until the pool timed out (bench/README.md, load run). So only
`gate_size` analyses per engine split at a time (3 with the default pool of 10 and
parallelism of 2: 9 connections); while that many are running, another is counted in one
statement on its own connection, which needs nothing more from the pool.
"""

import asyncio
import re
import uuid
import weakref
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, TextClause, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.pool import QueuePool

from persistence.scope import SCOPE_SQL, Scope

#: what pg_export_snapshot returns, e.g. 00000003-0000001B-1; checked before it is
#: spliced into SET TRANSACTION SNAPSHOT, which takes no parameters
_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+-[0-9]+")

#: per engine, the analyses allowed to split at once (an engine is one pool)
_GATES: "weakref.WeakKeyDictionary[AsyncEngine, asyncio.Semaphore]" = weakref.WeakKeyDictionary()


def gate_size(pool_size: int, parallelism: int) -> int:
    """How many analyses may split at once: each takes 1 + `parallelism` connections, and
    together they may take the pool's steady size at most, leaving the overflow to the rest."""
    return max(1, pool_size // (parallelism + 1))


@dataclass(frozen=True, slots=True)
class Partitions:
    engine: AsyncEngine
    parallelism: int

    def split(self, school_ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, ...]]:
        """At most `parallelism` non-empty, disjoint sets of the schools (round robin)."""
        ordered = sorted(school_ids)
        parts = max(1, min(self.parallelism, len(ordered)))
        return [tuple(ordered[i::parts]) for i in range(parts)]

    @asynccontextmanager
    async def admitted(self) -> AsyncIterator[bool]:
        """True (and a place held until the block ends) if this analysis may split now;
        False, without waiting, if as many as the pool allows are splitting already."""
        gate = _GATES.get(self.engine)
        if gate is None:
            pool = self.engine.pool
            steady = pool.size() if isinstance(pool, QueuePool) else self.parallelism + 1
            size = gate_size(steady, self.parallelism)
            gate = _GATES.setdefault(self.engine, asyncio.Semaphore(size))
        if gate.locked():
            yield False
            return
        async with gate:  # free: acquiring does not wait
            yield True

    async def fetch_all(
        self,
        session: AsyncSession,
        scope: Scope,
        statements: Sequence[tuple[TextClause, dict[str, Any]]],
    ) -> list[list[Row[Any]]]:
        """Each statement's rows, run concurrently on a connection of its own that reads
        `session`'s transaction's snapshot, under `scope`."""
        snapshot = await session.scalar(text("SELECT pg_export_snapshot()"))
        if not isinstance(snapshot, str) or not _SNAPSHOT_ID.fullmatch(snapshot):
            raise RuntimeError(f"unexpected snapshot id from pg_export_snapshot: {snapshot!r}")
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [
                    group.create_task(self._fetch(snapshot, scope, statement, params))
                    for statement, params in statements
                ]
        except ExceptionGroup as failed:
            # a part's failure is the analysis's, raised as itself so the adapters answer it
            # as they would any query's (a pool timeout or a dropped connection: 503)
            raise failed.exceptions[0] from failed
        return [task.result() for task in tasks]

    async def _fetch(
        self, snapshot: str, scope: Scope, statement: TextClause, params: dict[str, Any]
    ) -> list[Row[Any]]:
        async with self.engine.connect() as plain:
            connection = await plain.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            try:
                # the first statement of the transaction, as PostgreSQL requires
                await connection.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
                if scope.restricted:
                    await connection.execute(SCOPE_SQL, scope.scope_params())
                return list((await connection.execute(statement, params)).all())
            finally:
                await connection.rollback()
