"""Target rows from an MIS or tracker export: pupil x strand x academic year -> step.

A row is matched to the pupil's target for that strand and year (the current one, else the
last withdrawn one). A different step revises it, as a teacher's revision does: the old
target is kept as `revised` and superseded by a new one, so the history shows both. A
different status changes it by the domain's transitions. Anything else leaves it alone.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from domain.integration.import_fields import (
    PupilIndex,
    PupilKey,
    RowErrors,
    StrandIndex,
    read_academic_year,
    read_date,
    value_key,
)
from domain.integration.imports import RowError
from domain.kernel.calendar import AcademicYear
from domain.kernel.errors import Conflict
from domain.targets.target import CURRENT_STATUSES, Target, TargetRevision, TargetStatus

#: field -> other headings tracker exports use for it (docs/imports.md)
TARGET_COLUMNS: dict[str, tuple[str, ...]] = {
    "upn": ("UPN", "Unique Pupil Number"),
    "mis_id": ("MIS ID", "Admission No", "Adno", "Admission Number", "Pupil ID", "External ID"),
    "framework": ("Framework", "Scheme"),
    "strand": ("Strand", "Strand Code", "Aspect", "Subject"),
    "academic_year": ("Academic Year", "Year", "Target Year"),
    "step": ("Step", "Step Code", "Target", "Target Step", "Target Grade"),
    "status": ("Status", "Target Status"),
    "rationale": ("Rationale", "Reason", "Note", "Notes"),
    "set_on": ("Set On", "Date Set", "Target Date"),
}
REQUIRED_TARGET_COLUMNS = ("strand", "academic_year", "step")

#: statuses a file may give (a revision is made by giving a new step)
_STATUSES = {s.value: s for s in TargetStatus if s is not TargetStatus.REVISED}


@dataclass(frozen=True, slots=True)
class ImportedTarget:
    line: int
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    academic_year: AcademicYear
    step_id: uuid.UUID
    status: TargetStatus | None
    rationale: str
    set_on: date | None

    @property
    def key(self) -> tuple[uuid.UUID, uuid.UUID, str]:
        return (self.pupil_id, self.strand_id, self.academic_year.label)


class TargetCatalogue:
    """What a school's target rows are checked against."""

    def __init__(self, pupils: Iterable[PupilKey], strands: StrandIndex, today: date) -> None:
        self.pupils = PupilIndex(pupils)
        self.strands = strands
        self.today = today

    def check(self, line: int, row: Mapping[str, str]) -> ImportedTarget | list[RowError]:
        error = RowErrors(line)
        pupil_id = self.pupils.find(row, error)
        found = self.strands.find(row, error)
        step = StrandIndex.step(found[0], row, error) if found else None
        year = read_academic_year(row, error)
        status_text = row.get("status", "").strip()
        status = _STATUSES.get(value_key(status_text)) if status_text else None
        if status_text and status is None:
            error("status", f"{status_text!r} is not one of {', '.join(_STATUSES)}", "one_of")
        set_on = read_date(row, "set_on", error)
        if set_on is not None and set_on > self.today:
            error("set_on", "must not be in the future", "date.future")
        rationale = row.get("rationale", "").strip()
        if error.found or pupil_id is None or found is None or step is None or year is None:
            return error.found
        return ImportedTarget(line, pupil_id, found[1].id, year, step.id, status, rationale, set_on)


@dataclass(slots=True)
class TargetWrites:
    """What one row does: targets to add and to update (with their previous version), and
    the history entries to keep. `existed` and `changed` make the counts."""

    existed: bool
    added: list[Target] = field(default_factory=list)
    updated: list[tuple[Target, int]] = field(default_factory=list)
    revisions: list[TargetRevision] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def plan_target(
    row: ImportedTarget,
    school_id: uuid.UUID,
    slot: Sequence[Target],
    by: str,
    at: datetime,
    reason: str,
    new_id: Callable[[], uuid.UUID],
) -> TargetWrites | RowError:
    """The writes that bring the slot's targets (oldest first) to the row, by the domain's
    own operations; a status the target cannot move to is the row's error."""
    current = next((t for t in reversed(slot) if t.status in CURRENT_STATUSES), None)
    head = current or next((t for t in reversed(slot) if t.status is TargetStatus.WITHDRAWN), None)
    try:
        if head is None or (head.status is TargetStatus.WITHDRAWN and head.step_id != row.step_id):
            target = Target(
                id=new_id(),
                school_id=school_id,
                pupil_id=row.pupil_id,
                strand_id=row.strand_id,
                academic_year=row.academic_year,
                step_id=row.step_id,
                set_on=row.set_on or at.date(),
                set_by=by,
                rationale=row.rationale,
            )
            if problems := target.problems():
                return RowError(row.line, problems[0].field, problems[0].reason, problems[0].code)
            writes = TargetWrites(existed=False, added=[target])
            writes.revisions.append(target.record(at, by, "set"))
            _set_status(target, row.status, reason, by, at, writes)
            return writes
        writes = TargetWrites(existed=True)
        if head.step_id != row.step_id:
            previous = head.version
            successor = head.revise(new_id(), row.step_id, reason, by, at)
            writes.updated.append((head, previous))
            writes.added.append(successor)
            writes.revisions += [head.history[-1], successor.history[-1]]
            _set_status(successor, row.status, reason, by, at, writes)
        elif row.status is not None and row.status is not head.status:
            writes.updated.append((head, head.version))
            _set_status(head, row.status, reason, by, at, writes)
        return writes
    except Conflict as conflict:
        return RowError(row.line, "status", conflict.reason, "status.transition")


def _set_status(
    target: Target,
    status: TargetStatus | None,
    reason: str,
    by: str,
    at: datetime,
    writes: TargetWrites,
) -> None:
    if status is not None and status is not target.status:
        writes.revisions.append(target.change_status(status, reason, by, at))
