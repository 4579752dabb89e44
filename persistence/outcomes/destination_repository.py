"""Leavers' destinations."""

import uuid

from sqlalchemy import delete, insert
from sqlmodel import col, select

from domain.kernel.paging import Page, PageRequest
from domain.outcomes.destination import Destination
from domain.outcomes.ports import DestinationFilter
from persistence.outcomes.mapping import DESTINATIONS
from persistence.outcomes.tables import DestinationRow
from persistence.repository import ScopedRepository, fetch_page, versioned_update


class SqlDestinationRepository(ScopedRepository):
    async def get(self, destination_id: uuid.UUID) -> Destination | None:
        stmt = select(DestinationRow).where(
            col(DestinationRow.id) == destination_id, self.scope.schools(DestinationRow.school_id)
        )
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return DESTINATIONS.entity(row) if row else None

    async def add(self, destination: Destination) -> None:
        await self.session.execute(
            insert(DestinationRow).values(**DESTINATIONS.values(destination))
        )

    async def update(self, destination: Destination, previous_version: int) -> None:
        await versioned_update(
            self.session,
            DestinationRow,
            [
                col(DestinationRow.school_id) == destination.school_id,
                col(DestinationRow.id) == destination.id,
            ],
            previous_version,
            DESTINATIONS.values(destination),
            "destination",
        )

    async def delete(self, destination: Destination) -> None:
        await self.session.execute(
            delete(DestinationRow).where(
                col(DestinationRow.school_id) == destination.school_id,
                col(DestinationRow.id) == destination.id,
            )
        )

    async def matching(self, filter: DestinationFilter, page: PageRequest) -> Page[Destination]:
        stmt = select(DestinationRow).where(self.scope.schools(DestinationRow.school_id))
        if filter.school_id is not None:
            stmt = stmt.where(DestinationRow.school_id == filter.school_id)
        if filter.pupil_id is not None:
            stmt = stmt.where(DestinationRow.pupil_id == filter.pupil_id)
        if filter.category is not None:
            stmt = stmt.where(DestinationRow.category == filter.category.value)
        if filter.year_group_at_leaving is not None:
            stmt = stmt.where(DestinationRow.year_group_at_leaving == filter.year_group_at_leaving)
        if filter.left_from is not None:
            stmt = stmt.where(DestinationRow.left_on >= filter.left_from)
        if filter.left_to is not None:
            stmt = stmt.where(DestinationRow.left_on <= filter.left_to)
        rows, after = await fetch_page(self.session, stmt, DestinationRow.id, page)
        return Page([DESTINATIONS.entity(r) for r in rows], after)
