"""/pupils: enrol, read, list with filters, update, archive (soft delete) and restore."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.dependencies import IfMatch, PageDep, PrincipalDep, PseudonymiserDep, UowDep
from api.http import set_etag
from api.pupils.pupil_schemas import PupilIn, PupilOut, PupilPatch
from api.schemas import PageOut, page_out
from domain.kernel.unset import UNSET
from domain.privacy.pupil_view import view_of
from domain.pupils import pupil_service as service
from domain.pupils.ports import PupilFilter

router = APIRouter(prefix="/pupils", tags=["pupils"])


@router.get("")
async def list_pupils(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    pseudonymiser: PseudonymiserDep,
    page: PageDep,
    school_id: uuid.UUID | None = None,
    year_group: Annotated[str | None, Query(max_length=2)] = None,
    pathway: Annotated[str | None, Query(max_length=100)] = None,
    on_roll_on: Annotated[date | None, Query(description="only pupils on roll that day")] = None,
    upn: Annotated[str | None, Query(max_length=20)] = None,
    mis_id: Annotated[str | None, Query(max_length=64)] = None,
    include_archived: bool = False,
) -> PageOut[PupilOut]:
    filter = PupilFilter(school_id, year_group, pathway, on_roll_on, upn, mis_id, include_archived)
    result = await service.list_pupils(uow, principal, filter, page, pseudonymiser)
    return page_out(result, [PupilOut.of(p) for p in result.items], request, response)


@router.post("", status_code=status.HTTP_201_CREATED)
async def enrol_pupil(
    body: PupilIn,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    pseudonymiser: PseudonymiserDep,
) -> PupilOut:
    cmd = service.EnrolPupil(
        **body.model_dump(exclude={"characteristics", "enrolments"}),
        characteristics=[c.to_domain() for c in body.characteristics],
        enrolments=[e.to_domain() for e in body.enrolments],
    )
    pupil = await service.enrol_pupil(uow, principal, cmd)
    set_etag(response, pupil.version)
    response.headers["Location"] = f"/api/v1/pupils/{pupil.id}"
    return PupilOut.of(view_of(pupil, principal, pseudonymiser))


@router.get("/{pupil_id}")
async def get_pupil(
    pupil_id: uuid.UUID,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    pseudonymiser: PseudonymiserDep,
    include_archived: bool = False,
) -> PupilOut:
    pupil = await service.get_pupil(uow, principal, pupil_id, pseudonymiser, include_archived)
    set_etag(response, pupil.version)
    return PupilOut.of(pupil)


@router.patch("/{pupil_id}")
async def update_pupil(
    pupil_id: uuid.UUID,
    body: PupilPatch,
    version: IfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    pseudonymiser: PseudonymiserDep,
) -> PupilOut:
    chars = body.given_or_unset("characteristics")
    enrols = body.given_or_unset("enrolments")
    cmd = service.UpdatePupil(
        pupil_id=pupil_id,
        expected_version=version,
        forename=body.given_or_unset("forename"),
        surname=body.given_or_unset("surname"),
        date_of_birth=body.given_or_unset("date_of_birth"),
        gender=body.given_or_unset("gender"),
        year_group=body.given_or_unset("year_group"),
        upn=body.given_or_unset("upn"),
        mis_id=body.given_or_unset("mis_id"),
        pathway=body.given_or_unset("pathway"),
        characteristics=chars if chars is UNSET else [c.to_domain() for c in chars],
        enrolments=enrols if enrols is UNSET else [e.to_domain() for e in enrols],
    )
    pupil = await service.update_pupil(uow, principal, cmd)
    set_etag(response, pupil.version)
    return PupilOut.of(view_of(pupil, principal, pseudonymiser))


@router.delete("/{pupil_id}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_pupil(
    pupil_id: uuid.UUID, version: IfMatch, uow: UowDep, principal: PrincipalDep
) -> None:
    """Soft delete: the pupil leaves lists; judgements, targets and history are kept."""
    await service.archive_pupil(uow, principal, pupil_id, version)


@router.post("/{pupil_id}/restore")
async def restore_pupil(
    pupil_id: uuid.UUID,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    pseudonymiser: PseudonymiserDep,
) -> PupilOut:
    pupil = await service.restore_pupil(uow, principal, pupil_id)
    set_etag(response, pupil.version)
    return PupilOut.of(view_of(pupil, principal, pseudonymiser))
