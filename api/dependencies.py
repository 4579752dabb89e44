"""FastAPI dependencies: the runtime, the caller, their unit of work, and common headers."""

import base64
import binascii
import re
import uuid
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiProblem, unauthorised
from api.identity.tokens import InvalidToken
from api.runtime import Runtime
from domain.kernel.access import Principal
from domain.kernel.errors import Problem
from domain.kernel.paging import MAX_LIMIT, PageRequest
from domain.privacy.pupil_view import Pseudonymiser
from persistence.unit_of_work import SqlUnitOfWork

_bearer = HTTPBearer(auto_error=False, description="An access token from POST /api/v1/auth/token")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_principal(
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorised()
    try:
        token = runtime.tokens.verify(credentials.credentials)
    except InvalidToken as error:
        raise unauthorised("the bearer token is not valid") from error
    return await runtime.resolve(token.kind, token.subject, token.generation)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_uow(runtime: RuntimeDep, principal: PrincipalDep) -> SqlUnitOfWork:
    return runtime.uow_for(principal)


UowDep = Annotated[SqlUnitOfWork, Depends(get_uow)]


def get_analytics_uow(runtime: RuntimeDep, principal: PrincipalDep) -> SqlUnitOfWork:
    return runtime.analytics_uow_for(principal)


#: read-only, on the read replica if one is configured (docs/scaling.md lists who uses it)
AnalyticsUowDep = Annotated[SqlUnitOfWork, Depends(get_analytics_uow)]


def get_pseudonymiser(runtime: RuntimeDep) -> Pseudonymiser:
    return runtime.pseudonymiser


PseudonymiserDep = Annotated[Pseudonymiser, Depends(get_pseudonymiser)]

# --- optimistic concurrency --------------------------------------------------------

_ETAG = re.compile(r'^(?:W/)?"(\d+)"$')
#: what If-Match accepts, for the OpenAPI document (api/openapi_problems.py); anything else is 400
ETAG_PATTERN = r'^(?:\*|(?:W/)?"\d+")$'


def etag(version: int) -> str:
    return f'"{version}"'


def _parse_if_match(value: str) -> int | None:
    """The version an ETag names, or None for `*` (RFC 9110: any current version)."""
    if value.strip() == "*":
        return None
    match = _ETAG.match(value.strip())
    if not match:
        raise ApiProblem(
            400,
            "Bad request",
            'If-Match takes the ETag from a GET, e.g. "3"',
            [Problem("If-Match", "not an ETag this API issued", "etag")],
        )
    return int(match[1])


def required_if_match(
    _: PrincipalDep,
    if_match: Annotated[
        str | None, Header(description='ETag from a GET, e.g. "3"; `*` skips the version check')
    ] = None,
) -> int | None:
    """Updates and deletes must say which version they change (428 otherwise).

    Depends on the caller so that an anonymous request is told 401 first, whatever order a
    route declares its parameters in (the caller is resolved once per request either way)."""
    if if_match is None:
        raise ApiProblem(
            428,
            "Precondition required",
            "send If-Match with the ETag you read, so concurrent edits are not lost",
            [Problem("If-Match", "required", "required")],
        )
    return _parse_if_match(if_match)


def optional_if_match(
    _: PrincipalDep,
    if_match: Annotated[str | None, Header(description="optional ETag check")] = None,
) -> int | None:
    return None if if_match is None else _parse_if_match(if_match)


IfMatch = Annotated[int | None, Depends(required_if_match)]
OptionalIfMatch = Annotated[int | None, Depends(optional_if_match)]

# --- cursor pages --------------------------------------------------------------------


def encode_cursor(after: uuid.UUID | None) -> str | None:
    if after is None:
        return None
    return base64.urlsafe_b64encode(after.bytes).decode().rstrip("=")


#: an encoded UUID, as encode_cursor writes it, for the OpenAPI document; empty means the first
#: page (as absent does); anything else is 400
CURSOR_PATTERN = r"^(?:[A-Za-z0-9_-]{22})?$"


def decode_cursor(cursor: str) -> uuid.UUID:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return uuid.UUID(bytes=raw)
    except (binascii.Error, ValueError) as error:
        raise ApiProblem(
            400,
            "Bad request",
            "the cursor is not one this API issued",
            [Problem("cursor", "not a cursor from a previous page", "cursor")],
        ) from error


def page_request(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=64, description="next_cursor of the previous page")
    ] = None,
) -> PageRequest:
    return PageRequest(limit=limit, after=decode_cursor(cursor) if cursor else None)


PageDep = Annotated[PageRequest, Depends(page_request)]
