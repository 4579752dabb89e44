"""/attendance: register marks imported in batches, and attendance summaries."""

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.dependencies import AnalyticsUowDep, PageDep, PrincipalDep, UowDep
from api.outcomes.attendance_schemas import AttendanceSummaryOut, MarkOut, MarksIn, MarksWrittenOut
from api.schemas import PageOut, page_out
from domain.outcomes import attendance_service as service
from domain.outcomes.attendance import ATTENDANCE_DIMENSIONS
from domain.outcomes.ports import AttendanceFilter

router = APIRouter(prefix="/attendance", tags=["attendance"])

FromQuery = Annotated[dt.date | None, Query(alias="from", description="first day, inclusive")]
ToQuery = Annotated[dt.date | None, Query(alias="to", description="last day, inclusive")]


@router.post("/sessions")
async def record_marks(body: MarksIn, uow: UowDep, principal: PrincipalDep) -> MarksWrittenOut:
    """Store up to 5,000 register marks, one per pupil, date and session: a new mark is
    added, a different code replaces the stored one, the same code changes nothing. All or
    nothing: any bad row refuses the batch with a 422 naming each `marks[i].field`."""
    written = await service.record_marks(uow, principal, [m.to_domain() for m in body.marks])
    return MarksWrittenOut.of(written)


@router.get("/sessions")
async def list_marks(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    date_from: FromQuery = None,
    date_to: ToQuery = None,
    school_id: uuid.UUID | None = None,
    pupil_id: uuid.UUID | None = None,
) -> PageOut[MarkOut]:
    filter = AttendanceFilter(school_id, pupil_id, date_from, date_to)
    result = await service.list_marks(uow, principal, filter, page)
    return page_out(result, [MarkOut.of(m) for m in result.items], request, response)


@router.get("/summary", response_model_by_alias=True)
async def attendance_summary(
    uow: AnalyticsUowDep,
    principal: PrincipalDep,
    date_from: Annotated[
        dt.date | None,
        Query(alias="from", description="default: 1 September of the year of `to`"),
    ] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="default: today")] = None,
    school_id: uuid.UUID | None = None,
    trust_id: uuid.UUID | None = None,
    group_by: Annotated[
        list[str] | None,
        Query(description=f"default all of {', '.join(ATTENDANCE_DIMENSIONS)}"),
    ] = None,
    comparator: Annotated[
        float | None,
        Query(ge=0, le=100, allow_inf_nan=False, description="e.g. 87.0, special schools"),
    ] = None,
    decimals: Annotated[int, Query(ge=0, le=2)] = 1,
    min_group_size: Annotated[int, Query(ge=0, le=1000, description="withhold smaller groups")] = 0,
    pupils: Annotated[bool, Query(description="include a row per pupil (by id)")] = True,
) -> AttendanceSummaryOut:
    """Possible sessions, attendance and absence for each pupil and group of one school, one
    trust (`trust_id`) or every school the caller sees; each group's attendance against the
    comparator; persistent (10%+) and severe (50%+) absence."""
    request = service.AttendanceRequest(
        school_id=school_id,
        trust_id=trust_id,
        date_from=date_from,
        date_to=date_to,
        dimensions=tuple(group_by) if group_by is not None else ATTENDANCE_DIMENSIONS,
        comparator=comparator,
        decimals=decimals,
        min_group_size=min_group_size,
        include_pupils=pupils,
    )
    return AttendanceSummaryOut.of(await service.attendance_summary(uow, principal, request))
