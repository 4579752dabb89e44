"""Use cases for trusts and schools."""

import uuid
from dataclasses import dataclass
from typing import Protocol

from domain.assessment.ports import HasFrameworks
from domain.kernel.access import Permission, Principal
from domain.kernel.errors import InvariantViolation, PermissionDenied
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.references import check_version, found
from domain.kernel.transaction import Transaction
from domain.kernel.unset import UNSET, Unset, given
from domain.organisation.organisation import School, SchoolType, Trust, TrustKind
from domain.organisation.ports import HasSchools, HasTrusts, SchoolFilter
from domain.pupils.ports import HasPupils
from domain.pupils.references import require_filter_scope


class OrganisationWork(HasFrameworks, HasPupils, HasSchools, HasTrusts, Transaction, Protocol):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class CreateTrust:
    name: str
    kind: TrustKind = TrustKind.MULTI_ACADEMY_TRUST


@dataclass(frozen=True, slots=True)
class UpdateTrust:
    trust_id: uuid.UUID
    expected_version: int | None
    name: str | Unset = UNSET
    kind: TrustKind | Unset = UNSET


@dataclass(frozen=True, slots=True)
class CreateSchool:
    trust_id: uuid.UUID
    urn: str
    name: str
    type: SchoolType


@dataclass(frozen=True, slots=True)
class UpdateSchool:
    school_id: uuid.UUID
    expected_version: int | None
    name: str | Unset = UNSET
    type: SchoolType | Unset = UNSET
    sen_retention_years: int | Unset = UNSET


async def create_trust(uow: OrganisationWork, actor: Principal, cmd: CreateTrust) -> Trust:
    """Trusts are set up by the service operator (CLI); tokens cannot create tenants."""
    if not actor.unrestricted:
        raise PermissionDenied("trusts are created by the service operator")
    trust = Trust(id=new_id(), name=cmd.name.strip(), kind=cmd.kind)
    if problems := trust.problems():
        raise InvariantViolation(problems)
    async with uow:
        await uow.trusts.add(trust)
        await uow.commit()
    return trust


async def get_trust(uow: OrganisationWork, actor: Principal, trust_id: uuid.UUID) -> Trust:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return found(await uow.trusts.get(trust_id), "trust", trust_id)


async def list_trusts(uow: OrganisationWork, actor: Principal, page: PageRequest) -> Page[Trust]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.trusts.matching(page)


async def update_trust(uow: OrganisationWork, actor: Principal, cmd: UpdateTrust) -> Trust:
    async with uow:
        trust = found(await uow.trusts.get(cmd.trust_id), "trust", cmd.trust_id)
        actor.require_trust(Permission.MANAGE_TRUST, trust.id)
        check_version("trust", trust.version, cmd.expected_version)
        previous = trust.version
        trust.name = given(cmd.name, trust.name).strip()
        trust.kind = given(cmd.kind, trust.kind)
        trust.version += 1
        if problems := trust.problems():
            raise InvariantViolation(problems)
        await uow.trusts.update(trust, previous)
        await uow.commit()
    return trust


async def create_school(uow: OrganisationWork, actor: Principal, cmd: CreateSchool) -> School:
    actor.require_trust(Permission.MANAGE_TRUST, cmd.trust_id)
    school = School(
        id=new_id(),
        trust_id=cmd.trust_id,
        urn=cmd.urn.strip(),
        name=cmd.name.strip(),
        type=cmd.type,
    )
    if problems := school.problems():
        raise InvariantViolation(problems)
    async with uow:
        found(await uow.trusts.get(cmd.trust_id), "trust", cmd.trust_id)
        await uow.schools.add(school)
        await uow.commit()
    return school


async def get_school(uow: OrganisationWork, actor: Principal, school_id: uuid.UUID) -> School:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return found(await uow.schools.get(school_id), "school", school_id)


async def list_schools(
    uow: OrganisationWork, actor: Principal, filter: SchoolFilter, page: PageRequest
) -> Page[School]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        await require_filter_scope(uow, actor, trust_id=filter.trust_id)
        return await uow.schools.matching(filter, page)


async def update_school(uow: OrganisationWork, actor: Principal, cmd: UpdateSchool) -> School:
    """Trust admins edit any school of their trust; school admins their own school."""
    async with uow:
        school = found(await uow.schools.get(cmd.school_id), "school", cmd.school_id)
        administers_trust = actor.has(Permission.MANAGE_TRUST) and actor.trust_id == school.trust_id
        if not (administers_trust or actor.unrestricted):
            actor.require(Permission.MANAGE_SCHOOL, school.id)
        check_version("school", school.version, cmd.expected_version)
        previous = school.version
        school.name = given(cmd.name, school.name).strip()
        school.type = given(cmd.type, school.type)
        school.sen_retention_years = given(cmd.sen_retention_years, school.sen_retention_years)
        school.version += 1
        if problems := school.problems():
            raise InvariantViolation(problems)
        await uow.schools.update(school, previous)
        await uow.commit()
    return school
