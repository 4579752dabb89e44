"""Pupils' qualification entries and results."""

import uuid

from sqlalchemy import delete, insert
from sqlmodel import col, select

from domain.kernel.paging import Page, PageRequest
from domain.outcomes.ports import QualificationFilter
from domain.outcomes.qualification import QualificationEntry
from persistence.outcomes.mapping import QUALIFICATIONS
from persistence.outcomes.tables import QualificationEntryRow
from persistence.repository import ScopedRepository, fetch_page, versioned_update


class SqlQualificationRepository(ScopedRepository):
    async def get(self, entry_id: uuid.UUID) -> QualificationEntry | None:
        stmt = select(QualificationEntryRow).where(
            col(QualificationEntryRow.id) == entry_id,
            self.scope.schools(QualificationEntryRow.school_id),
        )
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return QUALIFICATIONS.entity(row) if row else None

    async def add(self, entry: QualificationEntry) -> None:
        await self.session.execute(
            insert(QualificationEntryRow).values(**QUALIFICATIONS.values(entry))
        )

    async def update(self, entry: QualificationEntry, previous_version: int) -> None:
        await versioned_update(
            self.session,
            QualificationEntryRow,
            [
                col(QualificationEntryRow.school_id) == entry.school_id,
                col(QualificationEntryRow.id) == entry.id,
            ],
            previous_version,
            QUALIFICATIONS.values(entry),
            "qualification",
        )

    async def delete(self, entry: QualificationEntry) -> None:
        await self.session.execute(
            delete(QualificationEntryRow).where(
                col(QualificationEntryRow.school_id) == entry.school_id,
                col(QualificationEntryRow.id) == entry.id,
            )
        )

    async def matching(
        self, filter: QualificationFilter, page: PageRequest
    ) -> Page[QualificationEntry]:
        row = QualificationEntryRow
        stmt = select(row).where(self.scope.schools(row.school_id))
        if filter.school_id is not None:
            stmt = stmt.where(col(row.school_id) == filter.school_id)
        if filter.pupil_id is not None:
            stmt = stmt.where(col(row.pupil_id) == filter.pupil_id)
        if filter.status is not None:
            stmt = stmt.where(col(row.status) == filter.status.value)
        if filter.level is not None:
            stmt = stmt.where(col(row.level) == filter.level.value)
        if filter.kind is not None:
            stmt = stmt.where(col(row.kind) == filter.kind.value)
        rows, after = await fetch_page(self.session, stmt, row.id, page)
        return Page([QUALIFICATIONS.entity(r) for r in rows], after)
