"""Teaching groups: a school's classes, teaching sets and intervention groups for one academic
year, the staff who teach them, and pupils' dated memberships.

A pupil joins a group on a day and may leave it on a later one (a move between sets mid-year
is one membership ended and another begun), so a group's members are those whose membership
covers the day asked about. Staff are staff accounts of the group's school.
"""

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date

from domain.kernel.calendar import AcademicYear
from domain.kernel.errors import Problem

MAX_NAME = 100
#: staff accounts one group may name
MAX_STAFF = 20


class GroupKind(enum.StrEnum):
    CLASS = "class"
    TEACHING = "teaching"
    INTERVENTION = "intervention"


@dataclass(slots=True)
class TeachingGroup:
    id: uuid.UUID
    school_id: uuid.UUID
    name: str
    kind: GroupKind
    academic_year: AcademicYear
    staff_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    version: int = 1

    def problems(self) -> list[Problem]:
        found = []
        if not self.name.strip():
            found.append(Problem("name", "must not be blank", "required"))
        if len(self.name) > MAX_NAME:
            found.append(Problem("name", f"at most {MAX_NAME} characters", "length"))
        if len(self.staff_ids) > MAX_STAFF:
            found.append(Problem("staff_ids", f"at most {MAX_STAFF} staff", "length"))
        return found


@dataclass(slots=True)
class Membership:
    """A pupil in a group from `starts_on` until `ends_on` (None: still in it)."""

    id: uuid.UUID
    school_id: uuid.UUID
    group_id: uuid.UUID
    pupil_id: uuid.UUID
    starts_on: date
    ends_on: date | None = None
    version: int = 1

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def problems(self, year: AcademicYear) -> list[Problem]:
        """Within the group's academic year, and not ending before it starts."""
        found = []
        if not year.starts_on <= self.starts_on <= year.ends_on:
            reason = f"must fall in the group's academic year {year.label}"
            found.append(Problem("starts_on", reason, "date.academic_year"))
        if self.ends_on is not None and self.ends_on < self.starts_on:
            found.append(Problem("ends_on", "must not be before starts_on", "date.order"))
        if self.ends_on is not None and self.ends_on > year.ends_on:
            reason = f"must fall in the group's academic year {year.label}"
            found.append(Problem("ends_on", reason, "date.academic_year"))
        return found

    def overlaps(self, other: "Membership") -> bool:
        """Two memberships of one pupil in one group that share a day."""
        ends = self.ends_on or date.max
        other_ends = other.ends_on or date.max
        return self.starts_on <= other_ends and other.starts_on <= ends
