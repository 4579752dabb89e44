"""Academic years and assessment modules.

An English academic year runs 1 September to 31 August and is written "2023/24".
A module is a school's assessment window within a year: six "modules", three
terms, or 6-weekly points, each with its own dates.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import date

from domain.kernel.errors import Problem, invalid

PLAUSIBLE_YEARS = range(1990, 2100)
MAX_MODULES = 20  # six modules, three terms or 6-weekly points: twenty leaves room
_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class AcademicYear:
    start_year: int

    @classmethod
    def parse(cls, text: str, field: str = "academic_year") -> "AcademicYear":
        """A year written like 2023/24, within PLAUSIBLE_YEARS (0000/01 is well written, but
        its 1 September does not exist, and no school tracks pupils in 2999/00)."""
        match = _YEAR.match(text.strip())
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise invalid(field, "an academic year is written like 2023/24", "academic_year")
        if int(match[1]) not in PLAUSIBLE_YEARS:
            first, last = PLAUSIBLE_YEARS[0], PLAUSIBLE_YEARS[-1]
            raise invalid(
                field, f"between {cls(first).label} and {cls(last).label}", "academic_year"
            )
        return cls(int(match[1]))

    @classmethod
    def parse_given(cls, text: str | None, field: str = "academic_year") -> "AcademicYear | None":
        """`parse`, or None when no year is given (an optional filter)."""
        return cls.parse(text, field) if text else None

    @classmethod
    def containing(cls, day: date) -> "AcademicYear":
        return cls(day.year if day.month >= 9 else day.year - 1)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 8, 31)

    def previous(self) -> "AcademicYear":
        return AcademicYear(self.start_year - 1)

    def __str__(self) -> str:
        return self.label


#: The academic years a report may be about: their dates exist, and pupils' records do too.


@dataclass(slots=True)
class Module:
    id: uuid.UUID
    school_id: uuid.UUID
    academic_year: AcademicYear
    sequence: int
    name: str
    starts_on: date
    ends_on: date
    version: int = 1

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def overlaps(self, other: "Module") -> bool:
        return self.starts_on <= other.ends_on and other.starts_on <= self.ends_on

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if not self.name.strip():
            found.append(Problem("name", "must not be blank", "blank"))
        if not 1 <= self.sequence <= MAX_MODULES:
            found.append(Problem("sequence", f"between 1 and {MAX_MODULES}", "range"))
        if self.ends_on < self.starts_on:
            found.append(Problem("ends_on", "ends_on is before starts_on", "date.order"))
        year = self.academic_year
        for name, day in (("starts_on", self.starts_on), ("ends_on", self.ends_on)):
            if not year.starts_on <= day <= year.ends_on:
                found.append(
                    Problem(name, f"must fall within academic year {year.label}", "academic_year")
                )
        return found
