"""Use cases for CoP 6.17 flags: a SENCO's work-list across schools, and one pupil's strands.

The database finds the flags and counts them (ProgressQueries); these use cases decide
whose pupils are checked and who may be their peers, then attach to each flag the
reason it could not be judged, where it could not (domain.flags.verdicts). Pupils
appear by id only: trust analysts see pupils pseudonymised, so no name travels here.
"""

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Protocol

from domain.analytics.flags import (
    Flag,
    FlagCheck,
    FlagCounts,
    FlagQuery,
    FlagSettings,
    Pool,
    Verdict,
    verdicts,
)
from domain.analytics.ports import HasProgress, HasQuality
from domain.analytics.progress import AssessmentPoint
from domain.analytics.progress_service import analysis_schools, latest_point
from domain.assessment.ports import HasFrameworks, HasModules
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import InvariantViolation
from domain.kernel.references import found
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools
from domain.pupils.ports import HasPupils


class FlagWork(
    HasFrameworks, HasModules, HasProgress, HasPupils, HasQuality, HasSchools, Transaction, Protocol
):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class StrandFlags:
    """A pupil-strand's evidence and a verdict for every flag."""

    check: FlagCheck
    verdicts: dict[Flag, Verdict]


@dataclass(frozen=True, slots=True)
class PupilFlags:
    pupil_id: uuid.UUID
    school_id: uuid.UUID
    strands: list[StrandFlags]


@dataclass(frozen=True, slots=True)
class FlagRequest:
    point: AssessmentPoint
    school_id: uuid.UUID | None = None
    trust_id: uuid.UUID | None = None
    strand_id: uuid.UUID | None = None
    flag: Flag | None = None
    settings: FlagSettings = field(default_factory=FlagSettings)


@dataclass(frozen=True, slots=True)
class FlagWorklist:
    """Pupils with at least one flag (of `flag`, if asked), each with their flagged strands."""

    point: AssessmentPoint
    previous_year: str
    settings: FlagSettings
    school_ids: list[uuid.UUID]
    strand_id: uuid.UUID | None
    flag: Flag | None
    counts: FlagCounts
    pupils: list[PupilFlags]


@dataclass(frozen=True, slots=True)
class PupilFlagReport:
    """Every strand the pupil was judged on at the point, flagged or not."""

    point: AssessmentPoint
    previous_year: str
    settings: FlagSettings
    pupil: PupilFlags


def _checked(point: AssessmentPoint | None, settings: FlagSettings) -> None:
    if point is not None:
        AcademicYear.parse(point.academic_year)
    if problems := settings.problems():
        raise InvariantViolation(problems)


async def _pool(uow: FlagWork, school_ids: list[uuid.UUID], pool: Pool) -> list[uuid.UUID]:
    """Schools whose pupils may be peers: the same ones, or every school the caller sees in
    their trusts (the unit of work is already narrowed to what the caller sees)."""
    if pool is Pool.SCHOOL:
        return school_ids
    trusts = {s.trust_id for s in await uow.schools.get_many(school_ids)}
    pooled = set(school_ids)
    for trust_id in sorted(trusts):
        pooled |= await uow.schools.ids_of_trust(trust_id)
    return sorted(pooled)


def _strands(checks: list[FlagCheck], settings: FlagSettings) -> list[StrandFlags]:
    return [StrandFlags(c, verdicts(c, settings)) for c in checks]


def _by_pupil(checks: list[FlagCheck], settings: FlagSettings) -> list[PupilFlags]:
    """Checks arrive ordered by pupil, then strand."""
    return [
        PupilFlags(pupil_id, school_id, _strands(list(rows), settings))
        for (pupil_id, school_id), rows in itertools.groupby(
            checks, key=lambda c: (c.pupil_id, c.school_id)
        )
    ]


async def flag_worklist(uow: FlagWork, actor: Principal, request: FlagRequest) -> FlagWorklist:
    """The SENCO work-list for one school, one trust or every school the caller sees."""
    _checked(request.point, request.settings)
    async with uow:
        schools = await analysis_schools(uow, actor, request.school_id, request.trust_id)
        query = FlagQuery(
            point=request.point,
            school_ids=tuple(schools),
            pool_school_ids=tuple(await _pool(uow, schools, request.settings.pool)),
            settings=request.settings,
            strand_id=request.strand_id,
            flag=request.flag,
        )
        worklist = await uow.progress.flag_worklist(query)
    return FlagWorklist(
        point=request.point,
        previous_year=query.previous_year,
        settings=request.settings,
        school_ids=schools,
        strand_id=request.strand_id,
        flag=request.flag,
        counts=worklist.counts,
        pupils=_by_pupil(worklist.checks, request.settings),
    )


async def pupil_flags(
    uow: FlagWork,
    actor: Principal,
    pupil_id: uuid.UUID,
    point: AssessmentPoint | None = None,
    settings: FlagSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> PupilFlagReport:
    """Each strand's flags and evidence for one pupil (default: the school's latest module
    that has ended)."""
    actor.require(Permission.READ_ANALYTICS)
    settings = settings or FlagSettings()
    _checked(point, settings)
    async with uow:
        pupil = found(await uow.pupils.get(pupil_id, include_deleted=True), "pupil", pupil_id)
        point = point or await latest_point(uow, pupil.school_id, clock)
        query = FlagQuery(
            point=point,
            school_ids=(pupil.school_id,),
            pool_school_ids=tuple(await _pool(uow, [pupil.school_id], settings.pool)),
            settings=settings,
            pupil_id=pupil.id,
        )
        checks = await uow.progress.flag_checks(query)
    return PupilFlagReport(
        point=point,
        previous_year=query.previous_year,
        settings=settings,
        pupil=PupilFlags(pupil.id, pupil.school_id, _strands(checks, settings)),
    )
