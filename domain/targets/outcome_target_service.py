"""Use cases for outcome targets (EHCP / IEP SMART targets) and their termly evaluations."""

import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from domain.assessment.ports import HasFrameworks
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import InvariantViolation
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.references import check_version, found, not_in_future
from domain.kernel.transaction import Transaction
from domain.kernel.unset import UNSET, Unset, given
from domain.organisation.ports import HasSchools
from domain.pupils.ports import HasPupils
from domain.pupils.references import referenced_pupil, require_filter_scope
from domain.targets.ports import HasOutcomes, OutcomeTargetFilter
from domain.targets.target import (
    OutcomeEvaluation,
    OutcomeRating,
    OutcomeSource,
    OutcomeStatus,
    OutcomeTarget,
    Term,
)


class OutcomeTargetWork(HasFrameworks, HasOutcomes, HasPupils, HasSchools, Transaction, Protocol):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class SetOutcomeTarget:
    pupil_id: uuid.UUID
    source: OutcomeSource
    area: str
    text: str
    set_on: date | None = None
    due_on: date | None = None


@dataclass(frozen=True, slots=True)
class UpdateOutcomeTarget:
    outcome_id: uuid.UUID
    expected_version: int | None
    area: str | Unset = UNSET
    text: str | Unset = UNSET
    due_on: date | Unset | None = UNSET
    status: OutcomeStatus | Unset = UNSET


@dataclass(frozen=True, slots=True)
class EvaluateOutcome:
    outcome_id: uuid.UUID
    academic_year: AcademicYear
    term: Term
    rating: OutcomeRating
    note: str = ""
    evaluated_on: date | None = None
    expected_version: int | None = None


async def set_outcome_target(
    uow: OutcomeTargetWork, actor: Principal, cmd: SetOutcomeTarget, clock: Clock = SYSTEM_CLOCK
) -> OutcomeTarget:
    actor.require(Permission.WRITE_ASSESSMENT)
    async with uow:
        pupil = await referenced_pupil(uow, cmd.pupil_id, actor)
        actor.require(Permission.WRITE_ASSESSMENT, pupil.school_id)
        not_in_future(cmd.set_on, clock.today(), "set_on")
        outcome = OutcomeTarget(
            id=new_id(),
            school_id=pupil.school_id,
            pupil_id=pupil.id,
            source=cmd.source,
            area=cmd.area.strip(),
            text=cmd.text.strip(),
            set_on=cmd.set_on or clock.today(),
            due_on=cmd.due_on,
        )
        if problems := outcome.problems():
            raise InvariantViolation(problems)
        await uow.outcomes.add(outcome)
        await uow.commit()
    return outcome


async def update_outcome_target(
    uow: OutcomeTargetWork, actor: Principal, cmd: UpdateOutcomeTarget
) -> OutcomeTarget:
    async with uow:
        outcome = found(await uow.outcomes.get(cmd.outcome_id), "outcome target", cmd.outcome_id)
        actor.require(Permission.WRITE_ASSESSMENT, outcome.school_id)
        check_version("outcome target", outcome.version, cmd.expected_version)
        previous = outcome.version
        outcome.area = given(cmd.area, outcome.area).strip()
        outcome.text = given(cmd.text, outcome.text).strip()
        outcome.due_on = given(cmd.due_on, outcome.due_on)
        outcome.status = given(cmd.status, outcome.status)
        outcome.version += 1
        if problems := outcome.problems():
            raise InvariantViolation(problems)
        await uow.outcomes.update(outcome, previous)
        await uow.commit()
    return outcome


async def evaluate_outcome(
    uow: OutcomeTargetWork, actor: Principal, cmd: EvaluateOutcome, clock: Clock = SYSTEM_CLOCK
) -> OutcomeTarget:
    async with uow:
        outcome = found(await uow.outcomes.get(cmd.outcome_id), "outcome target", cmd.outcome_id)
        actor.require(Permission.WRITE_ASSESSMENT, outcome.school_id)
        check_version("outcome target", outcome.version, cmd.expected_version)
        previous = outcome.version
        not_in_future(cmd.evaluated_on, clock.today(), "evaluated_on")
        evaluation = OutcomeEvaluation(
            id=new_id(),
            academic_year=cmd.academic_year,
            term=cmd.term,
            rating=cmd.rating,
            evaluated_on=cmd.evaluated_on or clock.today(),
            evaluated_by=actor.display_name or actor.subject,
            note=cmd.note,
        )
        outcome.evaluate(evaluation)
        await uow.outcomes.add_evaluation(outcome, evaluation)
        await uow.outcomes.update(outcome, previous)
        await uow.commit()
    return outcome


def as_seen_by(outcome: OutcomeTarget, actor: Principal) -> OutcomeTarget:
    """Pseudonymised callers (trust analysts) get no wording: an outcome's text and its
    evaluations' notes are free text that names the pupil, as the pupil report knows."""
    if not actor.pseudonymised:
        return outcome
    return replace(outcome, text="", evaluations=[replace(e, note="") for e in outcome.evaluations])


async def get_outcome_target(
    uow: OutcomeTargetWork, actor: Principal, outcome_id: uuid.UUID
) -> OutcomeTarget:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        outcome = found(await uow.outcomes.get(outcome_id), "outcome target", outcome_id)
    return as_seen_by(outcome, actor)


async def list_outcome_targets(
    uow: OutcomeTargetWork, actor: Principal, filter: OutcomeTargetFilter, page: PageRequest
) -> Page[OutcomeTarget]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id, pupil_id=filter.pupil_id)
        result = await uow.outcomes.matching(filter, page)
    return Page([as_seen_by(o, actor) for o in result.items], result.next_after)
