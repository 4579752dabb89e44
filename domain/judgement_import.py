"""Judgement rows from an MIS or tracker export, checked against one school's catalogue.

A row names its pupil by UPN or MIS id, its strand and step by code, its module by academic
year and module number, as the schools' spreadsheets do; the catalogue (the school's pupils,
the frameworks it uses and its modules) turns those into ids, or says why it cannot.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from domain.calendar import AcademicYear, Module
from domain.errors import InvariantViolation
from domain.framework import Framework, Step, Strand
from domain.imports import RowError
from domain.judgement import JudgementKind
from domain.upn import normalise as normalise_upn

#: field -> other headings MIS and tracker exports use for it (README: "Importing")
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

#: records one problem with the row being checked: (field, reason, code)
_Error = Callable[[str, str, str], None]


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


@dataclass(frozen=True, slots=True)
class PupilKey:
    id: uuid.UUID
    upn: str | None
    mis_id: str | None


def _parse_date(text: str) -> date | None:
    """ISO dates, and the dd/mm/yyyy UK exports write."""
    try:
        return date.fromisoformat(text) if "-" in text else _uk_date(text)
    except ValueError:
        return None


def _uk_date(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


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
        self.by_upn: dict[str, uuid.UUID] = {}
        self.by_mis_id: dict[str, uuid.UUID] = {}
        for pupil in pupils:
            if pupil.upn:
                self.by_upn[pupil.upn] = pupil.id
            if pupil.mis_id:
                self.by_mis_id[pupil.mis_id] = pupil.id
        self.strands: dict[str, list[tuple[Framework, Strand]]] = {}
        for framework in frameworks:
            for strand in framework.strands:
                self.strands.setdefault(strand.code.upper(), []).append((framework, strand))
        self.modules = {(m.academic_year.label, m.sequence): m for m in modules}
        self.default_assessor = default_assessor
        self.today = today

    def check(self, line: int, row: Mapping[str, str]) -> ImportedJudgement | list[RowError]:
        errors: list[RowError] = []

        def error(field: str, reason: str, code: str) -> None:
            errors.append(RowError(line, field, reason, code))

        pupil_id = self._pupil(row, error)
        found = self._strand(row, error)
        step = self._step(found[0], row, error) if found else None
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

    def _pupil(self, row: Mapping[str, str], error: _Error) -> uuid.UUID | None:
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

    def _strand(self, row: Mapping[str, str], error: _Error) -> tuple[Framework, Strand] | None:
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

    def _step(self, framework: Framework, row: Mapping[str, str], error: _Error) -> Step | None:
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
        day = _parse_date(text)
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
