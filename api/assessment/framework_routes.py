"""/frameworks and /modules."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.assessment.framework_schemas import (
    FrameworkIn,
    FrameworkOut,
    FrameworkPatch,
    ModuleIn,
    ModuleOut,
    ModulePatch,
    StepIn,
    StrandIn,
)
from api.dependencies import IfMatch, PageDep, PrincipalDep, UowDep
from api.http import set_etag
from api.schemas import PageOut, page_out
from domain.assessment import framework_service as frameworks_service
from domain.assessment import module_service as modules_service
from domain.assessment.ports import FrameworkFilter, ModuleFilter
from domain.kernel.calendar import AcademicYear

router = APIRouter(tags=["frameworks and modules"])


def _strands(items: list[StrandIn]) -> list[frameworks_service.StrandSpec]:
    return [frameworks_service.StrandSpec(s.code, s.name) for s in items]


def _steps(items: list[StepIn]) -> list[frameworks_service.StepSpec]:
    return [frameworks_service.StepSpec(s.code, s.label or s.code, s.value) for s in items]


@router.get("/frameworks")
async def list_frameworks(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    school_id: Annotated[
        uuid.UUID | None, Query(description="frameworks a school can use (its own and its trust's)")
    ] = None,
    trust_id: uuid.UUID | None = None,
) -> PageOut[FrameworkOut]:
    result = await frameworks_service.list_frameworks(
        uow, principal, FrameworkFilter(school_id, trust_id), page
    )
    return page_out(result, [FrameworkOut.of(f) for f in result.items], request, response)


@router.post("/frameworks", status_code=status.HTTP_201_CREATED)
async def create_framework(
    body: FrameworkIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> FrameworkOut:
    cmd = frameworks_service.CreateFramework(
        **body.model_dump(exclude={"steps", "strands"}),
        strands=_strands(body.strands),
        steps=_steps(body.steps),
    )
    framework = await frameworks_service.create_framework(uow, principal, cmd)
    set_etag(response, framework.version)
    response.headers["Location"] = f"/api/v1/frameworks/{framework.id}"
    return FrameworkOut.of(framework)


@router.get("/frameworks/{framework_id}")
async def get_framework(
    framework_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> FrameworkOut:
    framework = await frameworks_service.get_framework(uow, principal, framework_id)
    set_etag(response, framework.version)
    return FrameworkOut.of(framework)


@router.patch("/frameworks/{framework_id}")
async def update_framework(
    framework_id: uuid.UUID,
    body: FrameworkPatch,
    version: IfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> FrameworkOut:
    """Rename, or add strands and steps. Existing steps are never changed: judgements use them."""
    cmd = frameworks_service.UpdateFramework(
        framework_id=framework_id,
        expected_version=version,
        name=body.given_or_unset("name"),
        description=body.given_or_unset("description"),
        add_strands=tuple(_strands(body.add_strands)),
        add_steps=tuple(_steps(body.add_steps)),
    )
    framework = await frameworks_service.update_framework(uow, principal, cmd)
    set_etag(response, framework.version)
    return FrameworkOut.of(framework)


@router.delete("/frameworks/{framework_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_framework(
    framework_id: uuid.UUID, version: IfMatch, uow: UowDep, principal: PrincipalDep
) -> None:
    """Only while no judgement or target uses it (409 otherwise)."""
    await frameworks_service.delete_framework(uow, principal, framework_id, version)


@router.get("/modules")
async def list_modules(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    school_id: uuid.UUID | None = None,
    academic_year: Annotated[str | None, Query(pattern=r"^\d{4}/\d{2}$")] = None,
) -> PageOut[ModuleOut]:
    year = AcademicYear.parse_given(academic_year)
    result = await modules_service.list_modules(uow, principal, ModuleFilter(school_id, year), page)
    return page_out(result, [ModuleOut.of(m) for m in result.items], request, response)


@router.post("/modules", status_code=status.HTTP_201_CREATED)
async def create_module(
    body: ModuleIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> ModuleOut:
    cmd = modules_service.CreateModule(
        **body.model_dump(exclude={"academic_year"}),
        academic_year=AcademicYear.parse(body.academic_year),
    )
    module = await modules_service.create_module(uow, principal, cmd)
    set_etag(response, module.version)
    response.headers["Location"] = f"/api/v1/modules/{module.id}"
    return ModuleOut.of(module)


@router.get("/modules/{module_id}")
async def get_module(
    module_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> ModuleOut:
    module = await modules_service.get_module(uow, principal, module_id)
    set_etag(response, module.version)
    return ModuleOut.of(module)


@router.patch("/modules/{module_id}")
async def update_module(
    module_id: uuid.UUID,
    body: ModulePatch,
    version: IfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> ModuleOut:
    module = await modules_service.update_module(
        uow, principal, modules_service.UpdateModule(module_id, version, **body.changes())
    )
    set_etag(response, module.version)
    return ModuleOut.of(module)


@router.delete("/modules/{module_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_module(
    module_id: uuid.UUID, version: IfMatch, uow: UowDep, principal: PrincipalDep
) -> None:
    """Only while no judgement uses it (409 otherwise)."""
    await modules_service.delete_module(uow, principal, module_id, version)
