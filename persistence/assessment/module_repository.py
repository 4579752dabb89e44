"""A school's assessment modules."""

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, exists, insert
from sqlmodel import col, select

from domain.assessment.ports import ModuleFilter
from domain.kernel.calendar import Module
from domain.kernel.paging import Page, PageRequest
from persistence.assessment.mapping import MODULES
from persistence.assessment.tables import JudgementRow, ModuleRow
from persistence.repository import ScopedRepository, fetch_page, versioned_update


class SqlModuleRepository(ScopedRepository):
    async def get(self, module_id: uuid.UUID) -> Module | None:
        found = await self.get_many([module_id])
        return found[0] if found else None

    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[Module]:
        stmt = select(ModuleRow).where(
            col(ModuleRow.id).in_(ids), self.scope.schools(ModuleRow.school_id)
        )
        return [MODULES.entity(r) for r in (await self.session.execute(stmt)).scalars()]

    async def add(self, module: Module) -> None:
        await self.session.execute(insert(ModuleRow).values(**MODULES.values(module)))

    async def update(self, module: Module, previous_version: int) -> None:
        await versioned_update(
            self.session,
            ModuleRow,
            [col(ModuleRow.school_id) == module.school_id, col(ModuleRow.id) == module.id],
            previous_version,
            MODULES.values(module),
            "module",
        )

    async def delete(self, module: Module) -> None:
        await self.session.execute(
            delete(ModuleRow).where(
                col(ModuleRow.school_id) == module.school_id, col(ModuleRow.id) == module.id
            )
        )

    async def in_use(self, module_id: uuid.UUID) -> bool:
        stmt = select(exists().where(col(JudgementRow.module_id) == module_id))
        return bool((await self.session.execute(stmt)).scalar())

    async def matching(self, filter: ModuleFilter, page: PageRequest) -> Page[Module]:
        stmt = select(ModuleRow).where(self.scope.schools(ModuleRow.school_id))
        if filter.school_id is not None:
            stmt = stmt.where(ModuleRow.school_id == filter.school_id)
        if filter.academic_year is not None:
            stmt = stmt.where(ModuleRow.academic_year == filter.academic_year.label)
        rows, after = await fetch_page(self.session, stmt, ModuleRow.id, page)
        return Page([MODULES.entity(r) for r in rows], after)
