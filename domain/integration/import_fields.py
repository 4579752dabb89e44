"""Reading the fields of an MIS export row the way schools write them.

Every import names its pupil by UPN or MIS id, writes dates as ISO or UK dates, yes/no
flags in one of several spellings and strands and steps by code; these readers turn such
text into values or record why they cannot, with the same words in every import.
"""

import re
import uuid
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import Field, dataclass, replace
from datetime import date
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from domain.assessment.framework import Framework, Step, Strand
from domain.integration.imports import RowError
from domain.kernel.calendar import AcademicYear
from domain.kernel.errors import InvariantViolation, Problem
from domain.pupils.upn import normalise as normalise_upn

#: records one problem with the row being checked: (field, reason, code)
Error = Callable[[str, str, str], None]

_YES = frozenset({"y", "yes", "true", "t", "1"})
_NO = frozenset({"n", "no", "false", "f", "0"})


@dataclass(frozen=True, slots=True)
class PupilKey:
    id: uuid.UUID
    upn: str | None
    mis_id: str | None
    archived: bool = False


class Versioned(Protocol):
    """A dataclass entity with an optimistic-locking version."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
    version: int


Record = TypeVar("Record", bound=Versioned)


@dataclass(frozen=True, slots=True)
class RecordChange(Generic[Record]):
    """A checked row: the stored record (None if new) and the record the row makes of it."""

    line: int
    before: Record | None
    after: Record

    @property
    def changed(self) -> bool:
        """New, or different in anything but its version."""
        return self.before is None or replace(self.after, version=self.before.version) != (
            self.before
        )


def value_key(text: str) -> str:
    """ "Too challenging", "too-challenging" and "TOO_CHALLENGING" are one value."""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def parse_date(text: str) -> date | None:
    """ISO dates, and the dd/mm/yyyy UK exports write."""
    try:
        return date.fromisoformat(text) if "-" in text else _uk_date(text)
    except ValueError:
        return None


def _uk_date(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def read_date(row: Mapping[str, str], field: str, error: Error) -> date | None:
    """The field's date, None when blank or unreadable (then an error is recorded)."""
    text = row.get(field, "").strip()
    if not text:
        return None
    day = parse_date(text)
    if day is None:
        error(field, f"{text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)", "format")
    return day


def read_flag(row: Mapping[str, str], field: str, error: Error) -> bool | None:
    """Yes/no in the spellings exports use (Y, Yes, True, 1 / N, No, False, 0); None if blank."""
    text = row.get(field, "").strip().lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    error(field, f"{text!r} is not yes or no (Y/N)", "one_of")
    return None


def read_academic_year(row: Mapping[str, str], error: Error) -> AcademicYear | None:
    text = row.get("academic_year", "").strip()
    try:
        return AcademicYear.parse(text)
    except (ValueError, InvariantViolation):
        error("academic_year", f"{text!r} is not an academic year like 2024/25", "format")
        return None


def add_problems(problems: Iterable[Problem], error: Error, field_of: Callable[[str], str]) -> None:
    """The domain's own verdict on the row's entity, as row errors on the file's fields."""
    for problem in problems:
        error(field_of(problem.field), problem.reason, problem.code)


class RowErrors:
    """Collects the errors of one row."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.found: list[RowError] = []

    def __call__(self, field: str, reason: str, code: str) -> None:
        self.found.append(RowError(self.line, field, reason, code))


class FirstLines:
    """The first line each natural key was accepted on, to reject it a second time."""

    def __init__(self, what: str, field: str) -> None:
        self.what = what
        self.field = field
        self.lines: dict[Hashable, int] = {}

    def repeated(self, key: Hashable, line: int) -> RowError | None:
        first = self.lines.setdefault(key, line)
        if first == line:
            return None
        return RowError(line, self.field, f"the same {self.what} as line {first}", "duplicate")


class PupilIndex:
    """A school's pupils by UPN and MIS id. Archived pupils are found only when asked for
    (leavers' destinations, results and last registers), and a current pupil wins."""

    def __init__(self, pupils: Iterable[PupilKey], include_archived: bool = False) -> None:
        self.by_upn: dict[str, uuid.UUID] = {}
        self.by_mis_id: dict[str, uuid.UUID] = {}
        chosen = [p for p in pupils if include_archived or not p.archived]
        for pupil in sorted(chosen, key=lambda p: not p.archived):  # archived first: overwritten
            if pupil.upn:
                self.by_upn[pupil.upn] = pupil.id
            if pupil.mis_id:
                self.by_mis_id[pupil.mis_id] = pupil.id

    def find(self, row: Mapping[str, str], error: Error) -> uuid.UUID | None:
        upn = normalise_upn(row.get("upn", ""))
        mis_id = row.get("mis_id", "").strip()
        if not upn and not mis_id:
            error("upn", "give the pupil's UPN or MIS id", "required")
            return None
        if upn and (found := self.by_upn.get(upn)):
            return found
        if mis_id and (found := self.by_mis_id.get(mis_id)):
            return found
        field, value = ("upn", upn) if upn else ("mis_id", mis_id)
        error(field, f"no pupil with {field} {value!r} at this school", "unknown_pupil")
        return None


class StrandIndex:
    """The strands of the frameworks a school uses, by code, and their steps."""

    def __init__(self, frameworks: Iterable[Framework]) -> None:
        self.strands: dict[str, list[tuple[Framework, Strand]]] = {}
        for framework in frameworks:
            for strand in framework.strands:
                self.strands.setdefault(strand.code.upper(), []).append((framework, strand))

    def find(self, row: Mapping[str, str], error: Error) -> tuple[Framework, Strand] | None:
        code = row.get("strand", "").strip()
        if not code:
            error("strand", "give the strand's code", "required")
            return None
        candidates = self.strands.get(code.upper(), [])
        if framework_name := row.get("framework", "").strip():
            candidates = [c for c in candidates if c[0].name.lower() == framework_name.lower()]
        if not candidates:
            error("strand", f"no strand {code!r} in a framework this school uses", "unknown_strand")
            return None
        if len(candidates) > 1:
            reason = f"strand {code!r} is in several frameworks: add a framework column"
            error("strand", reason, "ambiguous")
            return None
        return candidates[0]

    @staticmethod
    def step(framework: Framework, row: Mapping[str, str], error: Error) -> Step | None:
        code = row.get("step", "").strip()
        if not code:
            error("step", "give the step's code", "required")
            return None
        step = framework.step_by_code(code) or next(
            (s for s in framework.steps if s.code.upper() == code.upper()), None
        )
        if step is None:
            error("step", f"{code!r} is not on the {framework.name} scale", "not_on_scale")
        return step
