"""Use cases for target progress: is each current target on track at an assessment point?

The projection and the status are computed in the database (ProgressQueries); these use
cases decide who may ask about which schools, exactly as cohort analysis does, and check
the request. They report and suggest: no target's status is changed here.
"""

import uuid
from dataclasses import dataclass, field
from typing import Protocol

from domain.analytics.ports import HasProgress, HasQuality
from domain.analytics.progress import AssessmentPoint
from domain.analytics.progress_service import analysis_schools, latest_point
from domain.assessment.ports import HasFrameworks, HasModules
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import InvariantViolation
from domain.kernel.paging import MAX_LIMIT, Page, PageRequest
from domain.kernel.references import found
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools
from domain.pupils.ports import HasPupils
from domain.pupils.references import require_filter_scope
from domain.targets.target_progress import (
    TargetProgress,
    TargetProgressQuery,
    TrackingRules,
    TrackStatus,
)


class TargetProgressWork(
    HasFrameworks, HasModules, HasProgress, HasPupils, HasQuality, HasSchools, Transaction, Protocol
):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class TargetProgressRequest:
    point: AssessmentPoint
    school_id: uuid.UUID | None = None
    trust_id: uuid.UUID | None = None
    strand_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    status: TrackStatus | None = None
    rules: TrackingRules = field(default_factory=TrackingRules)


@dataclass(frozen=True, slots=True)
class TargetProgressReport:
    """One page of targets, and the counts per status over every target the request covers
    (whatever its status filter), so the page and the totals can be read together."""

    point: AssessmentPoint
    school_ids: list[uuid.UUID]
    rules: TrackingRules
    counts: dict[TrackStatus, int]
    targets: Page[TargetProgress]


def _checked(point: AssessmentPoint, rules: TrackingRules) -> None:
    AcademicYear.parse(point.academic_year)
    if problems := rules.problems():
        raise InvariantViolation(problems)


async def target_progress(
    uow: TargetProgressWork,
    actor: Principal,
    request: TargetProgressRequest,
    page: PageRequest,
    clock: Clock = SYSTEM_CLOCK,
) -> TargetProgressReport:
    """Targets of one school, one trust or every school the caller sees, a page at a time."""
    _checked(request.point, request.rules)
    current = AcademicYear.containing(clock.today()).start_year
    async with uow:
        schools = await analysis_schools(uow, actor, request.school_id, request.trust_id)
        await require_filter_scope(uow, actor, pupil_id=request.pupil_id)
        query = TargetProgressQuery(
            point=request.point,
            school_ids=tuple(schools),
            current_year_start=current,
            strand_id=request.strand_id,
            pupil_id=request.pupil_id,
            status=request.status,
            rules=request.rules,
        )
        counts = await uow.progress.target_progress_counts(query)
        targets = await uow.progress.target_progress(query, page)
    return TargetProgressReport(request.point, schools, request.rules, counts, targets)


async def pupil_target_progress(
    uow: TargetProgressWork,
    actor: Principal,
    pupil_id: uuid.UUID,
    point: AssessmentPoint | None = None,
    rules: TrackingRules | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> TargetProgressReport:
    """Every current target of one pupil (one per strand, so one page holds them all), as at
    `point` (default: their school's latest module that has ended) under `rules` (default:
    the standard tracking rules)."""
    actor.require(Permission.READ_ANALYTICS)
    rules = rules or TrackingRules()
    if point is not None:
        _checked(point, rules)
    elif problems := rules.problems():
        raise InvariantViolation(problems)
    current = AcademicYear.containing(clock.today()).start_year
    async with uow:
        pupil = found(await uow.pupils.get(pupil_id, include_deleted=True), "pupil", pupil_id)
        point = point or await latest_point(uow, pupil.school_id, clock)
        query = TargetProgressQuery(
            point=point,
            school_ids=(pupil.school_id,),
            current_year_start=current,
            pupil_id=pupil.id,
            rules=rules,
        )
        counts = await uow.progress.target_progress_counts(query)
        targets = await uow.progress.target_progress(query, PageRequest(MAX_LIMIT))
    return TargetProgressReport(point, [pupil.school_id], rules, counts, targets)
