"""Use cases for leavers' destinations."""

import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from domain.assessment.ports import HasFrameworks
from domain.kernel.access import Permission, Principal
from domain.kernel.errors import InvariantViolation
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.references import check_version, found
from domain.kernel.transaction import Transaction
from domain.kernel.unset import UNSET, Unset, given
from domain.organisation.ports import HasSchools
from domain.outcomes.destination import Destination, DestinationCategory
from domain.outcomes.ports import DestinationFilter, HasDestinations
from domain.pupils.ports import HasPupils
from domain.pupils.references import referenced_pupil, require_filter_scope


class DestinationWork(HasDestinations, HasFrameworks, HasPupils, HasSchools, Transaction, Protocol):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class RecordDestination:
    pupil_id: uuid.UUID
    left_on: date
    category: DestinationCategory
    year_group_at_leaving: str | None = None
    provider: str = ""
    sustained: bool | None = None


@dataclass(frozen=True, slots=True)
class UpdateDestination:
    destination_id: uuid.UUID
    expected_version: int | None
    left_on: date | Unset = UNSET
    category: DestinationCategory | Unset = UNSET
    year_group_at_leaving: str | Unset = UNSET
    provider: str | Unset = UNSET
    sustained: bool | Unset | None = UNSET


async def record_destination(
    uow: DestinationWork, actor: Principal, cmd: RecordDestination
) -> Destination:
    actor.require(Permission.WRITE_ROSTER)
    async with uow:
        # leavers are often archived by the time their destination is known
        pupil = await referenced_pupil(uow, cmd.pupil_id, actor, include_archived=True)
        actor.require(Permission.WRITE_ROSTER, pupil.school_id)
        destination = Destination(
            id=new_id(),
            school_id=pupil.school_id,
            pupil_id=pupil.id,
            left_on=cmd.left_on,
            year_group_at_leaving=cmd.year_group_at_leaving or pupil.year_group,
            category=cmd.category,
            provider=cmd.provider.strip(),
            sustained=cmd.sustained,
        )
        if problems := destination.problems(pupil.first_joined_on):
            raise InvariantViolation(problems)
        await uow.destinations.add(destination)
        await uow.commit()
    return destination


async def update_destination(
    uow: DestinationWork, actor: Principal, cmd: UpdateDestination
) -> Destination:
    async with uow:
        destination = found(
            await uow.destinations.get(cmd.destination_id), "destination", cmd.destination_id
        )
        actor.require(Permission.WRITE_ROSTER, destination.school_id)
        check_version("destination", destination.version, cmd.expected_version)
        previous = destination.version
        destination.left_on = given(cmd.left_on, destination.left_on)
        destination.category = given(cmd.category, destination.category)
        destination.year_group_at_leaving = given(
            cmd.year_group_at_leaving, destination.year_group_at_leaving
        )
        destination.provider = given(cmd.provider, destination.provider).strip()
        destination.sustained = given(cmd.sustained, destination.sustained)
        destination.version += 1
        pupil = await uow.pupils.get(destination.pupil_id, include_deleted=True)
        if problems := destination.problems(pupil.first_joined_on if pupil else None):
            raise InvariantViolation(problems)
        await uow.destinations.update(destination, previous)
        await uow.commit()
    return destination


async def delete_destination(
    uow: DestinationWork, actor: Principal, destination_id: uuid.UUID, expected_version: int | None
) -> None:
    async with uow:
        destination = found(
            await uow.destinations.get(destination_id), "destination", destination_id
        )
        actor.require(Permission.WRITE_ROSTER, destination.school_id)
        check_version("destination", destination.version, expected_version)
        await uow.destinations.delete(destination)
        await uow.commit()


def as_seen_by(destination: Destination, actor: Principal) -> Destination:
    """Pseudonymised callers (trust analysts) get the category but not the provider: a college
    or employer's name, typed by the school, can single a leaver out."""
    return replace(destination, provider="") if actor.pseudonymised else destination


async def get_destination(
    uow: DestinationWork, actor: Principal, destination_id: uuid.UUID
) -> Destination:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        destination = found(
            await uow.destinations.get(destination_id), "destination", destination_id
        )
    return as_seen_by(destination, actor)


async def list_destinations(
    uow: DestinationWork, actor: Principal, filter: DestinationFilter, page: PageRequest
) -> Page[Destination]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id, pupil_id=filter.pupil_id)
        result = await uow.destinations.matching(filter, page)
    return Page([as_seen_by(d, actor) for d in result.items], result.next_after)
