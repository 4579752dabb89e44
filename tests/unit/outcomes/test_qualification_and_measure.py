"""Qualification entries (passes, results only when completed) and measure definitions."""

import uuid
from datetime import date

import pytest

from domain.outcomes.measure import MeasureDefinition, Subgroup
from domain.outcomes.qualification import (
    LEVEL_ORDER,
    EntryStatus,
    QualificationEntry,
    QualificationKind,
    QualificationLevel,
)

TODAY = date(2024, 9, 2)


def _entry(**changes: object) -> QualificationEntry:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "school_id": uuid.uuid4(),
        "pupil_id": uuid.uuid4(),
        "awarding_body": "Pearson",
        "title": "Functional Skills Maths",
        "level": QualificationLevel.ENTRY_3,
        "kind": QualificationKind.FUNCTIONAL_SKILLS,
        **changes,
    }
    return QualificationEntry(**fields)  # type: ignore[arg-type]


def test_levels_rank_from_pre_entry_to_level_3() -> None:
    assert [level.rank for level in LEVEL_ORDER] == [1, 2, 3, 4, 5, 6, 7]
    assert QualificationLevel.LEVEL_1.rank > QualificationLevel.ENTRY_3.rank


@pytest.mark.parametrize(
    ("status", "result", "passed"),
    [
        (EntryStatus.COMPLETED, "Distinction", True),
        (EntryStatus.COMPLETED, "Fail", False),
        (EntryStatus.COMPLETED, "u", False),
        (EntryStatus.COMPLETED, None, False),
        (EntryStatus.ENTERED, None, False),
    ],
)
def test_an_entry_passes_when_completed_without_a_fail(
    status: EntryStatus, result: str | None, passed: bool
) -> None:
    assert _entry(status=status, result=result).passed is passed


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, []),
        ({"status": EntryStatus.COMPLETED, "result": "pass", "awarded_on": TODAY}, []),
        ({"result": "pass"}, ["result"]),
        ({"status": EntryStatus.WITHDRAWN, "awarded_on": TODAY}, ["awarded_on"]),
        ({"status": EntryStatus.COMPLETED, "awarded_on": date(2024, 9, 3)}, ["awarded_on"]),
        ({"title": " ", "awarding_body": "x" * 201}, ["awarding_body", "title"]),
    ],
)
def test_an_entry_names_what_is_wrong(changes: dict[str, object], fields: list[str]) -> None:
    assert sorted(p.field for p in _entry(**changes).problems(TODAY)) == fields


def _measure(**changes: object) -> MeasureDefinition:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "name": "Attainment 5 - Premier",
        "year_group_at_leaving": " 11",
        "min_qualifications": 5,
        "min_terms_on_programme": 3,
        "school_id": uuid.uuid4(),
        **changes,
    }
    return MeasureDefinition(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, []),
        ({"trust_id": uuid.uuid4()}, ["owner"]),
        ({"school_id": None}, ["owner"]),
        ({"year_group_at_leaving": "15"}, ["year_group_at_leaving"]),
        ({"min_terms_on_programme": 7}, ["min_terms_on_programme"]),
        ({"programme_years": 3, "min_terms_on_programme": 9}, []),
        ({"programme_years": 5}, ["programme_years"]),
        ({"min_qualifications": 51}, ["min_qualifications"]),
        ({"subgroups": (Subgroup.EHCP, Subgroup.EHCP)}, ["subgroups"]),
        ({"name": ""}, ["name"]),
    ],
)
def test_a_measure_names_what_is_wrong(changes: dict[str, object], fields: list[str]) -> None:
    assert sorted(p.field for p in _measure(**changes).problems()) == fields


def test_a_measure_may_not_exclude_itself() -> None:
    measure = _measure()
    measure.excluding_id = measure.id
    assert [p.field for p in measure.problems()] == ["excluding_id"]
    assert measure.year_group_at_leaving == "11"
