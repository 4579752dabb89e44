"""What can go wrong talking to Stepwise, as exceptions a caller can catch by kind.

StepwiseError
├── ApiError               the server refused (an RFC 9457 problem+json body, when it sent one)
│   ├── AuthenticationFailed   401, or the token endpoint refused the credentials
│   ├── Forbidden              403: signed in, but not allowed
│   ├── NotFound               404: absent, or outside the caller's scope
│   └── Conflict               409: e.g. an Idempotency-Key reused with a different body
├── ConnectionFailed       the server could not be reached (after the retries)
└── SchoolNotFound         no school the caller can see has that URN
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One `errors[]` entry of a problem body: which field, why, and a stable code."""

    field: str
    reason: str
    code: str


class StepwiseError(Exception):
    """Base of every error this client raises."""


class ApiError(StepwiseError):
    """A refusal from the server; `errors` names each field to fix."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        errors: list[FieldProblem] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.body = body or {}
        super().__init__(f"{status} {title}: {detail}" if detail else f"{status} {title}")

    @property
    def correlation_id(self) -> str | None:
        """The id the server logged this request under, for a support ticket."""
        value = self.body.get("correlation_id")
        return value if isinstance(value, str) else None


class AuthenticationFailed(ApiError):
    pass


class Forbidden(ApiError):
    pass


class NotFound(ApiError):
    pass


class Conflict(ApiError):
    pass


class ConnectionFailed(StepwiseError):
    """The server could not be reached, or kept answering 502/503/504, after every retry."""


class SchoolNotFound(StepwiseError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"no school with URN or id {key!r} is visible to these credentials")
