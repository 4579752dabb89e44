"""/analytics/flags (a SENCO's work-list) and /pupils/{id}/flags: CoP 6.17 flags."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api.analytics.flag_schemas import FlagWorklistOut, PupilFlagReportOut
from api.analytics.progress_routes import AcademicYearQuery, ModuleQuery
from api.dependencies import AnalyticsUowDep, PrincipalDep, UowDep
from domain.analytics import flag_service as flags_service
from domain.analytics.flags import DEFAULT_MIN_PEERS, MAX_MIN_PEERS, Flag, FlagSettings, Pool
from domain.analytics.progress import AssessmentPoint
from domain.kernel.errors import InvariantViolation, Problem

router = APIRouter(tags=["flags"])

PoolQuery = Annotated[
    Pool, Query(description="peers from the pupil's school, or its trust's schools you can see")
]
MinPeersQuery = Annotated[
    int,
    Query(ge=1, le=MAX_MIN_PEERS, description="fewer peers than this: no peer flag is raised"),
]
ToleranceQuery = Annotated[
    float,
    Query(ge=0, allow_inf_nan=False, description="steps per year below last year's rate allowed"),
]


@router.get("/analytics/flags")
async def flag_worklist(
    uow: AnalyticsUowDep,
    principal: PrincipalDep,
    academic_year: AcademicYearQuery,
    module: ModuleQuery,
    school_id: uuid.UUID | None = None,
    trust_id: uuid.UUID | None = None,
    strand_id: uuid.UUID | None = None,
    flag: Annotated[Flag | None, Query(description="only pupils with this flag")] = None,
    pool: PoolQuery = Pool.SCHOOL,
    min_peers: MinPeersQuery = DEFAULT_MIN_PEERS,
    tolerance: ToleranceQuery = 0.0,
) -> FlagWorklistOut:
    """Pupils whose progress may be less than expected (SEN Code of Practice 6.17) as at
    module `module` of `academic_year`: slower than peers from the same baseline, below
    their own rate last year, not closing or widening the gap with peers. Each flagged
    strand comes with its evidence and the model version that grouped the peers; counts
    per flag cover every pupil-strand checked. One school, one trust or all you can see."""
    request = flags_service.FlagRequest(
        point=AssessmentPoint(academic_year, module),
        school_id=school_id,
        trust_id=trust_id,
        strand_id=strand_id,
        flag=flag,
        settings=FlagSettings(pool, min_peers, tolerance),
    )
    return FlagWorklistOut.of(await flags_service.flag_worklist(uow, principal, request))


@router.get("/pupils/{pupil_id}/flags")
async def pupil_flags(
    pupil_id: uuid.UUID,
    uow: UowDep,
    principal: PrincipalDep,
    academic_year: Annotated[str | None, Query(pattern=r"^\d{4}/\d{2}$")] = None,
    module: Annotated[int | None, Query(ge=1, le=20)] = None,
    pool: PoolQuery = Pool.SCHOOL,
    min_peers: MinPeersQuery = DEFAULT_MIN_PEERS,
    tolerance: ToleranceQuery = 0.0,
) -> PupilFlagReportOut:
    """Every strand the pupil was judged on at the module, each flag raised or not, with its
    evidence (default: the school's latest module that has ended)."""
    if (academic_year is None) != (module is None):
        missing = "module" if module is None else "academic_year"
        raise InvariantViolation(
            Problem(missing, "academic_year and module go together", "required")
        )
    point = AssessmentPoint(academic_year, module) if academic_year and module else None
    report = await flags_service.pupil_flags(
        uow, principal, pupil_id, point, FlagSettings(pool, min_peers, tolerance)
    )
    return PupilFlagReportOut.of_report(report)
