"""/audit: who changed what, when, from which import; for school and trust admins."""

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.dependencies import PrincipalDep, UowDep
from api.errors import ApiProblem
from api.integration.audit_schemas import AuditEntryOut, AuditPageOut
from domain.integration.audit import AuditAction, AuditQuery
from domain.integration.audit_service import audit_entries
from domain.kernel.errors import Problem
from domain.kernel.paging import MAX_LIMIT

router = APIRouter(prefix="/audit", tags=["audit"])


def _encode(before: int | None) -> str | None:
    if before is None:
        return None
    return base64.urlsafe_b64encode(before.to_bytes(8, "big")).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError) as error:
        raise _bad_cursor() from error
    if len(raw) != 8:
        raise _bad_cursor()
    return int.from_bytes(raw, "big")


def _bad_cursor() -> ApiProblem:
    return ApiProblem(
        400,
        "Bad request",
        "the cursor is not one this API issued",
        [Problem("cursor", "not a cursor from a previous page", "cursor")],
    )


def _zoned(moment: datetime | None) -> datetime | None:
    """A time given without a zone is taken as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@router.get("", responses={400: {"description": "a cursor this API did not issue"}})
async def list_audit_entries(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    school_id: uuid.UUID | None = None,
    resource: Annotated[
        str | None, Query(max_length=64, description="a table name, e.g. judgements")
    ] = None,
    record_id: uuid.UUID | None = None,
    actor: Annotated[
        str | None, Query(max_length=200, description="a user id, a client_id or `system`")
    ] = None,
    action: AuditAction | None = None,
    since: Annotated[
        datetime | None, Query(description="at or after (ISO 8601; UTC if no zone)")
    ] = None,
    until: Annotated[datetime | None, Query(description="before (ISO 8601)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="entries per page")] = 50,
    cursor: Annotated[
        str | None,
        Query(
            max_length=64,
            description="next_cursor of the previous page",
            # 8 bytes, base64url, or empty for the first page: else 400
            json_schema_extra={"pattern": r"^(?:[A-Za-z0-9_-]{11})?$"},
        ),
    ] = None,
) -> AuditPageOut:
    """The audit log of the caller's schools (or `school_id`), newest first. Changes made
    through REST, GraphQL and the command line are logged row by row; a bulk import leaves
    one `import` entry with its counts instead."""
    query = AuditQuery(
        school_id=school_id,
        resource=resource,
        record_id=record_id,
        actor=actor,
        action=action,
        since=_zoned(since),
        until=_zoned(until),
        limit=limit,
        before=_decode(cursor) if cursor else None,
    )
    page = await audit_entries(uow, principal, query)
    next_cursor = _encode(page.next_before)
    if next_cursor is not None:
        next_url = request.url.include_query_params(cursor=next_cursor)
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return AuditPageOut(items=[AuditEntryOut.of(e) for e in page.items], next_cursor=next_cursor)
