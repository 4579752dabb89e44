"""The ProgressQueries port in SQL: facts and cohort counts computed by PostgreSQL."""

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics.flags import FlagCheck, FlagQuery, Worklist
from domain.analytics.progress import (
    AssessmentPoint,
    Band,
    BandCounts,
    GroupCounts,
    ProgressFact,
    ProgressModel,
    ReferenceCell,
)
from domain.kernel.paging import Page, PageRequest
from domain.targets.target_progress import TargetProgress, TargetProgressQuery, TrackStatus
from domain.targets.target_suggestion import PupilSuggestions, SuggestionQuery
from persistence.analytics.cohort import cohort_sql
from persistence.analytics.facts import FACT_COLUMNS, FactsQuery, facts_ctes
from persistence.analytics.flags import check_of, checks_sql, counts_of, params, worklist_sql
from persistence.analytics.partitions import Partitions
from persistence.analytics.reference import REFERENCE_SQL, ReferenceQuery
from persistence.repository import ScopedRepository
from persistence.scope import Scope
from persistence.targets import target_progress_sql as targets
from persistence.targets import target_suggestion_sql as suggestions


class SqlProgressQueries(ScopedRepository):
    def __init__(
        self, session: AsyncSession, scope: Scope, partitions: Partitions | None = None
    ) -> None:
        super().__init__(session, scope)
        self.partitions = partitions

    def _query(
        self,
        point: AssessmentPoint,
        school_ids: Sequence[uuid.UUID],
        current_year_start: int,
        strand_id: uuid.UUID | None,
        pupil_id: uuid.UUID | None,
    ) -> FactsQuery:
        visible = [
            s for s in school_ids if self.scope.school_ids is None or s in self.scope.school_ids
        ]
        return FactsQuery(
            school_ids=tuple(visible),
            academic_year=point.academic_year,
            sequence=point.sequence,
            current_year_start=current_year_start,
            strand_id=strand_id,
            pupil_id=pupil_id,
        )

    async def facts(
        self,
        point: AssessmentPoint,
        school_ids: Sequence[uuid.UUID],
        current_year_start: int,
        strand_id: uuid.UUID | None = None,
        pupil_id: uuid.UUID | None = None,
    ) -> list[ProgressFact]:
        query = self._query(point, school_ids, current_year_start, strand_id, pupil_id)
        sql = facts_ctes(query) + f"SELECT {FACT_COLUMNS} FROM facts ORDER BY pupil_id, strand_id"
        rows = (await self.session.execute(text(sql), query.params())).all()
        return [
            ProgressFact(
                pupil_id=r.pupil_id,
                school_id=r.school_id,
                strand_id=r.strand_id,
                framework_id=r.framework_id,
                latest_step_id=r.step_id,
                latest_value=r.latest_value,
                latest_on=r.assessed_on,
                baseline_step_id=r.baseline_step_id,
                baseline_value=r.baseline_value,
                baseline_on=r.baseline_on,
                gain=r.gain,
                days_on_roll=r.days_on_roll,
                expected_gain=r.expected_gain,
                band=Band(r.band),
                model_id=r.model_id,
                model_label=r.model_label,
            )
            for r in rows
        ]

    async def reference_cells(
        self,
        model: ProgressModel,
        school_ids: Sequence[uuid.UUID],
        academic_years: Sequence[str],
    ) -> list[ReferenceCell]:
        visible = tuple(
            s for s in school_ids if self.scope.school_ids is None or s in self.scope.school_ids
        )
        query = ReferenceQuery(
            school_ids=visible,
            framework_id=model.framework_id,
            academic_years=tuple(academic_years),
            start_band_width=model.start_band_width,
            age_band_years=model.age_band_years,
            match_primary_need=model.match_primary_need,
        )
        rows = (await self.session.execute(text(REFERENCE_SQL), query.params())).all()
        return [
            ReferenceCell(
                strand_id=r.strand_id,
                start_band=r.start_band,
                age_band=r.age_band,
                primary_need=r.primary_need,
                learners=r.learners,
                p25=r.p25,
                p50=r.p50,
                p75=r.p75,
                p90=r.p90,
            )
            for r in rows
        ]

    async def cohort(
        self,
        point: AssessmentPoint,
        school_ids: Sequence[uuid.UUID],
        current_year_start: int,
        strand_id: uuid.UUID | None,
        dimensions: Sequence[str],
    ) -> list[GroupCounts]:
        query = self._query(point, school_ids, current_year_start, strand_id, None)
        partitions = self.partitions
        parts = partitions.split(query.school_ids) if partitions else []
        if partitions is None or len(parts) < 2:
            return await self._cohort_whole(query, dimensions)
        async with partitions.admitted() as split:
            if not split:  # the pool is busy with other split analyses: one statement
                return await self._cohort_whole(query, dimensions)
            # several schools: counted in parts, concurrently, and added up
            queries = [replace(query, school_ids=part) for part in parts]
            results = await partitions.fetch_all(
                self.session,
                self.scope,
                [(text(cohort_sql(q, tuple(dimensions))), q.params()) for q in queries],
            )
        totals: dict[tuple[str, str | None], BandCounts] = {}
        for group in _group_counts([row for rows in results for row in rows]):
            key = (group.dimension, group.value)
            totals[key] = totals[key] + group.counts if key in totals else group.counts
        return [GroupCounts(d, v, counts) for (d, v), counts in totals.items()]

    async def _cohort_whole(
        self, query: FactsQuery, dimensions: Sequence[str]
    ) -> list[GroupCounts]:
        sql = text(cohort_sql(query, tuple(dimensions)))
        return _group_counts((await self.session.execute(sql, query.params())).all())

    def _flag_scope(self, query: FlagQuery) -> FlagQuery:
        """The query narrowed to the schools this unit of work may read."""

        def seen(ids: tuple[uuid.UUID, ...]) -> tuple[uuid.UUID, ...]:
            allowed = self.scope.school_ids
            return tuple(s for s in ids if allowed is None or s in allowed)

        return replace(
            query, school_ids=seen(query.school_ids), pool_school_ids=seen(query.pool_school_ids)
        )

    async def flag_checks(self, query: FlagQuery) -> list[FlagCheck]:
        query = self._flag_scope(query)
        rows = (await self.session.execute(text(checks_sql(query)), params(query))).all()
        return [check_of(r) for r in rows]

    async def flag_worklist(self, query: FlagQuery) -> Worklist:
        query = self._flag_scope(query)
        rows = (await self.session.execute(text(worklist_sql(query)), params(query))).all()
        return Worklist(
            counts=counts_of(rows[0]),
            checks=[check_of(r) for r in rows if r.pupil_id is not None],
        )

    def _visible(self, school_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        visible = self.scope.school_ids
        return [s for s in school_ids if visible is None or s in visible]

    async def target_progress(
        self, query: TargetProgressQuery, page: PageRequest
    ) -> Page[TargetProgress]:
        return await targets.progress_page(
            self.session, query, self._visible(query.school_ids), page
        )

    async def target_progress_counts(self, query: TargetProgressQuery) -> dict[TrackStatus, int]:
        return await targets.progress_counts(self.session, query, self._visible(query.school_ids))

    async def target_suggestions(
        self, query: SuggestionQuery, page: PageRequest | None = None
    ) -> Page[PupilSuggestions]:
        return await suggestions.suggestions_page(
            self.session, query, self._visible(query.school_ids), page
        )


def _group_counts(rows: Sequence[Any]) -> list[GroupCounts]:
    return [
        GroupCounts(
            dimension=r.dimension,
            value=r.value,
            counts=BandCounts(
                judged=r.judged,
                measured=r.measured,
                expected_or_better=r.expected_or_better,
                above_or_better=r.above_or_better,
                accelerated=r.accelerated,
            ),
        )
        for r in rows
    ]
