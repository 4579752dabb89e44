"""GraphQL failures.

Mutations return expected failures as union members (ValidationProblem,
NotFoundProblem, ...). Queries raise; this extension gives domain errors a
machine-readable `extensions.code` and masks everything else, so no stack
trace, SQL or other school's data ever reaches a client. A database that cannot be
reached (PostgreSQL restarting) is SERVICE_UNAVAILABLE, which the router answers with 503
and Retry-After, as REST does.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from domain.kernel.errors import (
    Conflict,
    DomainError,
    InvariantViolation,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from persistence.availability import database_unavailable, statement_timed_out

T = TypeVar("T")
R = TypeVar("R")

CODES: dict[type[DomainError], str] = {
    NotFound: "NOT_FOUND",
    PermissionDenied: "FORBIDDEN",
    InvariantViolation: "BAD_USER_INPUT",
    Conflict: "CONFLICT",
    StaleVersion: "STALE_VERSION",
}


#: extensions.code of an error the client should retry after Retry-After
UNAVAILABLE = "SERVICE_UNAVAILABLE"
UNAVAILABLE_MESSAGE = "the database is busy or not reachable; try again shortly"
#: extensions.code of a field the database stopped at its statement timeout
TIMED_OUT = "TIMED_OUT"
TIMED_OUT_MESSAGE = (
    "the database stopped this for taking too long: ask for less at a time, or try again later"
)


def _code(error: DomainError) -> str:
    return next((code for kind, code in CODES.items() if isinstance(error, kind)), "BAD_REQUEST")


class DomainErrorCodes(MaskErrors):
    """Keep domain errors (with a code and field problems); mask the rest."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._should_mask, error_message="Unexpected error.")

    @staticmethod
    def _should_mask(error: GraphQLError) -> bool:
        """Mask what a resolver failed with, unless it is a domain error.

        Errors without a cause are GraphQL's own reports on the document. Variables that do not
        coerce (a malformed UUID or Date) are reported before execution, with no path, wrapping
        the scalar's GraphQLError: they describe the client's input, so they are kept too.
        """
        original = error.original_error
        if original is None or isinstance(original, DomainError):
            return False
        if database_unavailable(original) or statement_timed_out(original):
            return False  # replaced by a message below: the driver's text is never shown
        return not (isinstance(original, GraphQLError) and error.path is None)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = []
        for error in super()._process_errors(errors):
            original = error.original_error
            if original is not None and database_unavailable(original):
                error = GraphQLError(
                    UNAVAILABLE_MESSAGE,
                    error.nodes,
                    error.source,
                    error.positions,
                    error.path,
                    extensions={"code": UNAVAILABLE},
                )
            elif original is not None and statement_timed_out(original):
                error = GraphQLError(
                    TIMED_OUT_MESSAGE,
                    error.nodes,
                    error.source,
                    error.positions,
                    error.path,
                    extensions={"code": TIMED_OUT},
                )
            elif isinstance(original, DomainError):
                extensions: dict[str, object] = {"code": _code(original)}
                if isinstance(original, InvariantViolation):
                    extensions["errors"] = [
                        {"field": p.field, "reason": p.reason, "code": p.code}
                        for p in original.problems
                    ]
                error = GraphQLError(
                    error.message,
                    error.nodes,
                    error.source,
                    error.positions,
                    error.path,
                    original,
                    extensions,
                )
            processed.append(error)
        return processed


@strawberry.type
class FieldProblem:
    field: str
    reason: str
    code: str


@strawberry.type
class ValidationProblem:
    message: str
    errors: list[FieldProblem]


@strawberry.type
class NotFoundProblem:
    message: str


@strawberry.type
class ForbiddenProblem:
    message: str


@strawberry.type
class ConflictProblem:
    message: str
    field: str | None


@strawberry.type
class StaleVersionProblem:
    message: str
    expected_version: int
    actual_version: int | None


Problem = (
    ValidationProblem | NotFoundProblem | ForbiddenProblem | ConflictProblem | StaleVersionProblem
)


def problem_of(error: DomainError) -> Problem:
    if isinstance(error, InvariantViolation):
        return ValidationProblem(
            message=str(error),
            errors=[
                FieldProblem(field=p.field, reason=p.reason, code=p.code) for p in error.problems
            ],
        )
    if isinstance(error, NotFound):
        return NotFoundProblem(message=str(error))
    if isinstance(error, PermissionDenied):
        return ForbiddenProblem(message=error.reason)
    if isinstance(error, StaleVersion):
        return StaleVersionProblem(
            message=str(error), expected_version=error.expected, actual_version=error.actual
        )
    if isinstance(error, Conflict):
        return ConflictProblem(message=error.reason, field=error.field)
    return ValidationProblem(message=str(error), errors=[])


async def outcome(run: Callable[[], Awaitable[T]], present: Callable[[T], R]) -> R | Problem:
    """Run a use case; its result as the success member, a domain error as a problem member."""
    try:
        return present(await run())
    except DomainError as error:
        return problem_of(error)
