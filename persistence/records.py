"""Where each kind of pupil-level record is stored, and how exports and the change feed read it.

Each kind (domain.integration.records) is described here once, as a `StoredKind` constant in
its feature's persistence module: its table, the export's statement, and how the change feed
loads rows' current state. The export queries and the change feed find every kind here.
"""

import functools
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

import persistence
from domain.integration.exports import ExportFilter
from domain.integration.records import exported, followed
from domain.kernel.discovery import declared
from persistence.scope import Scope

#: the current state of the rows of these ids, in these schools (a row since deleted is absent)
Load = Callable[[AsyncSession, Scope, list[uuid.UUID], list[uuid.UUID]], Awaitable[Sequence[Any]]]
#: the export statement's conditions for a filter (SQL text; values are bound parameters)
Conditions = Callable[[ExportFilter], list[str]]


@dataclass(frozen=True, slots=True)
class StoredKind:
    """`table` is where the change feed finds its rows (change_xid stamps, tombstones); `gone`
    is SQL on a row `r` that the feed gives as a delete though the row is still there (an
    archived pupil); `export` is the export's statement, its columns in the order of the
    domain's record and its `{where}` filled by `conditions`."""

    name: str
    table: str
    load: Load | None = None
    gone: str = "false"
    export: str | None = None
    conditions: Conditions | None = None


@dataclass(frozen=True, slots=True)
class PupilTable:
    """A table that holds a pupil's data (UK GDPR): subject access reads its rows and erasure
    deletes them. `rows` is SQL finding the pupil's rows of school :school for pupil :pupil;
    `order` is how a subject access export lists them (oldest first where the table knows)."""

    table: str
    rows: str = "pupil_id = :pupil"
    order: str = "id"


@functools.cache
def pupil_tables() -> dict[str, PupilTable]:
    """Every table holding a pupil's data, in the order erasure deletes them: a row before
    the rows it points at (the tables' foreign keys decide; persistence.tables)."""
    from persistence.tables import metadata  # every table, for their foreign keys

    declared_tables = {
        t.table: t for t in declared(persistence, PupilTable, (".records", "_repository"))
    }
    parents_first = [t.name for t in metadata.sorted_tables if t.name in declared_tables]
    return {name: declared_tables[name] for name in reversed(parents_first)}


@functools.cache
def stored_kinds() -> dict[str, StoredKind]:
    """Every stored kind, checked against the domain's: each exported kind has a statement
    and each followed kind a loader."""
    kinds = {k.name: k for k in declared(persistence, StoredKind, (".records", "_repository"))}
    for kind in exported():
        if kind.name not in kinds or kinds[kind.name].export is None:
            raise RuntimeError(f"no export statement for {kind.name}")
    for kind in followed():
        if kind.name not in kinds or kinds[kind.name].load is None:
            raise RuntimeError(f"the change feed cannot load {kind.name}")
    return kinds


IN_MODULE = """EXISTS (SELECT 1 FROM modules wm
    WHERE wm.school_id = {table}.school_id AND wm.academic_year = :year
      AND wm.sequence = :module AND {day} BETWEEN wm.starts_on AND wm.ends_on)"""


def since_until(day: str, f: ExportFilter) -> list[str]:
    found = []
    if f.since is not None:
        found.append(f"{day} >= :since")
    if f.until is not None:
        found.append(f"{day} <= :until")
    return found


def dated(table: str, day: str) -> Callable[[ExportFilter], list[str]]:
    """Conditions putting a row's own date in the window: since/until, the academic year's
    dates, and the school's module window when a module is asked for."""

    def conditions(f: ExportFilter) -> list[str]:
        found = since_until(day, f)
        if f.academic_year is not None:
            found.append(f"{day} BETWEEN :year_starts AND :year_ends")
        if f.module is not None:
            found.append(IN_MODULE.format(table=table, day=day))
        return found

    return conditions


def rows_of(table: Any, mapping: Any) -> Load:
    """The change feed's loader for a kind stored one row an entity: the rows of these ids,
    each mapped to its entity."""

    async def load(
        session: AsyncSession, scope: Scope, schools: list[uuid.UUID], ids: list[uuid.UUID]
    ) -> Sequence[Any]:
        stmt = select(table).where(col(table.school_id).in_(schools), col(table.id).in_(ids))
        return [mapping.entity(r) for r in (await session.execute(stmt)).scalars()]

    return load
