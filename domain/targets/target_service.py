"""Use cases for scale targets (set, change status, revise) and their history."""

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol

from domain.assessment.ports import HasFrameworks
from domain.assessment.references import referenced_strand, step_on_scale
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import Conflict, InvariantViolation
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.references import check_version, found, not_in_future
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools
from domain.pupils.ports import HasPupils
from domain.pupils.references import referenced_pupil, require_filter_scope
from domain.targets.ports import HasTargets, TargetFilter
from domain.targets.target import Target, TargetRevision, TargetStatus, chain_history


class TargetWork(HasFrameworks, HasPupils, HasSchools, HasTargets, Transaction, Protocol):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class SetTarget:
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    academic_year: AcademicYear
    step_id: uuid.UUID
    rationale: str = ""
    set_on: date | None = None


@dataclass(frozen=True, slots=True)
class ChangeTargetStatus:
    target_id: uuid.UUID
    expected_version: int | None
    status: TargetStatus
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ReviseTarget:
    target_id: uuid.UUID
    expected_version: int | None
    step_id: uuid.UUID
    reason: str


async def set_target(
    uow: TargetWork, actor: Principal, cmd: SetTarget, clock: Clock = SYSTEM_CLOCK
) -> Target:
    actor.require(Permission.WRITE_ASSESSMENT)
    async with uow:
        pupil = await referenced_pupil(uow, cmd.pupil_id, actor)
        actor.require(Permission.WRITE_ASSESSMENT, pupil.school_id)
        framework, _ = await referenced_strand(uow, cmd.strand_id, pupil.school_id)
        step_on_scale(framework, cmd.step_id)
        current = await uow.targets.current(pupil.id, cmd.strand_id, cmd.academic_year.label)
        if current is not None:
            raise Conflict(
                f"the pupil already has a {current.status.value} target for this strand "
                f"in {cmd.academic_year.label} ({current.id}); revise it",
                field="strand_id",
            )
        not_in_future(cmd.set_on, clock.today(), "set_on")
        target = new_target(cmd, pupil.school_id, actor, clock.now())
        await uow.targets.add(target)
        await uow.targets.add_revision(target.school_id, target.history[-1])
        await uow.commit()
    return target


def new_target(cmd: SetTarget, school_id: uuid.UUID, actor: Principal, now: datetime) -> Target:
    """A target as set_target makes it, checked, with "set" as the first entry of its history;
    the caller has checked the pupil, the strand, the step and that no target is current."""
    target = Target(
        id=new_id(),
        school_id=school_id,
        pupil_id=cmd.pupil_id,
        strand_id=cmd.strand_id,
        academic_year=cmd.academic_year,
        step_id=cmd.step_id,
        set_on=cmd.set_on or now.date(),
        set_by=actor.subject,
        rationale=cmd.rationale,
    )
    if problems := target.problems():
        raise InvariantViolation(problems)
    target.record(now, actor.subject, "set")
    return target


async def change_target_status(
    uow: TargetWork, actor: Principal, cmd: ChangeTargetStatus, clock: Clock = SYSTEM_CLOCK
) -> Target:
    async with uow:
        target = found(await uow.targets.get(cmd.target_id), "target", cmd.target_id)
        actor.require(Permission.WRITE_ASSESSMENT, target.school_id)
        check_version("target", target.version, cmd.expected_version)
        previous = target.version
        if cmd.status in (TargetStatus.ACTIVE, TargetStatus.MET):
            clash = await uow.targets.current(
                target.pupil_id, target.strand_id, target.academic_year.label
            )
            if clash is not None and clash.id != target.id:
                raise Conflict(
                    f"another target is current for this strand ({clash.id})", field="status"
                )
        revision = target.change_status(cmd.status, cmd.reason.strip(), actor.subject, clock.now())
        await uow.targets.update(target, previous)
        await uow.targets.add_revision(target.school_id, revision)
        await uow.commit()
    return target


async def revise_target(
    uow: TargetWork, actor: Principal, cmd: ReviseTarget, clock: Clock = SYSTEM_CLOCK
) -> Target:
    """Supersede a target with a new step; returns the new, active target."""
    async with uow:
        target = found(await uow.targets.get(cmd.target_id), "target", cmd.target_id)
        actor.require(Permission.WRITE_ASSESSMENT, target.school_id)
        check_version("target", target.version, cmd.expected_version)
        framework, _ = await referenced_strand(uow, target.strand_id, target.school_id)
        step_on_scale(framework, cmd.step_id)
        previous = target.version
        successor = target.revise(new_id(), cmd.step_id, cmd.reason, actor.subject, clock.now())
        await uow.targets.update(target, previous)
        await uow.targets.add_revision(target.school_id, target.history[-1])
        await uow.targets.add(successor)
        await uow.targets.add_revision(successor.school_id, successor.history[-1])
        await uow.commit()
    return successor


def as_seen_by(target: Target, actor: Principal) -> Target:
    """Pseudonymised callers (trust analysts) get no rationale and no reasons for its changes:
    free text about a pupil can name them, as the exports already know."""
    if not actor.pseudonymised:
        return target
    return replace(target, rationale="", history=history_as_seen_by(target.history, actor))


def history_as_seen_by(history: list[TargetRevision], actor: Principal) -> list[TargetRevision]:
    """A target's changes, each reason blank for pseudonymised callers (see `as_seen_by`)."""
    if not actor.pseudonymised:
        return history
    return [replace(revision, reason="") for revision in history]


async def get_target(uow: TargetWork, actor: Principal, target_id: uuid.UUID) -> Target:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        target = found(await uow.targets.get(target_id), "target", target_id)
    return as_seen_by(target, actor)


async def target_history(
    uow: TargetWork, actor: Principal, target_id: uuid.UUID
) -> list[TargetRevision]:
    """Every change to this target and to the targets it superseded or was superseded by."""
    actor.require(Permission.READ_ROSTER)
    async with uow:
        chain = (await uow.targets.chains([target_id])).get(target_id, [])
        if not chain:
            return found(None, "target", target_id)
    return history_as_seen_by(chain_history(chain), actor)


async def list_targets(
    uow: TargetWork, actor: Principal, filter: TargetFilter, page: PageRequest
) -> Page[Target]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id, pupil_id=filter.pupil_id)
        result = await uow.targets.matching(filter, page)
    return Page([as_seen_by(t, actor) for t in result.items], result.next_after)
