"""Use cases for attendance: import register marks in batches, and summarise them.

A batch is all or nothing: every mark is checked first (its pupil, code and date, and
that no pupil, date and session appears twice) and one bad row refuses the lot, with a
problem per row naming `marks[i].field`, so an MIS sync can be fixed and sent again.
Sending a mark that is already stored changes nothing, so re-sending a batch is safe.
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.analytics.ports import HasProgress, HasQuality
from domain.analytics.progress_service import analysis_schools, percent
from domain.analytics.suppression import withheld
from domain.assessment.ports import HasFrameworks, HasModules
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import InvariantViolation, Problem, invalid
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools
from domain.outcomes.attendance import (
    ATTENDANCE_DIMENSIONS,
    AttendanceCounts,
    AttendanceMark,
    AttendanceQuery,
    GroupAttendance,
    MarksWritten,
    PupilAttendance,
    Session,
)
from domain.outcomes.ports import AttendanceFilter, HasAttendance, HasSummaries
from domain.pupils.ports import HasPupils
from domain.pupils.references import require_filter_scope


class AttendanceWork(
    HasAttendance,
    HasFrameworks,
    HasModules,
    HasProgress,
    HasPupils,
    HasQuality,
    HasSchools,
    HasSummaries,
    Transaction,
    Protocol,
):
    """What these use cases need of the unit of work."""


#: The most marks one request may carry (a week of a 500-pupil school's registers).
MAX_BATCH = 5_000
#: A refused batch names at most this many problems; the rest are counted.
MAX_PROBLEMS = 1_000


@dataclass(frozen=True, slots=True)
class MarkIn:
    pupil_id: uuid.UUID
    date: dt.date
    session: Session
    code: str


def _repeats(marks: Sequence[MarkIn]) -> dict[int, Problem]:
    first: dict[tuple[uuid.UUID, dt.date, Session], int] = {}
    found: dict[int, Problem] = {}
    for i, m in enumerate(marks):
        key = (m.pupil_id, m.date, m.session)
        if key in first:
            found[i] = Problem(
                f"marks[{i}]",
                f"repeats marks[{first[key]}]: one mark per pupil, date and session",
                "duplicate",
            )
        else:
            first[key] = i
    return found


def _refuse(problems: list[Problem]) -> InvariantViolation:
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = [*problems[:MAX_PROBLEMS], Problem("marks", f"and {more} more", "truncated")]
    return InvariantViolation(problems)


async def record_marks(
    uow: AttendanceWork, actor: Principal, marks: Sequence[MarkIn], clock: Clock = SYSTEM_CLOCK
) -> MarksWritten:
    """Store a batch of marks, replacing the code of any mark already there."""
    actor.require(Permission.WRITE_ROSTER)
    if not 1 <= len(marks) <= MAX_BATCH:
        raise invalid("marks", f"send 1 to {MAX_BATCH} marks", "batch.size")
    today = clock.today()
    repeats = _repeats(marks)
    problems: list[Problem] = []
    made: list[AttendanceMark] = []
    async with uow:
        # leavers may be archived by the time their last registers are imported
        pupils = {p.id: p for p in await uow.pupils.get_many(sorted({m.pupil_id for m in marks}))}
        for i, m in enumerate(marks):
            if i in repeats:
                problems.append(repeats[i])
            pupil = pupils.get(m.pupil_id)
            if pupil is None or not actor.can_see(pupil.school_id):
                problems.append(Problem(f"marks[{i}].pupil_id", "no such pupil", "reference"))
                continue
            mark = AttendanceMark(
                new_id(), pupil.school_id, pupil.id, m.date, m.session, m.code.strip().upper()
            )
            problems += mark.problems(today, where=f"marks[{i}].")
            made.append(mark)
        if problems:
            raise _refuse(problems)
        for school_id in {m.school_id for m in made}:
            actor.require(Permission.WRITE_ROSTER, school_id)
        written = await uow.attendance.upsert(made)
        await uow.commit()
    return written


async def list_marks(
    uow: AttendanceWork, actor: Principal, filter: AttendanceFilter, page: PageRequest
) -> Page[AttendanceMark]:
    actor.require(Permission.READ_ROSTER)
    if filter.date_from and filter.date_to and filter.date_to < filter.date_from:
        raise invalid("to", "is before from", "date.order")
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id, pupil_id=filter.pupil_id)
        return await uow.attendance.matching(filter, page)


# --- summary ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttendanceRequest:
    school_id: uuid.UUID | None = None
    trust_id: uuid.UUID | None = None
    date_from: dt.date | None = None  # default: the start of the academic year of date_to
    date_to: dt.date | None = None  # default: today
    dimensions: tuple[str, ...] = ATTENDANCE_DIMENSIONS
    comparator: float | None = None  # e.g. the national figure for special schools, 87.0
    decimals: int = 1
    min_group_size: int = 0
    include_pupils: bool = True


@dataclass(frozen=True, slots=True)
class Rates:
    """Attendance and absence as percentages of possible sessions, and the share of pupils
    persistently and severely absent."""

    attendance: float
    absence: float
    persistent: float
    severe: float


@dataclass(frozen=True, slots=True)
class GroupResult:
    """A group's totals (None when withheld as too small), and its attendance minus the
    comparator in percentage points."""

    dimension: str
    value: str | None
    group: GroupAttendance | None
    rates: Rates | None
    difference: float | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class PupilResult:
    attendance: PupilAttendance
    percentage: float | None
    absence: float | None


@dataclass(frozen=True, slots=True)
class AttendanceReport:
    school_ids: list[uuid.UUID]
    date_from: dt.date
    date_to: dt.date
    comparator: float | None
    cohort: GroupResult
    groups: list[GroupResult]
    pupils: list[PupilResult] | None


def _rates(g: GroupAttendance, decimals: int) -> Rates | None:
    possible = g.counts.possible
    if possible == 0 or g.pupils == 0:
        return None
    return Rates(
        attendance=percent(g.counts.attended, possible, decimals),
        absence=percent(g.counts.absent, possible, decimals),
        persistent=percent(g.persistent, g.pupils, decimals),
        severe=percent(g.severe, g.pupils, decimals),
    )


def _result(
    g: GroupAttendance, hidden: bool, comparator: float | None, decimals: int
) -> GroupResult:
    rates = None if hidden else _rates(g, decimals)
    difference = (
        round(rates.attendance - comparator, decimals)
        if rates is not None and comparator is not None
        else None
    )
    return GroupResult(g.dimension, g.value, None if hidden else g, rates, difference, hidden)


def _pupil(p: PupilAttendance, decimals: int) -> PupilResult:
    possible = p.counts.possible
    if possible == 0:
        return PupilResult(p, None, None)
    return PupilResult(
        p,
        percent(p.counts.attended, possible, decimals),
        percent(p.counts.absent, possible, decimals),
    )


def _checked(request: AttendanceRequest, today: dt.date) -> tuple[dt.date, dt.date]:
    problems = []
    if unknown := set(request.dimensions) - set(ATTENDANCE_DIMENSIONS):
        problems.append(
            Problem("group_by", f"unknown groups: {', '.join(sorted(unknown))}", "dimension")
        )
    if not 0 <= request.decimals <= 2:
        problems.append(Problem("decimals", "0, 1 or 2", "range"))
    if request.min_group_size < 0:
        problems.append(Problem("min_group_size", "must not be negative", "range"))
    if request.comparator is not None and not 0 <= request.comparator <= 100:
        problems.append(Problem("comparator", "a percentage, 0 to 100", "range"))
    date_to = request.date_to or today
    date_from = request.date_from or AcademicYear.containing(date_to).starts_on
    if date_to < date_from:
        problems.append(Problem("to", "is before from", "date.order"))
    elif (date_to - date_from).days > 366 * 5:
        problems.append(Problem("from", "a period of at most five years", "range"))
    if problems:
        raise InvariantViolation(problems)
    return date_from, date_to


async def attendance_summary(
    uow: AttendanceWork, actor: Principal, request: AttendanceRequest, clock: Clock = SYSTEM_CLOCK
) -> AttendanceReport:
    """Per pupil and per group: sessions possible, attended and missed, attendance against
    the comparator, and persistent and severe absence. Pupils are named by id only."""
    date_from, date_to = _checked(request, clock.today())
    current = AcademicYear.containing(clock.today()).start_year
    async with uow:
        schools = await analysis_schools(uow, actor, request.school_id, request.trust_id)
        dimensions = tuple(dict.fromkeys(request.dimensions))  # each breakdown once
        query = AttendanceQuery(tuple(schools), date_from, date_to, current, dimensions)
        rows = await uow.summaries.attendance_of_groups(query)
        pupils = await uow.summaries.attendance_of_pupils(query) if request.include_pupils else None
    empty = GroupAttendance("", None, 0, AttendanceCounts(0, 0, 0, 0, 0), 0, 0)
    whole = next((r for r in rows if r.dimension == ""), empty)
    parts = sorted((r for r in rows if r.dimension), key=lambda r: (r.dimension, r.value or ""))
    hidden = withheld(
        [(r.dimension, r.value, r.pupils) for r in [whole, *parts]], request.min_group_size
    )
    decimals, comparator = request.decimals, request.comparator
    return AttendanceReport(
        school_ids=schools,
        date_from=date_from,
        date_to=date_to,
        comparator=comparator,
        cohort=_result(whole, ("", None) in hidden, comparator, decimals),
        groups=[_result(r, (r.dimension, r.value) in hidden, comparator, decimals) for r in parts],
        pupils=[_pupil(p, decimals) for p in pupils] if pupils is not None else None,
    )
