"""The DfE Unique Pupil Number and its check letter.

A UPN is 13 characters: a check letter, a 3-digit LA code, a 4-digit
establishment number, 2 digits of the year of issue and a 3-digit serial. A
temporary UPN replaces the final digit with a letter. The check letter is the
sum of each of characters 2..13 times its position, modulo 23, mapped onto the
alphabet without I, O and S (for the final letter of a temporary UPN its own
position in that alphabet counts as its value).
"""

import re

from domain.kernel.errors import Problem

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O, S
_SHAPE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]\Z")  # ASCII digits; \Z: no trailing newline


def check_letter(body: str) -> str:
    """The check letter for the 12 characters after it."""
    total = 0
    for position, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else CHECK_ALPHABET.index(char)
        total += position * value
    return CHECK_ALPHABET[total % 23]


def normalise(upn: str) -> str:
    return upn.strip().upper().replace(" ", "")


def is_temporary(upn: str) -> bool:
    return upn[-1].isalpha()


def upn_problems(upn: str, field: str = "upn") -> list[Problem]:
    """Why `upn` (already normalised) is not a valid permanent or temporary UPN."""
    if not _SHAPE.match(upn):
        return [
            Problem(
                field,
                "a UPN is a letter, 11 digits and a final digit (or letter, for a temporary UPN)",
                "upn.format",
            )
        ]
    last = upn[-1]
    if last.isalpha() and last not in CHECK_ALPHABET:
        return [Problem(field, "a temporary UPN never ends in I, O or S", "upn.format")]
    expected = check_letter(upn[1:])
    if upn[0] != expected:
        return [
            Problem(
                field,
                f"wrong check letter: {upn[0]} given, {expected} expected",
                "upn.check_letter",
            )
        ]
    return []
