"""Scale targets with their revision history, and outcome targets with evaluations."""

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import insert, tuple_
from sqlmodel import col, select

from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.targets.ports import OutcomeTargetFilter, TargetFilter
from domain.targets.target import (
    CURRENT_STATUSES,
    OutcomeEvaluation,
    OutcomeTarget,
    Target,
    TargetRevision,
    chain_of,
)
from persistence.repository import ScopedRepository, fetch_page, pages_per_parent, versioned_update
from persistence.targets.mapping import (
    EVALUATIONS,
    OUTCOME_TARGETS,
    TARGET_REVISIONS,
    TARGETS,
    outcome_from_rows,
    target_from_rows,
)
from persistence.targets.tables import (
    OutcomeEvaluationRow,
    OutcomeTargetRow,
    TargetRevisionRow,
    TargetRow,
)


class SqlTargetRepository(ScopedRepository):
    async def _hydrate(self, rows: Sequence[TargetRow]) -> list[Target]:
        if not rows:
            return []
        history: dict[uuid.UUID, list[TargetRevisionRow]] = defaultdict(list)
        stmt = select(TargetRevisionRow).where(
            col(TargetRevisionRow.school_id).in_(sorted({r.school_id for r in rows})),
            col(TargetRevisionRow.target_id).in_([r.id for r in rows]),
        )
        for rev in (await self.session.execute(stmt)).scalars():
            history[rev.target_id].append(rev)
        return [target_from_rows(r, history[r.id]) for r in rows]

    async def get(self, target_id: uuid.UUID) -> Target | None:
        stmt = select(TargetRow).where(
            col(TargetRow.id) == target_id, self.scope.schools(TargetRow.school_id)
        )
        rows = (await self.session.execute(stmt)).scalars().all()
        found = await self._hydrate(rows)
        return found[0] if found else None

    async def current(
        self, pupil_id: uuid.UUID, strand_id: uuid.UUID, academic_year: str
    ) -> Target | None:
        stmt = select(TargetRow).where(
            self.scope.schools(TargetRow.school_id),
            col(TargetRow.pupil_id) == pupil_id,
            col(TargetRow.strand_id) == strand_id,
            col(TargetRow.academic_year) == academic_year,
            col(TargetRow.status).in_([s.value for s in CURRENT_STATUSES]),
        )
        found = await self._hydrate((await self.session.execute(stmt)).scalars().all())
        return found[0] if found else None

    async def add(self, target: Target) -> None:
        await self.session.execute(insert(TargetRow).values(**TARGETS.values(target)))

    async def update(self, target: Target, previous_version: int) -> None:
        await versioned_update(
            self.session,
            TargetRow,
            [col(TargetRow.school_id) == target.school_id, col(TargetRow.id) == target.id],
            previous_version,
            TARGETS.values(target),
            "target",
        )

    async def add_revision(self, school_id: uuid.UUID, revision: TargetRevision) -> None:
        values = TARGET_REVISIONS.values(revision, school_id=school_id, id=new_id())
        await self.session.execute(insert(TargetRevisionRow).values(**values))

    async def chains(self, target_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]:
        """Each visible target's chain (see domain.target.chain_of), in three queries for the
        batch: the targets, every target of their pupil/strand/year slots, and their history."""
        asked = select(TargetRow).where(
            col(TargetRow.id).in_(target_ids), self.scope.schools(TargetRow.school_id)
        )
        slots = {
            (r.school_id, r.pupil_id, r.strand_id, r.academic_year)
            for r in (await self.session.execute(asked)).scalars()
        }
        if not slots:
            return {}
        slot = tuple_(
            col(TargetRow.school_id),
            col(TargetRow.pupil_id),
            col(TargetRow.strand_id),
            col(TargetRow.academic_year),
        )
        stmt = select(TargetRow).where(slot.in_(sorted(slots, key=str)))
        family = await self._hydrate((await self.session.execute(stmt)).scalars().all())
        by_slot: dict[tuple[object, ...], list[Target]] = defaultdict(list)
        for t in family:
            by_slot[(t.school_id, t.pupil_id, t.strand_id, t.academic_year)].append(t)
        chains: dict[uuid.UUID, list[Target]] = {}
        for t in family:
            if t.id in target_ids:
                siblings = by_slot[(t.school_id, t.pupil_id, t.strand_id, t.academic_year)]
                chains[t.id] = chain_of(t, siblings)
        return chains

    async def matching(self, filter: TargetFilter, page: PageRequest) -> Page[Target]:
        stmt = select(TargetRow).where(self.scope.schools(TargetRow.school_id))
        for column, value in (
            (TargetRow.school_id, filter.school_id),
            (TargetRow.pupil_id, filter.pupil_id),
            (TargetRow.strand_id, filter.strand_id),
            (TargetRow.academic_year, filter.academic_year.label if filter.academic_year else None),
            (TargetRow.status, filter.status.value if filter.status else None),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        rows, after = await fetch_page(self.session, stmt, TargetRow.id, page)
        return Page(await self._hydrate(rows), after)

    async def for_pupils(self, pupil_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]:
        stmt = select(TargetRow).where(
            col(TargetRow.pupil_id).in_(pupil_ids), self.scope.schools(TargetRow.school_id)
        )
        grouped: dict[uuid.UUID, list[Target]] = {pid: [] for pid in pupil_ids}
        for target in await self._hydrate(
            (await self.session.execute(stmt.order_by(col(TargetRow.id)))).scalars().all()
        ):
            grouped[target.pupil_id].append(target)
        return grouped

    async def pages_for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], filter: TargetFilter, page: PageRequest
    ) -> dict[uuid.UUID, Page[Target]]:
        """One page of each pupil's targets (by strand, year and status), in one query (and
        one more for the page's revision history)."""
        where = [self.scope.schools(TargetRow.school_id)]
        for column, value in (
            (TargetRow.strand_id, filter.strand_id),
            (TargetRow.academic_year, filter.academic_year.label if filter.academic_year else None),
            (TargetRow.status, filter.status.value if filter.status else None),
        ):
            if value is not None:
                where.append(col(column) == value)
        pages = await pages_per_parent(
            self.session, TargetRow, where, TargetRow.pupil_id, pupil_ids, page
        )
        hydrated = {
            t.id: t for t in await self._hydrate([r for rows, _ in pages.values() for r in rows])
        }
        return {
            pupil_id: Page([hydrated[r.id] for r in rows], after)
            for pupil_id, (rows, after) in pages.items()
        }


class SqlOutcomeTargetRepository(ScopedRepository):
    async def _hydrate(self, rows: Sequence[OutcomeTargetRow]) -> list[OutcomeTarget]:
        if not rows:
            return []
        evaluations: dict[uuid.UUID, list[OutcomeEvaluationRow]] = defaultdict(list)
        stmt = select(OutcomeEvaluationRow).where(
            col(OutcomeEvaluationRow.school_id).in_(sorted({r.school_id for r in rows})),
            col(OutcomeEvaluationRow.outcome_id).in_([r.id for r in rows]),
        )
        for e in (await self.session.execute(stmt)).scalars():
            evaluations[e.outcome_id].append(e)
        return [outcome_from_rows(r, evaluations[r.id]) for r in rows]

    async def get(self, outcome_id: uuid.UUID) -> OutcomeTarget | None:
        stmt = select(OutcomeTargetRow).where(
            col(OutcomeTargetRow.id) == outcome_id, self.scope.schools(OutcomeTargetRow.school_id)
        )
        found = await self._hydrate((await self.session.execute(stmt)).scalars().all())
        return found[0] if found else None

    async def add(self, outcome: OutcomeTarget) -> None:
        await self.session.execute(
            insert(OutcomeTargetRow).values(**OUTCOME_TARGETS.values(outcome))
        )

    async def update(self, outcome: OutcomeTarget, previous_version: int) -> None:
        await versioned_update(
            self.session,
            OutcomeTargetRow,
            [
                col(OutcomeTargetRow.school_id) == outcome.school_id,
                col(OutcomeTargetRow.id) == outcome.id,
            ],
            previous_version,
            OUTCOME_TARGETS.values(outcome),
            "outcome target",
        )

    async def add_evaluation(self, outcome: OutcomeTarget, evaluation: OutcomeEvaluation) -> None:
        await self.session.execute(
            insert(OutcomeEvaluationRow).values(
                **EVALUATIONS.values(evaluation, school_id=outcome.school_id, outcome_id=outcome.id)
            )
        )

    async def matching(self, filter: OutcomeTargetFilter, page: PageRequest) -> Page[OutcomeTarget]:
        stmt = select(OutcomeTargetRow).where(self.scope.schools(OutcomeTargetRow.school_id))
        if filter.school_id is not None:
            stmt = stmt.where(OutcomeTargetRow.school_id == filter.school_id)
        if filter.pupil_id is not None:
            stmt = stmt.where(OutcomeTargetRow.pupil_id == filter.pupil_id)
        if filter.status is not None:
            stmt = stmt.where(OutcomeTargetRow.status == filter.status.value)
        rows, after = await fetch_page(self.session, stmt, OutcomeTargetRow.id, page)
        return Page(await self._hydrate(rows), after)
