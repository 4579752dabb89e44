"""Which failures the adapters answer with 503 (PostgreSQL away) rather than 500 (a fault).
The restarts themselves are in tests/faults/."""

from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.exc import TimeoutError as PoolTimeout

from persistence.availability import database_unavailable, statement_timed_out
from persistence.engine import create_engine
from persistence.settings import DatabaseSettings


async def test_a_missing_socket_file_is_a_refused_connection_which_counts(
    tmp_path: Path,
) -> None:
    """asyncpg reports a vanished Unix socket as a bare FileNotFoundError; the engine's connect
    hook turns it into the refused connection it is."""
    url = f"postgresql://postgres@/postgres?host={tmp_path}/gone&port=5999"
    engine = create_engine(url, DatabaseSettings(url=url))
    try:
        with pytest.raises(ConnectionRefusedError) as raised:
            async with engine.connect():
                pass
    finally:
        await engine.dispose()

    assert isinstance(raised.value.__cause__, FileNotFoundError)
    assert database_unavailable(raised.value)


def test_a_missing_file_anywhere_else_is_a_fault() -> None:
    with pytest.raises(FileNotFoundError) as raised:
        Path("/nonexistent/stepwise/font.ttf").read_bytes()

    assert not database_unavailable(raised.value)


def test_refused_connections_and_pool_timeouts_count_also_inside_an_exception_group() -> None:
    assert database_unavailable(ConnectionRefusedError(111, "refused"))
    assert database_unavailable(PoolTimeout("QueuePool limit reached"))
    assert database_unavailable(ExceptionGroup("parts", [PoolTimeout("limit")]))
    assert not database_unavailable(ExceptionGroup("parts", [ValueError("bad")]))
    assert not database_unavailable(ValueError("bad"))


def test_postgresql_saying_it_is_starting_or_stopping_counts_but_a_constraint_does_not() -> None:
    assert database_unavailable(asyncpg.CannotConnectNowError("the database system is starting up"))
    assert database_unavailable(asyncpg.AdminShutdownError("terminating connection"))
    assert database_unavailable(asyncpg.ConnectionDoesNotExistError("closed mid-operation"))
    assert not database_unavailable(asyncpg.UniqueViolationError("duplicate key"))


def test_a_part_whose_cause_is_the_group_holding_it_is_walked_once() -> None:
    """How persistence.analytics.partitions raises a failed part: `raise part from group`."""
    part = ValueError("a part failed")
    group = ExceptionGroup("parts", [part])
    part.__cause__ = group

    assert not database_unavailable(part)
    assert not statement_timed_out(part)


def test_a_statement_timeout_is_told_apart_from_an_outage() -> None:
    cancelled = asyncpg.QueryCanceledError("canceling statement due to statement timeout")
    group = ExceptionGroup("parts", [cancelled])
    cancelled.__cause__ = group

    assert statement_timed_out(cancelled)
    assert statement_timed_out(group)
    assert not database_unavailable(cancelled)
    assert not statement_timed_out(asyncpg.UniqueViolationError("duplicate key"))
