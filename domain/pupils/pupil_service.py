"""Use cases for pupils: enrol, read, update, archive (soft delete) and restore."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from domain.assessment.ports import HasFrameworks
from domain.kernel.access import Permission, Principal
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import InvariantViolation, PermissionDenied
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.references import check_version, found
from domain.kernel.transaction import Transaction
from domain.kernel.unset import UNSET, Unset, given
from domain.organisation.ports import HasSchools
from domain.privacy.pupil_view import Pseudonymiser, PupilView, view_of
from domain.pupils.ports import HasPupils, PupilFilter
from domain.pupils.pupil import Characteristic, Enrolment, Gender, Pupil
from domain.pupils.references import require_filter_scope


class PupilWork(HasFrameworks, HasPupils, HasSchools, Transaction, Protocol):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class EnrolPupil:
    school_id: uuid.UUID
    forename: str
    surname: str
    date_of_birth: date
    gender: Gender
    year_group: str
    enrolments: list[Enrolment]
    upn: str | None = None
    mis_id: str | None = None
    pathway: str | None = None
    characteristics: list[Characteristic] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UpdatePupil:
    pupil_id: uuid.UUID
    expected_version: int | None
    forename: str | Unset = UNSET
    surname: str | Unset = UNSET
    date_of_birth: date | Unset = UNSET
    gender: Gender | Unset = UNSET
    year_group: str | Unset = UNSET
    upn: str | Unset | None = UNSET
    mis_id: str | Unset | None = UNSET
    pathway: str | Unset | None = UNSET
    characteristics: list[Characteristic] | Unset = UNSET
    enrolments: list[Enrolment] | Unset = UNSET


async def enrol_pupil(
    uow: PupilWork, actor: Principal, cmd: EnrolPupil, clock: Clock = SYSTEM_CLOCK
) -> Pupil:
    actor.require(Permission.WRITE_ROSTER, cmd.school_id)
    pupil = Pupil(
        id=new_id(),
        school_id=cmd.school_id,
        forename=cmd.forename.strip(),
        surname=cmd.surname.strip(),
        date_of_birth=cmd.date_of_birth,
        gender=cmd.gender,
        year_group=cmd.year_group,
        upn=cmd.upn,
        mis_id=cmd.mis_id,
        pathway=cmd.pathway,
        characteristics=list(cmd.characteristics),
        enrolments=list(cmd.enrolments),
    )
    if problems := pupil.problems(clock.today()):
        raise InvariantViolation(problems)
    async with uow:
        found(await uow.schools.get(cmd.school_id), "school", cmd.school_id)
        await uow.pupils.add(pupil)
        await uow.commit()
    return pupil


async def get_pupil(
    uow: PupilWork,
    actor: Principal,
    pupil_id: uuid.UUID,
    pseudonymiser: Pseudonymiser,
    include_deleted: bool = False,
) -> PupilView:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        pupil = found(await uow.pupils.get(pupil_id, include_deleted), "pupil", pupil_id)
    return view_of(pupil, actor, pseudonymiser)


async def list_pupils(
    uow: PupilWork,
    actor: Principal,
    filter: PupilFilter,
    page: PageRequest,
    pseudonymiser: Pseudonymiser,
) -> Page[PupilView]:
    actor.require(Permission.READ_ROSTER)
    if actor.pseudonymised and (filter.upn is not None or filter.mis_id is not None):
        # the answer would tell which pseudonym carries that identifier
        raise PermissionDenied("pseudonymised callers cannot search by UPN or MIS id")
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id)
        result = await uow.pupils.matching(filter, page)
    return Page([view_of(p, actor, pseudonymiser) for p in result.items], result.next_after)


async def update_pupil(
    uow: PupilWork, actor: Principal, cmd: UpdatePupil, clock: Clock = SYSTEM_CLOCK
) -> Pupil:
    async with uow:
        pupil = found(await uow.pupils.get(cmd.pupil_id), "pupil", cmd.pupil_id)
        actor.require(Permission.WRITE_ROSTER, pupil.school_id)
        check_version("pupil", pupil.version, cmd.expected_version)
        previous = pupil.version
        updated = Pupil(
            id=pupil.id,
            school_id=pupil.school_id,
            forename=given(cmd.forename, pupil.forename).strip(),
            surname=given(cmd.surname, pupil.surname).strip(),
            date_of_birth=given(cmd.date_of_birth, pupil.date_of_birth),
            gender=given(cmd.gender, pupil.gender),
            year_group=given(cmd.year_group, pupil.year_group),
            upn=given(cmd.upn, pupil.upn),
            mis_id=given(cmd.mis_id, pupil.mis_id),
            pathway=given(cmd.pathway, pupil.pathway),
            characteristics=list(given(cmd.characteristics, pupil.characteristics)),
            enrolments=list(given(cmd.enrolments, pupil.enrolments)),
            version=previous + 1,
        )
        if problems := updated.problems(clock.today()):
            raise InvariantViolation(problems)
        await uow.pupils.update(updated, previous)
        await uow.commit()
    return updated


async def archive_pupil(
    uow: PupilWork,
    actor: Principal,
    pupil_id: uuid.UUID,
    expected_version: int | None,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Soft delete: the pupil leaves lists but judgements and history are kept."""
    async with uow:
        pupil = found(await uow.pupils.get(pupil_id), "pupil", pupil_id)
        actor.require(Permission.WRITE_ROSTER, pupil.school_id)
        check_version("pupil", pupil.version, expected_version)
        previous = pupil.version
        pupil.deleted_at = clock.now()
        pupil.version += 1
        await uow.pupils.update(pupil, previous)
        await uow.commit()


async def restore_pupil(uow: PupilWork, actor: Principal, pupil_id: uuid.UUID) -> Pupil:
    async with uow:
        pupil = found(await uow.pupils.get(pupil_id, include_deleted=True), "pupil", pupil_id)
        actor.require(Permission.WRITE_ROSTER, pupil.school_id)
        if pupil.deleted_at is None:
            return pupil
        previous = pupil.version
        pupil.deleted_at = None
        pupil.version += 1
        await uow.pupils.update(pupil, previous)
        await uow.commit()
    return pupil
