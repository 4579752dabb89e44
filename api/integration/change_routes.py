"""/changes: inserts, updates and deletes in commit order, for keeping a copy in sync."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import PrincipalDep, PseudonymiserDep, UowDep
from api.errors import ApiProblem
from api.integration.change_schemas import ChangesOut, LatestOut
from api.integration.records import ChangedResource
from domain.integration import change_service as service
from domain.integration.changes import (
    DEFAULT_CHANGES,
    MAX_CHANGES,
    START,
    FeedPosition,
)
from domain.kernel.errors import Problem

router = APIRouter(prefix="/changes", tags=["changes"])


def _position(since: str | None) -> FeedPosition:
    if since is None:
        return START
    try:
        return FeedPosition.parse(since)
    except ValueError as error:
        raise ApiProblem(
            400,
            "Bad request",
            "since takes the next_cursor of an earlier page, or /changes/latest's cursor",
            [Problem("since", "not a cursor this feed issued", "cursor")],
        ) from error


@router.get("", responses={400: {"description": "since is not a position this feed issued"}})
async def list_changes(
    uow: UowDep,
    principal: PrincipalDep,
    pseudonymiser: PseudonymiserDep,
    since: Annotated[
        str | None,
        Query(
            max_length=200,
            description="next_cursor of the previous page; absent: from the start",
            json_schema_extra={"pattern": r"^[A-Za-z0-9_-]+$"},  # base64url; checked: 400
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_CHANGES)] = DEFAULT_CHANGES,
    resource: Annotated[
        list[ChangedResource] | None, Query(description="only these resources (repeatable)")
    ] = None,
    school_id: Annotated[uuid.UUID | None, Query(description="only this school")] = None,
) -> ChangesOut:
    """Changes in the order their transactions committed, each row once, at the commit that
    last changed it, with its current state (`upsert`) or as gone (`delete`; archived pupils
    too). Apply them in order and store `next_cursor`; ask again while `has_more`. Within a
    commit pupils come first, then judgements, targets, attendance, qualifications and
    destinations, each in id order."""
    request = service.ChangeRequest(
        since=_position(since),
        limit=limit,
        resources=frozenset(resource or ()),
        school_id=school_id,
    )
    return ChangesOut.of(await service.changes_since(uow, principal, request, pseudonymiser))


@router.get("/latest")
async def latest_change(uow: UowDep, principal: PrincipalDep) -> LatestOut:
    """A cursor after everything committed so far: take it before a full export, then follow
    the feed from it (what changed during the export comes again, as upserts)."""
    return LatestOut.of(await service.latest_position(uow, principal))
