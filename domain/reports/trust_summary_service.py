"""The trust report: every school's progress summary at the same module, side by side.

Each school is summarised by the same use case as its own report, so a school's column
here and its own summary always agree. Trusts compare like with like by asking each school
for its own module N of the year (module dates differ between schools).
"""

import uuid
from dataclasses import dataclass
from typing import Protocol

from domain.analytics.ports import HasProgress, HasQuality
from domain.analytics.progress import AssessmentPoint
from domain.analytics.progress_service import analysis_schools
from domain.assessment.ports import HasFrameworks, HasModules
from domain.kernel.access import Principal
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import InvariantViolation, invalid
from domain.kernel.paging import every_page
from domain.kernel.references import found
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools, HasTrusts, SchoolFilter
from domain.outcomes.ports import HasAttendance, HasMeasures, HasQualifications, HasSummaries
from domain.pupils.ports import HasPupils
from domain.reports.school_summary_service import SchoolSummaryRequest, checked, locate, summary_at
from domain.reports.summaries import SchoolSummary, TrustSummary


class TrustSummaryWork(
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


@dataclass(frozen=True, slots=True)
class TrustSummaryRequest:
    trust_id: uuid.UUID
    academic_year: str | None = None  # default: the latest year any school has a module in
    module: int | None = None  # default: the latest module that has ended
    national_attendance: float = 87.0


async def trust_summary(
    uow: TrustSummaryWork,
    actor: Principal,
    request: TrustSummaryRequest,
    clock: Clock = SYSTEM_CLOCK,
) -> TrustSummary:
    """Each of the trust's schools the caller sees, summarised at one point. Without a point,
    the latest module any school has ended sets it, and every school is shown at that
    module of that year; a school without that module is left out."""
    checked(request.academic_year, request.module, request.national_attendance)
    async with uow:
        school_ids = await analysis_schools(uow, actor, None, request.trust_id)
        trust = found(await uow.trusts.get(request.trust_id), "trust", request.trust_id)
        schools = await every_page(
            lambda page: uow.schools.matching(SchoolFilter(trust_id=trust.id), page)
        )
    shown = sorted((s for s in schools if s.id in set(school_ids)), key=lambda s: s.name)
    point = await _point(uow, actor, request, [s.id for s in shown], clock)
    summaries: list[SchoolSummary] = []
    for school in shown:
        ask = SchoolSummaryRequest(
            school.id, point.academic_year, point.sequence, request.national_attendance
        )
        try:
            place = await locate(uow, actor, ask, clock)
        except InvariantViolation:
            continue  # the school has no such module: nothing to set beside the others
        summaries.append(await summary_at(uow, actor, place, request.national_attendance, clock))
    return TrustSummary(trust.id, trust.name, point, summaries, actor.pseudonymised)


async def _point(
    uow: TrustSummaryWork,
    actor: Principal,
    request: TrustSummaryRequest,
    school_ids: list[uuid.UUID],
    clock: Clock,
) -> AssessmentPoint:
    """The point asked for, else the one whose module ended last among the schools'
    defaults; refused as each school would refuse it when no school has one."""
    if request.academic_year is not None and request.module is not None:
        return AssessmentPoint(request.academic_year, request.module)
    places = []
    refusal: InvariantViolation | None = None
    for school_id in school_ids:
        ask = SchoolSummaryRequest(school_id, request.academic_year, request.module)
        try:
            places.append(await locate(uow, actor, ask, clock))
        except InvariantViolation as error:
            refusal = error
    if places:
        return max(places, key=lambda p: p.module.ends_on).point
    raise refusal or invalid("module", "the trust has no school with a module yet", "module")
