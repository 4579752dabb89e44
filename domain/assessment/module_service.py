"""Use cases for a school's assessment modules (windows of its academic year)."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from domain.assessment.ports import HasFrameworks, HasModules, ModuleFilter
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear, Module
from domain.kernel.errors import Conflict, InvariantViolation, Problem
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.references import check_version, found
from domain.kernel.transaction import Transaction
from domain.kernel.unset import UNSET, Unset, given
from domain.organisation.ports import HasSchools
from domain.pupils.ports import HasPupils
from domain.pupils.references import require_filter_scope


class ModuleWork(HasFrameworks, HasModules, HasPupils, HasSchools, Transaction, Protocol):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class CreateModule:
    school_id: uuid.UUID
    academic_year: AcademicYear
    sequence: int
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class UpdateModule:
    module_id: uuid.UUID
    expected_version: int | None
    name: str | Unset = UNSET
    starts_on: date | Unset = UNSET
    ends_on: date | Unset = UNSET


async def _overlap_problems(uow: ModuleWork, module: Module) -> list[Problem]:
    siblings = await uow.modules.matching(
        ModuleFilter(school_id=module.school_id, academic_year=module.academic_year),
        PageRequest(limit=100),
    )
    return [
        Problem(
            "starts_on",
            f"overlaps {other.name} ({other.starts_on}..{other.ends_on})",
            "module.overlap",
        )
        for other in siblings.items
        if other.id != module.id and module.overlaps(other)
    ]


async def create_module(uow: ModuleWork, actor: Principal, cmd: CreateModule) -> Module:
    actor.require(Permission.MANAGE_SCHOOL, cmd.school_id)
    module = Module(
        id=new_id(),
        school_id=cmd.school_id,
        academic_year=cmd.academic_year,
        sequence=cmd.sequence,
        name=cmd.name.strip(),
        starts_on=cmd.starts_on,
        ends_on=cmd.ends_on,
    )
    if problems := module.problems():
        raise InvariantViolation(problems)
    async with uow:
        found(await uow.schools.get(cmd.school_id), "school", cmd.school_id)
        if problems := await _overlap_problems(uow, module):
            raise InvariantViolation(problems)
        await uow.modules.add(module)
        await uow.commit()
    return module


async def get_module(uow: ModuleWork, actor: Principal, module_id: uuid.UUID) -> Module:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return found(await uow.modules.get(module_id), "module", module_id)


async def list_modules(
    uow: ModuleWork, actor: Principal, filter: ModuleFilter, page: PageRequest
) -> Page[Module]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id)
        return await uow.modules.matching(filter, page)


async def update_module(uow: ModuleWork, actor: Principal, cmd: UpdateModule) -> Module:
    async with uow:
        module = found(await uow.modules.get(cmd.module_id), "module", cmd.module_id)
        actor.require(Permission.MANAGE_SCHOOL, module.school_id)
        check_version("module", module.version, cmd.expected_version)
        previous = module.version
        module.name = given(cmd.name, module.name).strip()
        module.starts_on = given(cmd.starts_on, module.starts_on)
        module.ends_on = given(cmd.ends_on, module.ends_on)
        module.version += 1
        problems = module.problems() or await _overlap_problems(uow, module)
        if problems:
            raise InvariantViolation(problems)
        await uow.modules.update(module, previous)
        await uow.commit()
    return module


async def delete_module(
    uow: ModuleWork, actor: Principal, module_id: uuid.UUID, expected_version: int | None
) -> None:
    async with uow:
        module = found(await uow.modules.get(module_id), "module", module_id)
        actor.require(Permission.MANAGE_SCHOOL, module.school_id)
        check_version("module", module.version, expected_version)
        if await uow.modules.in_use(module_id):
            raise Conflict("the module has judgements; it cannot be deleted")
        await uow.modules.delete(module)
        await uow.commit()
