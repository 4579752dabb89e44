"""Register marks: written in batches as one upsert, listed by school, pupil and dates."""

from collections.abc import Sequence

from sqlalchemy import text
from sqlmodel import col, select

from domain.kernel.paging import Page, PageRequest
from domain.outcomes.attendance import AttendanceMark, MarksWritten
from domain.outcomes.ports import AttendanceFilter
from persistence.outcomes.mapping import MARKS
from persistence.outcomes.tables import AttendanceMarkRow
from persistence.repository import ScopedRepository, fetch_page

#: One statement for the whole batch (arrays keep it to six parameters, however many marks).
#: A mark already as sent is left alone, so re-sending a batch writes nothing; `xmax = 0`
#: tells a new row from an updated one.
_UPSERT = text(
    """
    INSERT INTO attendance_marks AS m (school_id, id, pupil_id, session_date, session, code)
    SELECT * FROM unnest(
        CAST(:school_ids AS uuid[]), CAST(:ids AS uuid[]), CAST(:pupil_ids AS uuid[]),
        CAST(:dates AS date[]), CAST(:sessions AS text[]), CAST(:codes AS text[])
    )
    ON CONFLICT (school_id, pupil_id, session_date, session)
    DO UPDATE SET code = EXCLUDED.code WHERE m.code IS DISTINCT FROM EXCLUDED.code
    RETURNING (xmax = 0) AS created
    """
)


class SqlAttendanceRepository(ScopedRepository):
    async def upsert(self, marks: Sequence[AttendanceMark]) -> MarksWritten:
        params = {
            "school_ids": [m.school_id for m in marks],
            "ids": [m.id for m in marks],
            "pupil_ids": [m.pupil_id for m in marks],
            "dates": [m.date for m in marks],
            "sessions": [m.session.value for m in marks],
            "codes": [m.code for m in marks],
        }
        written = (await self.session.execute(_UPSERT, params)).scalars().all()
        created = sum(1 for c in written if c)
        updated = len(written) - created
        return MarksWritten(len(marks), created, updated, len(marks) - len(written))

    async def matching(self, filter: AttendanceFilter, page: PageRequest) -> Page[AttendanceMark]:
        stmt = select(AttendanceMarkRow).where(self.scope.schools(AttendanceMarkRow.school_id))
        if filter.school_id is not None:
            stmt = stmt.where(col(AttendanceMarkRow.school_id) == filter.school_id)
        if filter.pupil_id is not None:
            stmt = stmt.where(col(AttendanceMarkRow.pupil_id) == filter.pupil_id)
        if filter.date_from is not None:
            stmt = stmt.where(col(AttendanceMarkRow.session_date) >= filter.date_from)
        if filter.date_to is not None:
            stmt = stmt.where(col(AttendanceMarkRow.session_date) <= filter.date_to)
        rows, after = await fetch_page(self.session, stmt, AttendanceMarkRow.id, page)
        return Page([MARKS.entity(r) for r in rows], after)
