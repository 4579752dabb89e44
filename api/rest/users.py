"""/users: staff accounts, managed by trust and school admins within their scope."""

from fastapi import APIRouter, Request, Response, status

from api.dependencies import PageDep, PrincipalDep, RuntimeDep, UowDep
from api.schemas.common import PageOut, page_out
from api.schemas.identity import UserIn, UserOut
from domain.services import identity as service

router = APIRouter(prefix="/users", tags=["users"])


@router.get("")
async def list_users(
    request: Request, response: Response, uow: UowDep, principal: PrincipalDep, page: PageDep
) -> PageOut[UserOut]:
    result = await service.list_users(uow, principal, page)
    return page_out(result, [UserOut.of(u) for u in result.items], request, response)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_user(
    body: UserIn, runtime: RuntimeDep, uow: UowDep, principal: PrincipalDep
) -> UserOut:
    cmd = service.CreateUser(
        email=body.email,
        name=body.name,
        role=body.role,
        password=body.password,
        trust_id=body.trust_id,
        school_ids=frozenset(body.school_ids),
    )
    return UserOut.of(await service.create_user(uow, principal, cmd, runtime.hasher))
