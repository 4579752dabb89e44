"""/measures: school- and trust-defined KS4 measures, and their results for a leaving year."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.dependencies import AnalyticsUowDep, PageDep, PrincipalDep, UowDep
from api.http import set_etag
from api.outcomes.measure_schemas import MeasureIn, MeasureOut, MeasureResultOut
from api.schemas import PageOut, page_out
from domain.outcomes import measure_service as service
from domain.outcomes.ports import MeasureFilter

router = APIRouter(prefix="/measures", tags=["measures"])


@router.get("")
async def list_measures(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    school_id: Annotated[
        uuid.UUID | None, Query(description="the school's own measures and its trust's")
    ] = None,
    trust_id: uuid.UUID | None = None,
) -> PageOut[MeasureOut]:
    result = await service.list_measures(uow, principal, MeasureFilter(school_id, trust_id), page)
    return page_out(result, [MeasureOut.of(m) for m in result.items], request, response)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_measure(
    body: MeasureIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> MeasureOut:
    cmd = service.CreateMeasure(
        **body.model_dump(exclude={"subgroups"}), subgroups=tuple(body.subgroups)
    )
    measure = await service.create_measure(uow, principal, cmd)
    set_etag(response, measure.version)
    response.headers["Location"] = f"/api/v1/measures/{measure.id}"
    return MeasureOut.of(measure)


@router.get("/{measure_id}")
async def get_measure(
    measure_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> MeasureOut:
    measure = await service.get_measure(uow, principal, measure_id)
    set_etag(response, measure.version)
    return MeasureOut.of(measure)


@router.get("/{measure_id}/results")
async def measure_results(
    measure_id: uuid.UUID,
    uow: AnalyticsUowDep,
    principal: PrincipalDep,
    academic_year: Annotated[
        str, Query(pattern=r"^\d{4}/\d{2}$", examples=["2023/24"], description="leaving year")
    ],
    school_id: Annotated[
        uuid.UUID | None, Query(description="one school of a trust's measure")
    ] = None,
    decimals: Annotated[int, Query(ge=0, le=2)] = 0,
    min_group_size: Annotated[
        int, Query(ge=0, le=1000, description="withhold smaller groups (public: 5)")
    ] = 0,
) -> MeasureResultOut:
    """n, numerator and percentage (half-up) of the leavers the measure counts, overall and
    per subgroup, with any measure it excludes applied first."""
    request = service.ResultRequest(measure_id, academic_year, school_id, decimals, min_group_size)
    return MeasureResultOut.of(await service.measure_results(uow, principal, request))
