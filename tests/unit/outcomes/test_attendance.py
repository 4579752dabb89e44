"""Attendance codes, how each counts, and the persistent and severe absence thresholds."""

import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.outcomes.attendance import (
    CODES,
    CODES_2024_FROM,
    AttendanceCategory,
    AttendanceMark,
    Session,
    persistent_absence,
    severe_absence,
)

A = AttendanceCategory

#: The statistical treatment the issue asks to be explicit about, restated independently.
EXPECTED = {
    A.PRESENT: {"/", "\\", "L"},
    A.APPROVED_EDUCATIONAL_ACTIVITY: {"K", "V", "P", "W", "B", "J"},
    A.AUTHORISED_ABSENCE: {"C", "C1", "C2", "M", "J1", "S", "T", "R", "I", "E", "H"},
    A.UNAUTHORISED_ABSENCE: {"G", "N", "O", "U"},
    A.NOT_COUNTED: {"D", "X", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Y", "Z", "#"},
}
WITHDRAWN_IN_2024 = {"H", "J", "Y"}
NEW_IN_2024 = {"K", "C1", "C2", "J1", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"}


@pytest.mark.parametrize(("category", "codes"), EXPECTED.items())
def test_each_code_counts_in_its_category(category: AttendanceCategory, codes: set[str]) -> None:
    assert {c for c, code in CODES.items() if code.category is category} == codes


def test_the_2024_set_has_34_codes_12_of_them_new() -> None:
    current = {c for c, code in CODES.items() if code.valid_on(CODES_2024_FROM)}
    assert len(current) == 34
    assert {c for c in CODES if CODES[c].valid_from == CODES_2024_FROM} == NEW_IN_2024
    assert set(CODES) - current == WITHDRAWN_IN_2024


def test_attended_absent_and_possible_follow_the_category() -> None:
    assert [c.attended for c in A] == [True, True, False, False, False]
    assert [c.absent for c in A] == [False, False, True, True, False]
    assert [c.possible for c in A] == [True, True, True, True, False]


@pytest.mark.parametrize(
    ("absent", "possible", "persistent", "severe"),
    [
        (10, 100, True, False),  # exactly 10%
        (99, 1000, False, False),  # 9.9%
        (1, 10, True, False),
        (5, 10, True, True),  # exactly 50%
        (499, 1000, True, False),  # 49.9%
        (0, 0, False, False),  # no possible sessions: neither
        (0, 10, False, False),
    ],
)
def test_thresholds_at_their_boundaries(
    absent: int, possible: int, persistent: bool, severe: bool
) -> None:
    assert persistent_absence(absent, possible) is persistent
    assert severe_absence(absent, possible) is severe


@given(st.integers(0, 500), st.integers(0, 500))
def test_severe_absence_is_always_persistent_absence(absent: int, attended: int) -> None:
    possible = absent + attended
    if severe_absence(absent, possible):
        assert persistent_absence(absent, possible)


def _mark(code: str, day: date) -> AttendanceMark:
    return AttendanceMark(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), day, Session.AM, code)


@pytest.mark.parametrize(
    ("code", "day", "field", "problem"),
    [
        ("/", date(2024, 9, 2), None, None),
        ("?", date(2024, 9, 2), "code", "attendance.code"),
        ("K", date(2024, 8, 18), "code", "attendance.code_date"),
        ("K", date(2024, 8, 19), None, None),
        ("H", date(2024, 8, 18), None, None),
        ("H", date(2024, 8, 19), "code", "attendance.code_date"),
        ("/", date(2024, 9, 3), "date", "date.future"),
        ("#", date(2024, 12, 20), None, None),  # planned closures are marked ahead
    ],
)
def test_a_mark_needs_a_code_valid_on_its_day(
    code: str, day: date, field: str | None, problem: str | None
) -> None:
    found = _mark(code, day).problems(today=date(2024, 9, 2), where="marks[3].")
    expected = [] if field is None else [(f"marks[3].{field}", problem)]
    assert [(p.field, p.code) for p in found] == expected
