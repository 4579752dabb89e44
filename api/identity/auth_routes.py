"""OAuth2 token endpoint (password and client_credentials grants) and token introspection."""

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Form, Header, Request, Response
from fastapi.responses import JSONResponse

from api.dependencies import PrincipalDep, RuntimeDep
from api.errors import PROBLEM_JSON
from api.identity.identity_schemas import MeOut, TokenOut
from api.runtime import Runtime
from domain.identity.identity import User
from domain.identity.identity_service import (
    AuthenticationFailed,
    authenticate_client,
    authenticate_user,
)
from domain.identity.sign_in import SignInThrottled

router = APIRouter(prefix="/auth", tags=["auth"])


#: RFC 6749 §5.1: token responses, and refusals, are never stored by a cache
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(
    request: Request,
    status: int,
    error: str,
    description: str,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """RFC 6749 §5.2 error fields, inside an RFC 9457 problem body."""
    headers = {**NO_STORE, **(headers or {})}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="stepwise"'
    return JSONResponse(
        {
            "type": f"urn:stepwise:problem:oauth:{error}",
            "title": "Token request refused",
            "status": status,
            "detail": description,
            "instance": request.url.path,
            "correlation_id": getattr(request.state, "correlation_id", None),
            "error": error,
            "error_description": description,
        },
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _throttled(request: Request, error: SignInThrottled) -> JSONResponse:
    return _oauth_error(
        request,
        429,
        "too_many_attempts",
        f"too many failed sign-ins: try again in {error.retry_after} s",
        headers={"Retry-After": str(error.retry_after)},
    )


def token_for(runtime: Runtime, user: User) -> TokenOut:
    """A token for a staff user, carrying their current token generation."""
    token = runtime.tokens.issue(
        str(user.id), "user", user.role.value, generation=user.token_generation
    )
    return TokenOut(access_token=token, expires_in=int(runtime.tokens.lifetime.total_seconds()))


def address_of(request: Request) -> str:
    """Where the attempt came from (behind a proxy: set uvicorn's --forwarded-allow-ips)."""
    return request.client.host if request.client else "unknown"


@router.post(
    "/token",
    response_model=TokenOut,
    responses={
        400: {"description": "unsupported grant or bad credentials"},
        401: {"description": "unknown client"},
        429: {
            "description": "too many failed sign-ins for this account or address: wait",
            "headers": {"Retry-After": {"schema": {"type": "string"}}},
        },
    },
)
async def issue_token(
    request: Request,
    response: Response,
    runtime: RuntimeDep,
    grant_type: Annotated[str, Form(description="password | client_credentials")],
    username: Annotated[str | None, Form(max_length=254)] = None,
    password: Annotated[str | None, Form(max_length=200)] = None,
    client_id: Annotated[str | None, Form(max_length=100)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> TokenOut | JSONResponse:
    """Staff sign in with `password`; integration clients use `client_credentials`
    (form fields or HTTP Basic). Tokens are RS256 JWTs valid for `expires_in` seconds.
    After 5 failures in a row an account waits 1 s, then 2, 4... up to 15 minutes (429 with
    Retry-After); an address may fail 50 times first. A success clears the account's count."""
    lifetime = int(runtime.tokens.lifetime.total_seconds())
    response.headers.update(NO_STORE)
    address = address_of(request)
    rules = runtime.settings.auth.sign_in_rules()
    if grant_type == "password":
        if not username or not password:
            return _oauth_error(
                request, 400, "invalid_request", "username and password are required"
            )
        try:
            user = await authenticate_user(
                runtime.system_uow(), username, password, runtime.hasher, address, rules=rules
            )
        except AuthenticationFailed:
            return _oauth_error(request, 400, "invalid_grant", "wrong email or password")
        except SignInThrottled as error:
            return _throttled(request, error)
        return token_for(runtime, user)
    if grant_type == "client_credentials":
        basic = _basic_credentials(authorization)
        cid, secret = basic if basic else (client_id, client_secret)
        if not cid or not secret:
            return _oauth_error(
                request, 401, "invalid_client", "client_id and client_secret are required"
            )
        try:
            client = await authenticate_client(
                runtime.system_uow(), cid, secret, runtime.hasher, address, rules=rules
            )
        except AuthenticationFailed:
            return _oauth_error(request, 401, "invalid_client", "unknown client or wrong secret")
        except SignInThrottled as error:
            return _throttled(request, error)
        token = runtime.tokens.issue(client.client_id, "client", "integration")
        return TokenOut(access_token=token, expires_in=lifetime)
    return _oauth_error(
        request, 400, "unsupported_grant_type", "use password or client_credentials"
    )


@router.get("/me")
async def me(principal: PrincipalDep) -> MeOut:
    """What this token can see and do (role, schools, trusts, permissions)."""
    return MeOut.of(principal)
