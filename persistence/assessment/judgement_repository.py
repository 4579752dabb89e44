"""Judgements and their revisions."""

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, insert
from sqlmodel import col, select

from domain.assessment.judgement import Judgement, JudgementRevision
from domain.assessment.ports import JudgementFilter
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from persistence.assessment.mapping import JUDGEMENT_REVISIONS, JUDGEMENTS
from persistence.assessment.tables import JudgementRevisionRow, JudgementRow
from persistence.pupils.tables import PupilRow
from persistence.repository import ScopedRepository, fetch_page, pages_per_parent, versioned_update


class SqlJudgementRepository(ScopedRepository):
    async def get(self, judgement_id: uuid.UUID) -> Judgement | None:
        stmt = select(JudgementRow).where(
            col(JudgementRow.id) == judgement_id, self.scope.schools(JudgementRow.school_id)
        )
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return JUDGEMENTS.entity(row) if row else None

    async def find(
        self, pupil_id: uuid.UUID, strand_id: uuid.UUID, module_id: uuid.UUID
    ) -> Judgement | None:
        stmt = select(JudgementRow).where(
            self.scope.schools(JudgementRow.school_id),
            col(JudgementRow.pupil_id) == pupil_id,
            col(JudgementRow.strand_id) == strand_id,
            col(JudgementRow.module_id) == module_id,
        )
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return JUDGEMENTS.entity(row) if row else None

    async def add(self, judgement: Judgement) -> None:
        await self.session.execute(insert(JudgementRow).values(**JUDGEMENTS.values(judgement)))

    async def add_many(self, judgements: Sequence[Judgement]) -> None:
        """One executemany for bulk loads; the caller has validated each judgement."""
        if judgements:
            await self.session.execute(
                insert(JudgementRow), [JUDGEMENTS.values(j) for j in judgements]
            )

    async def update(self, judgement: Judgement, previous_version: int) -> None:
        await versioned_update(
            self.session,
            JudgementRow,
            [
                col(JudgementRow.school_id) == judgement.school_id,
                col(JudgementRow.id) == judgement.id,
            ],
            previous_version,
            JUDGEMENTS.values(judgement),
            "judgement",
        )

    async def delete(self, judgement: Judgement) -> None:
        await self.session.execute(
            delete(JudgementRow).where(
                col(JudgementRow.school_id) == judgement.school_id,
                col(JudgementRow.id) == judgement.id,
            )
        )

    async def add_revision(self, school_id: uuid.UUID, revision: JudgementRevision) -> None:
        values = JUDGEMENT_REVISIONS.values(revision, school_id=school_id, id=new_id())
        await self.session.execute(insert(JudgementRevisionRow).values(**values))

    async def revisions(
        self, judgement_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[JudgementRevision]]:
        """Each judgement's previous states, oldest first (one query for the whole batch)."""
        stmt = (
            select(JudgementRevisionRow)
            .where(
                col(JudgementRevisionRow.judgement_id).in_(judgement_ids),
                self.scope.schools(JudgementRevisionRow.school_id),
            )
            .order_by(col(JudgementRevisionRow.changed_at), col(JudgementRevisionRow.id))
        )
        grouped: dict[uuid.UUID, list[JudgementRevision]] = {jid: [] for jid in judgement_ids}
        for row in (await self.session.execute(stmt)).scalars():
            grouped[row.judgement_id].append(JUDGEMENT_REVISIONS.entity(row))
        return grouped

    async def matching(self, filter: JudgementFilter, page: PageRequest) -> Page[Judgement]:
        stmt = select(JudgementRow).where(self.scope.schools(JudgementRow.school_id))
        for column, value in (
            (JudgementRow.school_id, filter.school_id),
            (JudgementRow.pupil_id, filter.pupil_id),
            (JudgementRow.strand_id, filter.strand_id),
            (JudgementRow.module_id, filter.module_id),
            (JudgementRow.kind, filter.kind.value if filter.kind else None),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        if filter.year_group is not None or filter.pathway is not None:
            stmt = stmt.join(
                PupilRow,
                (col(PupilRow.school_id) == JudgementRow.school_id)
                & (col(PupilRow.id) == JudgementRow.pupil_id),
            )
            if filter.year_group is not None:
                stmt = stmt.where(PupilRow.year_group == filter.year_group)
            if filter.pathway is not None:
                stmt = stmt.where(PupilRow.pathway == filter.pathway)
        rows, after = await fetch_page(self.session, stmt, JudgementRow.id, page)
        return Page([JUDGEMENTS.entity(r) for r in rows], after)

    async def for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], module_id: uuid.UUID | None = None
    ) -> dict[uuid.UUID, list[Judgement]]:
        stmt = select(JudgementRow).where(
            col(JudgementRow.pupil_id).in_(pupil_ids), self.scope.schools(JudgementRow.school_id)
        )
        if module_id is not None:
            stmt = stmt.where(JudgementRow.module_id == module_id)
        grouped: dict[uuid.UUID, list[Judgement]] = defaultdict(list)
        for row in (
            await self.session.execute(
                stmt.order_by(col(JudgementRow.assessed_on), col(JudgementRow.id))
            )
        ).scalars():
            grouped[row.pupil_id].append(JUDGEMENTS.entity(row))
        return {pid: grouped.get(pid, []) for pid in pupil_ids}

    async def pages_for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], filter: JudgementFilter, page: PageRequest
    ) -> dict[uuid.UUID, Page[Judgement]]:
        """One page of each pupil's judgements (by strand, module and kind), in one query."""
        where = [self.scope.schools(JudgementRow.school_id)]
        for column, value in (
            (JudgementRow.strand_id, filter.strand_id),
            (JudgementRow.module_id, filter.module_id),
            (JudgementRow.kind, filter.kind.value if filter.kind else None),
        ):
            if value is not None:
                where.append(col(column) == value)
        pages = await pages_per_parent(
            self.session, JudgementRow, where, JudgementRow.pupil_id, pupil_ids, page
        )
        return {
            pupil_id: Page([JUDGEMENTS.entity(r) for r in rows], after)
            for pupil_id, (rows, after) in pages.items()
        }
