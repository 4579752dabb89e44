"""/users: staff accounts, managed by trust and school admins within their scope; and a
user's own password."""

import uuid

from fastapi import APIRouter, Request, Response, status

from api.dependencies import IfMatch, PageDep, PrincipalDep, RuntimeDep, UowDep
from api.errors import ApiProblem
from api.http import set_etag
from api.identity.auth_routes import NO_STORE, address_of, token_for
from api.identity.identity_schemas import (
    PasswordChangeIn,
    PasswordResetIn,
    TokenOut,
    UserIn,
    UserOut,
    UserUpdateIn,
)
from api.runtime import Runtime
from api.schemas import PageOut, page_out
from domain.identity import account_service as accounts
from domain.identity import identity_service as service
from domain.identity.identity import User
from domain.identity.sign_in import SignInThrottled
from domain.kernel.errors import Problem
from domain.kernel.unset import UNSET

router = APIRouter(prefix="/users", tags=["users"])


def _ended(runtime: Runtime, user: User) -> User:
    """This process forgets the account's cached scope at once (others are told through
    PostgreSQL, persistence/account_notices.py)."""
    runtime.principals.forget_account("user", str(user.id))
    return user


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
    """An address that already has an account, yours to see or not, is the same 409."""
    cmd = service.CreateUser(
        **body.model_dump(exclude={"school_ids"}), school_ids=frozenset(body.school_ids)
    )
    return UserOut.of(await service.create_user(uow, principal, cmd, runtime.hasher))


@router.post("/me/password", responses={429: {"description": "too many wrong passwords"}})
async def change_own_password(
    request: Request,
    response: Response,
    body: PasswordChangeIn,
    runtime: RuntimeDep,
    uow: UowDep,
    principal: PrincipalDep,
) -> TokenOut:
    """Change your own password, giving the current one. Every token you hold ends, this one
    included; the answer carries a new one."""
    try:
        user = await accounts.change_own_password(
            uow,
            principal,
            body.current_password,
            body.new_password,
            runtime.hasher,
            address_of(request),
            rules=runtime.settings.auth.sign_in_rules(),
        )
    except service.AuthenticationFailed as error:
        raise ApiProblem(
            422,
            "Invalid request",
            "the current password is not right",
            [Problem("current_password", "not your current password", "password.wrong")],
        ) from error
    except SignInThrottled as error:
        raise ApiProblem(
            429,
            "Too many attempts",
            f"too many wrong passwords: try again in {error.retry_after} s",
            headers={"Retry-After": str(error.retry_after)},
        ) from error
    _ended(runtime, user)
    response.headers.update(NO_STORE)
    return token_for(runtime, user)


@router.get("/{user_id}")
async def get_user(
    user_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> UserOut:
    """An account you manage (any other is 404)."""
    user = await accounts.get_user(uow, principal, user_id)
    set_etag(response, user.version)
    return UserOut.of(user)


@router.patch("/{user_id}")
async def update_user(
    user_id: uuid.UUID,
    body: UserUpdateIn,
    version: IfMatch,
    response: Response,
    runtime: RuntimeDep,
    uow: UowDep,
    principal: PrincipalDep,
) -> UserOut:
    """Rename, or change the role or scope: a new role or scope ends the account's tokens at
    once. You can only give what you administer."""
    cmd = accounts.UpdateUser(
        user_id,
        version,
        name=body.given_or_unset("name"),
        role=body.given_or_unset("role"),
        trust_id=body.given_or_unset("trust_id"),
        # null is refused by the model, so None means "not sent"
        school_ids=frozenset(body.school_ids) if body.school_ids is not None else UNSET,
    )
    user = _ended(runtime, await accounts.update_user(uow, principal, cmd))
    set_etag(response, user.version)
    return UserOut.of(user)


@router.post("/{user_id}/deactivate")
async def deactivate_user(
    user_id: uuid.UUID,
    response: Response,
    runtime: RuntimeDep,
    uow: UowDep,
    principal: PrincipalDep,
) -> UserOut:
    """The account can no longer sign in, and every token it holds stops working at once.
    Deactivating again changes nothing; you cannot deactivate yourself."""
    user = _ended(runtime, await accounts.set_active(uow, principal, user_id, active=False))
    set_etag(response, user.version)
    return UserOut.of(user)


@router.post("/{user_id}/reactivate")
async def reactivate_user(
    user_id: uuid.UUID,
    response: Response,
    runtime: RuntimeDep,
    uow: UowDep,
    principal: PrincipalDep,
) -> UserOut:
    """The account may sign in again (tokens it held before stay ended)."""
    user = _ended(runtime, await accounts.set_active(uow, principal, user_id, active=True))
    set_etag(response, user.version)
    return UserOut.of(user)


@router.post("/{user_id}/password", status_code=status.HTTP_204_NO_CONTENT)
async def reset_password(
    user_id: uuid.UUID,
    body: PasswordResetIn,
    runtime: RuntimeDep,
    uow: UowDep,
    principal: PrincipalDep,
) -> None:
    """Set a new password for an account you manage (tell the person; they can change it with
    POST /users/me/password). Every token it holds ends at once."""
    user = await accounts.reset_password(uow, principal, user_id, body.new_password, runtime.hasher)
    _ended(runtime, user)
