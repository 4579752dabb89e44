"""What every repository shares: a session, the caller's scope, keyset pages, versioned updates."""

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col
from sqlmodel.sql.expression import SelectOfScalar

from domain.errors import StaleVersion
from domain.paging import PageRequest
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
