"""/qualifications: pupils' qualification entries and results, and pass rates."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from api.dependencies import AnalyticsUowDep, IfMatch, PageDep, PrincipalDep, UowDep
from api.http import set_etag
from api.outcomes.qualification_schemas import (
    PassRatesOut,
    QualificationIn,
    QualificationOut,
    QualificationPatch,
)
from api.schemas import PageOut, page_out
from domain.outcomes import qualification_service as service
from domain.outcomes.ports import QualificationFilter
from domain.outcomes.qualification import EntryStatus, QualificationKind, QualificationLevel

router = APIRouter(prefix="/qualifications", tags=["qualifications"])


@router.get("")
async def list_qualifications(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    school_id: uuid.UUID | None = None,
    pupil_id: uuid.UUID | None = None,
    status: EntryStatus | None = None,
    level: QualificationLevel | None = None,
    kind: QualificationKind | None = None,
) -> PageOut[QualificationOut]:
    filter = QualificationFilter(school_id, pupil_id, status, level, kind)
    result = await service.list_entries(uow, principal, filter, page)
    return page_out(result, [QualificationOut.of(q) for q in result.items], request, response)


@router.post("", status_code=status.HTTP_201_CREATED)
async def record_qualification(
    body: QualificationIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> QualificationOut:
    cmd = service.RecordEntry(**body.model_dump())
    entry = await service.record_entry(uow, principal, cmd)
    set_etag(response, entry.version)
    response.headers["Location"] = f"/api/v1/qualifications/{entry.id}"
    return QualificationOut.of(entry)


@router.get("/summary")
async def pass_rates(
    uow: AnalyticsUowDep,
    principal: PrincipalDep,
    school_id: uuid.UUID | None = None,
    trust_id: uuid.UUID | None = None,
    academic_year: Annotated[
        str | None,
        Query(pattern=r"^\d{4}/\d{2}$", description="entries awarded in it; default all"),
    ] = None,
    group_by: Literal["level", "subject", "awarding_body", "kind"] | None = None,
    min_level: QualificationLevel | None = None,
    max_level: QualificationLevel | None = None,
    decimals: Annotated[int, Query(ge=0, le=2)] = 0,
    min_group_size: Annotated[int, Query(ge=0, le=1000, description="withhold smaller groups")] = 0,
) -> PassRatesOut:
    """Pass rates (passed / completed entries, rounded half-up) overall and per level,
    subject, awarding body or kind, for one school, one trust or every school you see."""
    request = service.PassRateRequest(
        school_id=school_id,
        trust_id=trust_id,
        academic_year=academic_year,
        group_by=group_by,
        min_level=min_level,
        max_level=max_level,
        decimals=decimals,
        min_group_size=min_group_size,
    )
    return PassRatesOut.of(await service.pass_rates(uow, principal, request))


@router.get("/{entry_id}")
async def get_qualification(
    entry_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> QualificationOut:
    entry = await service.get_entry(uow, principal, entry_id)
    set_etag(response, entry.version)
    return QualificationOut.of(entry)


@router.patch("/{entry_id}")
async def update_qualification(
    entry_id: uuid.UUID,
    body: QualificationPatch,
    version: IfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> QualificationOut:
    cmd = service.UpdateEntry(entry_id, version, **body.changes())
    entry = await service.update_entry(uow, principal, cmd)
    set_etag(response, entry.version)
    return QualificationOut.of(entry)


@router.delete("/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_qualification(
    entry_id: uuid.UUID, version: IfMatch, uow: UowDep, principal: PrincipalDep
) -> None:
    await service.delete_entry(uow, principal, entry_id, version)
