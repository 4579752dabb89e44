"""Frameworks with their strands and steps; visible when owned by a visible school or trust."""

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, exists, insert, or_
from sqlmodel import col, select

from domain.assessment.framework import Framework, Step, Strand
from domain.assessment.ports import FrameworkFilter
from domain.kernel.paging import Page, PageRequest
from persistence.assessment.mapping import FRAMEWORKS, STEPS, STRANDS, framework_from_rows
from persistence.assessment.tables import FrameworkRow, JudgementRow, StepRow, StrandRow
from persistence.organisation.tables import SchoolRow
from persistence.repository import ScopedRepository, fetch_page, versioned_update
from persistence.targets.tables import TargetRow


class SqlFrameworkRepository(ScopedRepository):
    def _visible(self) -> ColumnElement[bool]:
        return or_(
            self.scope.schools(FrameworkRow.school_id),
            self.scope.trusts(FrameworkRow.trust_id),
        )

    async def _hydrate(self, rows: Sequence[FrameworkRow]) -> list[Framework]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        strands: dict[uuid.UUID, list[StrandRow]] = defaultdict(list)
        steps: dict[uuid.UUID, list[StepRow]] = defaultdict(list)
        for s in (
            await self.session.execute(
                select(StrandRow).where(col(StrandRow.framework_id).in_(ids))
            )
        ).scalars():
            strands[s.framework_id].append(s)
        for p in (
            await self.session.execute(select(StepRow).where(col(StepRow.framework_id).in_(ids)))
        ).scalars():
            steps[p.framework_id].append(p)
        return [framework_from_rows(r, strands[r.id], steps[r.id]) for r in rows]

    async def get(self, framework_id: uuid.UUID) -> Framework | None:
        found = await self.get_many([framework_id])
        return found[0] if found else None

    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[Framework]:
        stmt = select(FrameworkRow).where(col(FrameworkRow.id).in_(ids), self._visible())
        return await self._hydrate((await self.session.execute(stmt)).scalars().all())

    async def for_strands(self, strand_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Framework]:
        pairs = (
            await self.session.execute(
                select(col(StrandRow.id), col(StrandRow.framework_id)).where(
                    col(StrandRow.id).in_(strand_ids)
                )
            )
        ).all()
        frameworks = {f.id: f for f in await self.get_many(sorted({fid for _, fid in pairs}))}
        return {sid: frameworks[fid] for sid, fid in pairs if fid in frameworks}

    async def add(self, framework: Framework) -> None:
        await self.session.execute(insert(FrameworkRow).values(**FRAMEWORKS.values(framework)))
        await self._add_children(framework, framework.strands, framework.steps)

    async def _add_children(
        self, framework: Framework, strands: Sequence[Strand], steps: Sequence[Step]
    ) -> None:
        if strands:
            await self.session.execute(
                insert(StrandRow), [STRANDS.values(s, framework_id=framework.id) for s in strands]
            )
        if steps:
            await self.session.execute(
                insert(StepRow), [STEPS.values(s, framework_id=framework.id) for s in steps]
            )

    async def update(self, framework: Framework, previous_version: int) -> None:
        """Updates the name and adds new strands and steps; existing ones are never rewritten."""
        await versioned_update(
            self.session,
            FrameworkRow,
            [col(FrameworkRow.id) == framework.id],
            previous_version,
            FRAMEWORKS.values(framework),
            "framework",
        )
        existing_strands = set(
            (
                await self.session.execute(
                    select(col(StrandRow.id)).where(StrandRow.framework_id == framework.id)
                )
            ).scalars()
        )
        existing_steps = set(
            (
                await self.session.execute(
                    select(col(StepRow.id)).where(StepRow.framework_id == framework.id)
                )
            ).scalars()
        )
        await self._add_children(
            framework,
            [s for s in framework.strands if s.id not in existing_strands],
            [s for s in framework.steps if s.id not in existing_steps],
        )

    async def delete(self, framework: Framework) -> None:
        await self.session.execute(
            delete(FrameworkRow).where(col(FrameworkRow.id) == framework.id, self._visible())
        )

    async def in_use(self, framework_id: uuid.UUID) -> bool:
        """Rows hidden from the caller by RLS are not counted; the foreign keys still refuse."""
        strand_ids = select(col(StrandRow.id)).where(StrandRow.framework_id == framework_id)
        used = select(
            exists().where(col(JudgementRow.strand_id).in_(strand_ids))
            | exists().where(col(TargetRow.strand_id).in_(strand_ids))
        )
        return bool((await self.session.execute(used)).scalar())

    async def matching(self, filter: FrameworkFilter, page: PageRequest) -> Page[Framework]:
        stmt = select(FrameworkRow).where(self._visible())
        if filter.school_id is not None:
            school_trust = (
                select(col(SchoolRow.trust_id))
                .where(SchoolRow.id == filter.school_id)
                .scalar_subquery()
            )
            stmt = stmt.where(
                or_(
                    col(FrameworkRow.school_id) == filter.school_id,
                    col(FrameworkRow.trust_id) == school_trust,
                )
            )
        if filter.trust_id is not None:
            stmt = stmt.where(FrameworkRow.trust_id == filter.trust_id)
        rows, after = await fetch_page(self.session, stmt, FrameworkRow.id, page)
        return Page(await self._hydrate(rows), after)

    async def steps(self, step_ids: Sequence[uuid.UUID]) -> list[Step]:
        stmt = (
            select(StepRow)
            .join(FrameworkRow, col(FrameworkRow.id) == StepRow.framework_id)
            .where(col(StepRow.id).in_(step_ids), self._visible())
        )
        return [STEPS.entity(r) for r in (await self.session.execute(stmt)).scalars()]

    async def strands(self, strand_ids: Sequence[uuid.UUID]) -> list[Strand]:
        stmt = (
            select(StrandRow)
            .join(FrameworkRow, col(FrameworkRow.id) == StrandRow.framework_id)
            .where(col(StrandRow.id).in_(strand_ids), self._visible())
        )
        return [STRANDS.entity(r) for r in (await self.session.execute(stmt)).scalars()]
