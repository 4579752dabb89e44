"""/targets (scale targets) and /outcome-targets (EHCP / IEP SMART targets)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.dependencies import IfMatch, OptionalIfMatch, PageDep, PrincipalDep, UowDep
from api.http import set_etag
from api.schemas import PageOut, page_out
from api.targets.target_schemas import (
    EvaluationIn,
    OutcomeTargetIn,
    OutcomeTargetOut,
    OutcomeTargetPatch,
    TargetIn,
    TargetOut,
    TargetRevisionIn,
    TargetRevisionOut,
    TargetStatusIn,
)
from domain.kernel.calendar import AcademicYear
from domain.targets import outcome_target_service as outcomes_service
from domain.targets import target_service as targets_service
from domain.targets.ports import OutcomeTargetFilter, TargetFilter
from domain.targets.target import OutcomeStatus, TargetStatus

router = APIRouter(tags=["targets"])


@router.get("/targets")
async def list_targets(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    school_id: uuid.UUID | None = None,
    pupil_id: uuid.UUID | None = None,
    strand_id: uuid.UUID | None = None,
    academic_year: Annotated[str | None, Query(pattern=r"^\d{4}/\d{2}$")] = None,
    target_status: Annotated[TargetStatus | None, Query(alias="status")] = None,
) -> PageOut[TargetOut]:
    year = AcademicYear.parse_given(academic_year)
    filter = TargetFilter(school_id, pupil_id, strand_id, year, target_status)
    result = await targets_service.list_targets(uow, principal, filter, page)
    return page_out(result, [TargetOut.of(t) for t in result.items], request, response)


@router.post("/targets", status_code=status.HTTP_201_CREATED)
async def set_target(
    body: TargetIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> TargetOut:
    cmd = targets_service.SetTarget(
        **body.model_dump(exclude={"academic_year"}),
        academic_year=AcademicYear.parse(body.academic_year),
    )
    target = await targets_service.set_target(uow, principal, cmd)
    set_etag(response, target.version)
    response.headers["Location"] = f"/api/v1/targets/{target.id}"
    return TargetOut.of(target)


@router.get("/targets/{target_id}")
async def get_target(
    target_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> TargetOut:
    target = await targets_service.get_target(uow, principal, target_id)
    set_etag(response, target.version)
    return TargetOut.of(target)


@router.post("/targets/{target_id}/status")
async def change_target_status(
    target_id: uuid.UUID,
    body: TargetStatusIn,
    version: OptionalIfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> TargetOut:
    """active -> met / too_challenging / withdrawn, and back to active.

    `revised` is set by POST /targets/{id}/revision."""
    cmd = targets_service.ChangeTargetStatus(target_id, version, body.status, body.reason)
    target = await targets_service.change_target_status(uow, principal, cmd)
    set_etag(response, target.version)
    return TargetOut.of(target)


@router.post("/targets/{target_id}/revision", status_code=status.HTTP_201_CREATED)
async def revise_target(
    target_id: uuid.UUID,
    body: TargetRevisionIn,
    version: OptionalIfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> TargetOut:
    """Supersede the target with a new step: returns the new target; the old one is `revised`."""
    cmd = targets_service.ReviseTarget(target_id, version, body.step_id, body.reason)
    target = await targets_service.revise_target(uow, principal, cmd)
    set_etag(response, target.version)
    response.headers["Location"] = f"/api/v1/targets/{target.id}"
    return TargetOut.of(target)


@router.get("/targets/{target_id}/history")
async def target_history(
    target_id: uuid.UUID, uow: UowDep, principal: PrincipalDep
) -> list[TargetRevisionOut]:
    """Every change to this target and the targets it superseded or was superseded by."""
    return [
        TargetRevisionOut.of(r)
        for r in await targets_service.target_history(uow, principal, target_id)
    ]


@router.get("/outcome-targets")
async def list_outcome_targets(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    school_id: uuid.UUID | None = None,
    pupil_id: uuid.UUID | None = None,
    outcome_status: Annotated[OutcomeStatus | None, Query(alias="status")] = None,
) -> PageOut[OutcomeTargetOut]:
    filter = OutcomeTargetFilter(school_id, pupil_id, outcome_status)
    result = await outcomes_service.list_outcome_targets(uow, principal, filter, page)
    return page_out(result, [OutcomeTargetOut.of(o) for o in result.items], request, response)


@router.post("/outcome-targets", status_code=status.HTTP_201_CREATED)
async def set_outcome_target(
    body: OutcomeTargetIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> OutcomeTargetOut:
    cmd = outcomes_service.SetOutcomeTarget(**body.model_dump())
    outcome = await outcomes_service.set_outcome_target(uow, principal, cmd)
    set_etag(response, outcome.version)
    response.headers["Location"] = f"/api/v1/outcome-targets/{outcome.id}"
    return OutcomeTargetOut.of(outcome)


@router.get("/outcome-targets/{outcome_id}")
async def get_outcome_target(
    outcome_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> OutcomeTargetOut:
    outcome = await outcomes_service.get_outcome_target(uow, principal, outcome_id)
    set_etag(response, outcome.version)
    return OutcomeTargetOut.of(outcome)


@router.patch("/outcome-targets/{outcome_id}")
async def update_outcome_target(
    outcome_id: uuid.UUID,
    body: OutcomeTargetPatch,
    version: IfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> OutcomeTargetOut:
    cmd = outcomes_service.UpdateOutcomeTarget(outcome_id, version, **body.changes())
    outcome = await outcomes_service.update_outcome_target(uow, principal, cmd)
    set_etag(response, outcome.version)
    return OutcomeTargetOut.of(outcome)


@router.post(
    "/outcome-targets/{outcome_id}/evaluations",
    status_code=status.HTTP_201_CREATED,
)
async def evaluate_outcome(
    outcome_id: uuid.UUID,
    body: EvaluationIn,
    version: OptionalIfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> OutcomeTargetOut:
    """The termly evaluation: not met / partly met / met / exceeded (one per term)."""
    cmd = outcomes_service.EvaluateOutcome(
        **body.model_dump(exclude={"academic_year"}),
        outcome_id=outcome_id,
        academic_year=AcademicYear.parse(body.academic_year),
        expected_version=version,
    )
    outcome = await outcomes_service.evaluate_outcome(uow, principal, cmd)
    set_etag(response, outcome.version)
    return OutcomeTargetOut.of(outcome)
