"""/judgements: record, correct (history kept), moderate, read, list, delete."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.assessment.judgement_schemas import (
    JudgementCorrection,
    JudgementIn,
    JudgementOut,
    JudgementRevisionOut,
    ModerationIn,
)
from api.dependencies import IfMatch, OptionalIfMatch, PageDep, PrincipalDep, UowDep
from api.http import set_etag
from api.schemas import PageOut, page_out
from domain.assessment import judgement_service as service
from domain.assessment.judgement import JudgementKind
from domain.assessment.ports import JudgementFilter

router = APIRouter(prefix="/judgements", tags=["judgements"])


@router.get("")
async def list_judgements(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    school_id: uuid.UUID | None = None,
    pupil_id: uuid.UUID | None = None,
    strand_id: uuid.UUID | None = None,
    module_id: uuid.UUID | None = None,
    kind: JudgementKind | None = None,
    year_group: Annotated[str | None, Query(max_length=2)] = None,
    pathway: Annotated[str | None, Query(max_length=100)] = None,
) -> PageOut[JudgementOut]:
    filter = JudgementFilter(school_id, pupil_id, strand_id, module_id, kind, year_group, pathway)
    result = await service.list_judgements(uow, principal, filter, page)
    return page_out(result, [JudgementOut.of(j) for j in result.items], request, response)


@router.post("", status_code=status.HTTP_201_CREATED)
async def record_judgement(
    body: JudgementIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> JudgementOut:
    """One judgement per pupil, strand and module; a second is refused (409): correct the first."""
    cmd = service.RecordJudgement(**body.model_dump())
    judgement = await service.record_judgement(uow, principal, cmd)
    set_etag(response, judgement.version)
    response.headers["Location"] = f"/api/v1/judgements/{judgement.id}"
    return JudgementOut.of(judgement)


@router.get("/{judgement_id}")
async def get_judgement(
    judgement_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> JudgementOut:
    judgement = await service.get_judgement(uow, principal, judgement_id)
    set_etag(response, judgement.version)
    return JudgementOut.of(judgement)


@router.patch("/{judgement_id}")
async def correct_judgement(
    judgement_id: uuid.UUID,
    body: JudgementCorrection,
    version: IfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> JudgementOut:
    """A correction with its reason; the previous state is kept in the history."""
    cmd = service.CorrectJudgement(
        **body.model_dump(), judgement_id=judgement_id, expected_version=version
    )
    judgement = await service.correct_judgement(uow, principal, cmd)
    set_etag(response, judgement.version)
    return JudgementOut.of(judgement)


@router.post("/{judgement_id}/moderation")
async def moderate_judgement(
    judgement_id: uuid.UUID,
    body: ModerationIn,
    version: OptionalIfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> JudgementOut:
    """Record moderation: agreed, or adjusted to another step (which then counts)."""
    cmd = service.ModerateJudgement(
        **body.model_dump(), judgement_id=judgement_id, expected_version=version
    )
    judgement = await service.moderate_judgement(uow, principal, cmd)
    set_etag(response, judgement.version)
    return JudgementOut.of(judgement)


@router.get("/{judgement_id}/history")
async def judgement_history(
    judgement_id: uuid.UUID, uow: UowDep, principal: PrincipalDep
) -> list[JudgementRevisionOut]:
    """Previous states, oldest first (also for a deleted judgement)."""
    return [
        JudgementRevisionOut.of(r)
        for r in await service.judgement_history(uow, principal, judgement_id)
    ]


@router.delete("/{judgement_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_judgement(
    judgement_id: uuid.UUID,
    version: IfMatch,
    uow: UowDep,
    principal: PrincipalDep,
    reason: Annotated[
        str, Query(min_length=1, max_length=500, description="why it was entered in error")
    ],
) -> None:
    await service.delete_judgement(uow, principal, judgement_id, version, reason)
