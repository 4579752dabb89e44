"""A marker for "not given" in partial updates, distinct from an explicit None."""

import enum
from typing import Final, Literal, TypeAlias, TypeVar


class _Unset(enum.Enum):
    UNSET = "UNSET"


UNSET: Final = _Unset.UNSET
Unset: TypeAlias = Literal[_Unset.UNSET]

T = TypeVar("T")


def given(value: "T | Unset", current: T) -> T:
    return current if value is UNSET else value
