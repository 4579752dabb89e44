"""Bulk exports: every row of one kind for a school, a trust or all the caller sees.

Columns carry the import's field names (upn, strand, academic_year, module, step...) so a
school's export can be sent back to the matching import unchanged; ids follow as extra
columns, which imports ignore. The pupil's id is `stepwise_pupil_id`, not `pupil_id`: MIS
exports call their own admission number "Pupil ID", and the imports read it as the MIS id.
Rows are read and written in batches, never all at once.
For pseudonymised callers (trust analysts) the pupil is named only by the stable pseudonym:
names, dates of birth, UPNs, MIS ids, pupil ids and free-text notes are left out.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.integration.records import RecordKind
from domain.kernel.calendar import MAX_MODULES, AcademicYear
from domain.kernel.errors import InvariantViolation, Problem

#: what a pseudonymised export leaves out: whatever names the pupil, and free text that may
PSEUDONYMISED_OUT = frozenset(
    {"upn", "mis_id", "forename", "surname", "date_of_birth", "stepwise_pupil_id"}
    | {"note", "rationale", "assessor", "provider"}
)
PSEUDONYM_COLUMN = "pseudonym"


#: a row of an export: the values of the kind's export columns, in order
ExportRecord = tuple[Any, ...]


def columns_of(kind: RecordKind, pseudonymised: bool) -> tuple[str, ...]:
    names: tuple[str, ...] = getattr(kind.export, "_fields", ())
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
    resource: str
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
            if self.resource == "targets":
                reason = "targets are set for a whole academic year, not a module"
                problems.append(Problem("module", reason, "not_applicable"))
        if self.since is not None and self.until is not None and self.until < self.since:
            problems.append(Problem("until", "must not be before since", "date.order"))
        if problems:
            raise InvariantViolation(problems)
        return year
