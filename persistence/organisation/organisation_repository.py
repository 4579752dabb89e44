"""Trusts and schools."""

import uuid
from collections.abc import Sequence

from sqlalchemy import insert
from sqlmodel import col, select

from domain.kernel.paging import Page, PageRequest
from domain.organisation.organisation import School, Trust
from domain.organisation.ports import SchoolFilter
from persistence.organisation.mapping import SCHOOLS, TRUSTS
from persistence.organisation.tables import SchoolRow, TrustRow
from persistence.repository import ScopedRepository, fetch_page, versioned_update


class SqlTrustRepository(ScopedRepository):
    async def get(self, trust_id: uuid.UUID) -> Trust | None:
        stmt = select(TrustRow).where(TrustRow.id == trust_id, self.scope.trusts(TrustRow.id))
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return TRUSTS.entity(row) if row else None

    async def add(self, trust: Trust) -> None:
        await self.session.execute(insert(TrustRow).values(**TRUSTS.values(trust)))

    async def update(self, trust: Trust, previous_version: int) -> None:
        await versioned_update(
            self.session,
            TrustRow,
            [col(TrustRow.id) == trust.id],
            previous_version,
            TRUSTS.values(trust),
            "trust",
        )

    async def matching(self, page: PageRequest) -> Page[Trust]:
        stmt = select(TrustRow).where(self.scope.trusts(TrustRow.id))
        rows, after = await fetch_page(self.session, stmt, TrustRow.id, page)
        return Page([TRUSTS.entity(r) for r in rows], after)


class SqlSchoolRepository(ScopedRepository):
    async def get(self, school_id: uuid.UUID) -> School | None:
        stmt = select(SchoolRow).where(SchoolRow.id == school_id, self.scope.schools(SchoolRow.id))
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return SCHOOLS.entity(row) if row else None

    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[School]:
        stmt = select(SchoolRow).where(col(SchoolRow.id).in_(ids), self.scope.schools(SchoolRow.id))
        return [SCHOOLS.entity(r) for r in (await self.session.execute(stmt)).scalars()]

    async def add(self, school: School) -> None:
        await self.session.execute(insert(SchoolRow).values(**SCHOOLS.values(school)))

    async def update(self, school: School, previous_version: int) -> None:
        await versioned_update(
            self.session,
            SchoolRow,
            [col(SchoolRow.id) == school.id],
            previous_version,
            SCHOOLS.values(school),
            "school",
        )

    async def matching(self, filter: SchoolFilter, page: PageRequest) -> Page[School]:
        stmt = select(SchoolRow).where(self.scope.schools(SchoolRow.id))
        if filter.trust_id is not None:
            stmt = stmt.where(SchoolRow.trust_id == filter.trust_id)
        rows, after = await fetch_page(self.session, stmt, SchoolRow.id, page)
        return Page([SCHOOLS.entity(r) for r in rows], after)

    async def ids_of_trust(self, trust_id: uuid.UUID) -> frozenset[uuid.UUID]:
        stmt = select(col(SchoolRow.id)).where(
            col(SchoolRow.trust_id) == trust_id, self.scope.schools(SchoolRow.id)
        )
        return frozenset((await self.session.execute(stmt)).scalars())
