"""Academic years ("2023/24", 1 September to 31 August) and a school's assessment modules."""

import uuid
from dataclasses import replace
from datetime import date

import pytest

from domain.kernel.calendar import AcademicYear, Module
from domain.kernel.errors import InvariantViolation, Problem

YEAR = AcademicYear(2023)


def test_academic_year_parses_2023_24() -> None:
    assert AcademicYear.parse("2023/24") == AcademicYear(2023)
    assert AcademicYear.parse(" 2023/24 ").start_year == 2023


def test_academic_year_across_a_century_parses() -> None:
    assert AcademicYear.parse("1999/00") == AcademicYear(1999)
    assert AcademicYear(2099).label == "2099/00"


@pytest.mark.parametrize("text", ["2023/25", "2023/23", "23/24", "2023-24", "2023/2024", ""])
def test_academic_year_refuses_other_spellings(text: str) -> None:
    with pytest.raises(InvariantViolation) as caught:
        AcademicYear.parse(text)
    assert caught.value.problems == [
        Problem("academic_year", "an academic year is written like 2023/24", "academic_year")
    ]


def test_academic_year_parse_names_the_field_it_was_given() -> None:
    with pytest.raises(InvariantViolation) as caught:
        AcademicYear.parse("2023/25", field="year")
    assert caught.value.problems[0].field == "year"


def test_academic_year_containing_turns_over_on_1_september() -> None:
    assert AcademicYear.containing(date(2024, 8, 31)) == AcademicYear(2023)
    assert AcademicYear.containing(date(2024, 9, 1)) == AcademicYear(2024)
    assert AcademicYear.containing(date(2024, 1, 1)) == AcademicYear(2023)


def test_academic_year_label_dates_and_order() -> None:
    assert YEAR.label == "2023/24"
    assert str(YEAR) == "2023/24"
    assert YEAR.starts_on == date(2023, 9, 1)
    assert YEAR.ends_on == date(2024, 8, 31)
    assert YEAR.previous() == AcademicYear(2022)
    assert AcademicYear(2022) < YEAR
    assert AcademicYear.parse(YEAR.label) == YEAR


def module(starts_on: date, ends_on: date, **overrides: object) -> Module:
    made = Module(uuid.uuid4(), uuid.uuid4(), YEAR, 1, "Autumn", starts_on, ends_on)
    return replace(made, **overrides)  # type: ignore[arg-type]


def where(found: list[Problem]) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in found]


def test_a_module_inside_its_academic_year_is_valid() -> None:
    assert module(date(2023, 9, 1), date(2024, 8, 31)).problems() == []


def test_module_dates_must_fall_within_the_academic_year() -> None:
    found = module(date(2023, 8, 31), date(2024, 9, 1)).problems()
    assert where(found) == [("starts_on", "academic_year"), ("ends_on", "academic_year")]
    assert "2023/24" in found[0].reason


def test_module_ending_before_it_starts_is_refused() -> None:
    found = module(date(2023, 12, 20), date(2023, 9, 4)).problems()
    assert where(found) == [("ends_on", "date.order")]


def test_module_name_and_sequence_are_checked() -> None:
    found = module(date(2023, 9, 4), date(2023, 12, 20), name=" ", sequence=21).problems()
    assert where(found) == [("name", "blank"), ("sequence", "range")]


def test_module_contains_and_overlaps_include_their_end_days() -> None:
    autumn = module(date(2023, 9, 4), date(2023, 12, 20))
    spring = module(date(2023, 12, 20), date(2024, 3, 28))
    summer = module(date(2024, 4, 15), date(2024, 7, 19))
    assert autumn.contains(date(2023, 9, 4))
    assert autumn.contains(date(2023, 12, 20))
    assert not autumn.contains(date(2023, 12, 21))
    assert autumn.overlaps(spring)
    assert spring.overlaps(autumn)
    assert not spring.overlaps(summer)
