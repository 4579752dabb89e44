"""What every repository shares: a session, the caller's scope, keyset pages, versioned updates;
and how a unit of work builds a repository the first time a use case asks for it."""

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar, overload

from sqlalchemy import ColumnElement, CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import SQLModel, col
from sqlmodel.sql.expression import SelectOfScalar

from domain.kernel.errors import StaleVersion
from domain.kernel.paging import PageRequest
from persistence.scope import Scope

if TYPE_CHECKING:
    from persistence.analytics.partitions import Partitions

RowT = TypeVar("RowT", bound=SQLModel)
R = TypeVar("R")


class ScopedRepository:
    def __init__(self, session: AsyncSession, scope: Scope) -> None:
        self.session = session
        self.scope = scope


class OpenUnit(Protocol):
    """A unit of work inside `async with`: what a repository is built from."""

    @property
    def session(self) -> AsyncSession: ...
    @property
    def scope(self) -> Scope: ...
    @property
    def partitions(self) -> "Partitions | None": ...
    @property
    def built(self) -> dict[str, object]: ...


class BuiltOnFirstUse(Generic[R]):
    """A unit of work's repository, built the first time a use case asks for it in a
    transaction and kept until the transaction ends: a use case that reads pupils builds one
    repository, not every repository of the service."""

    def __init__(self, build: Callable[[OpenUnit], R]) -> None:
        self._build = build
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, unit: None, owner: type) -> Self: ...
    @overload
    def __get__(self, unit: OpenUnit, owner: type) -> R: ...
    def __get__(self, unit: OpenUnit | None, owner: type) -> "R | Self":
        if unit is None:
            return self
        built = unit.built
        if self._name not in built:
            built[self._name] = self._build(unit)
        return built[self._name]  # type: ignore[return-value]


def repository(kind: Callable[[AsyncSession, Scope], R]) -> BuiltOnFirstUse[R]:
    """A repository made from the unit's session and scope, on first use."""
    return BuiltOnFirstUse(lambda unit: kind(unit.session, unit.scope))


async def fetch_page(
    session: AsyncSession,
    stmt: SelectOfScalar[RowT],
    id_column: Any,
    page: PageRequest,
) -> tuple[Sequence[RowT], uuid.UUID | None]:
    """One page in id order, plus the id to continue after (None on the last page)."""
    if page.after is not None:
        stmt = stmt.where(col(id_column) > page.after)
    rows = (
        (await session.execute(stmt.order_by(col(id_column)).limit(page.limit + 1))).scalars().all()
    )
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last: uuid.UUID = getattr(rows[-1], "id")  # noqa: B009 - every paged row has an id
        return rows, last
    return rows, None


async def versioned_update(
    session: AsyncSession,
    table: type[SQLModel],
    where: Sequence[ColumnElement[bool]],
    previous_version: int,
    values: dict[str, Any],
    entity: str,
) -> None:
    """UPDATE ... WHERE version = previous: a concurrent writer makes this a StaleVersion."""
    version_column = table.version  # type: ignore[attr-defined]
    stmt = update(table).where(*where, version_column == previous_version).values(**values)
    result = await session.execute(stmt)
    if not isinstance(result, CursorResult) or result.rowcount != 1:
        raise StaleVersion(entity, previous_version)


async def pages_per_parent(
    session: AsyncSession,
    table: type[RowT],
    where: Sequence[ColumnElement[bool]],
    parent_column: Any,
    parent_ids: Sequence[uuid.UUID],
    page: PageRequest,
) -> dict[uuid.UUID, tuple[list[RowT], uuid.UUID | None]]:
    """For each parent, one keyset page of its rows in id order (and the id to continue
    after), in one statement for the whole batch: row_number() over each parent's rows keeps
    the first `page.limit + 1`, so a parent with a million rows costs no more than one with
    a page's worth."""
    id_column = table.id  # type: ignore[attr-defined]
    position = func.row_number().over(partition_by=parent_column, order_by=id_column)
    inner = select(table, position.label("position")).where(
        col(parent_column).in_(parent_ids), *where
    )
    if page.after is not None:
        inner = inner.where(id_column > page.after)
    ranked = inner.subquery()
    row = aliased(table, ranked)
    stmt = (
        select(row)
        .where(ranked.c.position <= page.limit + 1)
        .order_by(ranked.c[parent_column.key], ranked.c.id)
    )
    grouped: dict[uuid.UUID, list[RowT]] = {parent: [] for parent in parent_ids}
    for found in (await session.execute(stmt)).scalars():
        grouped[getattr(found, parent_column.key)].append(found)
    pages: dict[uuid.UUID, tuple[list[RowT], uuid.UUID | None]] = {}
    for parent, rows in grouped.items():
        if len(rows) > page.limit:
            rows = rows[: page.limit]
            pages[parent] = (rows, getattr(rows[-1], "id"))  # noqa: B009
        else:
            pages[parent] = (rows, None)
    return pages
