"""/trusts and /schools."""

import uuid

from fastapi import APIRouter, Request, Response, status

from api.dependencies import IfMatch, PageDep, PrincipalDep, RuntimeDep, UowDep
from api.http import set_etag
from api.organisation.organisation_schemas import (
    SchoolIn,
    SchoolOut,
    SchoolPatch,
    TrustOut,
    TrustPatch,
)
from api.schemas import PageOut, page_out
from domain.organisation import organisation_service as service
from domain.organisation.ports import SchoolFilter

router = APIRouter(tags=["organisation"])


@router.get("/trusts")
async def list_trusts(
    request: Request, response: Response, uow: UowDep, principal: PrincipalDep, page: PageDep
) -> PageOut[TrustOut]:
    result = await service.list_trusts(uow, principal, page)
    return page_out(result, [TrustOut.of(t) for t in result.items], request, response)


@router.get("/trusts/{trust_id}")
async def get_trust(
    trust_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> TrustOut:
    trust = await service.get_trust(uow, principal, trust_id)
    set_etag(response, trust.version)
    return TrustOut.of(trust)


@router.patch("/trusts/{trust_id}")
async def update_trust(
    trust_id: uuid.UUID,
    body: TrustPatch,
    version: IfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> TrustOut:
    cmd = service.UpdateTrust(trust_id, version, **body.changes())
    trust = await service.update_trust(uow, principal, cmd)
    set_etag(response, trust.version)
    return TrustOut.of(trust)


@router.get("/schools")
async def list_schools(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    trust_id: uuid.UUID | None = None,
) -> PageOut[SchoolOut]:
    result = await service.list_schools(uow, principal, SchoolFilter(trust_id=trust_id), page)
    return page_out(result, [SchoolOut.of(s) for s in result.items], request, response)


@router.post("/schools", status_code=status.HTTP_201_CREATED)
async def create_school(
    body: SchoolIn, response: Response, runtime: RuntimeDep, uow: UowDep, principal: PrincipalDep
) -> SchoolOut:
    school = await service.create_school(
        uow, principal, service.CreateSchool(body.trust_id, body.urn, body.name, body.type)
    )
    # the creator's cached scope predates the school; let their next request see it
    runtime.principals.forget(principal)
    set_etag(response, school.version)
    response.headers["Location"] = f"/api/v1/schools/{school.id}"
    return SchoolOut.of(school)


@router.get("/schools/{school_id}")
async def get_school(
    school_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> SchoolOut:
    school = await service.get_school(uow, principal, school_id)
    set_etag(response, school.version)
    return SchoolOut.of(school)


@router.patch("/schools/{school_id}")
async def update_school(
    school_id: uuid.UUID,
    body: SchoolPatch,
    version: IfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> SchoolOut:
    school = await service.update_school(
        uow, principal, service.UpdateSchool(school_id, version, **body.changes())
    )
    set_etag(response, school.version)
    return SchoolOut.of(school)
