"""Which database failures mean "PostgreSQL is not there just now" rather than a fault.

While PostgreSQL restarts, a request can fail in several ways that say nothing about the
request: the connection is refused or its socket is gone, the server answers "the database
system is shutting down / starting up / not yet accepting connections" (SQLSTATE 57P03),
a backend is terminated mid-transaction (57P01, 57P02, or the socket simply closes:
asyncpg's ConnectionDoesNotExistError, 08003), every connection is taken (53300), or no
pooled connection came free within the pool timeout (also under plain overload). A
trust-wide analysis runs its parts in a TaskGroup, so these can arrive in an exception
group. The adapters answer them with 503 and Retry-After, so clients retry. A statement the
server cancelled at statement_timeout is told apart too (the request asked too much at a time);
anything else is a fault.
"""

from collections.abc import Iterator

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

#: SQLSTATE class 08: connection exception
_CONNECTION_CLASS = "08"
#: admin shutdown, crash shutdown, cannot connect now, too many connections
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})
#: a statement cancelled by statement_timeout (or by pg_cancel_backend)
_QUERY_CANCELED = "57014"


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state if isinstance(state, str) else None


def _chain(error: BaseException) -> Iterator[BaseException]:
    """`error` and everything it wraps: the driver's error SQLAlchemy wraps, causes, contexts
    and an exception group's members, each once. A failed part of a trust analysis is raised
    with its group as its cause, and the group holds the part: a walk that did not remember
    what it had seen went round that loop until RecursionError."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        wrapped = current.orig if isinstance(current, DBAPIError) else None
        pending.extend(e for e in (wrapped, current.__cause__, current.__context__) if e)


def _unavailable_itself(error: BaseException) -> bool:
    if isinstance(error, PoolTimeout):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, ConnectionError):  # refused or reset (a vanished Unix socket is
        return True  # turned into a refused connection by persistence.engine)
    state = _sqlstate(error)
    return bool(state and (state.startswith(_CONNECTION_CLASS) or state in _UNAVAILABLE_STATES))


def database_unavailable(error: BaseException) -> bool:
    """True if `error`, or what it wraps, says the server cannot be reached or is restarting."""
    return any(_unavailable_itself(e) for e in _chain(error))


def statement_timed_out(error: BaseException) -> bool:
    """True if `error`, or what it wraps, is a statement the server cancelled for taking longer
    than statement_timeout."""
    return any(_sqlstate(e) == _QUERY_CANCELED for e in _chain(error))
