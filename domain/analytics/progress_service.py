"""Use cases for progress: one pupil's progress per strand, and cohort analysis by group.

The counting happens in the database (ProgressQueries); these use cases decide who may
ask about which schools, then turn counts into the percentages schools publish:
cumulative (expected-or-better includes above and accelerated), rounded half-up,
each group against the whole cohort, and the same module last year beside it.
"""

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from domain.analytics.data_quality import MissingReport
from domain.analytics.ports import HasProgress, HasQuality
from domain.analytics.progress import (
    DIMENSIONS,
    AssessmentPoint,
    BandCounts,
    GroupCounts,
    ProgressFact,
)
from domain.assessment.ports import HasFrameworks, HasModules, ModuleFilter
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import InvariantViolation, Problem, invalid
from domain.kernel.paging import PageRequest
from domain.kernel.references import found
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools, SchoolFilter
from domain.pupils.ports import HasPupils
from domain.pupils.references import require_filter_scope


class ProgressWork(
    HasFrameworks, HasModules, HasProgress, HasPupils, HasQuality, HasSchools, Transaction, Protocol
):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class Percentages:
    expected_or_better: float
    above_or_better: float
    accelerated: float


@dataclass(frozen=True, slots=True)
class GroupResult:
    """A group's counts and percentages (None when nothing was measured or the group is
    suppressed as too small), and its gap to the whole cohort in percentage points."""

    dimension: str
    value: str | None
    counts: BandCounts
    percentages: Percentages | None
    gap: Percentages | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class CohortSnapshot:
    point: AssessmentPoint
    cohort: GroupResult
    groups: list[GroupResult]


@dataclass(frozen=True, slots=True)
class CohortReport:
    school_ids: list[uuid.UUID]
    strand_id: uuid.UUID | None
    this_year: CohortSnapshot
    last_year: CohortSnapshot | None
    change: Percentages | None  # the cohort this year minus last year, percentage points


@dataclass(frozen=True, slots=True)
class CohortRequest:
    point: AssessmentPoint
    school_id: uuid.UUID | None = None
    trust_id: uuid.UUID | None = None
    strand_id: uuid.UUID | None = None
    dimensions: tuple[str, ...] = DIMENSIONS
    compare_last_year: bool = True
    decimals: int = 0
    min_group_size: int = 0


def percent(part: int, whole: int, decimals: int) -> float:
    """100 * part / whole rounded half-up (43/53 -> 81, 20/53 -> 38, 8/53 -> 15)."""
    exact = Decimal(100 * part) / Decimal(whole)
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _percentages(counts: BandCounts, decimals: int) -> Percentages | None:
    if counts.measured == 0:
        return None
    n = counts.measured
    return Percentages(
        expected_or_better=percent(counts.expected_or_better, n, decimals),
        above_or_better=percent(counts.above_or_better, n, decimals),
        accelerated=percent(counts.accelerated, n, decimals),
    )


def _difference(a: Percentages | None, b: Percentages | None, decimals: int) -> Percentages | None:
    if a is None or b is None:
        return None
    return Percentages(
        expected_or_better=round(a.expected_or_better - b.expected_or_better, decimals),
        above_or_better=round(a.above_or_better - b.above_or_better, decimals),
        accelerated=round(a.accelerated - b.accelerated, decimals),
    )


def snapshot(
    point: AssessmentPoint, rows: list[GroupCounts], decimals: int, min_group_size: int
) -> CohortSnapshot:
    """Percentages for the cohort and every group, each group's gap to the cohort."""
    empty = BandCounts(0, 0, 0, 0, 0)
    cohort_counts = next((r.counts for r in rows if r.dimension == ""), empty)
    cohort_percentages = _percentages(cohort_counts, decimals)
    cohort = GroupResult("", None, cohort_counts, cohort_percentages, None, False)
    groups = []
    for row in sorted((r for r in rows if r.dimension), key=lambda r: (r.dimension, r.value or "")):
        suppressed = row.counts.measured < min_group_size
        shown = None if suppressed else _percentages(row.counts, decimals)
        groups.append(
            GroupResult(
                row.dimension,
                row.value,
                empty if suppressed else row.counts,
                shown,
                _difference(shown, cohort_percentages, decimals),
                suppressed,
            )
        )
    return CohortSnapshot(point, cohort, groups)


async def analysis_schools(
    uow: ProgressWork, actor: Principal, school_id: uuid.UUID | None, trust_id: uuid.UUID | None
) -> list[uuid.UUID]:
    """The schools an analysis covers: one school, one trust's, or all the caller sees."""
    actor.require(Permission.READ_ANALYTICS)
    await require_filter_scope(uow, actor, school_id=school_id, trust_id=trust_id)
    if school_id is not None:
        return [found(await uow.schools.get(school_id), "school", school_id).id]
    page = await uow.schools.matching(SchoolFilter(trust_id=trust_id), PageRequest(limit=500))
    return sorted(s.id for s in page.items)


def _previous(point: AssessmentPoint) -> AssessmentPoint:
    year = AcademicYear.parse(point.academic_year).previous()
    return AssessmentPoint(year.label, point.sequence)


def _checked(request: CohortRequest) -> None:
    problems = []
    if unknown := set(request.dimensions) - set(DIMENSIONS):
        problems.append(
            Problem("group_by", f"unknown groups: {', '.join(sorted(unknown))}", "dimension")
        )
    if not 0 <= request.decimals <= 2:
        problems.append(Problem("decimals", "0, 1 or 2", "range"))
    if request.min_group_size < 0:
        problems.append(Problem("min_group_size", "must not be negative", "range"))
    AcademicYear.parse(request.point.academic_year)
    if problems:
        raise InvariantViolation(problems)


async def cohort_analysis(
    uow: ProgressWork, actor: Principal, request: CohortRequest, clock: Clock = SYSTEM_CLOCK
) -> CohortReport:
    _checked(request)
    current = AcademicYear.containing(clock.today()).start_year
    async with uow:
        schools = await analysis_schools(uow, actor, request.school_id, request.trust_id)
        rows = await uow.progress.cohort(
            request.point, schools, current, request.strand_id, request.dimensions
        )
        earlier = None
        if request.compare_last_year:
            earlier = await uow.progress.cohort(
                _previous(request.point), schools, current, request.strand_id, request.dimensions
            )
    this_year = snapshot(request.point, rows, request.decimals, request.min_group_size)
    last_year = (
        snapshot(_previous(request.point), earlier, request.decimals, request.min_group_size)
        if earlier is not None
        else None
    )
    change = (
        _difference(this_year.cohort.percentages, last_year.cohort.percentages, request.decimals)
        if last_year is not None
        else None
    )
    return CohortReport(schools, request.strand_id, this_year, last_year, change)


async def latest_point(
    uow: ProgressWork, school_id: uuid.UUID, clock: Clock = SYSTEM_CLOCK
) -> AssessmentPoint:
    """The school's most recent module that has ended (the default "as at")."""
    page = await uow.modules.matching(ModuleFilter(school_id=school_id), PageRequest(limit=500))
    ended = [m for m in page.items if m.ends_on <= clock.today()]
    if not ended:
        raise invalid("module", "the school has no module that has ended yet", "module")
    last = max(ended, key=lambda m: m.ends_on)
    return AssessmentPoint(last.academic_year.label, last.sequence)


async def pupil_progress(
    uow: ProgressWork,
    actor: Principal,
    pupil_id: uuid.UUID,
    point: AssessmentPoint | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> tuple[AssessmentPoint, list[ProgressFact]]:
    """Each strand's baseline, latest step, gain, time on roll, expected gain and band."""
    actor.require(Permission.READ_ANALYTICS)
    if point is not None:
        AcademicYear.parse(point.academic_year)
    current = AcademicYear.containing(clock.today()).start_year
    async with uow:
        pupil = found(await uow.pupils.get(pupil_id, include_deleted=True), "pupil", pupil_id)
        point = point or await latest_point(uow, pupil.school_id, clock)
        facts = await uow.progress.facts(point, [pupil.school_id], current, pupil_id=pupil.id)
    return point, facts


async def missing_judgements(
    uow: ProgressWork,
    actor: Principal,
    point: AssessmentPoint,
    school_id: uuid.UUID | None = None,
    trust_id: uuid.UUID | None = None,
    strand_id: uuid.UUID | None = None,
    limit: int = 500,
) -> MissingReport:
    """Pupils on roll at the point who lack a judgement on a strand their school uses for them."""
    AcademicYear.parse(point.academic_year)
    if not 1 <= limit <= 5000:
        raise invalid("limit", "between 1 and 5000", "range")
    async with uow:
        schools = await analysis_schools(uow, actor, school_id, trust_id)
        items, by_strand = await uow.quality.missing_judgements(point, schools, strand_id, limit)
    return MissingReport(point, schools, sum(by_strand.values()), by_strand, items)


async def school_facts(
    uow: ProgressWork,
    actor: Principal,
    keys: list[tuple[uuid.UUID, AssessmentPoint]],
    clock: Clock = SYSTEM_CLOCK,
) -> dict[tuple[uuid.UUID, AssessmentPoint], list[ProgressFact]]:
    """Every pupil's facts per (school, point), one query per point: for data loaders."""
    actor.require(Permission.READ_ANALYTICS)
    current = AcademicYear.containing(clock.today()).start_year
    by_point: dict[AssessmentPoint, list[uuid.UUID]] = {}
    for school_id, point in keys:
        AcademicYear.parse(point.academic_year)
        by_point.setdefault(point, []).append(school_id)
    found: dict[tuple[uuid.UUID, AssessmentPoint], list[ProgressFact]] = {key: [] for key in keys}
    async with uow:
        for point, schools in by_point.items():
            for fact in await uow.progress.facts(point, sorted(set(schools)), current):
                found[(fact.school_id, point)].append(fact)
    return found
