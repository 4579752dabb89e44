"""Use cases for assessment frameworks (strands and a scale of steps)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.assessment.framework import Framework, Step, Strand
from domain.assessment.ports import FrameworkFilter, HasFrameworks
from domain.kernel.access import Permission, Principal
from domain.kernel.errors import Conflict, InvariantViolation, Problem
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.references import check_version, found
from domain.kernel.transaction import Transaction
from domain.kernel.unset import UNSET, Unset, given
from domain.organisation.ports import HasSchools, HasTrusts
from domain.pupils.ports import HasPupils
from domain.pupils.references import require_filter_scope


class FrameworkWork(HasFrameworks, HasPupils, HasSchools, HasTrusts, Transaction, Protocol):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class StrandSpec:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class StepSpec:
    code: str
    label: str
    value: float


@dataclass(frozen=True, slots=True)
class CreateFramework:
    name: str
    strands: list[StrandSpec]
    steps: list[StepSpec]
    trust_id: uuid.UUID | None = None
    school_id: uuid.UUID | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class UpdateFramework:
    framework_id: uuid.UUID
    expected_version: int | None
    name: str | Unset = UNSET
    description: str | Unset = UNSET
    add_strands: tuple[StrandSpec, ...] = ()
    add_steps: tuple[StepSpec, ...] = ()


def _require_owner(actor: Principal, framework: Framework) -> None:
    """Trust frameworks are managed by trust admins, school frameworks by school admins."""
    if framework.trust_id is not None:
        actor.require_trust(Permission.MANAGE_TRUST, framework.trust_id)
    elif framework.school_id is not None:
        actor.require(Permission.MANAGE_SCHOOL, framework.school_id)


def _strands(specs: list[StrandSpec] | tuple[StrandSpec, ...], start: int) -> list[Strand]:
    return [
        Strand(id=new_id(), code=s.code.strip(), name=s.name.strip(), position=start + i)
        for i, s in enumerate(specs)
    ]


def _steps(specs: list[StepSpec] | tuple[StepSpec, ...]) -> list[Step]:
    return [
        Step(id=new_id(), code=s.code.strip(), label=s.label.strip(), value=s.value) for s in specs
    ]


#: Problems the entity names by a step's place on the sorted scale; the use cases name them instead.
_ORDER_CODES = frozenset({"duplicate", "scale.order"})


def _repeat_problems(
    strands: Sequence[StrandSpec],
    steps: Sequence[StepSpec],
    existing: Framework | None = None,
    prefix: str = "",
) -> list[Problem]:
    """Repeated strand codes or names, step codes or step values, named where the request put them.

    The entity sorts steps by value, so its own problems would name a step by its place on the
    scale: not where the caller sent it, and for an update not even a field of the request."""
    found: list[Problem] = []
    codes = {s.code for s in existing.strands} if existing else set()
    names = {s.name for s in existing.strands} if existing else set()
    for i, strand in enumerate(strands):
        code, name = strand.code.strip(), strand.name.strip()
        if code in codes:
            found.append(
                Problem(f"{prefix}strands[{i}].code", f"{code!r} is used twice", "duplicate")
            )
        if name in names:
            found.append(
                Problem(f"{prefix}strands[{i}].name", f"{name!r} is used twice", "duplicate")
            )
        codes.add(code)
        names.add(name)
    step_codes = {s.code for s in existing.steps} if existing else set()
    values = {s.value: s.code for s in existing.steps} if existing else {}
    for i, step in enumerate(steps):
        code = step.code.strip()
        if code in step_codes:
            found.append(
                Problem(f"{prefix}steps[{i}].code", f"{code!r} is used twice", "duplicate")
            )
        if step.value in values:
            found.append(
                Problem(
                    f"{prefix}steps[{i}].value",
                    f"{code} has the same value as {values[step.value]}",
                    "scale.order",
                )
            )
        step_codes.add(code)
        values.setdefault(step.value, code)
    return found


def _other_problems(framework: Framework) -> list[Problem]:
    return [p for p in framework.problems() if p.code not in _ORDER_CODES]


async def create_framework(uow: FrameworkWork, actor: Principal, cmd: CreateFramework) -> Framework:
    framework = Framework(
        id=new_id(),
        name=cmd.name.strip(),
        description=cmd.description,
        trust_id=cmd.trust_id,
        school_id=cmd.school_id,
        strands=_strands(cmd.strands, 1),
        steps=_steps(cmd.steps),
    )
    if problems := _repeat_problems(cmd.strands, cmd.steps) + _other_problems(framework):
        raise InvariantViolation(problems)
    _require_owner(actor, framework)
    async with uow:
        if cmd.school_id is not None:
            found(await uow.schools.get(cmd.school_id), "school", cmd.school_id)
        if cmd.trust_id is not None:
            found(await uow.trusts.get(cmd.trust_id), "trust", cmd.trust_id)
        await uow.frameworks.add(framework)
        await uow.commit()
    return framework


async def get_framework(uow: FrameworkWork, actor: Principal, framework_id: uuid.UUID) -> Framework:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return found(await uow.frameworks.get(framework_id), "framework", framework_id)


async def list_frameworks(
    uow: FrameworkWork, actor: Principal, filter: FrameworkFilter, page: PageRequest
) -> Page[Framework]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id, trust_id=filter.trust_id)
        return await uow.frameworks.matching(filter, page)


async def update_framework(uow: FrameworkWork, actor: Principal, cmd: UpdateFramework) -> Framework:
    """Rename, or extend with strands and steps. Existing steps never move: judgements use them."""
    async with uow:
        framework = found(await uow.frameworks.get(cmd.framework_id), "framework", cmd.framework_id)
        _require_owner(actor, framework)
        check_version("framework", framework.version, cmd.expected_version)
        previous = framework.version
        repeats = _repeat_problems(cmd.add_strands, cmd.add_steps, framework, prefix="add_")
        framework.name = given(cmd.name, framework.name).strip()
        framework.description = given(cmd.description, framework.description)
        framework.strands.extend(_strands(cmd.add_strands, len(framework.strands) + 1))
        framework.steps.extend(_steps(cmd.add_steps))
        framework.steps.sort(key=lambda s: s.value)
        framework.version += 1
        if problems := repeats + _other_problems(framework):
            raise InvariantViolation(problems)
        await uow.frameworks.update(framework, previous)
        await uow.commit()
    return framework


async def delete_framework(
    uow: FrameworkWork, actor: Principal, framework_id: uuid.UUID, expected_version: int | None
) -> None:
    async with uow:
        framework = found(await uow.frameworks.get(framework_id), "framework", framework_id)
        _require_owner(actor, framework)
        check_version("framework", framework.version, expected_version)
        if await uow.frameworks.in_use(framework_id):
            raise Conflict("the framework has judgements or targets; it cannot be deleted")
        await uow.frameworks.delete(framework)
        await uow.commit()
