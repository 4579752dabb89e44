"""/destinations: where leavers went, with EET derived from the category."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.dependencies import AnalyticsUowDep, IfMatch, PageDep, PrincipalDep, UowDep
from api.http import set_etag
from api.outcomes.destination_schemas import (
    DestinationIn,
    DestinationOut,
    DestinationPatch,
    DestinationsSummaryOut,
)
from api.schemas import PageOut, page_out
from domain.outcomes import destination_service as service
from domain.outcomes import destination_summary_service as summary_service
from domain.outcomes.destination import DestinationCategory
from domain.outcomes.ports import DestinationFilter

router = APIRouter(prefix="/destinations", tags=["destinations"])


@router.get("")
async def list_destinations(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    school_id: uuid.UUID | None = None,
    pupil_id: uuid.UUID | None = None,
    category: DestinationCategory | None = None,
    left_from: date | None = None,
    left_to: date | None = None,
    year_group_at_leaving: Annotated[str | None, Query(max_length=2)] = None,
) -> PageOut[DestinationOut]:
    filter = DestinationFilter(
        school_id, pupil_id, category, left_from, left_to, year_group_at_leaving
    )
    result = await service.list_destinations(uow, principal, filter, page)
    return page_out(result, [DestinationOut.of(d) for d in result.items], request, response)


@router.post("", status_code=status.HTTP_201_CREATED)
async def record_destination(
    body: DestinationIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> DestinationOut:
    cmd = service.RecordDestination(**body.model_dump())
    destination = await service.record_destination(uow, principal, cmd)
    set_etag(response, destination.version)
    response.headers["Location"] = f"/api/v1/destinations/{destination.id}"
    return DestinationOut.of(destination)


@router.get("/summary")
async def destinations_summary(
    uow: AnalyticsUowDep,
    principal: PrincipalDep,
    school_id: uuid.UUID | None = None,
    trust_id: uuid.UUID | None = None,
    left_from: date | None = None,
    left_to: date | None = None,
    year_group_at_leaving: Annotated[str | None, Query(max_length=2)] = None,
    decimals: Annotated[int, Query(ge=0, le=2)] = 1,
) -> DestinationsSummaryOut:
    """Leavers per destination category with percentages (1 decimal by default), and the EET
    rate over all leavers, unknown destinations included in the denominator."""
    request = summary_service.SummaryRequest(
        school_id, trust_id, left_from, left_to, year_group_at_leaving, decimals
    )
    return DestinationsSummaryOut.of(
        await summary_service.destinations_summary(uow, principal, request)
    )


@router.get("/{destination_id}")
async def get_destination(
    destination_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> DestinationOut:
    destination = await service.get_destination(uow, principal, destination_id)
    set_etag(response, destination.version)
    return DestinationOut.of(destination)


@router.patch("/{destination_id}")
async def update_destination(
    destination_id: uuid.UUID,
    body: DestinationPatch,
    version: IfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> DestinationOut:
    cmd = service.UpdateDestination(destination_id, version, **body.changes())
    destination = await service.update_destination(uow, principal, cmd)
    set_etag(response, destination.version)
    return DestinationOut.of(destination)


@router.delete("/{destination_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_destination(
    destination_id: uuid.UUID, version: IfMatch, uow: UowDep, principal: PrincipalDep
) -> None:
    await service.delete_destination(uow, principal, destination_id, version)
