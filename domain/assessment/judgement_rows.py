"""Judgement rows from an MIS or tracker export, checked against one school's catalogue.

A row names its pupil by UPN or MIS id, its strand and step by code, its module by academic
year and module number, as the schools' spreadsheets do; the catalogue (the school's pupils,
the frameworks it uses and its modules) turns those into ids, or says why it cannot.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from domain.assessment.framework import Framework
from domain.assessment.judgement import JudgementKind
from domain.integration.import_fields import Error as _Error
from domain.integration.import_fields import PupilIndex, PupilKey, StrandIndex, parse_date
from domain.integration.imports import RowError
from domain.kernel.calendar import AcademicYear, Module
from domain.kernel.errors import InvariantViolation

__all__ = ["JUDGEMENT_COLUMNS", "REQUIRED_COLUMNS", "ImportedJudgement", "JudgementCatalogue",
           "PupilKey"]  # fmt: skip

#: field -> other headings MIS and tracker exports use for it (docs/imports.md)
JUDGEMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "upn": ("UPN", "Unique Pupil Number"),
    "mis_id": ("MIS ID", "Admission No", "Adno", "Admission Number", "Pupil ID", "External ID"),
    "framework": ("Framework", "Scheme"),
    "strand": ("Strand", "Strand Code", "Aspect", "Subject"),
    "academic_year": ("Academic Year", "Year", "Assessment Year"),
    "module": ("Module", "Module Number", "Term", "Assessment Point", "Collection"),
    "step": ("Step", "Step Code", "Result", "Grade", "Level"),
    "kind": ("Kind", "Judgement Type", "Type"),
    "assessed_on": ("Assessed On", "Date", "Assessment Date", "Date Assessed"),
    "assessor": ("Assessor", "Teacher", "Assessed By"),
    "note": ("Note", "Notes", "Comment", "Comments"),
}
REQUIRED_COLUMNS = ("strand", "academic_year", "module", "step")


@dataclass(frozen=True, slots=True)
class ImportedJudgement:
    line: int
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    module_id: uuid.UUID
    step_id: uuid.UUID
    kind: JudgementKind
    assessed_on: date
    assessor: str
    note: str

    @property
    def key(self) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
        return (self.pupil_id, self.strand_id, self.module_id)


class JudgementCatalogue:
    """What a school's judgement rows are checked against."""

    def __init__(
        self,
        pupils: Iterable[PupilKey],
        frameworks: Iterable[Framework],
        modules: Iterable[Module],
        default_assessor: str,
        today: date,
    ) -> None:
        self.pupils = PupilIndex(pupils)
        self.strand_index = StrandIndex(frameworks)
        self.modules = {(m.academic_year.label, m.sequence): m for m in modules}
        self.default_assessor = default_assessor
        self.today = today

    def check(self, line: int, row: Mapping[str, str]) -> ImportedJudgement | list[RowError]:
        errors: list[RowError] = []

        def error(field: str, reason: str, code: str) -> None:
            errors.append(RowError(line, field, reason, code))

        pupil_id = self.pupils.find(row, error)
        found = self.strand_index.find(row, error)
        step = StrandIndex.step(found[0], row, error) if found else None
        module = self._module(row, error)
        kind = self._kind(row, error)
        assessed_on = self._assessed_on(row, module, error)
        assessor = row.get("assessor", "").strip() or self.default_assessor
        note = row.get("note", "")
        if len(note) > 4000:
            error("note", "at most 4000 characters", "too_long")
        if (
            errors
            or pupil_id is None
            or found is None
            or step is None
            or module is None
            or kind is None
            or assessed_on is None
        ):
            return errors
        return ImportedJudgement(
            line, pupil_id, found[1].id, module.id, step.id, kind, assessed_on, assessor, note
        )

    def _module(self, row: Mapping[str, str], error: _Error) -> Module | None:
        year_text, number = row.get("academic_year", "").strip(), row.get("module", "").strip()
        try:
            year = AcademicYear.parse(year_text)
        except (ValueError, InvariantViolation):
            error("academic_year", f"{year_text!r} is not an academic year like 2024/25", "format")
            return None
        if not number.isdigit():
            error("module", f"{number!r} is not a module number", "format")
            return None
        module = self.modules.get((year.label, int(number)))
        if module is None:
            error("module", f"the school has no module {number} in {year.label}", "unknown_module")
        return module

    def _kind(self, row: Mapping[str, str], error: _Error) -> JudgementKind | None:
        text = row.get("kind", "").strip().lower() or JudgementKind.CHECKPOINT.value
        try:
            return JudgementKind(text)
        except ValueError:
            kinds = ", ".join(k.value for k in JudgementKind)
            error("kind", f"{text!r} is not one of {kinds}", "one_of")
            return None

    def _assessed_on(
        self, row: Mapping[str, str], module: Module | None, error: _Error
    ) -> date | None:
        text = row.get("assessed_on", "").strip()
        if not text:
            return None if module is None else min(self.today, module.ends_on)
        day = parse_date(text)
        if day is None:
            error("assessed_on", f"{text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)", "format")
            return None
        if day > self.today:
            error("assessed_on", "must not be in the future", "date.future")
        elif module is not None and not (
            module.academic_year.starts_on <= day <= module.academic_year.ends_on
        ):
            error(
                "assessed_on",
                f"outside the module's academic year {module.academic_year.label}",
                "academic_year",
            )
        return day
