"""What every repository shares: a session, the caller's scope, keyset pages, versioned updates."""

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import SQLModel, col
from sqlmodel.sql.expression import SelectOfScalar

from domain.kernel.errors import StaleVersion
from domain.kernel.paging import PageRequest
from persistence.scope import Scope

RowT = TypeVar("RowT", bound=SQLModel)


class ScopedRepository:
    def __init__(self, session: AsyncSession, scope: Scope) -> None:
        self.session = session
        self.scope = scope


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
