"""Judgement rows from an MIS export, checked against one school's catalogue."""

import uuid
from datetime import date

import pytest

from domain.assessment.framework import Framework, Step, Strand
from domain.assessment.judgement_rows import (
    JUDGEMENT_COLUMNS,
    REQUIRED_COLUMNS,
    ImportedJudgement,
    JudgementCatalogue,
    PupilKey,
)
from domain.integration.imports import FileProblem, RowError, column_map
from domain.kernel.calendar import AcademicYear, Module

SCHOOL = uuid.uuid4()
PUPIL = PupilKey(uuid.uuid4(), "A123456789012", "ADM-7")


def _framework(name: str, strand_code: str) -> Framework:
    return Framework(
        id=uuid.uuid4(),
        name=name,
        trust_id=None,
        school_id=SCHOOL,
        strands=[Strand(uuid.uuid4(), strand_code, strand_code.title(), 0)],
        steps=[Step(uuid.uuid4(), f"S{n}", f"Step {n}", float(n)) for n in range(1, 5)],
    )


def _catalogue(*frameworks: Framework) -> JudgementCatalogue:
    module = Module(
        uuid.uuid4(), SCHOOL, AcademicYear(2024), 3, "Spring", date(2025, 1, 6), date(2025, 3, 28)
    )
    return JudgementCatalogue(
        [PUPIL], frameworks or [_framework("Small steps", "READ")], [module], "Importer",
        date(2025, 11, 23),
    )  # fmt: skip


def _row(**fields: str) -> dict[str, str]:
    return {"upn": PUPIL.upn or "", "strand": "READ", "academic_year": "2024/25", "module": "3",
            "step": "S2", **fields}  # fmt: skip


def test_a_row_by_mis_id_with_a_uk_date_becomes_a_judgement() -> None:
    checked = _catalogue().check(2, _row(upn="", mis_id="ADM-7", assessed_on="07/02/2025"))

    assert isinstance(checked, ImportedJudgement)
    assert checked.pupil_id == PUPIL.id
    assert checked.assessed_on == date(2025, 2, 7)
    assert checked.assessor == "Importer"


def test_a_date_missing_defaults_to_the_end_of_the_module() -> None:
    checked = _catalogue().check(2, _row())

    assert isinstance(checked, ImportedJudgement)
    assert checked.assessed_on == date(2025, 3, 28)


def test_a_strand_code_in_two_frameworks_needs_the_framework_column() -> None:
    catalogue = _catalogue(_framework("Small steps", "READ"), _framework("Engagement", "READ"))

    ambiguous = catalogue.check(2, _row())
    named = catalogue.check(3, _row(framework="engagement"))

    assert ambiguous == [RowError(2, "strand", ambiguous[0].reason, "ambiguous")]  # type: ignore[index]
    assert isinstance(named, ImportedJudgement)


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"academic_year": "24-25"}, "academic_year", "format"),
        ({"module": "three"}, "module", "format"),
        ({"kind": "final"}, "kind", "one_of"),
        ({"assessed_on": "2026-01-05"}, "assessed_on", "date.future"),
        ({"assessed_on": "2023-06-01"}, "assessed_on", "academic_year"),
        ({"upn": "", "mis_id": ""}, "upn", "required"),
        ({"note": "x" * 4001}, "note", "too_long"),
    ],
)
def test_each_bad_field_is_named_with_its_reason(
    fields: dict[str, str], field: str, code: str
) -> None:
    checked = _catalogue().check(5, _row(**fields))

    assert isinstance(checked, list)
    assert [(e.line, e.field, e.code) for e in checked] == [(5, field, code)]


def test_common_mis_headings_map_to_fields_and_unknown_columns_are_ignored() -> None:
    mapping = column_map(
        ["Adno", "Aspect", "Academic Year", "Term", "Result", "Form"], JUDGEMENT_COLUMNS,
        REQUIRED_COLUMNS,
    )  # fmt: skip

    assert mapping == {
        "Adno": "mis_id", "Aspect": "strand", "Academic Year": "academic_year",
        "Term": "module", "Result": "step",
    }  # fmt: skip


def test_a_header_without_a_required_column_is_a_file_problem() -> None:
    with pytest.raises(FileProblem) as raised:
        column_map(["UPN", "Strand", "Step"], JUDGEMENT_COLUMNS, REQUIRED_COLUMNS)

    assert raised.value.error.code == "missing_column"
    assert "academic_year" in raised.value.error.reason
