"""What can go wrong in the domain, independent of any transport.

    DomainError
    ├── NotFound            the thing does not exist, or the caller may not see it
    ├── PermissionDenied    the caller may see the scope but not do this
    ├── InvariantViolation  the request breaks a rule; carries one Problem per field
    ├── Conflict            the request clashes with existing data (duplicate key, in use)
    └── StaleVersion        an optimistic-concurrency check failed (If-Match)

Adapters decide the status codes (api/errors.py); the domain only names the failure.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One machine-readable reason a request was refused."""

    field: str
    reason: str
    code: str = "invalid"


class DomainError(Exception):
    """Root of every error the domain raises on purpose."""


class NotFound(DomainError):
    def __init__(self, entity: str, key: object = None) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} not found")


class PermissionDenied(DomainError):
    def __init__(self, reason: str = "not permitted") -> None:
        self.reason = reason
        super().__init__(reason)


class InvariantViolation(DomainError):
    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in self.problems))


class Conflict(DomainError):
    def __init__(self, reason: str, field: str | None = None) -> None:
        self.reason = reason
        self.field = field
        super().__init__(reason)


class StaleVersion(DomainError):
    def __init__(self, entity: str, expected: int, actual: int | None = None) -> None:
        self.entity = entity
        self.expected = expected
        self.actual = actual
        now = f"at version {actual}" if actual is not None else "changed by someone else"
        super().__init__(f"{entity} is {now}; you edited version {expected}")


def invalid(field: str, reason: str, code: str = "invalid") -> InvariantViolation:
    """Shorthand for the common single-problem refusal."""
    return InvariantViolation(Problem(field, reason, code))
