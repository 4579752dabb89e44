"""Refusals told to the operator in a line or two, never as a traceback.

Use cases raise DomainError subclasses for requests they refuse; the CLI prints
what was refused (one line per problem, naming the field) and exits with status 1.
A database that cannot be reached, or refuses the connection, is reported the same way.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from alembic.util import CommandError
from sqlalchemy.exc import DBAPIError

from api.identity.keys import UnsafeProduction
from domain.kernel.errors import (
    Conflict,
    DomainError,
    InvariantViolation,
    NotFound,
    PermissionDenied,
)


def describe(error: DomainError) -> list[str]:
    """The lines an operator reads: what was refused, and which field to fix."""
    if isinstance(error, InvariantViolation):
        return ["Refused:", *(f"  {p.field}: {p.reason}" for p in error.problems)]
    if isinstance(error, NotFound):
        key = f" {error.key!r}" if error.key is not None else ""
        return [f"Not found: {error.entity}{key}"]
    if isinstance(error, Conflict):
        where = f" ({error.field})" if error.field else ""
        return [f"Conflict{where}: {error.reason}"]
    if isinstance(error, PermissionDenied):
        return [f"Not permitted: {error.reason}"]
    return [f"Refused: {error}"]


def fail(*lines: str) -> typer.Exit:
    """Print `lines` to stderr and return the Exit(1) for the caller to raise."""
    for line in lines:
        typer.secho(line, err=True, fg=typer.colors.RED)
    return typer.Exit(1)


@contextmanager
def reported() -> Iterator[None]:
    """Turn refusals and an unreachable database into a message and exit status 1."""
    try:
        yield
    except DomainError as error:
        raise fail(*describe(error)) from None
    except CommandError as error:
        raise fail(f"Migration refused: {error}") from None
    except UnsafeProduction as error:
        raise fail(f"Refusing to start: {error}") from None
    except OSError as error:
        raise fail(f"Cannot reach the database: {error}") from None
    except DBAPIError as error:  # a refused login, a missing database, ...
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise fail(f"The database refused: {reason}") from None
