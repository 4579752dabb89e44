"""The school progress summary: one school's figures at one assessment point, composed from
the use cases that compute each of them (cohort analysis, attendance, pass rates, measures,
destinations, target tracking), so the report and those endpoints cannot disagree.

It needs what they need, analytics read in the school's scope; a report withholds groups
smaller than REPORT_MIN_GROUP_SIZE wherever those use cases can withhold them.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Protocol

from domain.analytics import progress_service
from domain.analytics.ports import HasProgress, HasQuality
from domain.analytics.progress import AssessmentPoint
from domain.analytics.progress_service import Percentages
from domain.assessment.ports import HasFrameworks, HasModules, ModuleFilter
from domain.kernel.access import Principal
from domain.kernel.calendar import AcademicYear, Module
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import InvariantViolation, Problem, invalid
from domain.kernel.paging import PageRequest, every_page
from domain.kernel.references import found
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools, HasTrusts
from domain.outcomes import attendance_service
from domain.outcomes import destination_summary_service as destinations_service
from domain.outcomes import measure_service as measures_service
from domain.outcomes import qualification_service as qualifications_service
from domain.outcomes.ports import (
    HasAttendance,
    HasMeasures,
    HasQualifications,
    HasSummaries,
    MeasureFilter,
)
from domain.pupils.ports import HasPupils
from domain.reports.summaries import (
    REPORT_MIN_GROUP_SIZE,
    VULNERABLE_GROUPS,
    AttendanceSummary,
    DestinationShare,
    GroupSummary,
    LeaverDestinations,
    MeasureFigure,
    MeasureSummary,
    PassRateSummary,
    SchoolSummary,
    StrandSummary,
)
from domain.targets import target_progress_service


class SchoolSummaryWork(
    HasAttendance,
    HasFrameworks,
    HasMeasures,
    HasModules,
    HasProgress,
    HasPupils,
    HasQualifications,
    HasQuality,
    HasSchools,
    HasSummaries,
    HasTrusts,
    Transaction,
    Protocol,
):
    """What these use cases need of the unit of work."""


#: the groups of the cohort analysis a summary asks for
_DIMENSIONS = ("strand", *dict.fromkeys(d for d, _, _ in VULNERABLE_GROUPS))
MAX_MODULE = 20
#: how many ended modules a default looks back through for one with progress to show
MAX_PROBES = 12
#: how a measure's subgroups are named on a report
SUBGROUP_NAMES = {
    "pupil_premium": "Pupil Premium",
    "fsm": "Free school meals",
    "eal": "English as an additional language",
    "looked_after": "Looked after",
    "ehcp": "EHC plan",
    "sen_provision": "SEN provision",
    "primary_need": "Primary need",
    "gender": "Gender",
    "school": "School",
}


@dataclass(frozen=True, slots=True)
class SchoolSummaryRequest:
    school_id: uuid.UUID
    academic_year: str | None = None  # default: the year of the latest module that has ended
    module: int | None = None  # default: the latest module of that year that has ended
    #: the national attendance % to compare with (an adapter's setting, e.g. 87.0)
    national_attendance: float = 87.0


@dataclass(frozen=True, slots=True)
class ReportPlace:
    """Where a report stands: the school, its module and the year of results it shows."""

    school_id: uuid.UUID
    school_name: str
    module: Module
    results_year: AcademicYear

    @property
    def point(self) -> AssessmentPoint:
        return AssessmentPoint(self.module.academic_year.label, self.module.sequence)


def checked(academic_year: str | None, module: int | None, national: float) -> None:
    """Refuse a malformed year, a module out of range or a comparator that is not a %."""
    problems = []
    if academic_year is not None:
        try:
            AcademicYear.parse(academic_year)
        except InvariantViolation as error:
            problems += error.problems
    if module is not None and not 1 <= module <= MAX_MODULE:
        problems.append(Problem("module", f"between 1 and {MAX_MODULE}", "range"))
    if not 0 <= national <= 100:
        problems.append(Problem("national_attendance", "a percentage, 0 to 100", "range"))
    if problems:
        raise InvariantViolation(problems)


def _candidates(
    modules: list[Module], academic_year: str | None, sequence: int | None, today: dt.date
) -> list[Module]:
    """The module asked for; else the modules that have ended (in the year asked for, if
    any), latest first, or that year's modules if none has ended yet."""
    if academic_year is None and sequence is not None:
        academic_year = AcademicYear.containing(today).label
    if academic_year is not None:
        modules = [m for m in modules if m.academic_year.label == academic_year]
        if not modules:
            raise invalid("academic_year", "the school has no modules in that year", "module")
    if sequence is not None:
        match = [m for m in modules if m.sequence == sequence]
        if not match:
            raise invalid("module", f"the school has no module {sequence} that year", "module")
        return match
    ended = [m for m in modules if m.ends_on <= today]
    if academic_year is None and not ended:
        raise invalid("module", "the school has no module that has ended yet", "module")
    return sorted(ended or modules, key=lambda m: m.ends_on, reverse=True)


async def locate(
    uow: SchoolSummaryWork,
    actor: Principal,
    request: SchoolSummaryRequest,
    clock: Clock = SYSTEM_CLOCK,
) -> ReportPlace:
    """Check the caller may read the school's analytics, then find the report's module: the
    one asked for, else the latest that has ended with progress to show (a module that only
    records baselines, such as the first of a year, has none), else the latest that ended."""
    checked(request.academic_year, request.module, request.national_attendance)
    today = clock.today()
    current = AcademicYear.containing(today).start_year
    async with uow:
        await progress_service.analysis_schools(uow, actor, request.school_id, None)
        school = found(await uow.schools.get(request.school_id), "school", request.school_id)
        modules = await every_page(
            lambda page: uow.modules.matching(ModuleFilter(school_id=school.id), page)
        )
        candidates = _candidates(modules, request.academic_year, request.module, today)
        module = candidates[0]
        for candidate in candidates[:MAX_PROBES] if len(candidates) > 1 else ():
            point = AssessmentPoint(candidate.academic_year.label, candidate.sequence)
            rows = await uow.progress.cohort(point, [school.id], current, None, ())
            if any(r.dimension == "" and r.counts.measured for r in rows):
                module = candidate
                break
    last = max(m.sequence for m in modules if m.academic_year == module.academic_year)
    year = module.academic_year
    results = year if module.sequence == last else year.previous()
    return ReportPlace(school.id, school.name, module, results)


async def _progress(
    uow: SchoolSummaryWork, actor: Principal, place: ReportPlace, clock: Clock
) -> tuple[StrandSummary, list[StrandSummary], list[GroupSummary]]:
    request = progress_service.CohortRequest(
        point=place.point,
        school_id=place.school_id,
        dimensions=_DIMENSIONS,
        min_group_size=REPORT_MIN_GROUP_SIZE,
    )
    report = await progress_service.cohort_analysis(uow, actor, request, clock)
    now = report.this_year
    before = (
        {(g.dimension, g.value): g for g in report.last_year.groups} if report.last_year else {}
    )
    by_strand = [g for g in now.groups if g.dimension == "strand" and g.value]
    async with uow:
        names = {
            s.id: (s.name, s.position)
            for s in await uow.frameworks.strands([uuid.UUID(g.value or "") for g in by_strand])
        }

    def strand(
        g: progress_service.GroupResult, name: str, earlier: progress_service.GroupResult | None
    ) -> StrandSummary:
        last = earlier.percentages if earlier is not None else None
        return StrandSummary(
            strand_id=uuid.UUID(g.value) if g.value else None,
            name=name,
            measured=g.counts.measured,
            this_year=g.percentages,
            last_year=last,
            change=_change(g.percentages, last),
            suppressed=g.suppressed,
        )

    cohort_before = report.last_year.cohort if report.last_year else None
    cohort = strand(now.cohort, "All strands", cohort_before)
    named = sorted(
        ((names.get(uuid.UUID(g.value or ""), ("", 0)), g) for g in by_strand),
        key=lambda pair: (pair[0][1], pair[0][0]),
    )
    strands = [strand(g, name, before.get(("strand", g.value))) for (name, _), g in named]
    groups = []
    mine = {(g.dimension, g.value): g for g in now.groups}
    for dimension, value, name in VULNERABLE_GROUPS:
        g = mine.get((dimension, value))
        if g is None:
            continue
        earlier = before.get((dimension, value))
        groups.append(
            GroupSummary(
                dimension=dimension,
                value=value,
                name=name,
                measured=g.counts.measured,
                this_year=g.percentages,
                gap=g.gap,
                last_year=earlier.percentages if earlier is not None else None,
                suppressed=g.suppressed,
            )
        )
    return cohort, strands, groups


def _change(now: Percentages | None, before: Percentages | None) -> Percentages | None:
    """Percentage points gained since the same module last year."""
    if now is None or before is None:
        return None
    return Percentages(
        expected_or_better=round(now.expected_or_better - before.expected_or_better, 2),
        above_or_better=round(now.above_or_better - before.above_or_better, 2),
        accelerated=round(now.accelerated - before.accelerated, 2),
    )


def _year_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1, day=28 if (day.month, day.day) == (2, 29) else day.day)


async def _attendance(
    uow: SchoolSummaryWork, actor: Principal, place: ReportPlace, national: float, clock: Clock
) -> AttendanceSummary:
    """From the start of the report's year to the end of its module (or today, if sooner)."""
    date_from = place.module.academic_year.starts_on
    date_to = min(place.module.ends_on, clock.today())

    def request(start: dt.date, end: dt.date) -> attendance_service.AttendanceRequest:
        return attendance_service.AttendanceRequest(
            school_id=place.school_id,
            date_from=start,
            date_to=end,
            dimensions=(),
            comparator=national,
            min_group_size=REPORT_MIN_GROUP_SIZE,
            include_pupils=False,
        )

    now = await attendance_service.attendance_summary(
        uow, actor, request(date_from, date_to), clock
    )
    before = await attendance_service.attendance_summary(
        uow, actor, request(_year_before(date_from), _year_before(date_to)), clock
    )
    rates = now.cohort.rates
    return AttendanceSummary(
        date_from=now.date_from,
        date_to=now.date_to,
        pupils=now.cohort.group.pupils if now.cohort.group is not None else 0,
        attendance=rates.attendance if rates else None,
        persistent_absence=rates.persistent if rates else None,
        last_year=before.cohort.rates.attendance if before.cohort.rates else None,
        national=national,
        difference=now.cohort.difference,
    )


async def _pass_rates(
    uow: SchoolSummaryWork, actor: Principal, place: ReportPlace
) -> list[PassRateSummary]:
    request = qualifications_service.PassRateRequest(
        school_id=place.school_id,
        academic_year=place.results_year.label,
        group_by="level",
        min_group_size=REPORT_MIN_GROUP_SIZE,
    )
    report = await qualifications_service.pass_rates(uow, actor, request)

    def row(name: str, r: qualifications_service.PassRate) -> PassRateSummary:
        return PassRateSummary(name, r.completed, r.passed, r.pass_rate, r.suppressed)

    return [row("All", report.overall), *(row(g.value or "", g) for g in report.groups)]


async def _measures(
    uow: SchoolSummaryWork, actor: Principal, place: ReportPlace
) -> list[MeasureSummary]:
    """Every measure the school or its trust defines, for the results year's leavers."""
    defined = await every_page(
        lambda page: measures_service.list_measures(
            uow, actor, MeasureFilter(school_id=place.school_id), page
        )
    )
    summaries = []
    for measure in sorted(defined, key=lambda m: m.name):
        request = measures_service.ResultRequest(
            measure_id=measure.id,
            academic_year=place.results_year.label,
            school_id=place.school_id,
            min_group_size=REPORT_MIN_GROUP_SIZE,
        )
        result = await measures_service.measure_results(uow, actor, request)

        def figure(f: measures_service.Figure, name: str) -> MeasureFigure:
            return MeasureFigure(name, f.leavers, f.counted, f.percentage, f.suppressed)

        summaries.append(
            MeasureSummary(
                measure_id=measure.id,
                name=measure.name,
                description=measure.description,
                cohort=figure(result.cohort, "All leavers"),
                subgroups=[
                    figure(f, f"{SUBGROUP_NAMES.get(f.dimension, f.dimension)}: {f.value}")
                    for f in result.subgroups
                ],
            )
        )
    return summaries


async def _destinations(
    uow: SchoolSummaryWork, actor: Principal, place: ReportPlace
) -> LeaverDestinations:
    year = place.results_year
    request = destinations_service.SummaryRequest(
        school_id=place.school_id, left_from=year.starts_on, left_to=year.ends_on
    )
    summary = await destinations_service.destinations_summary(uow, actor, request)
    return LeaverDestinations(
        leavers=summary.leavers,
        categories=[
            DestinationShare(c.count.category.value, c.count.leavers, c.percentage)
            for c in summary.categories
        ],
        eet=summary.eet,
        unknown=summary.unknown,
        eet_rate=summary.eet_rate,
    )


async def _targets(
    uow: SchoolSummaryWork, actor: Principal, place: ReportPlace, clock: Clock
) -> dict[str, int]:
    request = target_progress_service.TargetProgressRequest(place.point, school_id=place.school_id)
    report = await target_progress_service.target_progress(
        uow, actor, request, PageRequest(limit=1), clock
    )
    return {status.value: count for status, count in report.counts.items()}


async def school_summary(
    uow: SchoolSummaryWork,
    actor: Principal,
    request: SchoolSummaryRequest,
    clock: Clock = SYSTEM_CLOCK,
) -> SchoolSummary:
    """The school's progress summary at the module asked for (default: the latest ended)."""
    place = await locate(uow, actor, request, clock)
    return await summary_at(uow, actor, place, request.national_attendance, clock)


async def summary_at(
    uow: SchoolSummaryWork, actor: Principal, place: ReportPlace, national: float, clock: Clock
) -> SchoolSummary:
    cohort, strands, groups = await _progress(uow, actor, place, clock)
    return SchoolSummary(
        school_id=place.school_id,
        school_name=place.school_name,
        point=place.point,
        module_name=place.module.name,
        results_year=place.results_year.label,
        cohort=cohort,
        strands=strands,
        groups=groups,
        attendance=await _attendance(uow, actor, place, national, clock),
        pass_rates=await _pass_rates(uow, actor, place),
        measures=await _measures(uow, actor, place),
        destinations=await _destinations(uow, actor, place),
        targets=await _targets(uow, actor, place, clock),
        pseudonymised=actor.pseudonymised,
    )
