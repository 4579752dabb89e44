"""The DfE Unique Pupil Number: shape, check letter and temporary UPNs."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.pupils.upn import CHECK_ALPHABET, check_letter, is_temporary, normalise, upn_problems

DIGITS = st.text(alphabet="0123456789", min_size=11, max_size=11)
FINAL = st.sampled_from("0123456789" + CHECK_ALPHABET)


def codes(upn: str) -> list[str]:
    return [p.code for p in upn_problems(upn)]


def test_upn_check_letter_matches_the_dfe_formula_for_207000016049() -> None:
    # 2x2 + 7x4 + 1x9 + 6x10 + 4x12 + 9x13 = 266 and 266 mod 23 = 13, which is P
    # (A=0 .. H=7, J=8 .. N=12, P=13). Some MIS help pages print this example with a
    # sum of 267 and the letter Q: that is an arithmetic slip, not the DfE rule.
    assert check_letter("207000016049") == "P"
    assert upn_problems("P207000016049") == []


@pytest.mark.parametrize("upn", ["B207000016049", "Q207000016049"])
def test_upn_with_the_wrong_check_letter_names_the_expected_one(upn: str) -> None:
    [problem] = upn_problems(upn)
    assert problem.code == "upn.check_letter"
    assert problem.reason == f"wrong check letter: {upn[0]} given, P expected"


def test_upn_b801200005001_from_the_stdnum_examples_is_valid() -> None:
    assert upn_problems("B801200005001") == []
    assert codes("A801200005001") == ["upn.check_letter"]


def test_temporary_upn_ending_in_a_letter_counts_the_letter_by_its_alphabet_position() -> None:
    # digits give 80; a final A adds 13 x 0 (80 mod 23 = 11, M), a final B adds 13 x 1 (93 -> B)
    assert check_letter("80120000500A") == "M"
    assert check_letter("80120000500B") == "B"
    assert upn_problems("M80120000500A") == []
    assert upn_problems("B80120000500B") == []
    assert is_temporary("M80120000500A")
    assert not is_temporary("B801200005001")


@pytest.mark.parametrize("last", ["I", "O", "S"])
def test_temporary_upn_never_ends_in_i_o_or_s(last: str) -> None:
    [problem] = upn_problems(f"A80120000500{last}")
    assert problem.code == "upn.format"
    assert "never ends in I, O or S" in problem.reason


@pytest.mark.parametrize(
    "upn",
    [
        "",
        "B80120000500",  # 12 characters
        "B8012000050011",  # 14 characters
        "b801200005001",  # not normalised
        "8801200005001",  # a digit where the check letter goes
        "B8012000A5001",  # a letter inside the digits
        "B80120000500-",
        "B\u066801200005001",  # an Arabic-Indic eight is a digit to Python, not to the DfE
        "B801200005001\n",  # a trailing newline is not part of a UPN
    ],
)
def test_upn_of_the_wrong_shape_is_refused_as_a_format_problem(upn: str) -> None:
    assert codes(upn) == ["upn.format"]


def test_upn_problems_use_the_given_field_name() -> None:
    [problem] = upn_problems("nonsense", field="former_upn")
    assert problem.field == "former_upn"


def test_normalise_uppercases_and_drops_spaces() -> None:
    assert normalise("  b801 2000 05001 ") == "B801200005001"


def test_check_letter_is_never_i_o_or_s() -> None:
    assert set(CHECK_ALPHABET).isdisjoint("IOS")
    assert len(CHECK_ALPHABET) == 23


@given(DIGITS, FINAL)
def test_every_body_with_its_own_check_letter_is_a_valid_upn(digits: str, last: str) -> None:
    body = digits + last
    assert upn_problems(check_letter(body) + body) == []


@given(DIGITS, FINAL, st.integers(0, 11), st.integers(1, 22))
def test_changing_any_single_character_of_the_body_is_caught(
    digits: str, last: str, position: int, shift: int
) -> None:
    # weights 2..13 and changes of 1..22 are all below the prime 23, so a single
    # substitution always changes the sum mod 23
    body = digits + last
    alphabet = "0123456789" if position < 11 or last.isdigit() else CHECK_ALPHABET
    old = body[position]
    new = alphabet[(alphabet.index(old) + shift) % len(alphabet)]
    assume(new != old)
    changed = body[:position] + new + body[position + 1 :]
    assert codes(check_letter(body) + changed) == ["upn.check_letter"]


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 10))
def test_swapping_two_different_adjacent_digits_is_caught(body: str, position: int) -> None:
    # swapping a and b at weights w and w+1 changes the sum by a - b, never 0 mod 23
    a, b = body[position], body[position + 1]
    assume(a != b)
    swapped = body[:position] + b + a + body[position + 2 :]
    assert codes(check_letter(body) + swapped) == ["upn.check_letter"]
