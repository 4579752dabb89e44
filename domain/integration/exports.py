"""Bulk exports: every row of one kind for a school, a trust or all the caller sees.

Columns carry the import's field names (upn, strand, academic_year, module, step...) so a
school's export can be sent back to the matching import unchanged; ids follow as extra
columns, which imports ignore. The pupil's id is `stepwise_pupil_id`, not `pupil_id`: MIS
exports call their own admission number "Pupil ID", and the imports read it as the MIS id.
Rows are read and written in batches, never all at once.
For pseudonymised callers (trust analysts) the pupil is named only by the stable pseudonym:
names, dates of birth, UPNs, MIS ids, pupil ids and free-text notes are left out.
"""

import enum
import uuid
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from domain.kernel.calendar import MAX_MODULES, AcademicYear
from domain.kernel.errors import InvariantViolation, Problem


class ExportResource(enum.StrEnum):
    PUPILS = "pupils"
    JUDGEMENTS = "judgements"
    TARGETS = "targets"
    ATTENDANCE = "attendance"
    QUALIFICATIONS = "qualifications"
    DESTINATIONS = "destinations"


class PupilRecord(NamedTuple):
    """A pupil on roll, with the latest enrolment and the characteristics in force at the
    end of the export's window (today, if it has none)."""

    upn: str | None
    mis_id: str | None
    forename: str
    surname: str
    date_of_birth: date
    gender: str
    year_group: str
    pathway: str | None
    joined_on: date | None
    left_on: date | None
    registration: str | None
    sen_provision: str | None
    primary_need: str | None
    secondary_need: str | None
    pupil_premium: bool
    fsm: bool
    eal: bool
    looked_after: bool
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID
    school_urn: str


class JudgementRecord(NamedTuple):
    """The judged step (as recorded: moderation is in its own columns), as the import reads
    it back."""

    upn: str | None
    mis_id: str | None
    framework: str
    strand: str
    academic_year: str
    module: int
    step: str
    kind: str
    assessed_on: date
    assessor: str
    note: str
    step_label: str
    moderation_state: str
    moderated_step: str | None
    judgement_id: uuid.UUID
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID


class TargetRecord(NamedTuple):
    upn: str | None
    mis_id: str | None
    framework: str
    strand: str
    academic_year: str
    step: str
    status: str
    set_on: date
    set_by: str
    rationale: str
    step_label: str
    target_id: uuid.UUID
    supersedes_id: uuid.UUID | None
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID


class AttendanceRecord(NamedTuple):
    upn: str | None
    mis_id: str | None
    date: date
    session: str
    code: str
    mark_id: uuid.UUID
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID


class QualificationRecord(NamedTuple):
    upn: str | None
    mis_id: str | None
    awarding_body: str
    title: str
    subject: str
    level: str
    kind: str
    status: str
    result: str | None
    awarded_on: date | None
    entry_id: uuid.UUID
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID


class DestinationRecord(NamedTuple):
    upn: str | None
    mis_id: str | None
    left_on: date
    year_group_at_leaving: str
    category: str
    provider: str
    sustained: bool | None
    destination_id: uuid.UUID
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID


ExportRecord = (
    PupilRecord
    | JudgementRecord
    | TargetRecord
    | AttendanceRecord
    | QualificationRecord
    | DestinationRecord
)

RECORDS: dict[ExportResource, type[ExportRecord]] = {
    ExportResource.PUPILS: PupilRecord,
    ExportResource.JUDGEMENTS: JudgementRecord,
    ExportResource.TARGETS: TargetRecord,
    ExportResource.ATTENDANCE: AttendanceRecord,
    ExportResource.QUALIFICATIONS: QualificationRecord,
    ExportResource.DESTINATIONS: DestinationRecord,
}

#: what a pseudonymised export leaves out: whatever names the pupil, and free text that may
PSEUDONYMISED_OUT = frozenset(
    {"upn", "mis_id", "forename", "surname", "date_of_birth", "stepwise_pupil_id"}
    | {"note", "rationale", "assessor", "provider"}
)
PSEUDONYM_COLUMN = "pseudonym"


def columns_of(resource: ExportResource, pseudonymised: bool) -> tuple[str, ...]:
    names = RECORDS[resource]._fields
    if not pseudonymised:
        return names
    return (PSEUDONYM_COLUMN, *(n for n in names if n not in PSEUDONYMISED_OUT))


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which rows, for the port: the schools (already checked against the caller's scope)
    and a window on each row's own date (judgements: assessed_on; targets: set_on;
    attendance: the session's date; qualifications: awarded_on; destinations: left_on;
    pupils: any enrolment overlapping it). `academic_year` and `module` narrow judgements
    and targets by their own year and module, the other rows by the year's dates or each
    school's own module window of that year."""

    school_ids: tuple[uuid.UUID, ...]
    since: date | None = None
    until: date | None = None
    academic_year: AcademicYear | None = None
    module: int | None = None
    #: the day pupils' characteristics are read as at
    as_at: date | None = None


@dataclass(frozen=True, slots=True)
class ExportRequest:
    resource: ExportResource
    school_id: uuid.UUID | None = None
    trust_id: uuid.UUID | None = None
    academic_year: str | None = None
    module: int | None = None
    since: date | None = None
    until: date | None = None

    def checked_year(self) -> AcademicYear | None:
        """The academic year, having refused every bad combination at once (422)."""
        problems: list[Problem] = []
        year: AcademicYear | None = None
        if self.school_id is not None and self.trust_id is not None:
            problems.append(Problem("trust_id", "give school_id or trust_id, not both", "one_of"))
        if self.academic_year is not None:
            try:
                year = AcademicYear.parse(self.academic_year)
            except InvariantViolation as error:
                problems.extend(error.problems)
        if self.module is not None:
            if self.academic_year is None:
                reason = "a module is numbered within an academic year: give academic_year too"
                problems.append(Problem("module", reason, "requires.academic_year"))
            if not 1 <= self.module <= MAX_MODULES:
                problems.append(
                    Problem("module", f"a module number is 1 to {MAX_MODULES}", "range")
                )
            if self.resource is ExportResource.TARGETS:
                reason = "targets are set for a whole academic year, not a module"
                problems.append(Problem("module", reason, "not_applicable"))
        if self.since is not None and self.until is not None and self.until < self.since:
            problems.append(Problem("until", "must not be before since", "date.order"))
        if problems:
            raise InvariantViolation(problems)
        return year
