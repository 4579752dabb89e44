"""Targets: the step a pupil should reach on a strand by the end of a year,
and the SMART outcome targets of EHC plans and IEPs with termly evaluations.

A scale target moves through statuses; revising it (because it proved too
easy or too challenging) supersedes it with a new target rather than editing
the step in place, so the history shows every target the pupil was set.
"""

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from domain.kernel.calendar import AcademicYear
from domain.kernel.errors import Conflict, Problem, invalid


class TargetStatus(enum.StrEnum):
    ACTIVE = "active"
    MET = "met"
    REVISED = "revised"
    TOO_CHALLENGING = "too_challenging"
    WITHDRAWN = "withdrawn"


#: Statuses a scale target may move to by a status change (revision has its own operation).
TRANSITIONS: dict[TargetStatus, frozenset[TargetStatus]] = {
    TargetStatus.ACTIVE: frozenset(
        {TargetStatus.MET, TargetStatus.TOO_CHALLENGING, TargetStatus.WITHDRAWN}
    ),
    TargetStatus.TOO_CHALLENGING: frozenset({TargetStatus.ACTIVE, TargetStatus.WITHDRAWN}),
    TargetStatus.MET: frozenset({TargetStatus.ACTIVE}),
    TargetStatus.WITHDRAWN: frozenset({TargetStatus.ACTIVE}),
    TargetStatus.REVISED: frozenset(),
}

#: Statuses that hold the pupil x strand x year slot (at most one such target at a time).
CURRENT_STATUSES = frozenset({TargetStatus.ACTIVE, TargetStatus.TOO_CHALLENGING, TargetStatus.MET})


@dataclass(frozen=True, slots=True)
class TargetRevision:
    """One entry in a target's history."""

    target_id: uuid.UUID
    changed_at: datetime
    changed_by: str
    status: TargetStatus
    step_id: uuid.UUID
    reason: str


@dataclass(slots=True)
class Target:
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    academic_year: AcademicYear
    step_id: uuid.UUID
    set_on: date
    set_by: str
    rationale: str = ""
    status: TargetStatus = TargetStatus.ACTIVE
    supersedes_id: uuid.UUID | None = None
    history: list[TargetRevision] = field(default_factory=list)
    version: int = 1

    def record(self, at: datetime, by: str, reason: str) -> TargetRevision:
        entry = TargetRevision(self.id, at, by, self.status, self.step_id, reason)
        self.history.append(entry)
        return entry

    def change_status(
        self, status: TargetStatus, reason: str, by: str, at: datetime
    ) -> TargetRevision:
        if status not in TRANSITIONS[self.status]:
            raise Conflict(
                f"a {self.status.value} target cannot become {status.value}", field="status"
            )
        self.status = status
        self.version += 1
        return self.record(at, by, reason)

    def revise(
        self, new_id: uuid.UUID, step_id: uuid.UUID, reason: str, by: str, at: datetime
    ) -> "Target":
        """Supersede this target with a new one at `step_id`; the reason is required."""
        if not reason.strip():
            raise invalid("reason", "say why the target is revised", "required")
        if self.status in (TargetStatus.REVISED, TargetStatus.WITHDRAWN):
            raise Conflict(f"a {self.status.value} target cannot be revised", field="status")
        self.status = TargetStatus.REVISED
        self.version += 1
        self.record(at, by, reason)
        successor = Target(
            id=new_id,
            school_id=self.school_id,
            pupil_id=self.pupil_id,
            strand_id=self.strand_id,
            academic_year=self.academic_year,
            step_id=step_id,
            set_on=at.date(),
            set_by=by,
            rationale=reason,
            supersedes_id=self.id,
        )
        successor.record(at, by, reason)
        return successor

    def problems(self) -> list[Problem]:
        if len(self.rationale) > 4000:
            return [Problem("rationale", "at most 4000 characters", "too_long")]
        return []


def chain_of(target: Target, siblings: Iterable[Target]) -> list[Target]:
    """`target` with the targets it superseded and those that superseded it, oldest first.
    `siblings` are the targets of the same pupil, strand and year (`target` among them)."""
    by_id = {t.id: t for t in siblings}
    successor_of = {t.supersedes_id: t.id for t in by_id.values() if t.supersedes_id}
    first = target
    while first.supersedes_id in by_id:
        first = by_id[first.supersedes_id]
    chain = [first]
    while chain[-1].id in successor_of:
        chain.append(by_id[successor_of[chain[-1].id]])
    return chain


def chain_history(chain: Iterable[Target]) -> list[TargetRevision]:
    """Every change to every target of a chain, oldest first."""
    return sorted((entry for t in chain for entry in t.history), key=lambda e: e.changed_at)


class OutcomeSource(enum.StrEnum):
    EHCP = "ehcp"
    IEP = "iep"
    PROVISION_PLAN = "provision_plan"


class OutcomeStatus(enum.StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    CEASED = "ceased"


class OutcomeRating(enum.StrEnum):
    NOT_MET = "not_met"
    PARTLY_MET = "partly_met"
    MET = "met"
    EXCEEDED = "exceeded"


class Term(enum.StrEnum):
    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"


@dataclass(frozen=True, slots=True)
class OutcomeEvaluation:
    id: uuid.UUID
    academic_year: AcademicYear
    term: Term
    rating: OutcomeRating
    evaluated_on: date
    evaluated_by: str
    note: str = ""


@dataclass(slots=True)
class OutcomeTarget:
    """A SMART target from an EHC plan outcome or IEP, evaluated each term."""

    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    source: OutcomeSource
    area: str
    text: str
    set_on: date
    due_on: date | None = None
    status: OutcomeStatus = OutcomeStatus.ACTIVE
    evaluations: list[OutcomeEvaluation] = field(default_factory=list)
    version: int = 1

    def evaluate(self, evaluation: OutcomeEvaluation) -> None:
        clash = any(
            e.academic_year == evaluation.academic_year and e.term is evaluation.term
            for e in self.evaluations
        )
        if clash:
            raise Conflict(
                f"already evaluated for {evaluation.term.value} {evaluation.academic_year.label}",
                field="term",
            )
        if evaluation.evaluated_on < self.set_on:
            raise invalid("evaluated_on", "before the target was set", "date.order")
        self.evaluations.append(evaluation)
        self.version += 1

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if not self.text.strip():
            found.append(Problem("text", "must not be blank", "blank"))
        if len(self.text) > 4000:
            found.append(Problem("text", "at most 4000 characters", "too_long"))
        if not self.area.strip():
            found.append(Problem("area", "must not be blank", "blank"))
        if self.due_on is not None and self.due_on < self.set_on:
            found.append(Problem("due_on", "due_on is before set_on", "date.order"))
        return found
