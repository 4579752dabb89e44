"""The SummaryQueries port in SQL: attendance, pass rates, measures and destinations
counted by PostgreSQL, for the schools asked about that the caller's scope includes."""

import uuid
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import text

from domain.outcomes.attendance import (
    AttendanceCounts,
    AttendanceQuery,
    GroupAttendance,
    PupilAttendance,
)
from domain.outcomes.destination import CategoryCount, DestinationCategory, LeaverQuery
from domain.outcomes.measure import MeasureCounts, MeasureQuery
from domain.outcomes.qualification import PassCounts, PassRateQuery
from persistence.outcomes import attendance_sql as attendance
from persistence.outcomes import leavers_sql as leavers
from persistence.outcomes import measures_sql as measures
from persistence.outcomes import pass_rates_sql as pass_rates
from persistence.repository import ScopedRepository


class SqlSummaryQueries(ScopedRepository):
    def _visible(self, school_ids: Sequence[uuid.UUID]) -> tuple[uuid.UUID, ...]:
        return tuple(
            s for s in school_ids if self.scope.school_ids is None or s in self.scope.school_ids
        )

    async def attendance_of_pupils(self, query: AttendanceQuery) -> list[PupilAttendance]:
        query = replace(query, school_ids=self._visible(query.school_ids))
        rows = await self.session.execute(text(attendance.PUPILS_SQL), attendance.params(query))
        return [
            PupilAttendance(
                r.pupil_id,
                r.school_id,
                AttendanceCounts(
                    r.present, r.approved, r.authorised, r.unauthorised, r.not_counted
                ),
            )
            for r in rows
        ]

    async def attendance_of_groups(self, query: AttendanceQuery) -> list[GroupAttendance]:
        query = replace(query, school_ids=self._visible(query.school_ids))
        rows = await self.session.execute(
            text(attendance.groups_sql(query)), attendance.params(query)
        )
        return [
            GroupAttendance(
                r.dimension,
                r.value,
                r.pupils,
                AttendanceCounts(
                    r.present, r.approved, r.authorised, r.unauthorised, r.not_counted
                ),
                r.persistent,
                r.severe,
            )
            for r in rows
        ]

    async def pass_rates(self, query: PassRateQuery) -> list[PassCounts]:
        query = replace(query, school_ids=self._visible(query.school_ids))
        rows = await self.session.execute(
            text(pass_rates.pass_rates_sql(query)), pass_rates.params(query)
        )
        return [PassCounts(r.value, r.total, r.completed, r.passed, r.pupils) for r in rows]

    async def measure(self, query: MeasureQuery) -> list[MeasureCounts]:
        query = replace(query, school_ids=self._visible(query.school_ids))
        rows = await self.session.execute(text(measures.measure_sql(query)), measures.params(query))
        return [
            MeasureCounts(r.dimension, r.value, r.leavers, r.counted, r.qualifying) for r in rows
        ]

    async def destinations(self, query: LeaverQuery) -> list[CategoryCount]:
        query = replace(query, school_ids=self._visible(query.school_ids))
        rows = await self.session.execute(
            text(leavers.destinations_sql(query)), leavers.params(query)
        )
        return [
            CategoryCount(DestinationCategory(r.category), r.leavers, r.sustained, r.not_sustained)
            for r in rows
        ]
