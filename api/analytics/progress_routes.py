"""/pupils/{id}/progress, /analytics/cohort and /progress-models."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.analytics.progress_schemas import (
    CohortOut,
    ModelIn,
    ModelOut,
    ModelSpecIn,
    PupilProgressOut,
    RebuildIn,
    RebuiltOut,
    ReferenceCellOut,
    StrandProgressOut,
)
from api.dependencies import AnalyticsUowDep, PrincipalDep, UowDep
from api.http import set_etag
from domain.analytics import progress_model_service as models_service
from domain.analytics import progress_service
from domain.analytics.progress import DIMENSIONS, AssessmentPoint

router = APIRouter(tags=["progress"])

AcademicYearQuery = Annotated[str, Query(pattern=r"^\d{4}/\d{2}$", examples=["2023/24"])]
ModuleQuery = Annotated[int, Query(ge=1, le=20, description="the module's sequence in the year")]


@router.get("/pupils/{pupil_id}/progress")
async def pupil_progress(
    pupil_id: uuid.UUID,
    uow: UowDep,
    principal: PrincipalDep,
    academic_year: Annotated[str | None, Query(pattern=r"^\d{4}/\d{2}$")] = None,
    module: Annotated[int | None, Query(ge=1, le=20)] = None,
) -> PupilProgressOut:
    """Each strand's baseline, latest step, gain, time on roll, expected gain and band, as at
    module `module` of `academic_year` (default: the school's latest module that has ended)."""
    point = AssessmentPoint(academic_year, module) if academic_year and module else None
    at, facts = await progress_service.pupil_progress(uow, principal, pupil_id, point)
    return PupilProgressOut(
        pupil_id=pupil_id,
        academic_year=at.academic_year,
        module=at.sequence,
        strands=[StrandProgressOut.of(f) for f in facts],
    )


@router.get("/analytics/cohort")
async def cohort_analysis(
    uow: AnalyticsUowDep,
    principal: PrincipalDep,
    academic_year: AcademicYearQuery,
    module: ModuleQuery,
    school_id: uuid.UUID | None = None,
    trust_id: uuid.UUID | None = None,
    strand_id: uuid.UUID | None = None,
    group_by: Annotated[
        list[str] | None,
        Query(description=f"groups to break down by; default all of {', '.join(DIMENSIONS)}"),
    ] = None,
    compare_last_year: bool = True,
    decimals: Annotated[int, Query(ge=0, le=2)] = 0,
    min_group_size: Annotated[int, Query(ge=0, le=1000, description="withhold smaller groups")] = 0,
) -> CohortOut:
    """Counts and percentages at expected-or-better, above-or-better and accelerated, for
    the cohort and each group (with its gap to the cohort), beside the same module last year.
    Covers one school, one trust (`trust_id`) or every school the caller sees; trusts pool
    pupils across schools, whatever framework each uses, by comparing bands."""
    request = progress_service.CohortRequest(
        point=AssessmentPoint(academic_year, module),
        school_id=school_id,
        trust_id=trust_id,
        strand_id=strand_id,
        dimensions=tuple(group_by) if group_by is not None else DIMENSIONS,
        compare_last_year=compare_last_year,
        decimals=decimals,
        min_group_size=min_group_size,
    )
    return CohortOut.of(await progress_service.cohort_analysis(uow, principal, request))


@router.get("/progress-models", responses={404: {"description": "no such framework"}})
async def list_models(
    framework_id: uuid.UUID, uow: UowDep, principal: PrincipalDep
) -> list[ModelOut]:
    """Every version of every expected-progress model of a framework."""
    return [ModelOut.of(m) for m in await models_service.list_models(uow, principal, framework_id)]


@router.post("/progress-models", status_code=status.HTTP_201_CREATED)
async def create_model(
    body: ModelIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> ModelOut:
    cmd = models_service.CreateModel(body.framework_id, body.to_domain(), body.pathway)
    model = await models_service.create_model(uow, principal, cmd)
    set_etag(response, model.version)
    response.headers["Location"] = f"/api/v1/progress-models/{model.id}"
    return ModelOut.of(model)


@router.get("/progress-models/{model_id}")
async def get_model(
    model_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> ModelOut:
    model = await models_service.get_model(uow, principal, model_id)
    set_etag(response, model.version)
    return ModelOut.of(model)


@router.post("/progress-models/{model_id}/revision", status_code=status.HTTP_201_CREATED)
async def revise_model(
    model_id: uuid.UUID, body: ModelSpecIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> ModelOut:
    """Save the model's next version (stated in full); the current one is kept but retired."""
    model = await models_service.revise_model(uow, principal, model_id, body.to_domain())
    set_etag(response, model.version)
    response.headers["Location"] = f"/api/v1/progress-models/{model.id}"
    return ModelOut.of(model)


@router.post("/progress-models/{model_id}/reference", status_code=status.HTTP_201_CREATED)
async def rebuild_reference(
    model_id: uuid.UUID, body: RebuildIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> RebuiltOut:
    """Recompute a percentile model's reference cells from a pool of schools and years, saved
    as the model's next version (bands made earlier keep naming the version they used)."""
    cmd = models_service.RebuildReference(
        model_id, tuple(body.school_ids), tuple(body.academic_years)
    )
    model, cells = await models_service.rebuild_reference(uow, principal, cmd)
    set_etag(response, model.version)
    response.headers["Location"] = f"/api/v1/progress-models/{model.id}"
    return RebuiltOut(model=ModelOut.of(model), cells=len(cells))


@router.get("/progress-models/{model_id}/reference")
async def reference_cells(
    model_id: uuid.UUID, uow: UowDep, principal: PrincipalDep
) -> list[ReferenceCellOut]:
    """The reference cells a percentile model version compares pupils with."""
    return [
        ReferenceCellOut.of(c)
        for c in await models_service.reference_cells(uow, principal, model_id)
    ]
