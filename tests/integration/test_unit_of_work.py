"""The unit of work: nothing kept without commit, and constraint violations in domain words."""

import uuid
from dataclasses import replace
from datetime import date

import pytest

from domain.kernel.calendar import AcademicYear, Module
from domain.kernel.errors import Conflict, InvariantViolation, StaleVersion
from domain.kernel.ids import new_id
from persistence.database import Database
from persistence.scope import Scope
from tests.factories import World


def _module(world: World, sequence: int) -> Module:
    return Module(
        id=new_id(),
        school_id=world.school.id,
        academic_year=AcademicYear(2024),
        sequence=sequence,
        name=f"Module {sequence}",
        starts_on=date(2024, 9, 2),
        ends_on=date(2024, 10, 18),
    )


async def test_changes_are_rolled_back_unless_committed(database: Database, world: World) -> None:
    module = _module(world, 1)
    async with database.unit_of_work(Scope.unrestricted()) as uow:
        await uow.modules.add(module)
    async with database.unit_of_work(Scope.unrestricted()) as uow:
        assert await uow.modules.get(module.id) is None


async def test_committed_changes_are_kept(database: Database, world: World) -> None:
    module = _module(world, 2)
    async with database.unit_of_work(Scope.unrestricted()) as uow:
        await uow.modules.add(module)
        await uow.commit()
    async with database.unit_of_work(Scope.unrestricted()) as uow:
        assert await uow.modules.get(module.id) == module


async def test_a_duplicate_key_becomes_a_conflict_naming_the_field(
    database: Database, world: World
) -> None:
    copy = replace(world.pupils[1], id=uuid.uuid4(), upn=world.pupil.upn, mis_id=None)

    async def add_copy() -> None:
        async with database.unit_of_work(Scope.unrestricted()) as uow:
            await uow.pupils.add(copy)
            await uow.commit()

    with pytest.raises(Conflict) as raised:
        await add_copy()
    assert raised.value.field == "upn"


async def test_a_missing_reference_becomes_an_invariant_violation_naming_the_field(
    database: Database, world: World
) -> None:
    orphan = replace(world.pupil, id=uuid.uuid4(), school_id=uuid.uuid4(), upn=None, mis_id="X1")
    with pytest.raises(InvariantViolation) as raised:
        async with database.unit_of_work(Scope.unrestricted()) as uow:
            await uow.pupils.add(orphan)
    assert raised.value.problems[0].field == "school_id"


async def test_an_update_from_a_stale_version_is_refused(database: Database, world: World) -> None:
    pupil = world.pupils[1]
    async with database.unit_of_work(Scope.unrestricted()) as uow:
        current = await uow.pupils.get(pupil.id)
        assert current is not None
        stale = replace(current, forename="Renamed", version=current.version + 1)
        await uow.pupils.update(stale, current.version)
        await uow.commit()

    async def update_from_the_old_version() -> None:
        async with database.unit_of_work(Scope.unrestricted()) as uow:
            again = replace(current, forename="Again", version=current.version + 1)
            await uow.pupils.update(again, current.version)

    with pytest.raises(StaleVersion):
        await update_from_the_old_version()
