"""/targets/progress and /pupils/{id}/targets/progress: are targets on track at a module?"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.dependencies import AnalyticsUowDep, PageDep, PrincipalDep, UowDep
from api.schemas import page_out
from api.targets.target_progress_schemas import (
    PupilTargetProgressOut,
    RulesOut,
    StatusCountsOut,
    TargetProgressOut,
    TargetProgressPageOut,
)
from domain.analytics.progress import AssessmentPoint
from domain.kernel.errors import invalid
from domain.targets import target_progress_service as service
from domain.targets.target_progress import TrackingRules, TrackStatus

router = APIRouter(tags=["targets"])

FarBehindQuery = Annotated[
    float,
    Query(
        gt=0,
        le=1,
        allow_inf_nan=False,
        description="suggest too challenging when the projected gain is less than this share "
        "of the gain the target needs",
    ),
]
MinElapsedQuery = Annotated[
    float,
    Query(
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="...and at least this share of the pupil's year (on roll) has passed",
    ),
]
DEFAULT_RULES = TrackingRules()


@router.get("/targets/progress")
async def target_progress(
    request: Request,
    response: Response,
    uow: AnalyticsUowDep,
    principal: PrincipalDep,
    page: PageDep,
    academic_year: Annotated[str, Query(pattern=r"^\d{4}/\d{2}$", examples=["2023/24"])],
    module: Annotated[int, Query(ge=1, le=20, description="the module's sequence in the year")],
    school_id: uuid.UUID | None = None,
    trust_id: uuid.UUID | None = None,
    strand_id: uuid.UUID | None = None,
    pupil_id: uuid.UUID | None = None,
    track_status: Annotated[
        TrackStatus | None, Query(alias="status", description="only targets with this status")
    ] = None,
    far_behind_ratio: FarBehindQuery = DEFAULT_RULES.far_behind_ratio,
    min_elapsed_fraction: MinElapsedQuery = DEFAULT_RULES.min_elapsed_fraction,
) -> TargetProgressPageOut:
    """Each current target (active, too challenging or met) of `academic_year`, as at module
    `module` in each school: where the pupil started the year, where they are now, where
    they will be at the end of the school's last module at their observed rate (their model's
    rate when there is only one judgement so far) and whether that is met, on track, behind
    or far enough behind to suggest the target is too challenging. Nothing is changed.

    One school, one trust (`trust_id`) or every school the caller sees, in pages; `counts`
    covers every target asked for whatever the `status` filter and page."""
    report = await service.target_progress(
        uow,
        principal,
        service.TargetProgressRequest(
            point=AssessmentPoint(academic_year, module),
            school_id=school_id,
            trust_id=trust_id,
            strand_id=strand_id,
            pupil_id=pupil_id,
            status=track_status,
            rules=TrackingRules(far_behind_ratio, min_elapsed_fraction),
        ),
        page,
    )
    items = [TargetProgressOut.of(t) for t in report.targets.items]
    paged = page_out(report.targets, items, request, response)
    return TargetProgressPageOut(
        academic_year=report.point.academic_year,
        module=report.point.sequence,
        school_ids=report.school_ids,
        rules=RulesOut.of(report.rules),
        counts=StatusCountsOut.of(report.counts),
        items=paged.items,
        next_cursor=paged.next_cursor,
    )


@router.get("/pupils/{pupil_id}/targets/progress")
async def pupil_target_progress(
    pupil_id: uuid.UUID,
    uow: UowDep,
    principal: PrincipalDep,
    academic_year: Annotated[str | None, Query(pattern=r"^\d{4}/\d{2}$")] = None,
    module: Annotated[int | None, Query(ge=1, le=20)] = None,
    far_behind_ratio: FarBehindQuery = DEFAULT_RULES.far_behind_ratio,
    min_elapsed_fraction: MinElapsedQuery = DEFAULT_RULES.min_elapsed_fraction,
) -> PupilTargetProgressOut:
    """The pupil's current targets of `academic_year` as at module `module` (default: their
    school's latest module that has ended), each with its projection and status."""
    if (academic_year is None) != (module is None):
        missing = "module" if module is None else "academic_year"
        raise invalid(missing, "give academic_year and module together, or neither", "required")
    point = AssessmentPoint(academic_year, module) if academic_year and module else None
    report = await service.pupil_target_progress(
        uow, principal, pupil_id, point, TrackingRules(far_behind_ratio, min_elapsed_fraction)
    )
    return PupilTargetProgressOut(
        pupil_id=pupil_id,
        academic_year=report.point.academic_year,
        module=report.point.sequence,
        rules=RulesOut.of(report.rules),
        counts=StatusCountsOut.of(report.counts),
        targets=[TargetProgressOut.of(t) for t in report.targets.items],
    )
