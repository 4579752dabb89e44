"""Measure definitions; visible when owned by a visible school or trust, like frameworks."""

import uuid

from sqlalchemy import ColumnElement, insert, or_
from sqlmodel import col, select

from domain.kernel.paging import Page, PageRequest
from domain.outcomes.measure import MeasureDefinition
from domain.outcomes.ports import MeasureFilter
from persistence.organisation.tables import SchoolRow
from persistence.outcomes.mapping import MEASURES
from persistence.outcomes.tables import MeasureDefinitionRow
from persistence.repository import ScopedRepository, fetch_page


class SqlMeasureRepository(ScopedRepository):
    def _visible(self) -> ColumnElement[bool]:
        return or_(
            self.scope.schools(MeasureDefinitionRow.school_id),
            self.scope.trusts(MeasureDefinitionRow.trust_id),
        )

    async def get(self, measure_id: uuid.UUID) -> MeasureDefinition | None:
        stmt = select(MeasureDefinitionRow).where(
            col(MeasureDefinitionRow.id) == measure_id, self._visible()
        )
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return MEASURES.entity(row) if row else None

    async def add(self, measure: MeasureDefinition) -> None:
        await self.session.execute(insert(MeasureDefinitionRow).values(**MEASURES.values(measure)))

    async def matching(self, filter: MeasureFilter, page: PageRequest) -> Page[MeasureDefinition]:
        row = MeasureDefinitionRow
        stmt = select(row).where(self._visible())
        if filter.school_id is not None:
            school_trust = (
                select(col(SchoolRow.trust_id))
                .where(SchoolRow.id == filter.school_id)
                .scalar_subquery()
            )
            stmt = stmt.where(
                or_(col(row.school_id) == filter.school_id, col(row.trust_id) == school_trust)
            )
        if filter.trust_id is not None:
            stmt = stmt.where(col(row.trust_id) == filter.trust_id)
        rows, after = await fetch_page(self.session, stmt, row.id, page)
        return Page([MEASURES.entity(r) for r in rows], after)
