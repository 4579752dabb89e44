"""Resolving ids that arrive in a request, with the right failure for each place.

An id in the path that the caller cannot see is NotFound (404); an id in the
body that does not resolve is an InvariantViolation naming that field (422):
the request is well-formed but refers to something that is not there for them.
Resolving a pupil or a strand is in its feature (domain.pupils.references,
domain.assessment.references).
"""

from datetime import date
from typing import TypeVar

from domain.kernel.errors import NotFound, StaleVersion, invalid

T = TypeVar("T")


def found(entity: T | None, name: str, key: object) -> T:
    if entity is None:
        raise NotFound(name, key)
    return entity


def check_version(name: str, current: int, expected: int | None) -> None:
    """Optimistic concurrency: refuse when the caller edited an older version."""
    if expected is not None and expected != current:
        raise StaleVersion(name, expected, current)


def not_in_future(day: date | None, today: date, field: str) -> None:
    """Dates on which something was done (set, evaluated, moderated) cannot be ahead of today."""
    if day is not None and day > today:
        raise invalid(field, "must not be in the future", "date.future")
